import { decodeBatch, HeraldError, readBatchHeader } from '@herald/protocol';
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

/** A command of the partition log other than a record batch. Its entry starts with "{" (0x7b),
 *  which no batch does (a batch starts with its magic byte, 1). */
export type PartitionCommand =
  /** Moves the log start up (retention.ms, retention.bytes, DeleteRecords). The leader decides
   *  the offset; every replica applies the same command, so every replica agrees. */
  { readonly type: 'Trim'; readonly logStartOffset: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const COMMAND_FIRST_BYTE = 0x7b;

/** Whether a partition log entry holds a command rather than a record batch. */
export function isCommand(data: Uint8Array): boolean {
  return data.byteLength > 0 && data[0] === COMMAND_FIRST_BYTE;
}

interface CommandWaiter {
  readonly term: number;
  readonly resolve: (logStartOffset: number) => void;
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
    for (const listener of [...this.dataListeners]) listener();
  }

  /** Applies a command entry (Trim) and answers whoever proposed it here. */
  private applyCommand(entry: Entry): void {
    const command = JSON.parse(decoder.decode(entry.data)) as PartitionCommand;
    assert(command.type === 'Trim', 'partition commands are Trim');
    const before = this.state.logStartOffset;
    this.state.logStartOffset = Math.max(before, Math.min(command.logStartOffset, this.state.nextOffset));
    if (this.state.logStartOffset > before) {
      this.logBytes -= this.index.dropBefore(this.state.logStartOffset);
      this.compactionPending = true;
    }
    const waiter = this.commandWaiters.get(entry.index);
    if (waiter === undefined) return;
    this.commandWaiters.delete(entry.index);
    clearTimeout(waiter.timer);
    if (waiter.term === entry.term) waiter.resolve(this.state.logStartOffset);
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
        const command = JSON.parse(decoder.decode(entry.data)) as PartitionCommand;
        state.logStartOffset = Math.max(state.logStartOffset, Math.min(command.logStartOffset, state.nextOffset));
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
    const raft = this.group.raft;
    if (raft.status().role !== Role.Leader) throw this.notLeaderError();
    const target = Math.min(logStartOffset, this.highWatermark);
    if (target <= this.state.logStartOffset) return Promise.resolve(this.state.logStartOffset);
    const command: PartitionCommand = { type: 'Trim', logStartOffset: target };
    const proposed = raft.propose(encoder.encode(JSON.stringify(command)));
    if (!proposed.ok) throw proposed.reason === 'transferring' ? new HeraldError('NotLeader', `${this.name} is handing leadership to another node; retry shortly`) : this.notLeaderError();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.commandWaiters.delete(proposed.index);
        reject(new HeraldError('CommitTimedOut', `${this.name}: the deletion was not committed within ${timeoutMs} ms; it may or may not be applied`));
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
    if (wanted <= batch.baseOffset) return readBatchHeader(entry.data).firstTimestampMs;
    const records = await decodeBatch(entry.data);
    return records[wanted - batch.baseOffset]?.timestampMs ?? -1;
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
      const i = records.findIndex((r, i) => r.timestampMs >= timestampMs && batch.baseOffset + i >= this.state.logStartOffset);
      if (i >= 0) return batch.baseOffset + i;
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
