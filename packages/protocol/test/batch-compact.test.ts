import { describe, expect, it } from 'vitest';
import { compactBatch, Compression, decodeBatch, encodeBatch, readBatchHeader, validateBatch, type RecordInput } from '../src/index.js';

const text = (s: string) => new TextEncoder().encode(s);
const records: RecordInput[] = [
  { key: text('a'), value: text('a1'), timestampMs: 1_000 },
  { key: text('b'), value: text('b1'), timestampMs: 1_005, headers: [{ key: 'h', value: text('x') }] },
  { key: text('a'), value: text('a2'), timestampMs: 1_003 },
  { key: text('c'), value: null, timestampMs: 1_010 },
];

describe('compactBatch', () => {
  it.each(Object.values(Compression))('keeps the chosen records with their offsets, timestamps and the original header (%s)', async (compression) => {
    const original = await encodeBatch(records, { compression, producerId: 7, producerEpoch: 1, baseSequence: 40 });
    const compacted = await compactBatch(original, (r) => r.offsetDelta !== 0 && r.offsetDelta !== 3);
    expect(compacted).not.toBeNull();
    const header = readBatchHeader(compacted!);
    const before = readBatchHeader(original);
    expect(header).toMatchObject({ compacted: true, recordCount: 4, firstTimestampMs: 1_000, maxTimestampMs: 1_010, producerId: 7, producerEpoch: 1, baseSequence: 40, compression });
    expect(before.compacted).toBe(false);
    const kept = await decodeBatch(compacted!);
    expect(kept.map((r) => [r.offsetDelta, r.timestampMs, Buffer.from(r.value!).toString(), r.headers.length])).toEqual([
      [1, 1_005, 'b1', 1],
      [2, 1_003, 'a2', 0],
    ]);
    // Compacting the compacted batch the same way changes nothing; further gives the same bytes
    // as compacting the original that far at once.
    expect(await compactBatch(compacted!, (r) => r.offsetDelta !== 0 && r.offsetDelta !== 3)).toBeNull();
    const twice = await compactBatch(compacted!, (r) => r.offsetDelta === 2);
    const once = await compactBatch(original, (r) => r.offsetDelta === 2);
    expect(Buffer.from(twice!).equals(Buffer.from(once!))).toBe(true);
  });

  it('may leave no record at all, and still spans its offsets', async () => {
    const compacted = await compactBatch(await encodeBatch(records), () => false);
    expect(readBatchHeader(compacted!)).toMatchObject({ recordCount: 4, compacted: true });
    expect(await decodeBatch(compacted!)).toEqual([]);
  });

  it('returns null when every record is kept', async () => {
    expect(await compactBatch(await encodeBatch(records), () => true)).toBeNull();
  });

  it('a producer cannot send a compacted batch', async () => {
    const compacted = await compactBatch(await encodeBatch(records), (r) => r.offsetDelta === 1);
    await expect(validateBatch(compacted!, { recordBytesMax: 1 << 20, batchBytesMax: 1 << 20 })).rejects.toMatchObject({ reason: 'InvalidArgument', message: expect.stringMatching(/only the broker compacts/) });
  });
});
