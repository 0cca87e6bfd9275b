import { initialState, isCatchupAppend, NodeLivenessTracker, RaftNode, type Entry, type HardState, type Membership, type Message, type NodeId, type RaftEvent, type Ready, type Snapshot } from '@herald/raft';
import type { NodeStore } from '@herald/storage';
import type { Logger } from 'pino';
import { systemClock, type Clock, type Timer } from './clock.js';
import { RaftGroup, type GroupHost, type GroupStateMachine } from './raft-group.js';
import { ReplicationThrottle } from './replication-throttle.js';

/** A raft message and the group it belongs to: the unit the transport carries. */
export interface GroupMessage {
  readonly group: string;
  readonly message: Message;
}

/** The network, as the host sees it: fire-and-forget frames to peers. */
export interface PeerSender {
  /** Sends every message for one peer of one turn, as one frame. Never throws; a lost frame is
   *  a lost message, which raft tolerates. An empty frame is the node-level liveness ping: it
   *  must reach the peer's host (Host.receive) like any other. */
  send(to: NodeId, messages: readonly GroupMessage[]): void;
  /** Bytes sent to `to` that have not left yet: the link's queue (PeerTransport). Catch-up data
   *  waits while it is over a turn's catch-up budget (Host, "Catch-up budget"). */
  backlogBytes?(to: NodeId): number;
}

/** A group whose stored term and vote cannot be trusted: it must not run on this node until an
 *  operator removes the replica's data (RELIABILITY.md: never guess a vote). */
export class UntrustedGroupError extends Error {
  constructor(readonly groupId: string, readonly problems: readonly string[]) {
    super(`group ${groupId}: stored term and vote cannot be trusted (${problems.join('; ')}); remove this replica's data and re-add it empty`);
    this.name = 'UntrustedGroupError';
  }
}

/** Raft timing in ticks, derived from the node's millisecond settings. */
export interface HostRaftSettings {
  readonly tickMs: number;
  readonly electionTicksMin: number;
  readonly electionTicksMax: number;
  readonly heartbeatTicks: number;
  readonly maxInflightAppends: number;
  readonly maxAppendBytes: number;
  readonly maxInflightBytes: number;
  /** Bytes of entry data in one catch-up Append (RaftConfig.maxCatchupAppendBytes). */
  readonly maxCatchupAppendBytes: number;
  /** Bytes of catch-up data (isCatchupAppend, snapshots) one turn sends as leader, and steps
   *  (so writes) as follower; the rest waits for later turns (Host, "Catch-up budget"). */
  readonly catchupBytesPerTurn: number;
  readonly lagTicksMax: number;
  /** Idle groups quiesce (RaftNode "Quiescence"): no ticks, no heartbeats until something
   *  happens; the node-level failure detector stands in for their election timers. */
  readonly quiesce: boolean;
}

/** What one group may set of its RaftNode's configuration (see RaftConfig). */
export interface GroupOptions {
  readonly repairingAnswers?: () => boolean;
}

/** Measurements of one turn, for metrics. */
export interface TurnStats {
  readonly groupsReady: number;
  readonly bytesWritten: number;
  readonly synced: boolean;
  readonly writeSeconds: number;
  readonly messagesSent: number;
  /** The whole turn, from its first step to its last apply. */
  readonly turnSeconds: number;
}

export interface HostOptions {
  readonly nodeId: NodeId;
  /** Every other node of the cluster at start (setPeers changes it): the failure detector pings
   *  them and judges them. */
  readonly peers: readonly NodeId[];
  readonly store: NodeStore;
  readonly sender: PeerSender;
  readonly raft: HostRaftSettings;
  readonly logger: Logger;
  /** A failed storage write: the node must stop (STYLE: storage failure is fatal). */
  readonly onFatal: (err: Error) => void;
  readonly onTurn?: (stats: TurnStats) => void;
  readonly onEvents?: (group: string, events: readonly RaftEvent[]) => void;
  /** The node lost its data: groups with nothing stored start in repair mode (config.rejoin). */
  readonly rejoin?: boolean;
  /** The client address of a node, for NotLeader hints. */
  readonly addressOf: (id: NodeId) => string;
  readonly clock?: Clock;
  /** The most campaigns a verdict queued that run at once (default: CAMPAIGNS_IN_FLIGHT, or a
   *  quarter of those queued if more). */
  readonly campaignsInFlight?: number;
}

/**
 * Drives every raft group of the node in turns. A turn steps all queued messages and ticks into
 * the groups, collects the Ready of every group touched since the last turn, makes ONE storage
 * write with ONE sync for all of them (group commit), sends the messages (one frame per peer for
 * the messages that may leave before the write, one for those that wait for it: every group's
 * heartbeats to a peer share its frame), applies committed entries (those an earlier turn made
 * durable here before the write, RaftGroup.applyDurable; the rest after it), and advances. Turns
 * never overlap: whatever arrives during a write waits for the next turn.
 *
 * A turn costs what the groups with work cost, not what all groups cost (issue #17): idle groups
 * quiesce (RaftNode "Quiescence") and leave the set of groups ticked, and only groups stepped,
 * ticked, proposed to or told of a peer's fate are asked for a Ready. The node-level failure
 * detector (NodeLivenessTracker) stands in for the election timers of quiescent groups: it pings
 * every peer from the turn (an empty frame, when no other frame goes there), hears every frame,
 * and on its verdicts calls peerDown()/peerUp() on every group (docs/design-notes.md,
 * "Quiescence", item 9).
 *
 * A catch-up (a follower behind: a wiped node, a new replica) goes within a byte budget per turn,
 * as leader (holdBack) and as follower (stepInputs), behind heartbeats, votes and the Appends of
 * caught-up followers, so that it never makes a turn long (docs/design-notes.md, "Catch-up
 * budget").
 */
