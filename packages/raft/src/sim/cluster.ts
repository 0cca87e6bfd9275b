import { NodeLivenessTracker } from '../liveness.js';
import { decodeMembership, initialState } from '../membership.js';
import { RaftNode } from '../raft.js';
import {
  EntryType,
  None,
  Role,
  type Entry,
  type HardState,
  type Logger,
  type Membership,
  type Message,
  type MessageType,
  type Mutations,
  type NodeId,
  type PersistedState,
  type ProposeResult,
  type RaftConfig,
  type RaftStatus,
  type Ready,
  type Snapshot,
  type SnapshotMeta,
} from '../types.js';
import {
  checkAppliedPrefix,
  checkCommitIndex,
  checkElectionSafety,
  checkLeaderCompleteness,
  checkLogMatching,
  checkRestartCommitIndex,
  checkSnapshotRestore,
  checkStateMachineSafety,
  entryKey,
  foldDigest,
  SafetyHistory,
  type LogView,
} from './checkers.js';
import { reliableNetwork, SimNetwork, type NetworkOptions } from './network.js';
import { SeededPrng } from './prng.js';

/** How to build a simulated cluster. Everything but `nodes` and `seed` has a default. */
export interface SimClusterOptions {
  /** Node ids are 1..nodes. */
  readonly nodes: number;
  readonly seed: number;
  /** The initial voters (default: every node) and learners (default: none). */
  readonly voters?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly electionTicksMin?: number;
  readonly electionTicksMax?: number;
  readonly heartbeatTicks?: number;
  readonly maxInflightAppends?: number;
  readonly maxAppendBytes?: number;
  readonly maxCatchupAppendBytes?: number;
  readonly maxInflightBytes?: number;
  readonly lagTicksMax?: number;
  readonly network?: Partial<NetworkOptions>;
  readonly mutations?: Mutations;
  /** Keep every applied entry per node for applied() (default true; the sweep turns it off). */
  readonly keepApplied?: boolean;
  /** Lines of trace kept (default: all). The sweep keeps only the tail, for failure reports. */
  readonly traceLinesMax?: number;
  /** Also trace the core's own log lines (verbose; for debugging a seed). */
  readonly traceRaftLog?: boolean;
  /** Raft groups (default 1). Each has a replica on every node, with the voters and learners
   *  above; they share each node's fate (crash, pause), its links and its liveness tracker. */
  readonly groups?: number;
  /** Quiescence (default off): every node runs a NodeLivenessTracker, pinging its peers over the
   *  simulated network, and gives it to its groups as RaftConfig.liveness; each node's host
   *  ticks only its groups that are not quiescent, and calls peerDown()/peerUp() on all of them
   *  as its tracker's verdicts change. A crash resets the crashed node's connections, which the
   *  running nodes see at once (connectionLost). Off, the cluster behaves as before quiescence,
   *  and nobody calls peerDown() on a crash (Simulation campaigns for the crashed leader's
   *  followers instead, as today's host does on a connection reset). */
  readonly quiesce?: boolean;
  /** Liveness pings every this many ticks (default: heartbeatTicks). */
  readonly livenessPingTicks?: number;
  /** A peer silent this many ticks is down (default: electionTicksMin). */
  readonly livenessTimeoutTicks?: number;
  /** With quiescence: the host defers the campaigns a peerDown() verdict starts
   *  (RaftNode.peerDown with deferCampaign) and runs at most this many per tick and node, in a
   *  random order, as the broker's host spreads thousands of them over its turns. Default: none
   *  deferred, every follower of the dead node campaigns at once. */
  readonly campaignsPerTick?: number;
}

/** Counters over a cluster's life. */
export interface ClusterStats {
  steps: number;
  /** Real (not pre-) elections started. */
  elections: number;
  /** Times some node became leader. */
  leaderChanges: number;
  snapshotsSent: number;
  crashes: number;
  /** tick() calls made on groups (a host ticks only groups that are not quiescent). */
  groupTicks: number;
  /** Times some group quiesced on some node. */
  quiesced: number;
  /** Liveness pings sent. */
  pings: number;
  /** Verdicts of the liveness trackers that changed (a peer declared down, or up again). */
  livenessChanges: number;
}

/**
 * A node's disk: exactly what the node persisted through Ready (hard state, snapshot, log with
 * its tail overwritten when the node says so), plus the snapshots its state machine made through
 * compact(). A crash keeps this and loses everything else.
 */
export class SimDisk implements LogView {
  hardState: HardState;
  snapshot: Snapshot;
  entries: Entry[];
  epoch = 0;

  constructor(persisted: PersistedState) {
    this.hardState = persisted.hardState;
    this.snapshot = persisted.snapshot;
    this.entries = [...persisted.entries];
  }

  get snapshotIndex(): number {
    return this.snapshot.meta.index;
  }

  get snapshotTerm(): number {
    return this.snapshot.meta.term;
  }

  get lastIndex(): number {
    return this.snapshot.meta.index + this.entries.length;
  }

  entry(index: number): Entry | undefined {
    return index > this.snapshot.meta.index ? this.entries[index - this.snapshot.meta.index - 1] : undefined;
  }

