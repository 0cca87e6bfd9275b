import { assert } from '@herald/raft';

/** Where one stored batch lives: its first offset, how many records, and the raft entry holding it. */
export interface IndexedBatch {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly raftIndex: number;
  readonly maxTimestampMs: number;
  /** The batch's bytes as stored (retention.bytes counts them). */
  readonly bytes: number;
}

/**
 * Maps offsets to the raft entries that hold them. Batches are added in apply order, so base
 * offsets only grow and a binary search finds any offset. Columns of plain numbers keep it small.
 */
export class OffsetIndex {
  private baseOffsets: number[] = [];
  private recordCounts: number[] = [];
  private raftIndexes: number[] = [];
  private maxTimestamps: number[] = [];
  private sizes: number[] = [];
  private start = 0; // batches before this position were removed by retention

  get size(): number {
    return this.baseOffsets.length - this.start;
  }

  add(batch: IndexedBatch): void {
    const last = this.baseOffsets.length - 1;
    assert(last < this.start || batch.baseOffset >= this.baseOffsets[last]! + this.recordCounts[last]!, 'batches are indexed in offset order');
    this.baseOffsets.push(batch.baseOffset);
    this.recordCounts.push(batch.recordCount);
    this.raftIndexes.push(batch.raftIndex);
    this.maxTimestamps.push(batch.maxTimestampMs);
    this.sizes.push(batch.bytes);
  }

  /** Removes the batches whose records all lie below `offset` (retention moved the log start
   *  there); a batch holding `offset` stays. Returns the bytes of the batches removed. */
  dropBefore(offset: number): number {
    let bytes = 0;
    while (this.start < this.baseOffsets.length && this.baseOffsets[this.start]! + this.recordCounts[this.start]! <= offset) {
      bytes += this.sizes[this.start]!;
      this.start++;
    }
    // Reclaim the columns' memory once the removed prefix is the larger part.
    if (this.start > 1024 && this.start * 2 > this.baseOffsets.length) {
      for (const column of [this.baseOffsets, this.recordCounts, this.raftIndexes, this.maxTimestamps, this.sizes]) column.splice(0, this.start);
      this.start = 0;
    }
    return bytes;
  }

  /** The position of the batch holding `offset`, or of the first batch after it; size if none. */
  positionOf(offset: number): number {
    let lo = this.start;
    let hi = this.baseOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.baseOffsets[mid]! + this.recordCounts[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  /** The position of the first batch whose records may have a timestamp at or after `timestampMs`. */
  positionOfTimestamp(timestampMs: number): number {
    for (let i = this.start; i < this.baseOffsets.length; i++) if (this.maxTimestamps[i]! >= timestampMs) return i - this.start;
    return this.size;
  }

  /** Records a new stored size of the batch at `position` (key compaction rewrote it). */
  setBytes(position: number, bytes: number): void {
    const i = position + this.start;
    assert(position >= 0 && i < this.sizes.length, 'a rewritten batch is indexed');
    this.sizes[i] = bytes;
  }

  at(position: number): IndexedBatch | undefined {
    const i = position + this.start;
    if (position < 0 || i >= this.baseOffsets.length) return undefined;
    return { baseOffset: this.baseOffsets[i]!, recordCount: this.recordCounts[i]!, raftIndex: this.raftIndexes[i]!, maxTimestampMs: this.maxTimestamps[i]!, bytes: this.sizes[i]! };
  }
}