export class Host implements GroupHost {
  private readonly groups = new Map<string, RaftGroup<unknown>>();
  /** Groups that are not quiescent: the only ones ticked. */
  private readonly active = new Set<RaftGroup<unknown>>();
  /** Groups that may have a Ready: the only ones the next turn asks. */
  private touched = new Set<RaftGroup<unknown>>();
  private inbound: GroupMessage[] = [];
  private pendingTicks = 0;
  private readonly liveness: NodeLivenessTracker;
  /** The other nodes of the cluster, pinged every ping interval. */
  private peers: readonly NodeId[];
  /** Peers a frame came from since the last turn (the detector hears them in the turn). */
  private heardPeers = new Set<NodeId>();
  /** Peers whose connection broke since the last turn, and how (for the verdict's log line). */
  private lostPeers = new Map<NodeId, string>();
  private pingDue = false;
  /** Groups whose leader's node was declared down, waiting to campaign, in random order, and
   *  those of them campaigning now (see startCampaigns). */
  private campaigns: RaftGroup<unknown>[] = [];
  private readonly campaigning = new Set<RaftGroup<unknown>>();
  /** How many of them may campaign at once, set by the last verdict that queued some. */
  private campaignWindow = CAMPAIGNS_IN_FLIGHT;
  private deletedGroups: string[] = [];
  private bootstraps: { id: string; snapshot: Snapshot; hardState: HardState }[] = [];
  /** Entries rewritten since the last turn, by group: stored in the next write. */
  private rewrites = new Map<string, Entry[]>();
  /** Groups compacted since the last turn: their new snapshot is stored in the next write. */
  private compactedGroups = new Set<RaftGroup<unknown>>();
  private opening: { id: string; label: string; membership: Membership; machine: GroupStateMachine<unknown>; options: GroupOptions; resolve: (g: RaftGroup<unknown>) => void; reject: (err: Error) => void }[] = [];
  private turnRunning = false;
  private turnRequested = false;
  private ticker: Timer | undefined;
  /** The ticker is a timer until the detector's next due tick (sleepOrTick); the ticks since
   *  sleptAt are counted from the clock. */
  private sleeping = false;
  private sleptAt = 0;
  private stopped = false;
  private readonly random = { nextInt: (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1)) };
  /** Term and vote last written per group: only their change needs a sync on its own. */
  private readonly syncedVotes = new Map<string, { readonly term: number; readonly vote: NodeId }>();
  private idleWaiters: (() => void)[] = [];
  /** The budget of Appends to learners (setReplicationThrottle). */
  private readonly throttle: ReplicationThrottle;
  /** Catch-up messages waiting for a later turn's budget, oldest first (holdBack), and how many
   *  wait per group and follower (`group/to`): a later Append of theirs waits behind them. */
  private catchup: { group: string; message: Message; bytes: number; learner: boolean }[] = [];
  private catchupWaiting = new Map<string, number>();
  /** What is left of this turn's catch-up budget, whether anything took from it yet, and the
   *  `group/to` pairs with catch-up in this turn's frames (their later Appends follow them). */
  private catchupLeft = 0;
  private catchupSent = false;
  private catchupSending = new Set<string>();
  /** Catch-up data released to each peer and not yet acknowledged (window()): per group, the
   *  last index and bytes of each Append or snapshot, oldest first, and the sum per peer. */
  private readonly unacked = new Map<NodeId, { readonly groups: Map<string, { lastIndex: number; bytes: number; atMs: number }[]>; bytes: number; expireAtMs: number }>();
  readonly clock: Clock;

  constructor(private readonly options: HostOptions) {
    this.clock = options.clock ?? systemClock;
    this.peers = options.peers;
    this.throttle = new ReplicationThrottle(() => this.clock.now());
    const s = options.raft;
    // Pings every minimum election timeout (300 ms by default: four pings per timeout, and an
    // idle node's whole cost is its pings, each a TLS frame out and one in per peer); down after
    // twice the maximum election timeout of silence (1.2 s by default), or at once on a
    // connection reset (a killed process). Not after the
    // minimum election timeout: one verdict fails over every group the peer leads at once, so a
    // peer whose turns stalled for 300 ms (a loaded machine creating 10,000 partitions) lost all
    // of them together, and the elections made the next turns slower still (test/bench/scale.ts).
    // Per-group timers spread such stalls over 300-600 ms of random timeouts; one node-level
    // verdict cannot, so it waits longer and is sure.
    this.liveness = new NodeLivenessTracker({ self: options.nodeId, peers: options.peers, pingTicks: s.electionTicksMin, timeoutTicks: 2 * s.electionTicksMax });
  }

  get nodeId(): NodeId {
    return this.options.nodeId;
  }

  addressOf(id: NodeId): string {
    return this.options.addressOf(id);
  }

  /** The cluster's nodes changed (the meta state's list): new peers are pinged and judged from
   *  now on, removed ones no more. */
  setPeers(peers: readonly NodeId[]): void {
    const next = new Set(peers);
    for (const peer of this.peers) if (!next.has(peer)) this.liveness.forget(peer);
    for (const peer of peers) this.liveness.watch(peer);
    this.peers = peers.filter((id) => id !== this.options.nodeId);
  }

  /** Limits the log data this node's leaders send to learners to `bytesPerSecond` in all (0:
   *  no limit): a reassignment's new replicas catch up without starving the partitions' own
   *  replication (ReplicationThrottle). Appends over the budget wait, in order, for later turns,
   *  with the catch-up traffic that waits for the per-turn budget (holdBack). */
  setReplicationThrottle(bytesPerSecond: number): void {
    this.throttle.rate = bytesPerSecond;
  }

  start(): void {
    this.tickEvery();
  }

  /** Ticks every tickMs, each tick asking for a turn. */
  private tickEvery(): void {
    this.sleeping = false;
    this.ticker = this.clock.setInterval(() => {
      this.pendingTicks++;
      this.schedule();
    }, this.options.raft.tickMs);
  }

  /** Whether no tick can matter before the failure detector's next due one: no group is ticked,
   *  and no campaign or held-back catch-up message waits for a turn. */
  private asleep(): boolean {
    return this.active.size === 0 && this.touched.size === 0 && this.campaigns.length === 0 && this.catchup.length === 0;
  }

  /**
   * After a run of turns: a host with nothing to tick (asleep()) sleeps until its failure
   * detector's next due tick (a ping to send, or a verdict on a peer still silent then), with one
   * timer instead of a tick every tickMs; one with something to tick ticks again. An idle node's
   * wake-ups were its ticks, 20 a second by default, each a turn, for groups that all slept;
   * now they are its pings and the frames it hears. Ticks that pass while sleeping are counted
   * from the clock (creditSleep) at the next turn, whatever asks for it (a frame heard, a
   * proposal, the timer), and the detector steps them all (stepInputs).
   */
  private sleepOrTick(): void {
    if (this.stopped) return;
    if (!this.asleep()) {
      if (this.sleeping) {
        this.creditSleep();
        this.ticker?.cancel();
        this.tickEvery();
      }
      return;
    }
    if (!this.sleeping) {
      this.ticker?.cancel();
      this.sleeping = true;
      this.sleptAt = this.clock.now();
    }
    this.creditSleep();
    const due = this.liveness.ticksUntilDue() - this.pendingTicks;
    if (due <= 0) {
      this.schedule();
      return;
    }
    this.ticker?.cancel();
    this.ticker = this.clock.setTimeout(
      () => {
        this.creditSleep();
        this.schedule();
      },
      due * this.options.raft.tickMs - (this.clock.now() - this.sleptAt),
    );
  }

  /** While sleeping: counts the whole ticks that passed since the last count, up to the failure
   *  detector's next due tick. Time past it passed without the turn the sleep timer asks for at
   *  that tick: a stall of this process (GC, a starved CPU), which is no silence of the peers
   *  (their frames wait unread behind it), so it does not count, as a ticker's one late tick
   *  after a stall never counted it. */
  private creditSleep(): void {
    if (!this.sleeping) return;
    const tickMs = this.options.raft.tickMs;
    const now = this.clock.now();
    const elapsed = Math.floor((now - this.sleptAt) / tickMs);
    const credited = Math.max(0, Math.min(elapsed, this.liveness.ticksUntilDue() - this.pendingTicks));
    this.pendingTicks += credited;
    this.sleptAt = credited < elapsed ? now : this.sleptAt + credited * tickMs;
  }

  /** Stops ticking and waits for the turn in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ticker?.cancel();
    for (const request of this.opening.splice(0)) request.reject(new Error(`node stopping; group ${request.id} not opened`));
    while (this.turnRunning) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  group(id: string): RaftGroup<unknown> | undefined {
    return this.groups.get(id);
  }

  /**
   * Opens a Raft group: from its stored state if there is any, else as a new member of
   * `membership`. A group whose storage failed its checks is opened in repair mode: it neither
   * votes nor campaigns until a leader has given it back everything it may have acknowledged.
   * The store is read between turns, never while a turn's batch is being written. `label` names
   * the group in messages to clients.
   */
  openGroup<Outcome>(id: string, label: string, membership: Membership, machine: GroupStateMachine<Outcome>, options: GroupOptions = {}): Promise<RaftGroup<Outcome>> {
    const existing = this.groups.get(id);
    if (existing !== undefined) return Promise.resolve(existing as RaftGroup<Outcome>);
    return new Promise((resolve, reject) => {
      this.opening.push({ id, label, membership, machine: machine as GroupStateMachine<unknown>, options, resolve: resolve as (g: RaftGroup<unknown>) => void, reject });
      this.schedule();
    });
  }

  private async openPending(): Promise<void> {
    for (const request of this.opening.splice(0)) {
      try {
        request.resolve(await this.load(request.id, request.label, request.membership, request.machine, request.options));
      } catch (err) {
        request.reject(err as Error);
      }
    }
  }

  private async load(id: string, label: string, membership: Membership, machine: GroupStateMachine<unknown>, options: GroupOptions): Promise<RaftGroup<unknown>> {
    const existing = this.groups.get(id);
    if (existing !== undefined) return existing;
    const loaded = await this.options.store.load(id);
    if (loaded.fatal) throw new UntrustedGroupError(id, loaded.problems);
    for (const problem of loaded.problems) this.options.logger.error({ group: id, problem }, 'stored raft state failed its checks; repairing from peers');
    const persisted = loaded.state ?? initialState(membership);
    // A new group's initial membership is written with its first Ready, before any message.
    if (loaded.state === null) this.bootstraps.push({ id, snapshot: persisted.snapshot, hardState: persisted.hardState });
    const s = this.options.raft;
    const raft = new RaftNode(
      {
        id: this.options.nodeId,
        electionTicksMin: s.electionTicksMin,
        electionTicksMax: s.electionTicksMax,
        heartbeatTicks: s.heartbeatTicks,
        preVote: true,
        checkQuorum: true,
        maxInflightAppends: s.maxInflightAppends,
        maxAppendBytes: s.maxAppendBytes,
        maxInflightBytes: s.maxInflightBytes,
        maxCatchupAppendBytes: s.maxCatchupAppendBytes,
        lagTicksMax: s.lagTicksMax,
        prng: this.random,
        logger: this.options.logger.child({ group: id }),
        ...(s.quiesce ? { liveness: this.liveness } : {}),
        ...(options.repairingAnswers === undefined ? {} : { repairingAnswers: options.repairingAnswers }),
      },
      // A rejoining node does not know what it acknowledged before it lost its disk.
      { ...persisted, repairIndex: loaded.state === null && this.options.rejoin === true ? Number.MAX_SAFE_INTEGER : loaded.repairIndex },
    );
    if (persisted.snapshot.meta.index > 0) machine.restore(persisted.snapshot);
    const group = new RaftGroup(id, raft, machine, this, label);
    this.groups.set(id, group);
    this.active.add(group);
    this.touched.add(group);
    this.syncedVotes.set(id, { term: persisted.hardState.term, vote: persisted.hardState.vote });
    return group;
  }

  /** See RaftGroup.compact. */
  compacted(group: RaftGroup<unknown>): void {
    this.compactedGroups.add(group);
    this.schedule(group);
  }

  /** See RaftGroup.rewrite. */
  rewritten(group: RaftGroup<unknown>, entry: Entry): void {
    const list = this.rewrites.get(group.id) ?? [];
    list.push(entry);
    this.rewrites.set(group.id, list);
    this.schedule();
  }

  /** Closes a Raft group and deletes its stored state in the next turn's write. */
  deleteRaftGroup(id: string): void {
    const group = this.groups.get(id);
    if (group === undefined) return;
    this.groups.delete(id);
    this.active.delete(group);
    this.touched.delete(group);
    this.syncedVotes.delete(id);
    this.deletedGroups.push(id);
    this.schedule();
  }

  /** A frame from peer `from` (an empty one is its liveness ping): the failure detector hears
   *  the peer, and the messages are stepped, in the next turn. */
  receive(from: NodeId, messages: readonly GroupMessage[]): void {
    this.heardPeers.add(from);
    for (const m of messages) this.inbound.push(m);
    this.schedule();
  }

  /** The connection to a peer reset or its stream ended (a killed process resets its sockets at
   *  once; a clean stop ends its streams first): the failure detector declares it down in the
   *  next turn, the groups it leads campaign then without waiting for an election timeout, and
   *  every group led here drops it from the ISR at once (as Kafka's controller does for a broker
   *  it declares dead), so that acks ALL does not wait replica.lag.time.max.ms for a node that
   *  is gone; it rejoins the ISR once it answers holding the whole log. */
  peerLost(peer: NodeId, why = 'its connection broke'): void {
    this.lostPeers.set(peer, why);
    this.schedule();
  }

  /** Groups hosted here, and how many of them are quiescent (not ticked), for metrics. */
  groupCounts(): { readonly groups: number; readonly active: number } {
    return { groups: this.groups.size, active: this.active.size };
  }

  /** Asks for a turn soon; many requests before it runs make one turn. `group` has something
   *  for it (a proposal, a campaign): the turn asks it for a Ready. */
  schedule(group?: RaftGroup<unknown>): void {
    if (group !== undefined) this.touched.add(group);
    if (this.stopped) return;
    if (this.turnRunning) {
      this.turnRequested = true;
      return;
    }
    if (this.turnRequested) return;
    this.turnRequested = true;
    setImmediate(() => void this.runTurns());
  }

  private async runTurns(): Promise<void> {
    if (this.turnRunning) return;
    this.turnRunning = true;
    try {
      while (this.turnRequested && !this.stopped) {
        this.turnRequested = false;
        await this.turn();
      }
    } catch (err) {
      this.stopped = true;
      this.ticker?.cancel();
      this.options.onFatal(err as Error);
    } finally {
      this.turnRunning = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
    this.sleepOrTick();
  }

  private async turn(): Promise<void> {
    const turnStarted = performance.now();
    await this.openPending();
    const ticks = this.pendingTicks;
    const inbound = this.inbound.length;
    this.stepInputs();
    const store = this.options.store;
    const batch = store.batch();
    let sync = false;
    const work: { group: RaftGroup<unknown>; ready: Ready }[] = [];
    const outbox = new Map<NodeId, GroupMessage[]>();
    const early = new Map<NodeId, GroupMessage[]>();
    for (const id of this.deletedGroups.splice(0)) batch.deleteGroup(id);
    for (const [id, entries] of this.rewrites) if (this.groups.has(id)) batch.rewrite(id, entries);
    this.rewrites = new Map();
    for (const b of this.bootstraps.splice(0)) {
      if (this.groups.has(b.id)) batch.installSnapshot(b.id, b.snapshot).setHardState(b.id, b.hardState);
    }
    this.catchupLeft = this.options.raft.catchupBytesPerTurn;
    this.catchupSent = false;
    this.catchupSending = new Set();
    const bulk = new Map<NodeId, GroupMessage[]>();
    this.releaseCatchup(bulk);
    const touched = this.touched;
    this.touched = new Set();
    for (const group of touched) {
      // A group deleted since it was touched is gone.
      if (this.groups.get(group.id) !== group) continue;
      if (group.isQuiescent()) this.active.delete(group);
      else this.active.add(group);
      if (!group.hasReady()) continue;
      const ready = group.ready();
      if (ready.snapshot !== null) {
        batch.installSnapshot(group.id, ready.snapshot);
        sync = true;
      }
      if (ready.entries.length > 0) {
        batch.append(group.id, ready.entries);
        sync = true;
      }
      if (ready.hardState !== null) {
        batch.setHardState(group.id, ready.hardState);
        // Term and vote must be durable before the messages that depend on them; a commit index
        // alone may lag on disk (it is re-learned from the leader).
        const { term, vote } = ready.hardState;
        const synced = this.syncedVotes.get(group.id);
        if (synced?.term !== term || synced.vote !== vote) {
          this.syncedVotes.set(group.id, { term, vote });
          sync = true;
        }
      }
      for (const message of ready.messages) {
        if (!this.holdBack(group, message, bulk)) addTo(sendsBeforeWrite(message) ? early : outbox, message.to, { group: group.id, message });
      }
      work.push({ group, ready });
    }
    // After this turn's entries (and any snapshot received), so that the batch's operations on
    // one group stay in order. No sync of its own: a compaction lost in a crash leaves the older
    // snapshot and the entries, which describe the same state.
    for (const group of this.compactedGroups) if (this.groups.get(group.id) === group) batch.compact(group.id, group.snapshot());
    this.compactedGroups.clear();
    let messagesSent = 0;
    const sendAll = (box: Map<NodeId, GroupMessage[]>) => {
      for (const [peer, messages] of box) {
        this.options.sender.send(peer, messages);
        messagesSent += messages.length;
      }
    };
    if (this.pingDue) {
      // Any frame is a ping: an empty one goes only where nothing else does this turn.
      this.pingDue = false;
      for (const peer of this.peers) if (!early.has(peer) && !outbox.has(peer)) early.set(peer, []);
    }
    sendAll(early);
    if (work.length === 0 && batch.byteSize === 0) {
      sendAll(bulk);
      return;
    }
    for (const { group, ready } of work) group.applyDurable(ready);
    const started = performance.now();
    if (batch.byteSize > 0) await batch.write({ sync });
    const writeSeconds = (performance.now() - started) / 1000;
    sendAll(outbox);
    // Catch-up last, in frames of their own: a peer reads this turn's heartbeats, votes and
    // answers before it reads the data.
    sendAll(bulk);
    for (const { group, ready } of work) {
      // A group deleted during the write is gone: its state machine no longer matters.
      if (this.groups.get(group.id) !== group) continue;
      const events = group.finishTurn(ready);
      if (events.length > 0) this.options.onEvents?.(group.id, events);
      if (group.hasReady()) {
        this.touched.add(group);
        this.turnRequested = true;
      }
    }
    if (this.campaigns.length > 0) this.startCampaigns();
    const turnMs = performance.now() - turnStarted;
    // A turn this long silences every group of the node for an election timeout: leaders lose
    // their followers, followers their leaders. Worth a line: it names the write that did it.
    const settings = this.options.raft;
    if (turnMs > settings.electionTicksMin * settings.tickMs) {
      this.options.logger.warn({ turnMs: Math.round(turnMs), writeMs: Math.round(writeSeconds * 1000), bytes: batch.byteSize, ticks, inbound, messagesSent }, 'host turn took longer than an election timeout');
    }
    this.options.onTurn?.({ groupsReady: work.length, bytesWritten: batch.byteSize, synced: sync, writeSeconds, messagesSent, turnSeconds: turnMs / 1000 });
  }

  /**
   * Routes catch-up traffic (Host, "Catch-up budget"): a catch-up Append (isCatchupAppend), a
   * snapshot, or an Append with entries to a learner while the replication throttle is on goes
   * into `bulk` if this turn's budget (and, for a learner, the throttle) lets it through and
   * nothing waits before it; otherwise it waits, in order, for a later turn. Every later Append
   * of the same group to the same follower follows it, into `bulk` or the queue, so that they
   * arrive in order (an Append overtaking another makes the follower reject it, and the leader
   * send everything since its match index again). Returns whether the message was taken; any
   * other message leaves as usual.
   */
  private holdBack(group: RaftGroup<unknown>, message: Message, bulk: Map<NodeId, GroupMessage[]>): boolean {
    if (message.type !== 'Append' && message.type !== 'InstallSnapshot') return false;
    const learner = this.throttle.rate > 0 && message.type === 'Append' && message.entries.length > 0 && group.membership().learners.includes(message.to);
    const catchup = learner || message.type === 'InstallSnapshot' || isCatchupAppend(message);
    if (!catchup && this.catchupWaiting.size === 0 && this.catchupSending.size === 0) return false;
    const key = `${group.id}/${message.to}`;
    if (!catchup && !this.catchupWaiting.has(key) && !this.catchupSending.has(key)) return false;
    const bytes = catchup ? (dataBytes(message) ?? 0) : 0;
    if (this.catchup.length === 0 && !(catchup && this.linkBusy(message.to)) && this.takeCatchupBudget(bytes, learner)) {
      if (bytes > 0) this.sentCatchup(group.id, message, bytes);
      addTo(bulk, message.to, { group: group.id, message });
      this.catchupSending.add(key);
      return true;
    }
    this.catchup.push({ group: group.id, message, bytes, learner });
    this.catchupWaiting.set(key, (this.catchupWaiting.get(key) ?? 0) + 1);
    return true;
  }

  /** Takes `bytes` from this turn's catch-up budget and, for a learner, from the replication
   *  throttle, if both allow. The first catch-up message of a turn always fits the turn's
   *  budget, so that one larger than the budget is not held forever. */
  private takeCatchupBudget(bytes: number, learner: boolean): boolean {
    if (this.catchupSent && bytes > this.catchupLeft) return false;
    if (learner && !this.throttle.take(bytes)) return false;
    this.catchupLeft -= bytes;
    if (bytes > 0) this.catchupSent = true;
    return true;
  }

  /**
   * Whether catch-up data for `peer` must wait: its link holds more unsent bytes than a turn's
   * catch-up budget, or more than two turns' budget of it is unacknowledged (window()). Without
   * this, a leader whose catch-up went out
   * faster than the peer read it (a loaded peer, a slow link) queued tens of megabytes on the
   * link, and its heartbeats and liveness pings, written behind them, arrived seconds late: the
   * peer declared it down every second or two and its groups campaigned, for minutes (a chaos
   * campaign's corrupt fault: a node repairing 19 groups from one leader).
   */
  private linkBusy(peer: NodeId): boolean {
    const budget = this.options.raft.catchupBytesPerTurn;
    return (this.options.sender.backlogBytes?.(peer) ?? 0) > budget || this.window(peer) > CATCHUP_WINDOW_TURNS * budget;
  }

  /**
   * Catch-up bytes released to `peer` and not acknowledged yet: what is on the way to it, in
   * buffers the link cannot count (grpc's own, HTTP/2's window, the sockets', a proxy's) or
   * waiting in its host to be stepped. linkBusy() keeps it under a few turns' budget, so that
   * the peer's heartbeats and pings wait behind little, however slowly it reads: the link's own
   * backlog bounds only what it holds itself. An acknowledgement lost (raft tolerates it)
   * would hold the window forever; entries older than CATCHUP_ACK_WAIT_MS are dropped.
   */
  private window(peer: NodeId): number {
    const state = this.unacked.get(peer);
    if (state === undefined) return 0;
    // The pass over the peer's groups runs a few times per wait at most, not per message: a
    // rejoining node of a 10,000-partition cluster catches up thousands of groups at once.
    const now = this.clock.now();
    if (now >= state.expireAtMs) {
      state.expireAtMs = now + CATCHUP_ACK_WAIT_MS / 10;
      for (const [group, sent] of state.groups) {
        while (sent.length > 0 && sent[0]!.atMs < now - CATCHUP_ACK_WAIT_MS) state.bytes -= sent.shift()!.bytes;
        if (sent.length === 0) state.groups.delete(group);
      }
    }
    return state.bytes;
  }

  /** A catch-up Append or snapshot of `group` was released to its follower. */
  private sentCatchup(group: string, message: Message, bytes: number): void {
    const lastIndex = message.type === 'Append' ? message.prevIndex + message.entries.length : message.type === 'InstallSnapshot' ? message.snapshot.meta.index : 0;
    let state = this.unacked.get(message.to);
    if (state === undefined) this.unacked.set(message.to, (state = { groups: new Map(), bytes: 0, expireAtMs: 0 }));
    let sent = state.groups.get(group);
    if (sent === undefined) state.groups.set(group, (sent = []));
    sent.push({ lastIndex, bytes, atMs: this.clock.now() });
    state.bytes += bytes;
  }

  /** `peer` answered an Append of `group`: what it now holds is acknowledged; a rejection
   *  acknowledges everything (raft sends again what it still needs). */
  private ackedCatchup(group: string, peer: NodeId, matchIndex: number | null): void {
    const state = this.unacked.get(peer);
    const sent = state?.groups.get(group);
    if (state === undefined || sent === undefined) return;
    while (sent.length > 0 && (matchIndex === null || sent[0]!.lastIndex <= matchIndex)) state.bytes -= sent.shift()!.bytes;
    if (sent.length === 0) state.groups.delete(group);
  }

  /** Moves into `bulk`, oldest first, the waiting catch-up messages this turn's budget lets
   *  through, skipping those to peers whose links are busy (linkBusy; every message to such a
   *  peer waits, so each group's stay in order). Those of a group deleted meanwhile are dropped
   *  (raft resends what matters). */
  private releaseCatchup(bulk: Map<NodeId, GroupMessage[]>): void {
    const busy = new Map<NodeId, boolean>();
    const kept: typeof this.catchup = [];
    let open = true;
    for (const item of this.catchup) {
      if (!this.groups.has(item.group)) {
        this.forgetWaiting(item);
        continue;
      }
      const to = item.message.to;
      let linkBusy = busy.get(to);
      if (linkBusy === undefined) busy.set(to, (linkBusy = this.linkBusy(to)));
      if (open && !linkBusy && !this.takeCatchupBudget(item.bytes, item.learner)) open = false;
      if (!open || linkBusy) {
        kept.push(item);
        continue;
      }
      if (item.bytes > 0) this.sentCatchup(item.group, item.message, item.bytes);
      addTo(bulk, to, { group: item.group, message: item.message });
      this.catchupSending.add(`${item.group}/${to}`);
      this.forgetWaiting(item);
    }
    this.catchup = kept;
  }

  /** Drops the catch-up messages waiting for `peer` (declared down): what it misses, raft sends
   *  again once it answers. */
  private dropCatchup(peer: NodeId): void {
    this.catchup = this.catchup.filter((item) => {
      if (item.message.to !== peer) return true;
      this.forgetWaiting(item);
      return false;
    });
  }

  private forgetWaiting(item: { group: string; message: Message }): void {
    const key = `${item.group}/${item.message.to}`;
    const left = (this.catchupWaiting.get(key) ?? 1) - 1;
    if (left > 0) this.catchupWaiting.set(key, left);
    else this.catchupWaiting.delete(key);
  }

  /**
   * Steps what arrived since the last turn, then the ticks that passed. Messages go first: they
   * arrived while those ticks passed (mostly during the last turn's write), and a leader that
   * ticked first would count its followers silent and step down by CheckQuorum with their
   * answers waiting here; a follower would campaign with its leader's heartbeat waiting here.
   * Ticks are capped at half an election timeout per turn, so that a turn can never run two
   * CheckQuorum rounds, or time a follower out, with no message stepped in between: a node
   * whose turns are slow (a long write) lets its logical clock run slow rather than depose a
   * healthy leader. Found with a wiped node's catch-up (test/bench/rejoin-catchup.ts): a 2.2 s
   * write of 51 MB made the node step down as meta leader on the next turn.
   *
   * Catch-up data (catch-up Appends, isCatchupAppend, and snapshots) is stepped up to
   * catchupBytesPerTurn per turn (at least one message); the data beyond it, and every later
   * Append of the same group, waits for the next turn, in order per group, as if the network
   * had delayed it. Appends of groups caught up, heartbeats and votes are always stepped. What a turn writes is what it stepped, and a turn is as long as its write: a
   * node catching up many groups at once (every leader keeps up to maxInflightBytes in flight to
   * it per group) would otherwise write them all in one turn and answer nothing, not even the
   * heartbeats of the groups it follows or leads, until that write ends. Measured with two wiped
   * replicas of three: 5 MB writes took 350 to 800 ms on a loaded machine, and the one intact
   * leader stepped down by CheckQuorum after each election, nine times in 20 s.
   */
  private stepInputs(): void {
    if (this.sleeping) {
      // The frames waiting here arrived at the end of the sleep: the detector steps the ticks
      // slept before it hears them, short of its next due tick (so that nothing is due yet, and a
      // peer whose frame is here is not declared down first), lest they count as heard long ago.
      this.creditSleep();
      const before = Math.min(this.pendingTicks, this.liveness.ticksUntilDue()) - 1;
      for (let i = 0; i < before; i++) this.liveness.tick();
      if (before > 0) this.pendingTicks -= before;
    }
    // Heard before lost: a killed peer's last frames and its connection reset may come in one
    // turn, and it must end down. A restarted peer's next ping brings it back.
    for (const peer of this.heardPeers) if (this.liveness.heard(peer)) this.onVerdict(peer, true);
    this.heardPeers = new Set();
    for (const [peer, why] of this.lostPeers) if (this.liveness.connectionLost(peer)) this.onVerdict(peer, false, why);
    this.lostPeers = new Map();
    const inbound = this.inbound;
    this.inbound = [];
    const budget = this.options.raft.catchupBytesPerTurn;
    let stepped = 0;
    const waiting = new Set<string>();
    for (const item of inbound) {
      const { group: id, message } = item;
      const bytes = dataBytes(message);
      const catchup = bytes !== null && (message.type === 'InstallSnapshot' || isCatchupAppend(message));
      if (bytes !== null && (waiting.has(id) || (catchup && stepped > 0 && stepped + bytes > budget))) {
        waiting.add(id);
        this.inbound.push(item);
        continue;
      }
      if (catchup) stepped += bytes;
      // A message for a group this node does not host (yet): raft retries, so dropping is safe.
      const group = this.groups.get(id);
      if (group === undefined) continue;
      // A message from a node declared down arrived before its connection reset (any later frame
      // brings the node back up first, above): lost, as raft allows. Stepped, a dead leader's
      // last heartbeat would make the followers that just forgot it follow it again, quiescent,
      // with no verdict left to come (the host test of deferred campaigns found it).
      if (!this.liveness.isLive(message.from)) continue;
      if (message.type === 'AppendResponse') this.ackedCatchup(id, message.from, message.rejected ? null : message.matchIndex);
      group.step(message);
      this.touched.add(group);
    }
    if (this.inbound.length > 0) this.turnRequested = true;
    const ticks = Math.min(this.pendingTicks, ticksPerTurnMax(this.options.raft));
    // With no group active (as of the last turn), the ticks that passed are ones an idle host let
    // pass without a turn (start()), not ones a slow turn held back: the detector steps them all.
    const livenessTicks = this.active.size === 0 ? this.pendingTicks : ticks;
    this.pendingTicks = 0;
    for (let i = 0; i < livenessTicks; i++) {
      const { down, ping } = this.liveness.tick();
      for (const peer of down) this.onVerdict(peer, false, 'no frame from it within the liveness timeout');
      if (ping) this.pingDue = true;
      if (i < ticks) for (const group of this.active) group.tick();
    }
    if (ticks > 0) for (const group of this.active) this.touched.add(group);
  }

  /** The failure detector changed its verdict on `peer`: every group hears it (a follower of a
   *  leader there forgets it and queues a campaign; a quiescent leader whose quorum it broke, or
   *  that it belongs to when back, wakes). Rare, so a pass over every group is fine. The queued
   *  campaigns are shuffled: the other survivors queue theirs in another order, so each group is
   *  most often campaigned for first by one of them, which the others then vote for, and the
   *  leaderships spread over the survivors instead of all going to the lowest id. */
  private onVerdict(peer: NodeId, live: boolean, why?: string): void {
    const queued: RaftGroup<unknown>[] = [];
    if (!live) {
      this.dropCatchup(peer);
      this.unacked.delete(peer);
    }
    for (const group of this.groups.values()) {
      if (live) group.peerUp(peer);
      else if (group.peerDown(peer)) queued.push(group);
      this.touched.add(group);
    }
    for (let i = queued.length - 1; i > 0; i--) {
      const j = this.random.nextInt(0, i);
      [queued[i], queued[j]] = [queued[j]!, queued[i]!];
    }
    for (const group of queued) this.campaigns.push(group);
    // In four waves at most: every wave costs the election's turns their fixed share (a write, a
    // frame, the wait for the CPU on a loaded machine), so small windows over thousands of groups
    // were slower than all at once (10,000 partitions: p50 12 s with 200, 5.4 s all at once).
    if (queued.length > 0) this.campaignWindow = this.options.campaignsInFlight ?? Math.max(CAMPAIGNS_IN_FLIGHT, Math.ceil(this.campaigns.length / 4));
    const what = live ? 'peer node up again' : 'peer node down; its groups fail over';
    this.options.logger.info({ peer, groups: this.groups.size, ...(live ? {} : { campaigns: queued.length, why }) }, what);
  }

  /**
   * Starts campaigns that verdicts queued (onVerdict) while fewer than campaignWindow of those
   * started here are still campaigning (as of the turn that just ended); their Readies go
   * out in the next turn. Each campaign costs every later turn of its election its share
   * (pre-votes, votes, the hard state, the new leader's first Appends, on this node and its
   * peers): thousands at once made turns of seconds (test/bench/scale.ts: 3,400 partitions
   * failed over in 29 s, half in 14 s), during which every other group of the node went unheard.
   * A window of elections in flight keeps the turns of every node involved short, and pipelines
   * the elections at the pace the nodes answer, so that the first partitions have a leader
   * within a few turns instead of all at the end.
   */
  private startCampaigns(): void {
    for (const group of this.campaigning) if (!group.isCampaigning() || this.groups.get(group.id) !== group) this.campaigning.delete(group);
    let taken = 0;
    while (taken < this.campaigns.length && this.campaigning.size < this.campaignWindow) {
      const group = this.campaigns[taken++]!;
      if (this.groups.get(group.id) !== group || !group.campaignIfPending()) continue;
      this.campaigning.add(group);
      this.schedule(group);
    }
    this.campaigns.splice(0, taken);
  }
}

