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
  SafetyViolation,
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

/** One simulated node: its disk survives a crash; its RaftNode and state machine do not. */
interface SimNode {
  readonly id: NodeId;
  disk: SimDisk;
  readonly prng: SeededPrng;
  raft: RaftNode | null;
  machine: SimStateMachine;
  /** commitIndex after the last step, for the checkers. */
  commitIndex: number;
  /** Role and term after the last step (kept while down, for the trace). */
  role: Role;
  term: number;
  /** Paused (as by SIGSTOP): no ticks; messages wait in `held` until resume. */
  paused: boolean;
  held: Message[];
}

/**
 * A cluster of RaftNodes on a virtual network and virtual disks. Every step (one delivered
 * message or one node's tick) runs the node's Ready loop (persist, send, apply, advance) and
 * then the safety checkers, which throw a SafetyViolation naming the seed and the step.
 * Scenario tests drive it by hand; Simulation drives it with a seeded random schedule.
 */
export class SimCluster {
  readonly seed: number;
  readonly ids: readonly NodeId[];
  readonly network: SimNetwork;
  readonly history: SafetyHistory;
  readonly stats: ClusterStats = { steps: 0, elections: 0, leaderChanges: 0, snapshotsSent: 0, crashes: 0 };
  /** Ticks done so far. */
  ticks = 0;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly options: SimClusterOptions;
  private readonly traceLines: string[] = [];
  private readonly sentCounts = new Map<string, number>();

