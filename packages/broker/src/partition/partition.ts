import { compactBatch, decodeBatch, HeraldError, readBatchHeader, type BatchRecord } from '@herald/protocol';
import { assert, EntryType, Role, type Entry, type NodeId, type Ready, type Snapshot } from '@herald/raft';
import type { GroupStateMachine, HostedGroup } from '../host/host.js';
import { QueueLeader, type QueueSettings } from '../queue/queue-leader.js';
import { OffsetIndex } from './offset-index.js';
import { PartitionState, type BatchFacts, type BatchOutcome, type PartitionCommand } from './partition-state.js';

export type { PartitionCommand };

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
  readonly queue: QueueSettings;
}

/** A batch decoded, with the offset of its first record. */
export interface DecodedBatch {
  readonly baseOffset: number;
  /** The offset after the batch's last (a compacted batch may not hold every offset it spans). */
  readonly end: number;
  readonly records: readonly BatchRecord[];
}

/** A record key as text (one char per byte), for maps keyed by record key. */
export function keyText(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** Decoded batches a partition keeps for queue deliveries (by raft index). */
const DECODED_BATCHES_KEPT = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const COMMAND_FIRST_BYTE = 0x7b;

/** Whether a partition log entry holds a command rather than a record batch. */
export function isCommand(data: Uint8Array): boolean {
  return data.byteLength > 0 && data[0] === COMMAND_FIRST_BYTE;
}

interface CommandWaiter {
  readonly term: number;
  readonly resolve: (outcome: ReturnType<PartitionState['applyCommand']>) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
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
  /** Replaced as a whole when a snapshot is restored. */
  state = new PartitionState();
  index = new OffsetIndex();
  /** The state at the raft snapshot index: the start of the replay that computes the state at
   *  the next compaction point. */
  private snapshotState = new PartitionState();
  private snapshotIndex = 0;
  /** A Trim moved the log start: compact the raft log below it after this turn. */
  private compactionPending = false;
  private readonly commandWaiters = new Map<number, CommandWaiter>();
  /** The raft index of the last applied entry. */
  private appliedIndex = 0;
  /** Bytes of the committed batches applied (herald_partition_log_bytes); retention must subtract what it removes. */
  logBytes = 0;
  /** Leader only: `state` run forward over the log's uncommitted tail, to answer acks NONE and
   *  LEADER with the offsets the batch will get if it commits. Rebuilt after a role change. */
  private projected: { state: PartitionState; index: number } | null = null;
  private readonly waiters = new Map<number, Waiter>();
  private readonly dataListeners = new Set<() => void>();
  private lastRole: Role = Role.Follower;
  group!: HostedGroup;
  /** The leader's side of the partition's queue subscriptions. */
  readonly queues: QueueLeader;
  private readonly decoded = new Map<number, Promise<DecodedBatch>>();

  constructor(readonly settings: PartitionSettings) {
    this.queues = new QueueLeader(this, settings.queue);
  }

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
      if (isCommand(entry.data)) {
        this.applyCommand(entry);
        continue;
      }
      const facts = readBatchHeader(entry.data);
      const outcome = this.state.applyBatch(facts);
      if (outcome.kind === 'appended') {
        this.index.add({ baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, raftIndex: entry.index, maxTimestampMs: facts.maxTimestampMs, bytes: entry.data.byteLength });
        this.logBytes += entry.data.byteLength;
      }
      this.onCommitted(entry, outcome);
    }
    for (const listener of [...this.dataListeners]) listener();
  }

  /** Replaces the state with a snapshot's (at start, from the stored snapshot; on a follower far
   *  behind, from the leader's). The snapshot holds the state machine only: no record is below
   *  the log start it carries, and every retained batch comes after it in the raft log, so the
   *  offset index is rebuilt as those entries are applied. */
  restore(snapshot: Snapshot): void {
    assert(snapshot.data.byteLength > 0, 'a partition snapshot carries its state');
    const state = PartitionState.fromJSON(JSON.parse(decoder.decode(snapshot.data)));
    this.state = state;
    this.snapshotState = state.clone();
    this.snapshotIndex = snapshot.meta.index;
    this.appliedIndex = snapshot.meta.index;
    this.index = new OffsetIndex();
    this.logBytes = 0;
    this.projected = null;
    this.queues.reset();
    this.decoded.clear();
    for (const listener of [...this.dataListeners]) listener();
  }

  /** Applies a command entry (Trim, queue commands) and answers whoever proposed it here. */
  private applyCommand(entry: Entry): void {
    const before = this.state.logStartOffset;
    const outcome = this.state.applyCommand(JSON.parse(decoder.decode(entry.data)) as PartitionCommand);
    if (this.state.logStartOffset > before) {
      this.logBytes -= this.index.dropBefore(this.state.logStartOffset);
      this.compactionPending = true;
    }
    const waiter = this.commandWaiters.get(entry.index);
    if (waiter === undefined) return;
    this.commandWaiters.delete(entry.index);
    clearTimeout(waiter.timer);
    if (waiter.term === entry.term) waiter.resolve(outcome);
    else waiter.reject(this.notLeaderError());
  }

  /**
   * Compacts the raft log below the first retained batch: a snapshot of the state at the entry
   * before it, computed by replaying the log from the previous snapshot's state (the producer
   * table at that entry differs from today's). Every replica does this for itself.
   */
  private compact(): void {
    this.compactionPending = false;
    const first = this.index.at(0);
    const index = first === undefined ? this.appliedIndex : first.raftIndex - 1;
    if (index <= this.snapshotIndex) return;
    const state = this.snapshotState.clone();
    for (let i = this.snapshotIndex + 1; i <= index; i++) {
      const entry = this.group.raft.entry(i);
      assert(entry !== undefined, 'entries after the snapshot are in memory');
      if (entry.type !== EntryType.Normal || entry.data.byteLength === 0) continue;
      if (isCommand(entry.data)) {
        state.applyCommand(JSON.parse(decoder.decode(entry.data)) as PartitionCommand);
      } else {
        state.applyBatch(readBatchHeader(entry.data));
      }
    }
    this.group.compact(index, encoder.encode(JSON.stringify(state.toJSON())));
    this.snapshotState = state;
    this.snapshotIndex = index;
    this.projected = null; // it may replay from an entry now compacted; rebuilt from the applied state
  }

  afterTurn(ready: Ready): void {
    if (this.compactionPending) this.compact();
    const status = this.group.raft.status();
    if (status.role !== this.lastRole || ready.events.some((e) => e.type === 'RoleChanged')) {
      if (this.lastRole === Role.Leader && status.role !== Role.Leader) this.failAll(() => this.notLeaderError());
      this.lastRole = status.role;
      this.projected = null;
      this.queues.reset();
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
    this.group.schedule();
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
      if (entry.type === EntryType.Normal && entry.data.byteLength > 0 && !isCommand(entry.data)) this.projected.state.applyBatch(readBatchHeader(entry.data));
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

  /** Fails every waiting produce and trim: leadership moved, or the partition is closing. */
  failAll(makeError: () => Error): void {
    for (const waiter of [...this.waiters.values()]) this.settleError(waiter, makeError());
    for (const [index, waiter] of [...this.commandWaiters]) {
      clearTimeout(waiter.timer);
      this.commandWaiters.delete(index);
      waiter.reject(makeError());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Retention

  /**
   * Leader: moves the log start up to `logStartOffset` (at most the high watermark) through the
   * raft log, and resolves with the log start once applied. Records below it are gone for every
   * reader; offsets of the others do not change.
   */
  trim(logStartOffset: number, timeoutMs: number): Promise<number> {
    if (this.group.raft.status().role !== Role.Leader) throw this.notLeaderError();
    const target = Math.min(logStartOffset, this.highWatermark);
    if (target <= this.state.logStartOffset) return Promise.resolve(this.state.logStartOffset);
    return this.proposeCommand({ type: 'Trim', logStartOffset: target }, timeoutMs, 'the deletion') as Promise<number>;
  }

  /** Leader: proposes a command and resolves with its outcome once applied (a Trim: the log
   *  start; a queue command: its QueueOutcome). `what` names it in a timeout. */
  proposeCommand(command: PartitionCommand, timeoutMs: number, what: string): Promise<ReturnType<PartitionState['applyCommand']>> {
    const proposed = this.group.raft.propose(encoder.encode(JSON.stringify(command)));
    if (!proposed.ok) throw proposed.reason === 'transferring' ? new HeraldError('NotLeader', `${this.name} is handing leadership to another node; retry shortly`) : this.notLeaderError();
    this.group.schedule();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.commandWaiters.delete(proposed.index);
        reject(new HeraldError('CommitTimedOut', `${this.name}: ${what} was not committed within ${timeoutMs} ms; it may or may not be applied`));
      }, timeoutMs);
      this.commandWaiters.set(proposed.index, { term: proposed.term, resolve, reject, timer });
    });
  }

  /**
   * The log start retention asks for now: past every batch whose newest record is older than
   * `retentionMs` (Kafka's rule, per batch instead of per segment), and past the oldest batches
   * while the partition holds more than `retentionBytes`. -1 turns a limit off. Never beyond
   * the high watermark; the current log start when nothing is due.
   */
  retentionTarget(nowMs: number, retentionMs: number, retentionBytes: number): number {
    let target = this.state.logStartOffset;
    let bytes = this.logBytes;
    for (let position = 0; ; position++) {
      const batch = this.index.at(position);
      if (batch === undefined) break;
      const expired = retentionMs >= 0 && batch.maxTimestampMs < nowMs - retentionMs;
      const oversize = retentionBytes >= 0 && bytes > retentionBytes;
      if (!expired && !oversize) break;
      target = Math.max(target, batch.baseOffset + batch.recordCount);
      bytes -= batch.bytes;
    }
    return Math.min(target, this.highWatermark);
  }

  /** Throws NotLeader (or NoLeader) unless this replica leads. */
  requireLeader(): void {
    if (this.group.raft.status().role !== Role.Leader) throw this.notLeaderError();
  }

  /** Whether this replica leads and its state includes everything committed before its term: it
   *  applied an entry of its own term (a new leader commits one at once). Reads of the queue
   *  state are answered only then. */
  isCurrentLeader(): boolean {
    const status = this.group.raft.status();
    return status.role === Role.Leader && status.appliedIndex >= status.commitIndex && this.group.raft.entry(status.appliedIndex)?.term === status.term;
  }

  /** Leader: resolves once isCurrentLeader(); throws NotLeader when leadership goes, NoLeader
   *  (retryable) when it takes longer than `timeoutMs`. */
  async untilCurrentLeader(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isCurrentLeader()) {
      this.requireLeader();
      if (Date.now() >= deadline || signal?.aborted === true) throw new HeraldError('NoLeader', `${this.name} has a new leader still applying its log; retry shortly`, { 'herald-retry-after-ms': '50' });
      await this.waitForApply(deadline - Date.now(), signal);
    }
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
    return this.waitUntil(() => this.highWatermark > offset, timeoutMs, signal);
  }

  /** Resolves after the next apply (a batch or a command), or after `timeoutMs`, or on abort. */
  waitForApply(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.waitUntil(() => true, timeoutMs, signal);
  }

  /** Resolves once `done` holds after an apply, or after `timeoutMs`, or on abort. */
  private waitUntil(done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.dataListeners.delete(check);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.dataListeners.add(check);
      signal?.addEventListener('abort', finish);
    });
  }

  /** The committed batch holding `offset`, decoded (a few recent ones are kept); undefined
   *  when the offset is below the log start or at or past the high watermark. */
  decodedBatchAt(offset: number): Promise<DecodedBatch | undefined> {
    if (offset < this.state.logStartOffset || offset >= this.highWatermark) return Promise.resolve(undefined);
    const batch = this.index.at(this.index.positionOf(offset));
    if (batch === undefined || offset < batch.baseOffset) return Promise.resolve(undefined);
    let decoded = this.decoded.get(batch.raftIndex);
    if (decoded === undefined) {
      const entry = this.group.raft.entry(batch.raftIndex);
      if (entry === undefined) return Promise.resolve(undefined);
      decoded = decodeBatch(entry.data).then((records) => ({ baseOffset: batch.baseOffset, end: batch.baseOffset + batch.recordCount, records }));
      this.decoded.set(batch.raftIndex, decoded);
      if (this.decoded.size > DECODED_BATCHES_KEPT) this.decoded.delete(this.decoded.keys().next().value!);
    }
    return decoded;
  }

  /**
   * Key compaction of this replica (cleanup.policy=compact), Kafka's log cleaner: every record
   * below the cleanable point whose key has a later record, and every tombstone (null value)
   * older than `deleteRetentionMs`, is removed from the batch that holds it; offsets never
   * change (a compacted batch keeps its offset span, see the batch format). The cleanable point
   * is the high watermark, held back to batches older than `minCompactionLagMs` and to `limit`
   * (a queue subscription's floor: what it has not settled stays). Each replica compacts its own
   * log: the result depends only on the committed log, and raft compares entries by index and
   * term, so a follower catching up from a compacted leader and one compacting itself agree.
   * Records without a key are kept.
   */
  async compactKeys(options: { nowMs: number; deleteRetentionMs: number; minCompactionLagMs: number; limit: number }): Promise<{ batches: number; bytesFreed: number }> {
    const latest = new Map<string, number>();
    const batches: { position: number; raftIndex: number; baseOffset: number; recordCount: number; data: Uint8Array }[] = [];
    let cleanable = Math.min(this.highWatermark, options.limit);
    for (let position = 0; ; position++) {
      const batch = this.index.at(position);
      if (batch === undefined) break;
      const entry = this.group.raft.entry(batch.raftIndex);
      if (entry === undefined) return { batches: 0, bytesFreed: 0 }; // compacted meanwhile: next time
      if (batch.maxTimestampMs > options.nowMs - options.minCompactionLagMs) cleanable = Math.min(cleanable, batch.baseOffset);
      for (const record of await decodeBatch(entry.data)) {
        if (record.key !== null) latest.set(keyText(record.key), batch.baseOffset + record.offsetDelta);
      }
      batches.push({ position, raftIndex: batch.raftIndex, baseOffset: batch.baseOffset, recordCount: batch.recordCount, data: entry.data });
    }
    let rewritten = 0;
    let bytesFreed = 0;
    for (const batch of batches) {
      if (batch.baseOffset + batch.recordCount > cleanable) break;
      const compacted = await compactBatch(batch.data, (r) => {
        if (r.key === null) return true;
        const superseded = latest.get(keyText(r.key)) !== batch.baseOffset + r.offsetDelta;
        const expiredTombstone = r.value === null && r.timestampMs < options.nowMs - options.deleteRetentionMs;
        return !superseded && !expiredTombstone;
      });
      // The entry must still be the one read: retention may have compacted it away meanwhile.
      if (compacted === null || this.group.raft.entry(batch.raftIndex)?.data !== batch.data) continue;
      this.group.rewrite(batch.raftIndex, compacted);
      const position = this.index.positionOf(batch.baseOffset);
      this.index.setBytes(position, compacted.byteLength);
      this.decoded.delete(batch.raftIndex);
      bytesFreed += batch.data.byteLength - compacted.byteLength;
      this.logBytes -= batch.data.byteLength - compacted.byteLength;
      rewritten++;
    }
    return { batches: rewritten, bytesFreed };
  }

  /** The timestamp of the first retained committed record at or after `offset`; -1 when there
   *  is none (the offset is at or past the high watermark). A consumer group's lag in seconds is
   *  the age of this record at its committed offset. */
  async recordTimestamp(offset: number): Promise<number> {
    const wanted = Math.max(offset, this.state.logStartOffset);
    if (wanted >= this.highWatermark) return -1;
    const batch = this.index.at(this.index.positionOf(wanted));
    if (batch === undefined) return -1;
    const entry = this.group.raft.entry(batch.raftIndex);
    if (entry === undefined) return -1; // compacted meanwhile
    const records = await decodeBatch(entry.data);
    // A compacted batch may lack `wanted`: the first record after it then counts.
    return records.find((r) => batch.baseOffset + r.offsetDelta >= wanted)?.timestampMs ?? -1;
  }

  /** The offset of the first retained record stamped at or after `timestampMs`, exactly (the
   *  batch found by the index is decoded); the high watermark when there is none. */
  async offsetAtTimestamp(timestampMs: number): Promise<number> {
    for (let position = this.index.positionOfTimestamp(timestampMs); ; position++) {
      const batch = this.index.at(position);
      if (batch === undefined) return this.highWatermark;
      const entry = this.group.raft.entry(batch.raftIndex);
      if (entry === undefined) continue;
      const records = await decodeBatch(entry.data);
      const found = records.find((r) => r.timestampMs >= timestampMs && batch.baseOffset + r.offsetDelta >= this.state.logStartOffset);
      if (found !== undefined) return batch.baseOffset + found.offsetDelta;
    }
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