/** Adds a message to the frame for `to` of a turn. */
function addTo(box: Map<NodeId, GroupMessage[]>, to: NodeId, message: GroupMessage): void {
  const list = box.get(to);
  if (list === undefined) box.set(to, [message]);
  else list.push(message);
}

/** The bytes of log data a message brings (entries or a snapshot), or null for a message that
 *  brings none. Empty Appends count as 0, so that they keep their place behind a group's
 *  waiting ones (Host.stepInputs). */
export function dataBytes(message: Message): number | null {
  if (message.type === 'Append') {
    let bytes = 0;
    for (const entry of message.entries) bytes += entry.data.byteLength;
    return bytes;
  }
  if (message.type === 'InstallSnapshot') return message.snapshot.data.byteLength;
  return null;
}

/**
 * Whether a message may leave before this turn's write is durable. A leader's Appends may go out
 * while it writes the same entries itself (Raft thesis §10.2.1): it counts itself towards a
 * quorum only once its own write is durable (RaftNode.advance), and its term was made durable
 * before it could win the election. Votes and every response wait for the write: they promise
 * what this node has persisted.
 */
function sendsBeforeWrite(message: Message): boolean {
  return message.type === 'Append' || message.type === 'Heartbeat' || message.type === 'InstallSnapshot' || message.type === 'TimeoutNow';
}

