// Shows how fetched batches become records: offsets from the batch's base offset, records below
// the reader's position skipped (a batch may start before it), that the consumer asks for the
// next records before it decodes the last ones (prefetch), and how topic views from several
// nodes merge into one description (without waiting long for a node that does not answer).

import { encodeBatch, decodeBatch } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { Consumer, mergeTopicViews, recordsFrom, settleMost } from '../src/index.js';
import type { Router } from '../src/router.js';
import { until } from './support/fake-transport.js';

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
  const partition = (id: number, leaderId: number, leaderTerm: number, isr: number[], highWatermark: number, repairing: number[] = []) => ({
    id, leaderId, leaderTerm, replicas: [1, 2, 3], isr, highWatermark, logStartOffset: 0, repairing,
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

  it("prefers a newer term's leader to an old leader answering for itself (a leader cut off from its peers)", () => {
    const merged = mergeTopicViews([
      { nodeId: 1, topic: topic([partition(0, 1, 4, [1, 2, 3], 40)]) },
      { nodeId: 2, topic: topic([partition(0, 2, 5, [], 0)]) },
    ]);
    expect(merged.partitions[0]).toMatchObject({ leaderId: 2, leaderTerm: 5 });
  });

  // Shows that a replica repairing a lost log is listed when any node heard it say so (a peer
  // may not have answered every node in time).
  it('lists the replicas any view names as repairing', () => {
    const merged = mergeTopicViews([
      { nodeId: 1, topic: topic([partition(0, 1, 4, [1, 2, 3], 40, [3])]) },
      { nodeId: 2, topic: topic([partition(0, 1, 4, [], 40, [2])]) },
      { nodeId: 3, topic: topic([partition(0, 1, 4, [], 40, [3])]) },
    ]);
    expect(merged.partitions[0]!.repairing).toEqual([2, 3]);
  });

  it('prefers the newest term when no leader answered for itself', () => {
    const merged = mergeTopicViews([
      { nodeId: 1, topic: topic([partition(0, 2, 3, [], 0)]) },
      { nodeId: 3, topic: topic([partition(0, 3, 5, [], 0)]) },
    ]);
    expect(merged.partitions[0]).toMatchObject({ leaderId: 3, leaderTerm: 5 });
  });
});

describe('settleMost', () => {
  it('does not wait for a node that never answers once most did', async () => {
    const never = new Promise<string>(() => {});
    const started = Date.now();
    const results = await settleMost([Promise.resolve('a'), never, Promise.reject(new Error('refused'))], 20);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('waits for every answer while only a minority settled', async () => {
    let answer!: (value: string) => void;
    const late = new Promise<string>((resolve) => (answer = resolve));
    const settled = settleMost([Promise.resolve('a'), late, new Promise<string>(() => {})], 5);
    setTimeout(() => answer('b'), 30);
    expect((await settled).map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual(['a', 'b']);
  });
});

describe('Consumer prefetch', () => {
  /** A router with one node whose Fetch calls wait until the test answers them. */
  function fakeRouter() {
    const fetches: { offset: number; maxBytes: number; answer: (batches: { baseOffset: number; recordCount: number; batch: Uint8Array }[]) => void }[] = [];
    const stubs = {
      address: 'n1:1',
      consume: {
        fetch: (request: { offset: number; maxBytes: number }, _options: unknown, callback: (err: Error | null, response?: unknown) => void) => {
          fetches.push({ offset: request.offset, maxBytes: request.maxBytes, answer: (batches) => callback(null, { batches }) });
          return { cancel: () => callback(Object.assign(new Error('cancelled'), { code: 1, details: 'cancelled' })) };
        },
      },
    };
    const router = {
      refreshTopic: async () => ({ name: 't', replicationFactor: 1, configs: {}, partitions: [{ id: 0, leaderId: 1, leaderTerm: 1, replicas: [1], isr: [1], highWatermark: 0, logStartOffset: 0, repairing: [] }] }),
      replicaAddresses: () => ['n1:1'],
      addresses: () => ['n1:1'],
      nextReplica: () => 'n1:1',
      connections: { get: () => stubs },
    };
    return { fetches, router: router as unknown as Router };
  }
  const batchOf = async (values: string[]) => encodeBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestampMs: 1 })));

  it('sends the next Fetch before it decodes and hands out the records of the last answer', async () => {
    const { fetches, router } = fakeRouter();
    const consumer = new Consumer(router, { topic: 't', from: { offset: 0 } });
    const first = consumer.next();
    await until(() => fetches.length === 1, 'the first fetch');
    fetches[0]!.answer([
      { baseOffset: 0, recordCount: 2, batch: await batchOf(['a', 'b']) },
      { baseOffset: 2, recordCount: 1, batch: await batchOf(['c']) },
    ]);
    expect((await first).value?.value?.toString()).toBe('a');
    expect(fetches.map((f) => f.offset)).toEqual([0, 3]); // already asked for what follows
    fetches[1]!.answer([{ baseOffset: 3, recordCount: 1, batch: await batchOf(['d']) }]);
    const rest: string[] = [];
    for (let i = 0; i < 3; i++) rest.push((await consumer.next()).value!.value!.toString());
    expect(rest).toEqual(['b', 'c', 'd']);
    await consumer.close();
  });

  it('asks for 4 MiB per Fetch when it reads one partition (the broker would send 1 MiB)', async () => {
    const { fetches, router } = fakeRouter();
    const consumer = new Consumer(router, { topic: 't', from: { offset: 0 } });
    void consumer.next().catch(() => {});
    await until(() => fetches.length === 1, 'the first fetch');
    expect(fetches[0]!.maxBytes).toBe(4 << 20);
    await consumer.close();
  });
});