  /** Writes step 1 of a Ready. Returns the lowest log index written (for the log matching
   *  check), or Infinity when no entry was written. Throws when the Ready breaks its contract. */
  write(ready: Ready, contract: (ok: boolean, what: string) => void): number {
    if (ready.snapshot !== null) {
      contract(ready.snapshot.meta.index > this.hardState.commitIndex, 'a received snapshot is ahead of the persisted commitIndex');
      this.snapshot = ready.snapshot;
      this.entries = [];
      this.epoch++;
    }
    const first = ready.entries[0];
    if (first !== undefined) {
      contract(first.index > this.snapshot.meta.index, `entries start at ${first.index}, inside the snapshot (${this.snapshot.meta.index})`);
      contract(first.index <= this.lastIndex + 1, `entries start at ${first.index}, leaving a gap after ${this.lastIndex}`);
      ready.entries.forEach((entry, i) => contract(entry.index === first.index + i, 'Ready entries are contiguous'));
      if (first.index <= this.lastIndex) {
        contract(first.index > this.hardState.commitIndex, `entries from ${first.index} overwrite the committed prefix (commitIndex ${this.hardState.commitIndex})`);
        this.entries.length = first.index - this.snapshot.meta.index - 1;
        this.epoch++;
      }
      this.entries.push(...ready.entries);
    }
    if (ready.hardState !== null) this.hardState = ready.hardState;
    contract(this.hardState.commitIndex <= this.lastIndex, 'the persisted commitIndex is within the persisted log');
    return first?.index ?? Infinity;
  }

  /** Keeps a snapshot the state machine made, and drops the log up to it. */
  compact(snapshot: Snapshot): void {
    const index = snapshot.meta.index;
    if (index <= this.snapshot.meta.index) return;
    this.entries = this.entries.slice(index - this.snapshot.meta.index);
    this.snapshot = snapshot;
  }

  /** What a restarting node reads back. */
  load(): PersistedState {
    return { hardState: this.hardState, snapshot: this.snapshot, entries: [...this.entries] };
  }
}

/**
 * A node's state machine: it applies committed entries in order. Its state is the applied index
 * and term, a digest of everything applied, and the membership in force; a snapshot of it is
 * that state as text, so a restored state machine can be compared with the others.
 */
export class SimStateMachine {
  appliedIndex: number;
  appliedTerm: number;
  digest: number;
  membership: Membership;
  /** The entries applied since the last restore, when kept. */
  readonly applied: Entry[] = [];

  constructor(
    snapshot: Snapshot,
    private readonly keepApplied: boolean,
  ) {
    const { index, digest } = SimStateMachine.decode(snapshot);
    this.appliedIndex = index;
    this.appliedTerm = snapshot.meta.term;
    this.digest = digest;
    this.membership = snapshot.meta.membership;
  }

  /** Applies the next committed entry. */
  apply(entry: Entry): void {
    this.appliedIndex = entry.index;
    this.appliedTerm = entry.term;
    this.digest = foldDigest(this.digest, entry);
    if (entry.type === EntryType.Config) this.membership = decodeMembership(entry.data);
    if (this.keepApplied) this.applied.push(entry);
  }

  /** The state as snapshot data: "index:digest". */
  snapshotData(): Uint8Array {
    return encodeText(`${this.appliedIndex}:${this.digest}`);
  }

  /** The state a snapshot holds. A snapshot with empty data is the initial, empty state. */
  static decode(snapshot: Snapshot): { index: number; digest: number } {
    if (snapshot.data.length === 0) return { index: snapshot.meta.index, digest: 0 };
    const [index, digest] = decodeText(snapshot.data).split(':').map(Number);
    return { index: index ?? NaN, digest: digest ?? NaN };
  }
}

/** What the simulated hosts send each other, through one SimNetwork so that every fault applies
 *  to both kinds: a raft message of one group, or a node-level liveness ping. */
export type SimPacket =
  | { readonly kind: 'raft'; readonly from: NodeId; readonly to: NodeId; readonly group: number; readonly message: Message }
  | { readonly kind: 'ping'; readonly from: NodeId; readonly to: NodeId };

/** One group's replica on one node: its disk survives a crash; its RaftNode and state machine do not. */
interface SimReplica {
  readonly group: number;
  readonly node: NodeId;
  disk: SimDisk;
  readonly prng: SeededPrng;
  raft: RaftNode | null;
  machine: SimStateMachine;
  /** commitIndex after the last step, for the checkers. */
  commitIndex: number;
  /** Role and term after the last step (kept while down, for the trace). */
  role: Role;
  term: number;
}

/** One simulated node: the host of one replica of every group. */
interface SimNode {
  readonly id: NodeId;
  /** By group. */
  readonly replicas: readonly SimReplica[];
  /** Paused (as by SIGSTOP): no ticks; packets wait in `held` until resume. */
  paused: boolean;
  held: SimPacket[];
  /** Its node-level failure detector while it runs, when the cluster quiesces. */
  liveness: NodeLivenessTracker | null;
  /** Groups whose campaign peerDown() deferred (SimClusterOptions.campaignsPerTick). */
  campaigns: number[];
}