/** The fewest campaigns queued by verdicts that a node runs at once (Host.startCampaigns). */
const CAMPAIGNS_IN_FLIGHT = 200;

/** Catch-up bytes on the way to one peer and not acknowledged, in turns' budgets
 *  (Host.window): two, so that the peer always has its next turn's data when it ends one. */
const CATCHUP_WINDOW_TURNS = 2;

/** How long an unacknowledged catch-up send counts against its peer's window (an answer lost). */
const CATCHUP_ACK_WAIT_MS = 5_000;

/**
 * The most ticks one turn steps (see Host.stepInputs): a sixth of an election timeout (one tick
 * with the defaults). Messages are stepped before the ticks, so after a slow turn a follower
 * counts these ticks since the last heartbeat that arrived during it; with half a timeout (the
 * earlier cap) it still had half a timeout for the next one (with the whole, a follower was one
 * tick from campaigning after every slow turn). A sixth: an election takes about three turns
 * (the candidate's, the voter's with its fsync, the candidate's again), and a candidate must not
 * time out before its answers can arrive. With 3,000 groups failing over at once, turns took 300
 * to 600 ms, three ticks each let a candidate time out after two turns, and the two survivors
 * campaigned against each other for over a minute, terms climbing, with 172 leaders elected of
 * 1,000 (test/bench/scale.ts). Capped at a sixth, a candidate waits at least six turns.
 */