  constructor(options: SimClusterOptions) {
    this.options = options;
    this.seed = options.seed;
    this.ids = Array.from({ length: options.nodes }, (_, i) => i + 1);
    this.network = new SimNetwork(SeededPrng.derive(options.seed, 0), { ...reliableNetwork, ...options.network });
    this.history = new SafetyHistory(options.seed);
    const membership: Membership = { voters: [...(options.voters ?? this.ids)], learners: [...(options.learners ?? [])] };
    for (const id of this.ids) {
      const disk = new SimDisk(initialState(membership));
      const node: SimNode = {
        id,
        disk,
        prng: SeededPrng.derive(options.seed, id),
        raft: null,
        machine: new SimStateMachine(disk.snapshot, options.keepApplied ?? true),
        commitIndex: 0,
        role: Role.Follower,
        term: 0,
        paused: false,
        held: [],
      };
      node.raft = new RaftNode(this.config(node), disk.load());
      this.nodes.set(id, node);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Looking

  /** A live node's status. Throws for a crashed node. */
  node(id: NodeId): RaftStatus {
    return this.raft(id).status();
  }

  /** A live node's RaftNode, to call it directly. Throws for a crashed node. */
  raft(id: NodeId): RaftNode {
    const raft = this.simNode(id).raft;
    if (raft === null) throw new Error(`node ${id} is down (crashed and not restarted)`);
    return raft;
  }

  /** Whether `id` runs (was not crashed, or was restarted since). */
  isUp(id: NodeId): boolean {
    return this.simNode(id).raft !== null;
  }

  /** The live leader with the highest term, or None. */
  leader(): NodeId {
    let leader: NodeId = None;
    let term = -1;
    for (const node of this.nodes.values()) {
      if (node.raft !== null && node.role === Role.Leader && node.term > term) {
        leader = node.id;
        term = node.term;
      }
    }
    return leader;
  }

  /** The node's disk: what it persisted. */
  disk(id: NodeId): SimDisk {
    return this.simNode(id).disk;
  }

  /** The node's state machine. */
  machine(id: NodeId): SimStateMachine {
    return this.simNode(id).machine;
  }

  /** The data of the non-empty normal entries the node applied since its state machine was last
   *  rebuilt (by a restart or a snapshot), as text. */
  applied(id: NodeId): string[] {
    return this.simNode(id).machine.applied
      .filter((e) => e.type === EntryType.Normal && e.data.length > 0)
      .map((e) => decodeText(e.data));
  }

  /** Messages of `type` sent so far (to `to`, if given); dropped ones included. */
  sent(type: MessageType, to?: NodeId): number {
    if (to !== undefined) return this.sentCounts.get(`${type}>${to}`) ?? 0;
    let total = 0;
    for (const id of this.ids) total += this.sentCounts.get(`${type}>${id}`) ?? 0;
    return total;
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

  /** Ticks every live node once, in id order, at the next whole tick. */
  private tickNodes(): void {
    this.ticks++;
    for (const node of this.nodes.values()) {
      const raft = node.raft;
      if (raft === null || node.paused) continue;
      this.history.step = ++this.stats.steps;
      raft.tick();
      this.process(node);
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

  private deliver(m: Message): void {
    const node = this.simNode(m.to);
    if (node.raft === null) return; // its process is down: the connection is refused
    if (node.paused) {
      node.held.push(m); // the kernel buffers it; the process reads it when resumed
      return;
    }
    this.history.step = ++this.stats.steps;
    node.raft.step(m);
    this.process(node);
  }

  // ---------------------------------------------------------------------------------------------
  // Controls

  /** Makes `id` campaign now and runs the cluster until it leads and its first entry (the no-op)
   *  is committed. Throws if that takes more than ticksMax (default 100). */
  electLeader(id: NodeId, options: { ticksMax?: number } = {}): void {
    const raft = this.raft(id);
    raft.campaign();
    this.process(this.simNode(id));
    this.deliverAll();
    this.tickUntil(() => this.isUp(id) && this.node(id).role === Role.Leader && this.node(id).commitIndex >= this.termStartIndex(id), {
      ticksMax: options.ticksMax ?? 100,
      what: `node ${id} leads with its no-op committed`,
    });
    this.deliverAll();
  }

  /** Proposes application data at `id`; text is encoded as bytes. */
  propose(id: NodeId, data: Uint8Array | string): ProposeResult {
    const node = this.simNode(id);
    const raft = this.raft(id);
    const bytes = typeof data === 'string' ? encodeText(data) : data;
    const result = raft.propose(bytes);
    if (typeof data === 'string') this.note(`n${id} propose "${data}" -> ${result.ok ? `index ${result.index}` : `refused (${result.reason})`}`);
    this.process(node);
    return result;
  }

  /** Proposes a membership change at `id`. */
  proposeMembership(id: NodeId, next: Membership): ProposeResult {
    const result = this.raft(id).proposeMembership(next);
    this.note(`n${id} propose membership voters=[${next.voters.join(',')}] learners=[${next.learners.join(',')}] -> ${result.ok ? `index ${result.index}` : `refused (${result.reason})`}`);
    this.process(this.simNode(id));
    return result;
  }

  /** Asks leader `from` to hand leadership to `to`. */
  transferLeadership(from: NodeId, to: NodeId): boolean {
    const started = this.raft(from).transferLeadership(to);
    this.note(`n${from} transfer leadership to n${to}: ${started ? 'started' : 'refused'}`);
    this.process(this.simNode(from));
    return started;
  }

  /** Tells `id` to start an election now (as its host does when the leader's connection resets). */
  campaign(id: NodeId): void {
    this.note(`n${id} campaign`);
    this.raft(id).campaign();
    this.process(this.simNode(id));
  }

  /** Snapshots `id`'s state machine at its applied index and compacts its log there. */
  compact(id: NodeId): boolean {
    const node = this.simNode(id);
    const raft = this.raft(id);
    const { machine, disk } = node;
    const index = machine.appliedIndex;
    if (index <= disk.snapshotIndex) return false;
    const entry = disk.entry(index);
    this.contract(entry !== undefined && entry.term === machine.appliedTerm, `node ${id}: the applied entry ${index} is on disk with term ${machine.appliedTerm}`);
    const data = machine.snapshotData();
    raft.compact(index, data);
    const meta: SnapshotMeta = { index, term: machine.appliedTerm, membership: machine.membership };
    const made = raft.snapshot().meta;
    this.contract(made.index === meta.index && made.term === meta.term && sameMembership(made.membership, meta.membership),
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
   *  wait for it. */
  pause(id: NodeId): void {
    const node = this.simNode(id);
    if (node.raft === null || node.paused) return;
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

  /** Kills `id`: everything not on its disk is lost, and messages in flight to it with it. */
  crash(id: NodeId): void {
    const node = this.simNode(id);
    if (node.raft === null) return;
    this.note(`n${id} crash`);
    this.stats.crashes++;
    node.raft = null;
    node.paused = false;
    node.held = [];
    this.network.discardTo(id);
  }

  /** Kills `id`, replaces its disk by an empty one and starts it again as a node that lost its
   *  data (the host's --rejoin): it knows the group's initial membership only, and neither votes
   *  nor campaigns until a leader has repaired it. Its history starts over, as its disk did. */
  wipe(id: NodeId): void {
    const node = this.simNode(id);
    this.crash(id);
    this.note(`n${id} wipe`);
    const membership: Membership = { voters: [...(this.options.voters ?? this.ids)], learners: [...(this.options.learners ?? [])] };
    node.disk = new SimDisk(initialState(membership));
    this.history.commitIndexLive.delete(id);
    this.history.commitIndexPersisted.delete(id);
    this.history.completeness.delete(id);
    this.restart(id, { repairIndex: Number.MAX_SAFE_INTEGER });
  }

  /** Starts `id` again from its disk: the state machine is rebuilt from the disk's snapshot and
   *  the committed entries the node re-emits. */
  restart(id: NodeId, options: { repairIndex?: number } = {}): void {
    const node = this.simNode(id);
    if (node.raft !== null) return;
    const persisted = { ...node.disk.load(), ...(options.repairIndex !== undefined ? { repairIndex: options.repairIndex } : {}) };
    node.machine = new SimStateMachine(persisted.snapshot, this.options.keepApplied ?? true);
    this.checkRestoredMachine(node, persisted.snapshot);
    node.raft = new RaftNode(this.config(node), persisted);
    const status = node.raft.status();
    node.role = status.role;
    node.term = status.term;
    node.commitIndex = status.commitIndex;
    checkRestartCommitIndex(this.history, { id, commitIndex: status.commitIndex });
    this.note(`n${id} restart term=${status.term} commit=${status.commitIndex} last=${status.lastIndex}`);
    this.history.step = ++this.stats.steps;
    this.process(node);
  }

  // ---------------------------------------------------------------------------------------------
  // The Ready loop and the checks

  /** Runs `node`'s Ready loop until it has nothing more to do, then checks safety. */
  private process(node: SimNode): void {
    const raft = node.raft;
    if (raft === null) return;
    while (raft.hasReady()) {
      const ready = raft.ready();
      // 1. Persist.
      const writtenFrom = node.disk.write(ready, (ok, what) => this.contract(ok, `node ${node.id}: ${what}`));
      if (writtenFrom !== Infinity || ready.snapshot !== null) {
        checkLogMatching(this.history, node.id, node.disk, Math.min(writtenFrom, node.disk.snapshotIndex + 1));
      }
      const status = raft.status();
      this.noteCommit(node, status);
      // 2. Send.
      for (const m of ready.messages) this.send(node.id, m);
      // 3. Apply.
      if (ready.snapshot !== null) {
        node.machine = new SimStateMachine(ready.snapshot, this.options.keepApplied ?? true);
        this.checkRestoredMachine(node, ready.snapshot);
        this.note(`n${node.id} restore snapshot index=${ready.snapshot.meta.index} term=${ready.snapshot.meta.term}`);
      }
      for (const entry of ready.committed) this.apply(node, entry, status.commitIndex);
      this.onEvents(node, ready);
      raft.advance();
    }
    const status = raft.status();
    this.noteCommit(node, status);
    node.role = status.role;
    node.term = status.term;
    const view = { id: node.id, role: status.role, term: status.term, log: node.disk };
    checkElectionSafety(this.history, view);
    for (const other of this.nodes.values()) {
      if (other.raft !== null && other.role === Role.Leader) {
        checkLeaderCompleteness(this.history, { id: other.id, role: other.role, term: other.term, log: other.disk });
      }
    }
  }

  private noteCommit(node: SimNode, status: RaftStatus): void {
    const { commitIndex, term } = status;
    const previous = node.commitIndex;
    checkCommitIndex(this.history, { id: node.id, term, commitIndex, persistedCommitIndex: node.disk.hardState.commitIndex, log: node.disk }, previous);
    if (commitIndex > previous) {
      node.commitIndex = commitIndex;
      this.note(`n${node.id} commit=${commitIndex}`);
    }
  }

  private apply(node: SimNode, entry: Entry, commitIndex: number): void {
    const onDisk = node.disk.entry(entry.index);
    this.contract(onDisk !== undefined && entryKey(onDisk) === entryKey(entry), `node ${node.id}: committed entry ${entry.index} is persisted before it is applied`);
    checkAppliedPrefix(this.history, { id: node.id, appliedIndex: node.machine.appliedIndex, commitIndex }, entry);
    node.machine.apply(entry);
    checkStateMachineSafety(this.history, node.id, entry, node.machine.digest);
  }

  private checkRestoredMachine(node: SimNode, snapshot: Snapshot): void {
    const { index, digest } = SimStateMachine.decode(snapshot);
    this.contract(index === snapshot.meta.index, `node ${node.id}: snapshot data is of index ${index}, its meta says ${snapshot.meta.index}`);
    checkSnapshotRestore(this.history, node.id, { index, term: snapshot.meta.term, digest });
  }

  private onEvents(node: SimNode, ready: Ready): void {
    for (const event of ready.events) {
      switch (event.type) {
        case 'RoleChanged':
          if (event.role === Role.Leader) this.stats.leaderChanges++;
          this.note(`n${node.id} ${event.role} term=${event.term}${event.leaderId !== None && event.role !== Role.Leader ? ` leader=n${event.leaderId}` : ''}`);
          break;
        case 'ElectionStarted':
          if (!event.pre) this.stats.elections++;
          this.note(`n${node.id} ${event.pre ? 'pre-vote' : 'election'} term=${event.term}`);
          break;
        case 'SnapshotSent':
          this.stats.snapshotsSent++;
          this.note(`n${node.id} send snapshot index=${event.index} to n${event.to}`);
          break;
        case 'IsrShrunk':
        case 'IsrExpanded':
          this.note(`n${node.id} isr ${event.type === 'IsrShrunk' ? '-' : '+'}n${event.nodeId} isr=[${event.isr.join(',')}]`);
          break;
      }
    }
  }

  private send(from: NodeId, m: Message): void {
    this.contract(m.from === from && m.to !== from, `node ${from} sent a ${m.type} from ${m.from} to ${m.to}`);
    const key = `${m.type}>${m.to}`;
    this.sentCounts.set(key, (this.sentCounts.get(key) ?? 0) + 1);
    if (this.nodes.has(m.to)) this.network.send(m);
  }

  /** The Ready contract (persist before send, entries contiguous, and so on) is a safety property
   *  of the core too: a host that trusted a broken Ready would lose data. */
  private contract(ok: boolean, what: string): void {
    if (!ok) throw new SafetyViolation('Ready contract', this.seed, this.history.step, what);
  }

  private termStartIndex(id: NodeId): number {
    // The leader's no-op is the first entry of its term.
    const { disk } = this.simNode(id);
    const term = this.node(id).term;
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

  private config(node: SimNode): RaftConfig {
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
      lagTicksMax: o.lagTicksMax ?? 20,
      prng: node.prng,
      ...(o.traceRaftLog === true ? { logger: this.raftLogger(node.id) } : {}),
      ...(o.mutations !== undefined ? { mutations: o.mutations } : {}),
    };
  }

  private raftLogger(id: NodeId): Logger {
    const line = (obj: object, msg: string): void => this.note(`  n${id} raft: ${msg} ${JSON.stringify(obj)}`);
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