/**
 * A cluster of nodes, each hosting a replica of every raft group, on a virtual network and
 * virtual disks. Every step (one delivered message, or one replica's tick) runs the replica's
 * Ready loop (persist, send, apply, advance) and then the safety checkers of its group, which
 * throw a SafetyViolation naming the seed and the step. Scenario tests drive it by hand;
 * Simulation drives it with a seeded random schedule. Methods that name a replica take the
 * group last, default 0, so a one-group cluster reads as before.
 */
export class SimCluster {
  readonly seed: number;
  readonly ids: readonly NodeId[];
  readonly network: SimNetwork<SimPacket>;
  /** One per group. */
  readonly histories: readonly SafetyHistory[];
  readonly stats: ClusterStats = {
    steps: 0, elections: 0, leaderChanges: 0, snapshotsSent: 0, crashes: 0, groupTicks: 0, quiesced: 0, pings: 0, livenessChanges: 0,
  };
  /** Ticks done so far. */
  ticks = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly options: SimClusterOptions;
  private readonly groupCount: number;
  private readonly traceLines: string[] = [];
  private readonly sentCounts = new Map<string, number>();
  /** Picks which deferred campaign runs next (its own stream: other draws replay as before). */
  private readonly campaignPrng: SeededPrng;

  constructor(options: SimClusterOptions) {
    this.options = options;
    this.seed = options.seed;
    this.groupCount = options.groups ?? 1;
    this.ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    this.network = new SimNetwork<SimPacket>(SeededPrng.derive(options.seed, 0), { ...reliableNetwork, ...options.network });
    this.histories = Array.from({ length: this.groupCount }, (_, group) => new SafetyHistory(options.seed, this.groupCount > 1 ? group : undefined));
    this.campaignPrng = SeededPrng.derive(options.seed, 1 << 30);
    const membership = this.initialMembership();
    for (const id of this.ids) {
      const replicas = Array.from({ length: this.groupCount }, (_, group): SimReplica => {
        const disk = new SimDisk(initialState(membership));
        return {
          group,
          node: id,
          disk,
          // Group 0 draws what a one-group cluster always drew, so its seeds replay as before.
          prng: SeededPrng.derive(options.seed, group * 65_536 + id),
          raft: null,
          machine: new SimStateMachine(disk.snapshot, options.keepApplied ?? true),
          commitIndex: 0,
          role: Role.Follower,
          term: 0,
        };
      });
      const node: SimNode = { id, replicas, paused: false, held: [], liveness: this.newLiveness(id), campaigns: [] };
      for (const replica of replicas) replica.raft = new RaftNode(this.config(node, replica), replica.disk.load());
      this.nodes.set(id, node);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Looking

  /** The group count. */
  get groups(): number {
    return this.groupCount;
  }

  /** The checkers' history of group 0. */
  get history(): SafetyHistory {
    return this.histories[0] as SafetyHistory;
  }

  /** A live node's status in `group`. Throws for a crashed node. */
  node(id: NodeId, group = 0): RaftStatus {
    return this.raft(id, group).status();
  }

  /** A live node's RaftNode of `group`, to call it directly. Throws for a crashed node. */
  raft(id: NodeId, group = 0): RaftNode {
    const raft = this.replica(id, group).raft;
    if (raft === null) throw new Error(`node ${id} is down (crashed and not restarted)`);
    return raft;
  }

  /** Whether `id` runs (was not crashed, or was restarted since). */
  isUp(id: NodeId): boolean {
    return this.replica(id, 0).raft !== null;
  }

  /** The live leader of `group` with the highest term, or None. */
  leader(group = 0): NodeId {
    let leader: NodeId = None;
    let term = -1;
    for (const node of this.nodes.values()) {
      const replica = node.replicas[group] as SimReplica;
      if (replica.raft !== null && replica.role === Role.Leader && replica.term > term) {
        leader = node.id;
        term = replica.term;
      }
    }
    return leader;
  }

  /** The node's disk of `group`: what it persisted. */
  disk(id: NodeId, group = 0): SimDisk {
    return this.replica(id, group).disk;
  }

  /** The node's state machine of `group`. */
  machine(id: NodeId, group = 0): SimStateMachine {
    return this.replica(id, group).machine;
  }

  /** The data of the non-empty normal entries the node applied in `group` since its state
   *  machine was last rebuilt (by a restart or a snapshot), as text. */
  applied(id: NodeId, group = 0): string[] {
    return this.replica(id, group).machine.applied
      .filter((e) => e.type === EntryType.Normal && e.data.length > 0)
      .map((e) => decodeText(e.data));
  }

  /** Raft messages of `type` sent so far, in every group (to `to`, if given); dropped ones included. */
  sent(type: MessageType, to?: NodeId): number {
    if (to !== undefined) return this.sentCounts.get(`${type}>${to}`) ?? 0;
    let total = 0;
    for (const id of this.ids) total += this.sentCounts.get(`${type}>${id}`) ?? 0;
    return total;
  }

  /** Raft messages of every type sent so far, in every group; dropped ones included. */
  sentTotal(): number {
    let total = 0;
    for (const count of this.sentCounts.values()) total += count;
    return total;
  }

  /** Whether node `id`'s liveness tracker counts `peer` as up (always true without quiescence). */
  seesLive(id: NodeId, peer: NodeId): boolean {
    return this.simNode(id).liveness?.isLive(peer) ?? true;
  }

  /** The trace so far: one line per event (role changes with their terms, commits, faults). */
  trace(): string {
    return this.traceLines.join('\n') + '\n';
  }

  /** The last `lines` lines of the trace. */
  traceTail(lines: number): string {
    return this.traceLines.slice(-lines).join('\n');
  }

  /** Adds a line to the trace, stamped with the current tick. */
  note(text: string): void {
    this.traceLines.push(`t${this.ticks} ${text}`);
    const max = this.options.traceLinesMax;
    if (max !== undefined && this.traceLines.length > 2 * max) this.traceLines.splice(0, this.traceLines.length - max);
  }

  // ---------------------------------------------------------------------------------------------
  // Time and messages

  /** One unit of time: delivers every message due before the next tick, then ticks every live
   *  node in id order. */
  tick(): void {
    const until = this.ticks + 1;
    for (let m = this.network.popDue(until); m !== undefined; m = this.network.popDue(until)) this.deliver(m);
    this.network.advanceTo(until);
    this.tickNodes();
  }

  /**
   * Ticks every live node once, in id order, at the next whole tick, as its host does: first its
   * liveness tracker (peers it declares down get peerDown() in every group; pings go out when
   * due), then every group that is not quiescent.
   */
  private tickNodes(): void {
    this.ticks++;
    for (const node of this.nodes.values()) {
      if (!this.isUp(node.id) || node.paused) continue;
      if (node.liveness !== null) {
        const { down, ping } = node.liveness.tick();
        for (const peer of down) this.onLivenessChange(node, peer, false);
        if (ping) {
          for (const to of this.ids) {
            if (to === node.id) continue;
            this.stats.pings++;
            this.network.send({ kind: 'ping', from: node.id, to });
          }
        }
      }
      this.runDeferredCampaigns(node);
      for (const replica of node.replicas) {
        const raft = replica.raft as RaftNode;
        if (raft.isQuiescent()) continue;
        this.historyOf(replica).step = ++this.stats.steps;
        this.stats.groupTicks++;
        raft.tick();
        this.process(replica);
      }
    }
  }

  /** Like tickUntil, but checks `condition` before every delivered message as well as before
   *  every tick, for conditions that may hold only between two messages. Returns the ticks it
   *  took; throws, with the trace's tail, if it does not hold within ticksMax. */
  stepUntil(condition: () => boolean, options: { ticksMax: number; what?: string }): number {
    for (let ticks = 0; ; ) {
      if (condition()) return ticks;
      const m = this.network.popDue(this.ticks + 1);
      if (m !== undefined) {
        this.deliver(m);
        continue;
      }
      if (ticks >= options.ticksMax) {
        const what = options.what ?? condition.toString();
        throw new Error(`stepUntil: "${what}" did not hold within ${options.ticksMax} ticks ` +
          `(seed ${this.seed}, tick ${this.ticks}); last trace lines:\n${this.traceTail(30)}`);
      }
      this.network.advanceTo(this.ticks + 1);
      this.tickNodes();
      ticks++;
    }
  }

  /** Ticks until `condition` holds, checking before each tick; returns the ticks it took.
   *  Throws, with the trace's tail, if it does not hold within ticksMax. */
  tickUntil(condition: () => boolean, options: { ticksMax: number; what?: string }): number {
    for (let ticks = 0; ; ticks++) {
      if (condition()) return ticks;
      if (ticks >= options.ticksMax) {
        const what = options.what ?? condition.toString();
        throw new Error(`tickUntil: "${what}" did not hold within ${options.ticksMax} ticks ` +
          `(seed ${this.seed}, tick ${this.ticks}); last trace lines:\n${this.traceTail(30)}`);
      }
      this.tick();
    }
  }

  /** Ticks n times. */
  tickFor(n: number): void {
    for (let i = 0; i < n; i++) this.tick();
  }

  /** Delivers every message in flight, and every message that causes, without ticking: the
   *  network drains in delivery-time order. Returns the number delivered. */
  deliverAll(options: { messagesMax?: number } = {}): number {
    const max = options.messagesMax ?? 100_000;
    let delivered = 0;
    for (let m = this.network.popDue(Infinity, false); m !== undefined; m = this.network.popDue(Infinity, false)) {
      if (++delivered > max) throw new Error(`deliverAll: still busy after ${max} messages (seed ${this.seed})`);
      this.deliver(m);
    }
    return delivered;
  }

  /** Delivers messages one at a time, in delivery-time order and without ticking, until
   *  `condition` holds. Returns the number delivered; throws if the network drains first. */
  deliverUntil(condition: () => boolean, options: { what?: string } = {}): number {
    let delivered = 0;
    while (!condition()) {
      const m = this.network.popDue(Infinity, false);
      if (m === undefined) {
        throw new Error(`deliverUntil: "${options.what ?? condition.toString()}" did not hold when the network drained ` +
          `(seed ${this.seed}, tick ${this.ticks}); last trace lines:\n${this.traceTail(30)}`);
      }
      delivered++;
      this.deliver(m);
    }
    return delivered;
  }

  /** Hands a packet to its node's host: anything from a peer tells its liveness tracker the peer
   *  is up; a raft message then goes to its group. */
  private deliver(packet: SimPacket): void {
    const node = this.simNode(packet.to);
    if (!this.isUp(node.id)) return; // its process is down: the connection is refused
    if (node.paused) {
      node.held.push(packet); // the kernel buffers it; the process reads it when resumed
      return;
    }
    if (node.liveness?.heard(packet.from) === true) this.onLivenessChange(node, packet.from, true);
    if (packet.kind === 'ping') return;
    const replica = node.replicas[packet.group] as SimReplica;
    this.historyOf(replica).step = ++this.stats.steps;
    (replica.raft as RaftNode).step(packet.message);
    this.process(replica);
  }

  /** A node's tracker changed its verdict on `peer`: its host tells every group. */
  private onLivenessChange(node: SimNode, peer: NodeId, live: boolean): void {
    this.stats.livenessChanges++;
    this.note(`n${node.id} sees n${peer} ${live ? 'up' : 'down'}`);
    const defer = this.options.campaignsPerTick !== undefined;
    for (const replica of node.replicas) {
      const raft = replica.raft as RaftNode;
      this.historyOf(replica).step = ++this.stats.steps;
      if (live) raft.peerUp(peer);
      else if (raft.peerDown(peer, defer) && !node.campaigns.includes(replica.group)) node.campaigns.push(replica.group);
      this.process(replica);
    }
  }

  /** Runs up to campaignsPerTick of the campaigns `node`'s verdicts deferred, picked at random. */
  private runDeferredCampaigns(node: SimNode): void {
    for (let n = this.options.campaignsPerTick ?? 0; n > 0 && node.campaigns.length > 0; n--) {
      const [group] = node.campaigns.splice(this.campaignPrng.nextInt(0, node.campaigns.length - 1), 1) as [number];
      const replica = node.replicas[group] as SimReplica;
      this.historyOf(replica).step = ++this.stats.steps;
      if ((replica.raft as RaftNode).campaignIfPending()) this.note(`${this.label(replica)} deferred campaign`);
      this.process(replica);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Controls

  /** Makes `id` campaign now and runs the cluster until it leads `group` and its first entry (the
   *  no-op) is committed. Throws if that takes more than ticksMax (default 100). */
  electLeader(id: NodeId, options: { ticksMax?: number; group?: number } = {}): void {
    const group = options.group ?? 0;
    this.raft(id, group).campaign();
    this.process(this.replica(id, group));
    this.deliverAll();
    this.tickUntil(() => this.isUp(id) && this.node(id, group).role === Role.Leader && this.node(id, group).commitIndex >= this.termStartIndex(id, group), {
      ticksMax: options.ticksMax ?? 100,
      what: `node ${id} leads${this.groupCount > 1 ? ` group ${group}` : ''} with its no-op committed`,
    });
    this.deliverAll();
  }

  /** Proposes application data at `id`; text is encoded as bytes. */
  propose(id: NodeId, data: Uint8Array | string, group = 0): ProposeResult {
    const replica = this.replica(id, group);
    const raft = this.raft(id, group);
    const bytes = typeof data === 'string' ? encodeText(data) : data;
    const result = raft.propose(bytes);
    if (typeof data === 'string') this.note(`${this.label(replica)} propose "${data}" -> ${result.ok ? `index ${result.index}` : `refused (${result.reason})`}`);
    this.process(replica);
    return result;
  }

  /** Proposes a membership change at `id`. */
  proposeMembership(id: NodeId, next: Membership, group = 0): ProposeResult {
    const replica = this.replica(id, group);
    const result = this.raft(id, group).proposeMembership(next);
    this.note(`${this.label(replica)} propose membership voters=[${next.voters.join(',')}] learners=[${next.learners.join(',')}] -> ${result.ok ? `index ${result.index}` : `refused (${result.reason})`}`);
    this.process(replica);
    return result;
  }

  /** Asks leader `from` to hand leadership of `group` to `to`. */
  transferLeadership(from: NodeId, to: NodeId, group = 0): boolean {
    const replica = this.replica(from, group);
    const started = this.raft(from, group).transferLeadership(to);
    this.note(`${this.label(replica)} transfer leadership to n${to}: ${started ? 'started' : 'refused'}`);
    this.process(replica);
    return started;
  }

  /** Tells `id` to start an election now (as its host does when the leader's connection resets). */
  campaign(id: NodeId, group = 0): void {
    const replica = this.replica(id, group);
    this.note(`${this.label(replica)} campaign`);
    this.raft(id, group).campaign();
    this.process(replica);
  }

  /** The transport of `id` sees its connection to `peer` reset while `peer` runs (a network
   *  blip): with quiescence, `id`'s tracker declares `peer` down until it hears from it again. */
  resetConnection(id: NodeId, peer: NodeId): void {
    const node = this.simNode(id);
    this.note(`n${id} connection to n${peer} reset`);
    if (node.liveness !== null && !node.paused && node.liveness.connectionLost(peer)) this.onLivenessChange(node, peer, false);
  }

  /** Wakes `id`'s replica of `group` if it is quiescent (RaftNode.wake). */
  wake(id: NodeId, group = 0): void {
    const replica = this.replica(id, group);
    this.note(`${this.label(replica)} wake`);
    this.raft(id, group).wake();
    this.process(replica);
  }

  /** Snapshots `id`'s state machine at its applied index and compacts its log there. */
  compact(id: NodeId, group = 0): boolean {
    const replica = this.replica(id, group);
    const raft = this.raft(id, group);
    const { machine, disk } = replica;
    const index = machine.appliedIndex;
    if (index <= disk.snapshotIndex) return false;
    const entry = disk.entry(index);
    this.contract(replica, entry !== undefined && entry.term === machine.appliedTerm, `node ${id}: the applied entry ${index} is on disk with term ${machine.appliedTerm}`);
    const data = machine.snapshotData();
    raft.compact(index, data);
    const meta: SnapshotMeta = { index, term: machine.appliedTerm, membership: machine.membership };
    const made = raft.snapshot().meta;
    this.contract(replica, made.index === meta.index && made.term === meta.term && sameMembership(made.membership, meta.membership),
      `node ${id}: compact(${index}) made a snapshot of index ${made.index} term ${made.term} voters [${made.membership.voters.join(',')}]` +
        `, the state machine says term ${meta.term} voters [${meta.membership.voters.join(',')}]`);
    disk.compact({ meta, data });
    return true;
  }

  /** Cuts `id` off from every other node, both ways. */
  isolate(id: NodeId): void {
    this.note(`isolate n${id}`);
    this.network.isolate(id, this.ids);
  }

  /** Cuts every link between nodes of different groups. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.note(`partition ${groups.map((g) => `[${g.join(',')}]`).join(' ')}`);
    this.network.partition(groups);
  }

  /** Cuts the directed link from → to only. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.note(`cut n${from} -> n${to}`);
    this.network.cutOneWay(from, to);
  }

  /** Restores every link. */
  heal(): void {
    this.note('heal');
    this.network.heal();
  }

  /** Stops `id` as SIGSTOP does: it keeps its memory but neither ticks nor reads messages, which
   *  wait for it. Its connections stay up, so its peers notice only by its silence. */
  pause(id: NodeId): void {
    const node = this.simNode(id);
    if (!this.isUp(id) || node.paused) return;
    this.note(`n${id} pause`);
    node.paused = true;
  }

  /** Continues a paused node: it reads the messages that waited, in arrival order. */
  resume(id: NodeId): void {
    const node = this.simNode(id);
    if (!node.paused) return;
    this.note(`n${id} resume`);
    node.paused = false;
    const held = node.held.splice(0);
    for (const m of held) this.deliver(m);
  }

  /** Whether `id` is paused (see pause()). */
  isPaused(id: NodeId): boolean {
    return this.simNode(id).paused;
  }

  /** Kills `id`: everything not on its disks is lost, and messages in flight to it with it. Its
   *  sockets reset: with quiescence, every running node's tracker declares it down at once. */
  crash(id: NodeId): void {
    const node = this.simNode(id);
    if (!this.isUp(id)) return;
    this.note(`n${id} crash`);
    this.stats.crashes++;
    for (const replica of node.replicas) replica.raft = null;
    node.paused = false;
    node.held = [];
    node.liveness = null;
    node.campaigns = [];
    this.network.discardTo(id);
    for (const other of this.nodes.values()) {
      if (other.liveness !== null && !other.paused && other.liveness.connectionLost(id)) this.onLivenessChange(other, id, false);
    }
  }

  /** Kills `id`, replaces its disks by empty ones and starts it again as a node that lost its
   *  data (the host's --rejoin): it knows the groups' initial membership only, and neither votes
   *  nor campaigns until a leader has repaired it. Its history starts over, as its disk did. */
  wipe(id: NodeId): void {
    const node = this.simNode(id);
    this.crash(id);
    this.note(`n${id} wipe`);
    for (const replica of node.replicas) {
      replica.disk = new SimDisk(initialState(this.initialMembership()));
      const history = this.historyOf(replica);
      history.commitIndexLive.delete(id);
      history.commitIndexPersisted.delete(id);
      history.completeness.delete(id);
    }
    this.restart(id, { repairIndex: Number.MAX_SAFE_INTEGER });
  }

  /** Starts `id` again from its disks: each state machine is rebuilt from its disk's snapshot and
   *  the committed entries the node re-emits. Its liveness tracker starts afresh, every peer up. */
  restart(id: NodeId, options: { repairIndex?: number } = {}): void {
    const node = this.simNode(id);
    if (this.isUp(id)) return;
    node.liveness = this.newLiveness(id);
    const restarted: RaftStatus[] = [];
    for (const replica of node.replicas) {
      const persisted = { ...replica.disk.load(), ...(options.repairIndex !== undefined ? { repairIndex: options.repairIndex } : {}) };
      replica.machine = new SimStateMachine(persisted.snapshot, this.options.keepApplied ?? true);
      this.checkRestoredMachine(replica, persisted.snapshot);
      replica.raft = new RaftNode(this.config(node, replica), persisted);
      const status = replica.raft.status();
      replica.role = status.role;
      replica.term = status.term;
      replica.commitIndex = status.commitIndex;
      checkRestartCommitIndex(this.historyOf(replica), { id, commitIndex: status.commitIndex });
      restarted.push(status);
    }
    const first = restarted[0] as RaftStatus;
    this.note(`n${id} restart term=${first.term} commit=${first.commitIndex} last=${first.lastIndex}`);
    for (const replica of node.replicas) {
      this.historyOf(replica).step = ++this.stats.steps;
      this.process(replica);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The Ready loop and the checks

  /** Runs the replica's Ready loop until it has nothing more to do, then checks safety. */
  private process(replica: SimReplica): void {
    const raft = replica.raft;
    if (raft === null) return;
    const history = this.historyOf(replica);
    while (raft.hasReady()) {
      const ready = raft.ready();
      // 1. Persist.
      const writtenFrom = replica.disk.write(ready, (ok, what) => this.contract(replica, ok, `node ${replica.node}: ${what}`));
      if (writtenFrom !== Infinity || ready.snapshot !== null) {
        checkLogMatching(history, replica.node, replica.disk, Math.min(writtenFrom, replica.disk.snapshotIndex + 1));
      }
      const status = raft.status();
      this.noteCommit(replica, status);
      // 2. Send.
      for (const m of ready.messages) this.send(replica, m);
      // 3. Apply.
      if (ready.snapshot !== null) {
        replica.machine = new SimStateMachine(ready.snapshot, this.options.keepApplied ?? true);
        this.checkRestoredMachine(replica, ready.snapshot);
        this.note(`${this.label(replica)} restore snapshot index=${ready.snapshot.meta.index} term=${ready.snapshot.meta.term}`);
      }
      for (const entry of ready.committed) this.apply(replica, entry, status.commitIndex);
      this.onEvents(replica, ready);
      raft.advance();
    }
    const status = raft.status();
    this.noteCommit(replica, status);
    replica.role = status.role;
    replica.term = status.term;
    const view = { id: replica.node, role: status.role, term: status.term, log: replica.disk };
    checkElectionSafety(history, view);
    for (const other of this.nodes.values()) {
      const peer = other.replicas[replica.group] as SimReplica;
      if (peer.raft !== null && peer.role === Role.Leader) {
        checkLeaderCompleteness(history, { id: other.id, role: peer.role, term: peer.term, log: peer.disk });
      }
    }
  }

  private noteCommit(replica: SimReplica, status: RaftStatus): void {
    const { commitIndex, term } = status;
    const previous = replica.commitIndex;
    checkCommitIndex(this.historyOf(replica), { id: replica.node, term, commitIndex, persistedCommitIndex: replica.disk.hardState.commitIndex, log: replica.disk }, previous);
    if (commitIndex > previous) {
      replica.commitIndex = commitIndex;
      this.note(`${this.label(replica)} commit=${commitIndex}`);
    }
  }

  private apply(replica: SimReplica, entry: Entry, commitIndex: number): void {
    const onDisk = replica.disk.entry(entry.index);
    this.contract(replica, onDisk !== undefined && entryKey(onDisk) === entryKey(entry), `node ${replica.node}: committed entry ${entry.index} is persisted before it is applied`);
    const history = this.historyOf(replica);
    checkAppliedPrefix(history, { id: replica.node, appliedIndex: replica.machine.appliedIndex, commitIndex }, entry);
    replica.machine.apply(entry);
    checkStateMachineSafety(history, replica.node, entry, replica.machine.digest);
  }

  private checkRestoredMachine(replica: SimReplica, snapshot: Snapshot): void {
    const { index, digest } = SimStateMachine.decode(snapshot);
    this.contract(replica, index === snapshot.meta.index, `node ${replica.node}: snapshot data is of index ${index}, its meta says ${snapshot.meta.index}`);
    checkSnapshotRestore(this.historyOf(replica), replica.node, { index, term: snapshot.meta.term, digest });
  }

  private onEvents(replica: SimReplica, ready: Ready): void {
    const who = this.label(replica);
    for (const event of ready.events) {
      switch (event.type) {
        case 'RoleChanged':
          if (event.role === Role.Leader) this.stats.leaderChanges++;
          this.note(`${who} ${event.role} term=${event.term}${event.leaderId !== None && event.role !== Role.Leader ? ` leader=n${event.leaderId}` : ''}`);
          break;
        case 'ElectionStarted':
          if (!event.pre) this.stats.elections++;
          this.note(`${who} ${event.pre ? 'pre-vote' : 'election'} term=${event.term}`);
          break;
        case 'SnapshotSent':
          this.stats.snapshotsSent++;
          this.note(`${who} send snapshot index=${event.index} to n${event.to}`);
          break;
        case 'IsrShrunk':
        case 'IsrExpanded':
          this.note(`${who} isr ${event.type === 'IsrShrunk' ? '-' : '+'}n${event.nodeId} isr=[${event.isr.join(',')}]`);
          break;
        case 'Quiesced':
          this.stats.quiesced++;
          this.note(`${who} quiesced`);
          break;
        case 'Woke':
          this.note(`${who} woke`);
          break;
      }
    }
  }

  private send(replica: SimReplica, m: Message): void {
    this.contract(replica, m.from === replica.node && m.to !== replica.node, `node ${replica.node} sent a ${m.type} from ${m.from} to ${m.to}`);
    const key = `${m.type}>${m.to}`;
    this.sentCounts.set(key, (this.sentCounts.get(key) ?? 0) + 1);
    if (this.nodes.has(m.to)) this.network.send({ kind: 'raft', from: m.from, to: m.to, group: replica.group, message: m });
  }

  /** The Ready contract (persist before send, entries contiguous, and so on) is a safety property
   *  of the core too: a host that trusted a broken Ready would lose data. */
  private contract(replica: SimReplica, ok: boolean, what: string): void {
    if (!ok) throw this.historyOf(replica).violation('Ready contract', what);
  }

  private termStartIndex(id: NodeId, group: number): number {
    // The leader's no-op is the first entry of its term.
    const { disk } = this.replica(id, group);
    const term = this.node(id, group).term;
    for (let index = disk.lastIndex; index > disk.snapshotIndex; index--) {
      if ((disk.entry(index) as Entry).term < term) return index + 1;
    }
    return disk.snapshotIndex + 1;
  }

  private simNode(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id} in this cluster (ids ${this.ids.join(', ')})`);
    return node;
  }

  private replica(id: NodeId, group: number): SimReplica {
    const replica = this.simNode(id).replicas[group];
    if (replica === undefined) throw new Error(`no group ${group} in this cluster (${this.groupCount} groups)`);
    return replica;
  }

  private historyOf(replica: SimReplica): SafetyHistory {
    return this.histories[replica.group] as SafetyHistory;
  }

  /** How the trace names a replica: `n1`, or `g2.n1` when there are several groups. */
  private label(replica: SimReplica): string {
    return this.groupCount > 1 ? `g${replica.group}.n${replica.node}` : `n${replica.node}`;
  }

  private initialMembership(): Membership {
    return { voters: [...(this.options.voters ?? this.ids)], learners: [...(this.options.learners ?? [])] };
  }

  private newLiveness(id: NodeId): NodeLivenessTracker | null {
    if (this.options.quiesce !== true) return null;
    const o = this.options;
    return new NodeLivenessTracker({
      self: id,
      peers: this.ids,
      pingTicks: o.livenessPingTicks ?? o.heartbeatTicks ?? 2,
      timeoutTicks: o.livenessTimeoutTicks ?? o.electionTicksMin ?? 10,
    });
  }

  private config(node: SimNode, replica: SimReplica): RaftConfig {
    const o = this.options;
    return {
      id: node.id,
      electionTicksMin: o.electionTicksMin ?? 10,
      electionTicksMax: o.electionTicksMax ?? 20,
      heartbeatTicks: o.heartbeatTicks ?? 2,
      preVote: o.preVote ?? true,
      checkQuorum: o.checkQuorum ?? true,
      maxInflightAppends: o.maxInflightAppends ?? 4,
      maxAppendBytes: o.maxAppendBytes ?? 4096,
      maxInflightBytes: o.maxInflightBytes ?? Number.MAX_SAFE_INTEGER,
      ...(o.maxCatchupAppendBytes !== undefined ? { maxCatchupAppendBytes: o.maxCatchupAppendBytes } : {}),
      lagTicksMax: o.lagTicksMax ?? 20,
      prng: replica.prng,
      ...(o.traceRaftLog === true ? { logger: this.raftLogger(this.label(replica)) } : {}),
      ...(o.mutations !== undefined ? { mutations: o.mutations } : {}),
      ...(node.liveness !== null ? { liveness: node.liveness } : {}),
    };
  }

  private raftLogger(who: string): Logger {
    const line = (obj: object, msg: string): void => this.note(`  ${who} raft: ${msg} ${JSON.stringify(obj)}`);
    return { debug: line, info: line, warn: line };
  }
}

/** ASCII/Latin-1 text to bytes (the sim's data is plain text; no TextEncoder in the pure core). */
export function encodeText(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** Bytes to Latin-1 text. */
export function decodeText(data: Uint8Array): string {
  return String.fromCharCode(...data);
}

function sameMembership(a: Membership, b: Membership): boolean {
  const same = (x: readonly NodeId[], y: readonly NodeId[]): boolean =>
    x.length === y.length && [...x].sort().every((id, i) => id === [...y].sort()[i]);
  return same(a.voters, b.voters) && same(a.learners, b.learners);
}