export function ticksPerTurnMax(settings: HostRaftSettings): number {
  return Math.max(1, Math.floor(settings.electionTicksMin / 6));
}

/** Converts millisecond raft settings into ticks. */
export function raftSettingsFromMs(ms: {
  tickMs: number;
  electionTimeoutMinMs: number;
  electionTimeoutMaxMs: number;
  heartbeatIntervalMs: number;
  maxInflightAppends: number;
  maxAppendBytes: number;
  maxInflightBytes: number;
  maxCatchupAppendBytes: number;
  catchupBytesPerTurn: number;
  replicaLagTimeMaxMs: number;
  quiesce: boolean;
}): HostRaftSettings {
  const ticks = (value: number) => Math.max(1, Math.round(value / ms.tickMs));
  return {
    tickMs: ms.tickMs,
    electionTicksMin: ticks(ms.electionTimeoutMinMs),
    electionTicksMax: ticks(ms.electionTimeoutMaxMs),
    heartbeatTicks: ticks(ms.heartbeatIntervalMs),
    maxInflightAppends: ms.maxInflightAppends,
    maxAppendBytes: ms.maxAppendBytes,
    maxInflightBytes: ms.maxInflightBytes,
    maxCatchupAppendBytes: ms.maxCatchupAppendBytes,
    catchupBytesPerTurn: ms.catchupBytesPerTurn,
    lagTicksMax: ticks(ms.replicaLagTimeMaxMs),
    quiesce: ms.quiesce,
  };
}
