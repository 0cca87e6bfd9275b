// Shows that a whole cluster stopped and started again keeps every committed record, every
// topic, and its offsets, and elects leaders again. Method: three in-process nodes on real
// storage; produce; stop all; start all from the same data directories; read everything back.
import { encodeBatch } from '@herald/protocol';
import { afterAll, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster | undefined;
afterAll(async () => cluster?.stop());

it('keeps topics, records and offsets across a full restart', async () => {
  cluster = await TestCluster.start();
  await cluster.createTopic('durable', 2);
  const produced: number[] = [];
  for (let i = 0; i < 20; i++) {
    const partition = i % 2;
    const leader = await cluster.leaderOf('durable', partition);
    const batch = await encodeBatch([{ key: null, value: Buffer.from(`r${i}`), timestampMs: 1 }]);
    const r = await call<{ baseOffset: number }>(cluster.client(leader).produce, 'produce', { topic: 'durable', partition, batch });
    produced.push(r.baseOffset);
  }
  expect(produced).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)));

  for (const id of [1, 2, 3]) await cluster.stopNode(id);
  for (const id of [1, 2, 3]) await cluster.startNode(id);
  await cluster.controller();

  for (const partition of [0, 1]) {
    const leader = await cluster.leaderOf('durable', partition);
    const fetched = await waitFor(async () => {
      const f = await call<{ batches: { baseOffset: number }[]; highWatermark: number }>(cluster!.client(leader).consume, 'fetch', { topic: 'durable', partition, offset: 0 });
      return f.highWatermark === 10 ? f : undefined;
    }, { timeoutMs: 10_000, what: `durable/${partition} back at high watermark 10` });
    expect(fetched.batches.map((b) => b.baseOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // And the log goes on where it stopped.
    const batch = await encodeBatch([{ key: null, value: Buffer.from('after'), timestampMs: 1 }]);
    expect((await call<{ baseOffset: number }>(cluster.client(leader).produce, 'produce', { topic: 'durable', partition, batch })).baseOffset).toBe(10);
  }
});
