import { commitTimedOut, HeraldError, invalidArgument, leadershipLost, noLeader, notLeader, shuttingDown } from '@herald/protocol';
import { EntryType, membershipChangeProblem, Role, type Entry, type Membership, type Message, type NodeId, type RaftEvent, type RaftNode, type RaftStatus, type Ready, type Snapshot } from '@herald/raft';
import type { Clock, Timer } from './clock.js';

/**
 * The state machine of one Raft group (a partition log, or the cluster metadata), as its
 * RaftGroup drives it.
 */
export interface GroupStateMachine<Outcome> {
  /** Applies one committed entry of application data (a Normal entry that is not a leader's
   *  no-op). Every replica applies the same entries in the same order, each once (after a
   *  restart, from the snapshot on). Returns what the entry's proposer is answered. */
  apply(entry: Entry): Outcome;
  /** Replaces the whole state with a snapshot (the stored one at start, or a leader's). */
  restore(snapshot: Snapshot): void;
  /** Called once per turn that touched the group, after its entries were applied. */
  afterTurn?(): void;
  /** This replica became leader, stopped leading, or saw a new term. */
  onLeadershipChange?(): void;
}

/** How far a proposal goes before its promise settles (acks NONE, LEADER, QUORUM, ALL). */
export const ProposalStage = {
  /** In the leader's log, in memory: answered at once. */
  Appended: 'appended',
  /** Durable in the leader's log. */
  Durable: 'durable',
  /** Committed (durable on a quorum) and applied by the leader. */
  Applied: 'applied',
  /** Applied, and held by every member of the ISR. */
  HeldByIsr: 'held-by-isr',
} as const;
export type ProposalStage = (typeof ProposalStage)[keyof typeof ProposalStage];

/** A proposal the leader accepted: where its entry is, and its answer. */
export interface Proposal<Outcome> {
  readonly index: number;
  readonly term: number;
  /**
   * Settles when the entry reaches the stage asked for: with the state machine's outcome from
   * `Applied` on, with undefined before. Rejects with `LeadershipLost` (outcome unknown) when
   * this node stops leading before then, with `NotLeader` (not written) when another leader's
   * entry replaced it, and with `CommitTimedOut` (outcome unknown) after the timeout.
   */
  readonly result: Promise<Outcome | undefined>;
}

/** What a RaftGroup needs from the host that runs it. */
export interface GroupHost {
  readonly nodeId: NodeId;
  readonly clock: Clock;
  /** The client address of a node, for NotLeader hints ('' when unknown). */
  addressOf(id: NodeId): string;
  /** Asks for a turn soon (after a proposal, so that it is written and sent now). `group` names
   *  the group that has something for it: a turn collects the Ready of such groups only. */
  schedule(group?: RaftGroup<unknown>): void;
  /** The group's state machine made a snapshot: store it in the next turn. */
  compacted(group: RaftGroup<unknown>): void;
  /** An applied entry was rewritten (key compaction): store it in the next turn. */
  rewritten(group: RaftGroup<unknown>, entry: Entry): void;
}

interface Waiter<Outcome> {
  readonly index: number;
  readonly term: number;
  readonly until: ProposalStage;
  readonly timer: Timer;
  readonly resolve: (outcome: Outcome | undefined) => void;
  readonly reject: (err: Error) => void;
  /** Applied, waiting for the ISR (HeldByIsr only). */
  applied?: { readonly outcome: Outcome };
}

interface TransferWaiter {
  readonly to: NodeId;
  readonly startedMs: number;
  readonly timer: Timer;
  readonly resolve: (leader: { leaderId: NodeId; term: number }) => void;
  readonly reject: (err: Error) => void;
}

/** Leadership as last seen at the end of a turn. */
interface Seen {
  readonly role: Role;
  readonly term: number;
  readonly leaderId: NodeId;
}

/**
 * The runtime of one Raft group on this node: the only holder of its RaftNode. The host steps
 * messages and ticks into it and hands it each turn's Ready back once durable (finishTurn); the
 * state machine and the broker see leadership, proposals and the log only through it.
 *
 * Proposals are tracked by (index, term) and answered at the stage their caller asked for. A
 * proposal refused by raft was not written (`NotLeader`/`NoLeader`); one accepted and then
 * orphaned by a change of leadership may still be committed by the next leader
 * (`LeadershipLost`); one whose index another leader's entry took was never committed.
 */
