import { HeraldError, readBatchHeader } from '@herald/protocol';
import { assert, EntryType, Role, type Entry, type NodeId, type Ready, type Snapshot } from '@herald/raft';
import type { GroupStateMachine, HostedGroup } from '../host/host.js';
import { OffsetIndex } from './offset-index.js';
import { PartitionState, type BatchFacts, type BatchOutcome } from './partition-state.js';

/** How much durability a producer waits for (DESIGN.md "acks"). */
export const Acks = { None: 'none', Leader: 'leader', Quorum: 'quorum', All: 'all' } as const;
export type Acks = (typeof Acks)[keyof typeof Acks];

export interface ProduceResult {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly duplicate: boolean;
}

/** A stored batch as fetch serves it: the bytes exactly as the producer sent them. */
export interface FetchedBatch {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly bytes: Uint8Array;
}

export interface FetchResult {
  readonly batches: readonly FetchedBatch[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

export interface PartitionSettings {
  readonly topic: string;
  readonly partition: number;
  readonly minInsyncReplicas: number;
  /** The client address of a node, for NotLeader hints. */
  readonly addressOf: (id: NodeId) => string;
}

interface Waiter {
  readonly index: number;
  readonly term: number;
  readonly acks: Acks;
  /** The leader's projection of the outcome, for acks LEADER. */
  readonly projected: BatchOutcome;
  /** The committed outcome, once applied (acks ALL waits on the ISR after that). */
  committed?: BatchOutcome;
  readonly resolve: (result: ProduceResult) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One partition replica: the state machine of its raft group (offsets assigned at apply time, the
 * idempotent-producer table, the offset index), and the produce and fetch paths on top of it.
 * The records themselves live once, in the raft log; fetch serves those bytes unchanged.
 */
export class Partition implements GroupStateMachine {
  readonly state = new PartitionState();
  readonly index = new OffsetIndex();
  /** The raft index of the last applied entry. */
  private appliedIndex = 0;
  /** Leader only: `state` run forward over the log's uncommitted tail, to answer acks NONE and
   *  LEADER with the offsets the batch will get if it commits. Rebuilt after a role change. */
  private projected: { state: PartitionState; index: number } | null = null;
  private readonly waiters = new Map<number, Waiter>();
  private readonly dataListeners = new Set<() => void>();
  private lastRole: Role = Role.Follower;
  group!: HostedGroup;

  constructor(readonly settings: PartitionSettings) {}

  get name(): string {
    return `${this.settings.topic}/${this.settings.partition}`;
  }

  /** Offsets below this are committed: readable, and never lost. */
  get highWatermark(): number {
    return this.state.nextOffset;
  }

  // ---------------------------------------------------------------------------------------------
  // GroupStateMachine

  apply(entries: readonly Entry[]): void {
    for (const entry of entries) {
      assert(entry.index === this.appliedIndex + 1 || this.appliedIndex === 0, 'entries are applied in order');
      this.appliedIndex = entry.index;
      if (entry.type !== EntryType.Normal || entry.data.byteLength === 0) continue;
      const facts = readBatchHeader(entry.data);
      const outcome = this.state.applyBatch(facts);
      if (outcome.kind === 'appended') {
        this.index.add({ baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, raftIndex: entry.index, maxTimestampMs: facts.maxTimestampMs });
      }
      this.onCommitted(entry, outcome);
    }
    for (const listener of [...this.dataListeners]) listener();
  }

  restore(snapshot: Snapshot): void {
    // Partition snapshots come with retention (issue #6); until then a partition log is never
    // compacted, so no snapshot but the empty initial one exists.
    assert(snapshot.meta.index === 0 || snapshot.data.byteLength === 0, 'partition snapshots are not produced yet');
  }

  afterTurn(ready: Ready): void {
    const status = this.group.raft.status();
    if (status.role !== this.lastRole || ready.events.some((e) => e.type === 'RoleChanged')) {
      if (this.lastRole === Role.Leader && status.role !== Role.Leader) this.failAll(() => this.notLeaderError());
      this.lastRole = status.role;
      this.projected = null;
    }
    if (this.waiters.size === 0) return;
    // acks LEADER: the entries of this Ready are durable on the leader now.
    const durable = ready.entries.length > 0 ? ready.entries[ready.entries.length - 1]!.index : 0;
    for (const waiter of this.waiters.values()) {
      if (waiter.acks === Acks.Leader && waiter.index <= durable) this.settle(waiter, waiter.projected);
      else if (waiter.acks === Acks.All && waiter.committed !== undefined && this.heldByIsr(waiter.index, status)) this.settle(waiter, waiter.committed);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Produce

  /** Appends a validated batch (see validateBatch in @herald/protocol) and waits per `acks`. */
  produce(batch: Uint8Array, facts: BatchFacts, acks: Acks, timeoutMs: number): Promise<ProduceResult> {
    const raft = this.group.raft;
    const status = raft.status();
    if (status.role !== Role.Leader) throw this.notLeaderError();
    if ((acks === Acks.Quorum || acks === Acks.All) && status.isr.length < this.settings.minInsyncReplicas) {
      throw new HeraldError(
        'NotEnoughReplicas',
        `${this.name} has ${status.isr.length} in-sync replicas, fewer than min.insync.replicas ${this.settings.minInsyncReplicas}; retry when a replica catches up`,
        { 'herald-limit': String(this.settings.minInsyncReplicas) },
      );
    }
    // Decide before proposing: a batch that would be rejected never enters the log, and a retry
    // of a batch already committed is answered with its offsets without writing it again.
    const projection = this.projectTo(status.lastIndex);
    const decision = projection.decide(facts);
    if (decision.kind === 'rejected') throw new HeraldError(decision.reason, decision.message);
    if (decision.kind === 'duplicate' && this.state.decide(facts).kind === 'duplicate') return Promise.resolve(toResult(this.state.decide(facts)));
    const proposed = raft.propose(batch);
    if (!proposed.ok) throw proposed.reason === 'transferring' ? new HeraldError('NotLeader', `${this.name} is handing leadership to another node; retry shortly`) : this.notLeaderError();
    const projected = this.projectTo(proposed.index - 1).applyBatch(facts);
    this.projected!.index = proposed.index;
    if (acks === Acks.None) return Promise.resolve(toResult(projected));
    return new Promise<ProduceResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(proposed.index);
        reject(new HeraldError('CommitTimedOut', `${this.name}: the batch was not committed within ${timeoutMs} ms; it may or may not be written`));
      }, timeoutMs);
      this.waiters.set(proposed.index, { index: proposed.index, term: proposed.term, acks, projected, resolve, reject, timer });
    });
  }

  /** The applied state run forward over our log's entries up to `index`, incrementally. */
  private projectTo(index: number): PartitionState {
    if (this.projected === null || this.projected.index > index) this.projected = { state: this.state.clone(), index: this.appliedIndex };
    for (let i = this.projected.index + 1; i <= index; i++) {
      const entry = this.group.raft.entry(i);
      assert(entry !== undefined, 'the uncommitted tail is in memory');
      if (entry.type === EntryType.Normal && entry.data.byteLength > 0) this.projected.state.applyBatch(readBatchHeader(entry.data));
    }
    this.projected.index = Math.max(this.projected.index, index);
    return this.projected.state;
  }

  private onCommitted(entry: Entry, outcome: BatchOutcome): void {
    const waiter = this.waiters.get(entry.index);
    if (waiter === undefined) return;
    if (waiter.term !== entry.term) {
      // Our entry was replaced by another leader's: it was never committed.
      this.settleError(waiter, this.notLeaderError());
      return;
    }
    if (outcome.kind === 'rejected') {
      this.settleError(waiter, new HeraldError(outcome.reason, outcome.message));
      return;
    }
    if (waiter.acks === Acks.All) {
      waiter.committed = outcome;
      if (this.heldByIsr(entry.index, this.group.raft.status())) this.settle(waiter, outcome);
      return;
    }
    this.settle(waiter, outcome);
  }

  /** acks ALL: every in-sync replica holds the entry. */
  private heldByIsr(index: number, status: ReturnType<HostedGroup['raft']['status']>): boolean {
    return status.isr.every((id) => (status.progress.find((p) => p.id === id)?.matchIndex ?? 0) >= index);
  }

  private settle(waiter: Waiter, outcome: BatchOutcome): void {
    if (outcome.kind === 'rejected') return this.settleError(waiter, new HeraldError(outcome.reason, outcome.message));
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter.index);
    waiter.resolve(toResult(outcome));
  }

