import { compactBatch, decodeBatch, HeaderOffset, readBatchHeader, TRANSACTIONAL_FLAG, type BatchRecord } from '@herald/protocol';
import { assert, EntryType, type Entry, type Snapshot } from '@herald/raft';
import type { GroupStateMachine, RaftGroup } from '../host/raft-group.js';
import { decodeCommand, decodeHalfMeta, EntryKind, halfEntryParts, isRecordBatch, markerEntryParts, storedBatch, withStoredBatch } from '../store-format.js';
import { halfMetaSchema } from '../transactions/half-state.js';
import { txnMarkerMetaSchema, type AbortedRange } from '../transactions/txn-partition.js';
import { OffsetIndex } from './offset-index.js';
import { partitionCommandSchema, type PartitionCommand } from './partition-commands.js';
import { PartitionState, type BatchOutcome, type CommandOutcome } from './partition-state.js';

/** A stored batch as fetch serves it: the bytes exactly as the producer sent them. */
export interface FetchedBatch {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly bytes: Uint8Array;
  /** The raft term of the entry that carries the batch: the term of the leader that appended
   *  it, Kafka's partitionLeaderEpoch (KIP-101). */
  readonly leaderEpoch: number;
}

export interface FetchResult {
  readonly batches: readonly FetchedBatch[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Read-committed reads stop here (the high watermark while no transaction is open). */
  readonly lastStableOffset: number;
  /** Read committed: the aborted transactions whose batches were left out (Kafka's
   *  aborted_transactions: producer id and first offset). */
  readonly aborted: readonly AbortedRange[];
}

/** Kafka's isolation levels (KIP-98): read_committed stops at the last stable offset and
 *  leaves aborted batches out; read_uncommitted reads up to the high watermark. Transaction
 *  markers (control batches) are served either way, so that readers move past them; readers
 *  never hand them to applications. */
export const Isolation = { ReadCommitted: 'read_committed', ReadUncommitted: 'read_uncommitted' } as const;
export type Isolation = (typeof Isolation)[keyof typeof Isolation];


/** A batch decoded, with the offset of its first record. */
export interface DecodedBatch {
  readonly baseOffset: number;
  /** The offset after the batch's last (a compacted batch may not hold every offset it spans). */
  readonly end: number;
  readonly records: readonly BatchRecord[];
}

/** What applying one entry of a partition log did: a batch's outcome, or a command's. */
export type EntryOutcome = BatchOutcome | CommandOutcome;

/** A record key as text (one char per byte), for maps keyed by record key. */
export function keyText(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

/** Decoded batches a partition keeps for queue deliveries (by raft index). */
const DECODED_BATCHES_KEPT = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Runs one committed entry of a partition log through a state: the partition's transition
 * function. Apply, the snapshot replay and the leader's projection of its uncommitted tail all
 * go through here, so they cannot disagree.
 */
export function applyEntry(state: PartitionState, entry: Entry, where: string): EntryOutcome {
  if (isRecordBatch(entry.data)) return state.applyBatch(readBatchHeader(entry.data));
  if (entry.data[0] === EntryKind.TxnMarker) return state.applyMarker(decodeHalfMeta(markerEntryParts(entry.data).meta, txnMarkerMetaSchema, where));
  if (entry.data[0] === EntryKind.HalfMessage) {
    const { meta, batch } = halfEntryParts(entry.data);
    return state.applyHalf(decodeHalfMeta(meta, halfMetaSchema, where), { ...readBatchHeader(batch), bytes: batch.byteLength }, entry.index);
  }
  return state.applyCommand(decodeCommand<PartitionCommand>(entry.data, EntryKind.PartitionCommand, partitionCommandSchema, where), where);
}

/**
 * One partition replica's state machine: the partition log. Offsets are assigned here, at apply
 * time, not when the leader receives a batch, so every replica numbers every record the same.
 * It keeps the replicated state (next offset, log start, idempotent producers, queue
 * subscriptions), an index from offsets to the Raft entries holding the batches, and serves
 * reads: fetch of the stored bytes unchanged, lookups by time, decoded batches. The records
 * themselves live once, in the Raft log. The leader's side (produce, trim, queues) is
 * PartitionLeader.
 */
export class PartitionLog implements GroupStateMachine<EntryOutcome> {
  private stateValue = new PartitionState();
  private indexValue = new OffsetIndex();
  /** The state at the raft snapshot index: where the replay that computes the state at the
   *  next compaction point starts. */
  private snapshotState = new PartitionState();
  private snapshotIndex = 0;
  /** A Trim moved the log start: compact the raft log below it after this turn. */
  private compactionPending = false;
  /** The raft index of the last applied entry. */
  private appliedIndexValue = 0;
  private logBytesValue = 0;
  private readonly decoded = new Map<number, Promise<DecodedBatch>>();
  /** Committed half messages since the last compaction, or retained since: their batches live
   *  in entries (raftIndex) older than their commits (commitIndex), see compact(). */
  private committedHalves: { readonly end: number; readonly raftIndex: number; readonly commitIndex: number }[] = [];
  private readonly leadershipListeners = new Set<() => void>();
  private groupValue: RaftGroup<EntryOutcome> | undefined;

  constructor(readonly name: string) {}

  /** The Raft group this log is the state machine of (set once, when the group opens). */
  get group(): RaftGroup<EntryOutcome> {
    assert(this.groupValue !== undefined, 'a partition log is read once its group is open');
    return this.groupValue;
  }

  set group(group: RaftGroup<EntryOutcome>) {
    assert(this.groupValue === undefined, 'a partition log belongs to one group');
    this.groupValue = group;
  }

  /** The replicated state (read only outside this class; replaced when a snapshot is restored). */
  get state(): PartitionState {
    return this.stateValue;
  }

  /** Offsets below this are committed: readable, and never lost. */
  get highWatermark(): number {
    return this.stateValue.nextOffset;
  }

  get logStartOffset(): number {
    return this.stateValue.logStartOffset;
  }

  /** Read-committed readers stop here: the first offset of the oldest open transaction, else
   *  the high watermark. */
  get lastStableOffset(): number {
    return this.stateValue.lastStableOffset;
  }

  /** The raft index of the last applied entry. */
  get appliedIndex(): number {
    return this.appliedIndexValue;
  }

  /** Bytes of the retained committed batches (herald_partition_log_bytes). */
  get logBytes(): number {
    return this.logBytesValue;
  }

  /** The batches the log holds, in offset order (read only). */
  get index(): OffsetIndex {
    return this.indexValue;
  }

  /** Called when this replica's leadership changes (the leader side resets what it derived). */
  onLeadership(listener: () => void): void {
    this.leadershipListeners.add(listener);
  }

  // ---------------------------------------------------------------------------------------------
  // GroupStateMachine

  apply(entry: Entry): EntryOutcome {
    assert(entry.index > this.appliedIndexValue, 'entries are applied in order');
    this.appliedIndexValue = entry.index;
    const before = this.stateValue.logStartOffset;
    const outcome = applyEntry(this.stateValue, entry, this.name);
    if (outcome.kind === 'appended') {
      const facts = readBatchHeader(storedBatch(entry.data));
      this.indexValue.add({ baseOffset: outcome.baseOffset, recordCount: outcome.recordCount, raftIndex: entry.index, maxTimestampMs: facts.maxTimestampMs, bytes: entry.data.byteLength });
      this.logBytesValue += entry.data.byteLength;
    } else if (outcome.kind === 'half' && outcome.outcome.kind === 'committed' && outcome.outcome.batch !== undefined) {
      // The committed batch is served from the half message's entry, an older one.
      const { batch, baseOffset } = outcome.outcome;
      this.indexValue.add({ baseOffset, recordCount: batch.recordCount, raftIndex: batch.raftIndex, maxTimestampMs: batch.maxTimestampMs, bytes: batch.bytes });
      this.committedHalves.push({ end: baseOffset + batch.recordCount, raftIndex: batch.raftIndex, commitIndex: entry.index });
      this.logBytesValue += batch.bytes;
    } else if (this.stateValue.logStartOffset > before) {
      this.logBytesValue -= this.indexValue.dropBefore(this.stateValue.logStartOffset);
      this.compactionPending = true;
    }
    return outcome;
  }

  /** Replaces the state with a snapshot's (at start, from the stored snapshot; on a follower far
   *  behind, from the leader's). The snapshot holds the state machine only: no record is below
   *  the log start it carries, and every retained batch comes after it in the raft log, so the
   *  offset index is rebuilt as those entries are applied. */
  restore(snapshot: Snapshot): void {
    assert(snapshot.data.byteLength > 0, 'a partition snapshot carries its state');
    this.stateValue = PartitionState.fromJSON(JSON.parse(decoder.decode(snapshot.data)));
    this.snapshotState = this.stateValue.clone();
    this.snapshotIndex = snapshot.meta.index;
    this.appliedIndexValue = snapshot.meta.index;
    this.indexValue = new OffsetIndex();
    this.committedHalves = [];
    this.logBytesValue = 0;
    this.decoded.clear();
    for (const listener of this.leadershipListeners) listener();
  }

  afterTurn(): void {
    if (this.compactionPending) this.compact();
  }

  onLeadershipChange(): void {
    for (const listener of this.leadershipListeners) listener();
  }

  /**
   * Compacts the raft log below the first retained batch: a snapshot of the state at the entry
   * before it, computed by replaying the log from the previous snapshot's state (the producer
   * table at that entry differs from today's). Every replica does this for itself. The entries
   * of half messages are kept where their batches are still read: undecided ones; retained
   * committed ones; and committed ones whose commit comes after the compaction point, even if
   * retention removed them since, because a replica restored from the snapshot replays that
   * commit (and indexes the batch) before it replays the trim that removes it.
   */
  private compact(): void {
    this.compactionPending = false;
    const first = this.indexValue.at(0);
    let keepFrom = Math.min(first === undefined ? this.appliedIndexValue + 1 : first.raftIndex, this.stateValue.halves.lowestRaftIndex() ?? Number.MAX_SAFE_INTEGER);
    const start = this.stateValue.logStartOffset;
    // Lowering keepFrom may bring more commits after it: until nothing changes.
    for (let moved = true; moved; ) {
      moved = false;
      for (const half of this.committedHalves) {
        if (half.raftIndex < keepFrom && (half.end > start || half.commitIndex >= keepFrom)) {
          keepFrom = half.raftIndex;
          moved = true;
        }
      }
    }
    const index = keepFrom - 1;
    if (index <= this.snapshotIndex) return;
    const state = this.snapshotState.clone();
    for (let i = this.snapshotIndex + 1; i <= index; i++) {
      const entry = this.group.entry(i);
      assert(entry !== undefined, 'entries after the snapshot are in memory');
      if (entry.data.byteLength > 0 && entry.type === EntryType.Normal) applyEntry(state, entry, this.name);
    }
    this.group.compact(index, encoder.encode(JSON.stringify(state.toJSON())));
    this.snapshotState = state;
    this.snapshotIndex = index;
    this.committedHalves = this.committedHalves.filter((h) => h.end > start || h.commitIndex > index);
    // The leader's projection may replay from an entry now compacted: it is rebuilt.
    for (const listener of this.leadershipListeners) listener();
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Committed batches from `offset` on, up to `maxBytes` (at least one batch if any). Read
   * committed (the default): only below the last stable offset, and without the batches of
   * aborted transactions (their markers are served, so a reader moves past them; skipped
   * batches count no bytes). A partition without transactions takes the plain path.
   */
  fetch(offset: number, maxBytes: number, isolation: Isolation = Isolation.ReadCommitted): FetchResult {
    const txns = this.stateValue.txns;
    const committed = isolation === Isolation.ReadCommitted && txns !== null;
    const end = committed ? this.lastStableOffset : this.highWatermark;
    const skipAborted = committed && txns.hasAbortedFrom(offset);
    const aborted = skipAborted ? txns.abortedIn(offset, end) : [];
    const batches: FetchedBatch[] = [];
    let bytes = 0;
    for (let position = this.indexValue.positionOf(offset); ; position++) {
      const batch = this.indexValue.at(position);
      if (batch === undefined || batch.baseOffset >= end) break;
      const entry = this.group.entry(batch.raftIndex);
      assert(entry !== undefined, 'an indexed batch is in the log');
      const data = storedBatch(entry.data);
      if (skipAborted && isAborted(aborted, batch.baseOffset, data)) continue;
      if (batches.length > 0 && bytes + data.byteLength > maxBytes) break;
      bytes += data.byteLength;
      batches.push({ baseOffset: batch.baseOffset, recordCount: batch.recordCount, bytes: data, leaderEpoch: entry.term });
    }
    return { batches, highWatermark: this.highWatermark, logStartOffset: this.logStartOffset, lastStableOffset: this.lastStableOffset, aborted };
  }

  /** Resolves once there is something to read at `offset` (below the high watermark; read
   *  committed, below the last stable offset), or after `timeoutMs`, or on abort. */
  waitForData(offset: number, timeoutMs: number, signal?: AbortSignal, isolation: Isolation = Isolation.ReadCommitted): Promise<void> {
    const end = isolation === Isolation.ReadCommitted ? () => this.lastStableOffset : () => this.highWatermark;
    if (end() > offset) return Promise.resolve();
    return this.group.waitUntil(() => end() > offset, timeoutMs, signal);
  }

  /** The committed batch holding `offset`, decoded (a few recent ones are kept); undefined
   *  when the offset is below the log start or at or past the high watermark. A transaction
   *  marker, or a batch of an aborted transaction, comes back without records. */
  decodedBatchAt(offset: number): Promise<DecodedBatch | undefined> {
    if (offset < this.logStartOffset || offset >= this.highWatermark) return Promise.resolve(undefined);
    const batch = this.indexValue.at(this.indexValue.positionOf(offset));
    if (batch === undefined || offset < batch.baseOffset) return Promise.resolve(undefined);
    let decoded = this.decoded.get(batch.raftIndex);
    if (decoded === undefined) {
      const entry = this.group.entry(batch.raftIndex);
      if (entry === undefined) return Promise.resolve(undefined);
      // A transaction marker, and an aborted transaction's batch, hold no record to deliver.
      const data = storedBatch(entry.data);
      const txns = this.stateValue.txns;
      const hidden = entry.data[0] === EntryKind.TxnMarker || (txns !== null && txns.hasAbortedFrom(batch.baseOffset) && isAborted(txns.abortedIn(batch.baseOffset, batch.baseOffset + 1), batch.baseOffset, data));
      decoded = (hidden ? Promise.resolve([]) : decodeBatch(data)).then((records) => ({ baseOffset: batch.baseOffset, end: batch.baseOffset + batch.recordCount, records }));
      this.decoded.set(batch.raftIndex, decoded);
      if (this.decoded.size > DECODED_BATCHES_KEPT) this.decoded.delete(this.decoded.keys().next().value!);
    }
    return decoded;
  }

  /** The timestamp of the first retained committed record at or after `offset`; -1 when there
   *  is none (the offset is at or past the high watermark). A consumer group's lag in seconds is
   *  the age of this record at its committed offset. */
  async recordTimestamp(offset: number): Promise<number> {
    const wanted = Math.max(offset, this.logStartOffset);
    if (wanted >= this.highWatermark) return -1;
    const batch = this.indexValue.at(this.indexValue.positionOf(wanted));
    if (batch === undefined) return -1;
    const entry = this.group.entry(batch.raftIndex);
    if (entry === undefined) return -1; // compacted meanwhile
    const records = await decodeBatch(storedBatch(entry.data));
    // A compacted batch may lack `wanted`: the first record after it then counts.
    return records.find((r) => batch.baseOffset + r.offsetDelta >= wanted)?.timestampMs ?? -1;
  }

  /** The offset of the first retained record stamped at or after `timestampMs`, exactly (the
   *  batch found by the index is decoded); the high watermark when there is none. */
  async offsetAtTimestamp(timestampMs: number): Promise<number> {
    for (let position = this.indexValue.positionOfTimestamp(timestampMs); ; position++) {
      const batch = this.indexValue.at(position);
      if (batch === undefined) return this.highWatermark;
      const entry = this.group.entry(batch.raftIndex);
      if (entry === undefined) continue;
      const records = await decodeBatch(storedBatch(entry.data));
      const found = records.find((r) => r.timestampMs >= timestampMs && batch.baseOffset + r.offsetDelta >= this.logStartOffset);
      if (found !== undefined) return batch.baseOffset + found.offsetDelta;
    }
  }

  /** The first offset whose record may be at or after `timestampMs` (ListOffsets by time). */
  offsetForTimestamp(timestampMs: number): number {
    const batch = this.indexValue.at(this.indexValue.positionOfTimestamp(timestampMs));
    return batch === undefined ? this.highWatermark : batch.baseOffset;
  }

  // ---------------------------------------------------------------------------------------------
  // Retention and compaction of this replica

  /**
   * The log start retention asks for now: past every batch whose newest record is older than
   * `retentionMs` (Kafka's rule, per batch instead of per segment), and past the oldest batches
   * while the partition holds more than `retentionBytes`. -1 turns a limit off. Never beyond
   * the high watermark; the current log start when nothing is due.
   */
  retentionTarget(nowMs: number, retentionMs: number, retentionBytes: number): number {
    let target = this.logStartOffset;
    let bytes = this.logBytesValue;
    for (let position = 0; ; position++) {
      const batch = this.indexValue.at(position);
      if (batch === undefined) break;
      const expired = retentionMs >= 0 && batch.maxTimestampMs < nowMs - retentionMs;
      const oversize = retentionBytes >= 0 && bytes > retentionBytes;
      if (!expired && !oversize) break;
      target = Math.max(target, batch.baseOffset + batch.recordCount);
      bytes -= batch.bytes;
    }
    return Math.min(target, this.highWatermark);
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
    const batches: { raftIndex: number; baseOffset: number; recordCount: number; data: Uint8Array }[] = [];
    let cleanable = Math.min(this.highWatermark, options.limit);
    for (let position = 0; ; position++) {
      const batch = this.indexValue.at(position);
      if (batch === undefined) break;
      const entry = this.group.entry(batch.raftIndex);
      if (entry === undefined) return { batches: 0, bytesFreed: 0 }; // compacted meanwhile: next time
      // Transactions' batches and markers are kept whole: a marker's key is not a record key.
      if (entry.data[0] === EntryKind.TxnMarker || (storedBatch(entry.data)[HeaderOffset.Attributes]! & TRANSACTIONAL_FLAG) !== 0) continue;
      if (batch.maxTimestampMs > options.nowMs - options.minCompactionLagMs) cleanable = Math.min(cleanable, batch.baseOffset);
      for (const record of await decodeBatch(storedBatch(entry.data))) {
        if (record.key !== null) latest.set(keyText(record.key), batch.baseOffset + record.offsetDelta);
      }
      batches.push({ raftIndex: batch.raftIndex, baseOffset: batch.baseOffset, recordCount: batch.recordCount, data: entry.data });
    }
    let rewritten = 0;
    let bytesFreed = 0;
    for (const batch of batches) {
      if (batch.baseOffset + batch.recordCount > cleanable) break;
      const compacted = await compactBatch(storedBatch(batch.data), (r) => {
        if (r.key === null) return true;
        const superseded = latest.get(keyText(r.key)) !== batch.baseOffset + r.offsetDelta;
        const expiredTombstone = r.value === null && r.timestampMs < options.nowMs - options.deleteRetentionMs;
        return !superseded && !expiredTombstone;
      });
      // The entry must still be the one read: retention may have compacted it away meanwhile.
      if (compacted === null || this.group.entry(batch.raftIndex)?.data !== batch.data) continue;
      if (!this.group.rewrite(batch.raftIndex, withStoredBatch(batch.data, compacted))) continue;
      this.indexValue.setBytes(this.indexValue.positionOf(batch.baseOffset), compacted.byteLength);
      this.decoded.delete(batch.raftIndex);
      const freed = storedBatch(batch.data).byteLength - compacted.byteLength;
      bytesFreed += freed;
      this.logBytesValue -= freed;
      rewritten++;
    }
    return { batches: rewritten, bytesFreed };
  }
}

/** Whether the batch at `baseOffset` (its stored bytes `data`) belongs to one of the aborted
 *  ranges: same producer, inside the range; the abort marker itself is served. */
function isAborted(aborted: readonly AbortedRange[], baseOffset: number, data: Uint8Array): boolean {
  let producerId: number | undefined;
  for (const r of aborted) {
    if (baseOffset < r.firstOffset || baseOffset >= r.lastOffset) continue;
    producerId ??= Number(new DataView(data.buffer, data.byteOffset, data.byteLength).getBigInt64(HeaderOffset.ProducerId));
    if (producerId === r.producerId) return true;
  }
  return false;
}