export class RaftGroup<Outcome = unknown> {
  private readonly waiters = new Map<number, Waiter<Outcome>>();
  private readonly transfers = new Set<TransferWaiter>();
  private readonly applyListeners = new Set<() => void>();
  private seen: Seen;
  /** The term of the last entry applied (or of the snapshot restored). */
  private appliedTerm: number;
  /** The index of the last entry applied to the state machine (or of the snapshot restored).
   *  Ahead of raft's applied index between applyDurable and finishTurn: raft counts a Ready's
   *  entries applied only when the turn ends (advance), the state machine holds them already. */
  private appliedIndex: number;
  /** How many of this turn's committed entries applyDurable applied before the write. */
  private appliedEarly = 0;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly raft: RaftNode,
    readonly machine: GroupStateMachine<Outcome>,
    private readonly host: GroupHost,
    /** How the group is named in messages, e.g. "orders/3" or "the cluster metadata". */
    readonly label: string,
  ) {
    this.seen = raft.leadership();
    this.appliedTerm = raft.snapshot().meta.term;
    this.appliedIndex = raft.snapshot().meta.index;
  }

  // ---------------------------------------------------------------------------------------------
  // Leadership

  /** Whether this replica leads the group (as of the end of the last turn). */
  isLeader(): boolean {
    return this.seen.role === Role.Leader;
  }

  /** The leader this replica knows (0: none). */
  leaderId(): NodeId {
    return this.seen.leaderId;
  }

  term(): number {
    return this.seen.term;
  }

  /** The whole status of the raft node, for descriptions and metrics (allocates). */
  status(): RaftStatus {
    return this.raft.status();
  }

  /** The group's voters and learners as this replica knows them (the latest Config entry's). */
  membership(): Membership {
    return this.raft.membership();
  }

  /** Whether the group's latest membership change is not committed yet. */
  isMembershipPending(): boolean {
    return this.raft.isMembershipPending();
  }

  /** Whether the replica repairs a log it lost (it neither votes nor campaigns meanwhile). */
  isRepairing(): boolean {
    return this.raft.isRepairing();
  }

  /**
   * Whether this replica leads and its state holds everything committed before its term: it has
   * applied an entry of its own term (a new leader commits a no-op at once, Raft §8) and every
   * entry it knows committed. Only then may it answer reads from its state as the truth.
   *
   * "Applied" is what the state machine holds (appliedIndex), not raft's count, which an early
   * apply (applyDurable) moves only when the turn ends: judged by raft's, a leader that applied
   * every commit before its turn's write would not count as current until the write finished,
   * and whoever waited for an apply to find it current (a queue Receive, untilCurrentLeader)
   * would wake, find it not current, and sleep through every early apply.
   */
  isCurrentLeader(): boolean {
    if (this.seen.role !== Role.Leader || this.appliedTerm !== this.seen.term) return false;
    const status = this.raft.status();
    return status.role === Role.Leader && status.term === this.seen.term && this.appliedIndex >= status.commitIndex;
  }

  /** Whether this replica has applied everything the group is known to have committed, and
   *  knows a leader (a follower's copy of the state is then as current as a read can ask). */
  isCaughtUpFollower(): boolean {
    if (this.raft.isRepairing() || this.seen.leaderId === 0) return false;
    return this.appliedIndex >= this.raft.knownCommitIndex();
  }

  /** Resolves once isCurrentLeader(). Throws NotLeader/NoLeader (not written) when this replica
   *  does not lead, and NoLeader when it leads but takes longer than `timeoutMs` to apply. */
  async untilCurrentLeader(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = this.host.clock.now() + timeoutMs;
    while (!this.isCurrentLeader()) {
      this.requireLeader();
      if (this.host.clock.now() >= deadline || signal?.aborted === true) throw noLeader(this.label, 50, 'has a new leader still applying its log');
      await this.waitForApply(deadline - this.host.clock.now(), signal);
    }
  }

  /** Throws the refusal a non-leader gives (NotLeader with a hint, or NoLeader). */
  requireLeader(): void {
    if (this.seen.role !== Role.Leader) throw this.notLeaderError();
  }

  /** The refusal of a replica that does not lead: NotLeader naming the leader it knows, or
   *  NoLeader when it knows none. Either way nothing was written. */
  notLeaderError(): HeraldError {
    const leader = this.knownLeader();
    return leader === undefined ? noLeader(this.label, 100) : notLeader(this.label, leader);
  }

  /** The leader this replica knows other than itself, with its client address. */
  private knownLeader(): { id: NodeId; addr: string } | undefined {
    const id = this.seen.leaderId;
    return id === 0 || id === this.host.nodeId ? undefined : { id, addr: this.host.addressOf(id) };
  }

  /** Starts an election now (the leader's connection reset, or the preferred leader starts). */
  campaign(): void {
    this.raft.campaign();
    this.host.schedule(this as RaftGroup<unknown>);
  }

  /**
   * Hands leadership to `to` (Raft thesis §3.10) and resolves with the new leader once another
   * node leads. `to` must be a voter other than this node. Throws NotLeader/NoLeader when this
   * replica does not lead; rejects with CommitTimedOut when leadership did not move in time.
   */
  transferLeadership(to: NodeId, timeoutMs: number): Promise<{ leaderId: NodeId; term: number }> {
    this.requireLeader();
    if (!this.raft.transferLeadership(to)) throw this.notLeaderError();
    this.host.schedule(this as RaftGroup<unknown>);
    return new Promise((resolve, reject) => {
      const waiter: TransferWaiter = {
        to,
        startedMs: this.host.clock.now(),
        resolve,
        reject,
        timer: this.host.clock.setTimeout(() => {
          this.transfers.delete(waiter);
          reject(commitTimedOut(`the transfer of the leadership of ${this.label} to node ${to}`, timeoutMs));
        }, timeoutMs),
      };
      this.transfers.add(waiter);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Proposals

  /**
   * Proposes application data and answers at `until` (see Proposal). Throws at once, with
   * nothing written, when this replica does not lead or is handing leadership away.
   */
  propose(data: Uint8Array, until: ProposalStage, timeoutMs: number, what: string): Proposal<Outcome> {
    if (this.closed) throw shuttingDown(this.host.nodeId);
    const proposed = this.raft.propose(data);
    if (!proposed.ok) {
      throw proposed.reason === 'transferring' ? noLeader(this.label, 50, 'is handing its leadership to another node') : this.notLeaderError();
    }
    this.host.schedule(this as RaftGroup<unknown>);
    const { index, term } = proposed;
    if (until === ProposalStage.Appended) return { index, term, result: Promise.resolve(undefined) };
    const result = new Promise<Outcome | undefined>((resolve, reject) => {
      const timer = this.host.clock.setTimeout(() => {
        this.waiters.delete(index);
        reject(commitTimedOut(`${this.label}: ${what}`, timeoutMs));
      }, timeoutMs);
      this.waiters.set(index, { index, term, until, timer, resolve, reject });
    });
    return { index, term, result };
  }

  /**
   * Proposes a change of the group's voters and learners (one voter added or removed at a time,
   * Raft thesis §4.1; learners freely) and resolves once it is committed. Throws NotLeader/NoLeader
   * when this replica does not lead, and NotEnoughReplicas while another change is uncommitted.
   */
  async changeMembership(next: Membership, timeoutMs: number): Promise<void> {
    if (this.closed) throw shuttingDown(this.host.nodeId);
    const problem = membershipChangeProblem(this.raft.status().membership, next);
    if (problem !== null) throw invalidArgument('membership', `${this.label}: ${problem}`);
    const proposed = this.raft.proposeMembership(next);
    if (!proposed.ok) {
      if (proposed.reason === 'config-pending') throw new HeraldError('NotEnoughReplicas', `${this.label} has a membership change in progress; retry once it is committed`);
      throw proposed.reason === 'transferring' ? noLeader(this.label, 50, 'is handing its leadership to another node') : this.notLeaderError();
    }
    this.host.schedule(this as RaftGroup<unknown>);
    await new Promise<void>((resolve, reject) => {
      const timer = this.host.clock.setTimeout(() => {
        this.waiters.delete(proposed.index);
        reject(commitTimedOut(`${this.label}: the membership change`, timeoutMs));
      }, timeoutMs);
      this.waiters.set(proposed.index, { index: proposed.index, term: proposed.term, until: ProposalStage.Applied, timer, resolve: () => resolve(), reject });
    });
  }

  /** Proposes and resolves with the outcome once applied (see propose). */
  async proposeApplied(data: Uint8Array, timeoutMs: number, what: string): Promise<Outcome> {
    return (await this.propose(data, ProposalStage.Applied, timeoutMs, what).result) as Outcome;
  }

  /** Fails every waiting proposal and transfer: the node is stopping or the group closing. */
  close(err: () => Error): void {
    this.closed = true;
    this.failWaiters(err);
  }

  private failWaiters(err: () => Error): void {
    for (const waiter of [...this.waiters.values()]) this.settle(waiter, err());
    for (const transfer of [...this.transfers]) {
      transfer.timer.cancel();
      this.transfers.delete(transfer);
      transfer.reject(err());
    }
  }

  private settle(waiter: Waiter<Outcome>, result: Error | { outcome: Outcome | undefined }): void {
    waiter.timer.cancel();
    this.waiters.delete(waiter.index);
    if (result instanceof Error) waiter.reject(result);
    else waiter.resolve(result.outcome);
  }

  // ---------------------------------------------------------------------------------------------
  // The log

  /** The entry at `index` if it is in the in-memory log (serving reads of the log). */
  entry(index: number): Entry | undefined {
    return this.raft.entry(index);
  }

  /** The state machine made a snapshot of its state at `index` (applied): raft drops its log up
   *  to there, and the next turn stores the snapshot. Call it outside apply(). */
  compact(index: number, data: Uint8Array): void {
    if (index <= this.raft.status().snapshotIndex) return;
    this.raft.compact(index, data);
    this.host.compacted(this as RaftGroup<unknown>);
  }

  /** The latest snapshot (made by compact() or received from a leader). */
  snapshot(): Snapshot {
    return this.raft.snapshot();
  }

  /** Replaces an applied entry's data with an equivalent rewritten form (key compaction); the
   *  next turn stores it without a sync of its own (a rewrite lost in a crash leaves the
   *  original, which means the same). Returns false, changing nothing, for an entry applied
   *  early in the turn under way (applyDurable): raft counts it applied once the turn ends, and
   *  the next compaction rewrites it. */
  rewrite(index: number, data: Uint8Array): boolean {
    if (index > this.raft.status().appliedIndex) return false;
    this.host.rewritten(this as RaftGroup<unknown>, this.raft.rewriteEntry(index, data));
    return true;
  }

  /** Calls `listener` after every turn that applied something or changed leadership here (what
   *  isLeader() and isCurrentLeader() read, and the state machine's state), until the returned
   *  function is called: for timers that sleep until then instead of polling. */
  watch(listener: () => void): () => void {
    const call = () => listener();
    this.applyListeners.add(call);
    return () => this.applyListeners.delete(call);
  }

  /** Resolves after the next turn that applied something or changed leadership, after
   *  `timeoutMs`, or on abort. */
  waitForApply(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.waitUntil(() => true, timeoutMs, signal);
  }

  /** Resolves once `done()` holds after a turn that applied something or changed leadership,
   *  after `timeoutMs`, or on abort. */
  waitUntil(done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (timeoutMs <= 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        timer.cancel();
        this.applyListeners.delete(check);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = this.host.clock.setTimeout(finish, timeoutMs);
      this.applyListeners.add(check);
      signal?.addEventListener('abort', finish);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The host's side: only host.ts calls these.

  /** @internal */
  step(message: Message): void {
    this.raft.step(message);
  }

  /** @internal */
  tick(): void {
    this.raft.tick();
  }

  /** @internal */
  hasReady(): boolean {
    return this.raft.hasReady();
  }

  /** @internal */
  ready(): Ready {
    return this.raft.ready();
  }

  /** @internal Whether the group is quiescent here (RaftNode "Quiescence"): ticks do nothing. */
  isQuiescent(): boolean {
    return this.raft.isQuiescent();
  }

  /** @internal The node's failure detector declared `peer` down (RaftNode.peerDown, the campaign
   *  deferred). Returns whether the group wants to campaign: the host calls campaignIfPending()
   *  when its turn comes. */
  peerDown(peer: NodeId): boolean {
    return this.raft.peerDown(peer, true);
  }

  /** @internal Whether this replica is a candidate or pre-candidate (as of the end of the last
   *  turn). */
  isCampaigning(): boolean {
    return this.seen.role === Role.Candidate || this.seen.role === Role.PreCandidate;
  }

  /** @internal Runs the campaign peerDown() deferred, unless it became moot. */
  campaignIfPending(): boolean {
    return this.raft.campaignIfPending();
  }

  /** @internal The node's failure detector hears `peer` again (RaftNode.peerUp). */
  peerUp(peer: NodeId): void {
    this.raft.peerUp(peer);
  }

  /**
   * @internal Applies, before the turn's write, the committed entries of this turn's Ready that
   * an earlier turn made durable here: they are committed (on a quorum's disks) and on this
   * one, so their proposers may be answered now rather than after this turn's write, which a
   * leader that learned the commit from its followers' answers (stepped at the start of the
   * turn) would otherwise wait for: one more synced write per commit under load. Entries the
   * turn writes itself, and all of them when it installs a snapshot, are applied by finishTurn.
   * Acks ALL still waits for the ISR (settleDurableAndIsr, after the write).
   */
  applyDurable(ready: Ready): void {
    if (ready.snapshot !== null) return;
    const firstWritten = ready.entries[0]?.index ?? Number.POSITIVE_INFINITY;
    while (this.appliedEarly < ready.committed.length && ready.committed[this.appliedEarly]!.index < firstWritten) {
      this.applyEntry(ready.committed[this.appliedEarly]!);
      this.appliedEarly++;
    }
    if (this.appliedEarly > 0) for (const listener of [...this.applyListeners]) listener();
  }

  /**
   * @internal The Ready handed out this turn is durable: restores and applies what it carries
   * (what applyDurable did not), advances raft, and answers whoever waits on what changed.
   */
  finishTurn(ready: Ready): readonly RaftEvent[] {
    // What applyDurable applied, its listeners heard already.
    let applied = false;
    if (ready.snapshot !== null) {
      this.machine.restore(ready.snapshot);
      this.appliedTerm = ready.snapshot.meta.term;
      this.appliedIndex = ready.snapshot.meta.index;
      applied = true;
    }
    for (let i = this.appliedEarly; i < ready.committed.length; i++) {
      this.applyEntry(ready.committed[i]!);
      applied = true;
    }
    this.appliedEarly = 0;
    this.raft.advance();
    const now = this.raft.leadership();
    const before = this.seen;
    const leadershipChanged = now.role !== before.role || now.term !== before.term || now.leaderId !== before.leaderId;
    if (leadershipChanged) this.seen = now;
    // Proposals of an earlier term of leadership may or may not be committed by the next leader.
    if (before.role === Role.Leader && (now.role !== Role.Leader || now.term !== before.term)) this.failWaitersOnStepDown();
    if (this.waiters.size > 0 && now.role === Role.Leader) this.settleDurableAndIsr(ready, this.raft.status());
    if (leadershipChanged) this.machine.onLeadershipChange?.();
    this.machine.afterTurn?.();
    if (this.transfers.size > 0) this.checkTransfers(this.raft.status());
    if (applied || leadershipChanged) for (const listener of [...this.applyListeners]) listener();
    return ready.events;
  }

  /** Applies one committed entry and answers the proposal waiting for it. */
  private applyEntry(entry: Entry): void {
    this.appliedTerm = entry.term;
    this.appliedIndex = entry.index;
    const waiter = this.waiters.get(entry.index);
    const isData = entry.type === EntryType.Normal && entry.data.byteLength > 0;
    const outcome = isData ? this.machine.apply(entry) : undefined;
    if (waiter === undefined) return;
    if (waiter.term !== entry.term) {
      // Another leader's entry took its place: it was never committed, and never will be.
      this.settle(waiter, this.notLeaderError());
    } else if (waiter.until === ProposalStage.HeldByIsr) {
      waiter.applied = { outcome: outcome as Outcome };
    } else {
      this.settle(waiter, { outcome: outcome as Outcome });
    }
  }

  private failWaitersOnStepDown(): void {
    const error = leadershipLost(this.label, 'this node stopped leading', this.knownLeader());
    for (const waiter of [...this.waiters.values()]) this.settle(waiter, error);
  }

  /** acks LEADER: entries of this Ready are durable here now; acks ALL: the ISR holds them. */
  private settleDurableAndIsr(ready: Ready, status: RaftStatus): void {
    const durable = ready.entries.length > 0 ? ready.entries[ready.entries.length - 1]!.index : 0;
    for (const waiter of [...this.waiters.values()]) {
      if (waiter.until === ProposalStage.Durable && waiter.index <= durable) {
        this.settle(waiter, { outcome: undefined });
      } else if (waiter.applied !== undefined && heldByIsr(waiter.index, status)) {
        this.settle(waiter, { outcome: waiter.applied.outcome });
      }
    }
  }

  private checkTransfers(status: RaftStatus): void {
    for (const transfer of [...this.transfers]) {
      const moved = status.leaderId !== 0 && status.leaderId !== this.host.nodeId;
      const abandoned = status.role === Role.Leader && status.transferee === 0;
      if (!moved && !abandoned) continue;
      transfer.timer.cancel();
      this.transfers.delete(transfer);
      if (moved) transfer.resolve({ leaderId: status.leaderId, term: status.term });
      else transfer.reject(commitTimedOut(`the transfer of the leadership of ${this.label} to node ${transfer.to} (abandoned: the node did not catch up in time)`, this.host.clock.now() - transfer.startedMs));
    }
  }
}

/** acks ALL: every in-sync replica holds the entry at `index`. */
function heldByIsr(index: number, status: RaftStatus): boolean {
  return status.isr.every((id) => (status.progress.find((p) => p.id === id)?.matchIndex ?? 0) >= index);
}