  private settleError(waiter: Waiter, err: Error): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter.index);
    waiter.reject(err);
  }

  /** Fails every waiting produce: leadership moved, or the partition is closing. */
  failAll(makeError: () => Error): void {
    for (const waiter of [...this.waiters.values()]) this.settleError(waiter, makeError());
  }

  notLeaderError(): HeraldError {
    const leaderId = this.group.raft.status().leaderId;
    if (leaderId === 0) {
      return new HeraldError('NoLeader', `${this.name} has no leader yet; retry shortly`, { 'herald-retry-after-ms': '100' });
    }
    const addr = this.settings.addressOf(leaderId);
    return new HeraldError('NotLeader', `this node does not lead ${this.name}; send to node ${leaderId} at ${addr}`, {
      'herald-leader-id': String(leaderId),
      'herald-leader-addr': addr,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch

  /** Committed batches from `offset` on, up to `maxBytes` (at least one batch if any). */
  fetch(offset: number, maxBytes: number): FetchResult {
    const batches: FetchedBatch[] = [];
    let bytes = 0;
    for (let position = this.index.positionOf(offset); ; position++) {
      const batch = this.index.at(position);
      if (batch === undefined) break;
      const entry = this.group.raft.entry(batch.raftIndex);
      assert(entry !== undefined, 'an indexed batch is in the log');
      if (batches.length > 0 && bytes + entry.data.byteLength > maxBytes) break;
      bytes += entry.data.byteLength;
      batches.push({ baseOffset: batch.baseOffset, recordCount: batch.recordCount, bytes: entry.data });
    }
    return { batches, highWatermark: this.highWatermark, logStartOffset: this.state.logStartOffset };
  }

  /** Resolves once the high watermark passes `offset`, or after `timeoutMs`, or on abort. */
  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.highWatermark > offset || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.dataListeners.delete(check);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = () => {
        if (this.highWatermark > offset) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.dataListeners.add(check);
      signal?.addEventListener('abort', done);
    });
  }

  /** The first offset whose record may be at or after `timestampMs` (ListOffsets by time). */
  offsetForTimestamp(timestampMs: number): number {
    const batch = this.index.at(this.index.positionOfTimestamp(timestampMs));
    return batch === undefined ? this.highWatermark : batch.baseOffset;
  }
}

function toResult(outcome: BatchOutcome): ProduceResult {
  assert(outcome.kind !== 'rejected', 'only accepted batches have a result');
  return { baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, duplicate: outcome.kind === 'duplicate' };
}
