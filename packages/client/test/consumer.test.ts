// Shows how fetched batches become records: offsets from the batch's base offset, records below
// the reader's position skipped (a batch may start before it), and how topic views from several
// nodes merge into one description.

import { encodeBatch, decodeBatch } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { mergeTopicViews, recordsFrom } from '../src/index.js';

describe('recordsFrom', () => {
  it('numbers records from the base offset and skips those below the position', async () => {
    const batch = await encodeBatch(
      ['a', 'b', 'c', 'd'].map((v, i) => ({ key: i % 2 === 0 ? Buffer.from('k') : null, value: Buffer.from(v), headers: [{ key: 'h', value: Buffer.from('1') }], timestampMs: 1_000 + i })),
    );
    const records = recordsFrom('t', 3, 10, await decodeBatch(batch), 12);
    expect(records.map((r) => [r.offset, r.value!.toString(), r.key?.toString() ?? null, r.timestampMs])).toEqual([
      [12, 'c', 'k', 1_002],
      [13, 'd', null, 1_003],
    ]);
    expect(records[0]).toMatchObject({ topic: 't', partition: 3 });
    expect(records[0]!.headers.map((h) => [h.key, h.value.toString()])).toEqual([['h', '1']]);
  });

  it('returns nothing from a batch wholly below the position', async () => {
    const batch = await encodeBatch([{ key: null, value: Buffer.from('a'), timestampMs: 1 }]);
    expect(recordsFrom('t', 0, 5, await decodeBatch(batch), 6)).toEqual([]);
  });
});

describe('mergeTopicViews', () => {
  const partition = (id: number, leaderId: number, leaderTerm: number, isr: number[], highWatermark: number) => ({
    id, leaderId, leaderTerm, replicas: [1, 2, 3], isr, highWatermark, logStartOffset: 0,
  });
  const topic = (partitions: ReturnType<typeof partition>[]) => ({ name: 't', replicationFactor: 3, configs: {}, partitions });

  it("takes each partition from its leader's own answer", () => {
    const merged = mergeTopicViews([
      { nodeId: 1, topic: topic([partition(0, 1, 2, [1, 2, 3], 40), partition(1, 2, 1, [], 0)]) },
      { nodeId: 2, topic: topic([partition(0, 1, 2, [], 0), partition(1, 2, 1, [2, 3], 17)]) },
      { nodeId: 3, topic: topic([partition(0, 0, 0, [], 0), partition(1, 0, 0, [], 0)]) },
    ]);
    expect(merged.partitions.map((p) => [p.id, p.leaderId, p.isr, p.highWatermark])).toEqual([
      [0, 1, [1, 2, 3], 40],
      [1, 2, [2, 3], 17],
    ]);
  });

  it('prefers the newest term when no leader answered for itself', () => {
    const merged = mergeTopicViews([
      { nodeId: 1, topic: topic([partition(0, 2, 3, [], 0)]) },
      { nodeId: 3, topic: topic([partition(0, 3, 5, [], 0)]) },
    ]);
    expect(merged.partitions[0]).toMatchObject({ leaderId: 3, leaderTerm: 5 });
  });
});
