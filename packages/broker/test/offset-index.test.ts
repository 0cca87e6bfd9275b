// Shows that the offset index drops exactly the batches retention removed (those wholly below
// the new log start; a batch holding it stays), reports their bytes, keeps finding every other
// offset after its columns are reclaimed, and keeps accepting batches. Method: direct calls.
import { describe, expect, it } from 'vitest';
import { OffsetIndex } from '../src/partition/offset-index.js';

function index(batches: number): OffsetIndex {
  const idx = new OffsetIndex();
  for (let i = 0; i < batches; i++) idx.add({ baseOffset: i * 3, recordCount: 3, raftIndex: i + 2, maxTimestampMs: 1_000 + i, bytes: 100 + i });
  return idx;
}

describe('OffsetIndex.dropBefore', () => {
  it('drops the batches wholly below the offset and returns their bytes', () => {
    const idx = index(5);
    expect(idx.dropBefore(7)).toBe(100 + 101);
    expect(idx.size).toBe(3);
    expect(idx.at(0)).toEqual({ baseOffset: 6, recordCount: 3, raftIndex: 4, maxTimestampMs: 1_002, bytes: 102 });
    expect(idx.at(idx.positionOf(7))!.baseOffset).toBe(6);
    expect(idx.dropBefore(7)).toBe(0);
    expect(idx.dropBefore(15)).toBe(102 + 103 + 104);
    expect(idx.size).toBe(0);
    idx.add({ baseOffset: 15, recordCount: 1, raftIndex: 9, maxTimestampMs: 2_000, bytes: 50 });
    expect(idx.at(0)!.baseOffset).toBe(15);
  });

  it('reclaims the dropped prefix and still finds every offset and time', () => {
    const idx = index(5_000);
    idx.dropBefore(3 * 3_000 + 1);
    expect(idx.size).toBe(2_000);
    for (const offset of [9_000, 9_001, 12_345, 14_999]) expect(idx.at(idx.positionOf(offset))!.baseOffset).toBe(offset - (offset % 3));
    expect(idx.positionOf(15_000)).toBe(idx.size);
    expect(idx.at(idx.positionOfTimestamp(1_000 + 4_000))!.baseOffset).toBe(12_000);
  });
});
