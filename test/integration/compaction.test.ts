// Key compaction (cleanup.policy=compact) over three in-process nodes: every replica keeps only
// the latest record of each key below the cleanable point, with offsets unchanged; tombstones
// go after delete.retention.ms; the rewritten batches survive a restart; a replica that lost
// its disk catches up to the same records; readers (consumer, queue) see the latest values.
import { encodeBatch, decodeBatch } from '@herald/protocol';
import { HeraldClient } from '@herald/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

interface Fetched { batches: { baseOffset: number; recordCount: number; batch: Buffer }[]; highWatermark: number }

let cluster: TestCluster;
let client: HeraldClient;

beforeAll(async () => {
  cluster = await TestCluster.start({ overrides: { retention: { compactionIntervalMs: 100 } } });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Every record node `id` serves from offset 0, as "offset key=value" ("-" for a null value). */
async function records(id: number, topic: string): Promise<string[]> {
  const fetched = await call<Fetched>(cluster.client(id).consume, 'fetch', { topic, partition: 0, offset: 0, maxBytes: 1 << 20 });
  const out: string[] = [];
  for (const b of fetched.batches) {
    for (const r of await decodeBatch(b.batch)) out.push(`${b.baseOffset + r.offsetDelta} ${Buffer.from(r.key!).toString()}=${r.value === null ? '-' : Buffer.from(r.value).toString()}`);
  }
  return out;
}

async function produce(topic: string, batches: [string, string | null][][]): Promise<void> {
  const leader = cluster.client(await cluster.leaderOf(topic, 0)).produce;
  for (const batch of batches) {
    const encoded = await encodeBatch(batch.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), timestampMs: Date.now() })));
    await call(leader, 'produce', { topic, partition: 0, batch: encoded });
  }
}

describe('key compaction', () => {
  it('keeps the latest record per key on every replica, offsets unchanged; tombstones go after delete.retention.ms', async () => {
    await cluster.createTopic('c-keys', 1, 3, { 'cleanup.policy': 'compact', 'delete.retention.ms': '1500' });
    await produce('c-keys', [[['a', 'a1'], ['b', 'b1'], ['a', 'a2']], [['c', 'c1']], [['b', 'b2'], ['c', null]], [['a', 'a3']], [['d', 'd1']]]);
    const compacted = ['4 b=b2', '5 c=-', '6 a=a3', '7 d=d1'];
    for (const id of [1, 2, 3]) await waitFor(async () => JSON.stringify(await records(id, 'c-keys')) === JSON.stringify(compacted), { timeoutMs: 10_000, what: `node ${id} compacted` });
    // Offsets and the high watermark did not move; a reader from 0 starts at the first left.
    const consumer = client.consumer({ topic: 'c-keys', from: 'earliest' });
    const read: string[] = [];
    for await (const r of consumer) {
      read.push(`${r.offset} ${r.key!.toString()}=${r.value?.toString() ?? '-'}`);
      if (read.length === 4) break;
    }
    await consumer.close();
    expect(read).toEqual(compacted);
    expect((await client.describeTopic('c-keys')).partitions[0]).toMatchObject({ highWatermark: 8, logStartOffset: 0 });
    // The tombstone of c goes once older than delete.retention.ms.
    for (const id of [1, 2, 3]) await waitFor(async () => !(await records(id, 'c-keys')).includes('5 c=-'), { timeoutMs: 10_000, what: `node ${id} dropped the tombstone` });
    expect(await records(1, 'c-keys')).toEqual(['4 b=b2', '6 a=a3', '7 d=d1']);
    // New records after compaction get the next offsets.
    await produce('c-keys', [[['b', 'b3']]]);
    await waitFor(async () => (await records(1, 'c-keys')).join() === ['6 a=a3', '7 d=d1', '8 b=b3'].join(), { timeoutMs: 10_000, what: 'b2 superseded' });
  });

  it('keeps the rewritten batches across a restart, and a wiped replica catches up to the same records', async () => {
    await cluster.createTopic('c-restart', 1, 3, { 'cleanup.policy': 'compact' });
    await produce('c-restart', [[['k', 'v1'], ['k', 'v2']], [['j', 'w1']], [['k', 'v3']]]);
    const compacted = ['2 j=w1', '3 k=v3'];
    for (const id of [1, 2, 3]) await waitFor(async () => (await records(id, 'c-restart')).join() === compacted.join(), { timeoutMs: 10_000, what: `node ${id} compacted` });
    const leader = await cluster.leaderOf('c-restart', 0);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    // Restarted without compaction passes: what it serves was stored compacted.
    await cluster.stopNode(follower);
    await cluster.startNode(follower, { retention: { compactionIntervalMs: 3_600_000 } });
    await waitFor(async () => (await records(follower, 'c-restart')).join() === compacted.join(), { timeoutMs: 10_000, what: 'the restarted follower serving the compacted log' });
    // A replica that lost its disk gets the compacted batches from the leader.
    await cluster.stopNode(follower);
    cluster.wipe(follower);
    await cluster.startNode(follower, { rejoin: true, retention: { compactionIntervalMs: 3_600_000 } });
    await waitFor(async () => (await records(follower, 'c-restart')).join() === compacted.join(), { timeoutMs: 20_000, what: 'the wiped follower catching up compacted' });
    await cluster.stopNode(follower);
    await cluster.startNode(follower);
  });

  it('never removes what a queue subscription has not settled', async () => {
    await cluster.createTopic('c-queue', 1, 3, { 'cleanup.policy': 'compact' });
    const queue = client.queueConsumer({ topic: 'c-queue', subscription: 's', from: 'earliest' });
    const first = queue.next();
    await produce('c-queue', [[['k', 'v1']], [['k', 'v2']], [['k', 'v3']]]);
    const m1 = (await first).value!;
    expect(m1.value?.toString()).toBe('v1');
    // v1 is held: the subscription's floor is at 0, so a compaction pass on every node leaves all.
    const all = ['0 k=v1', '1 k=v2', '2 k=v3'].join();
    for (const id of [1, 2, 3]) await waitFor(async () => (await records(id, 'c-queue')).join() === all, { timeoutMs: 10_000, what: `node ${id} holding the three records` });
    await Promise.all([1, 2, 3].map((id) => cluster.node(id).node.compactKeys()));
    for (const id of [1, 2, 3]) expect((await records(id, 'c-queue')).join()).toBe(all);
    await m1.ack();
    const m2 = (await queue.next()).value!;
    await m2.ack();
    const m3 = (await queue.next()).value!;
    await m3.ack();
    expect([m2.value?.toString(), m3.value?.toString()]).toEqual(['v2', 'v3']);
    await waitFor(async () => (await records(1, 'c-queue')).join() === '2 k=v3', { timeoutMs: 10_000, what: 'compaction once settled' });
    await queue.close();
  });

  it('refuses a bad cleanup.policy', async () => {
    const err = await call(cluster.client(await cluster.controller()).admin, 'createTopic', { name: 'c-bad', partitions: 1, configs: { 'cleanup.policy': 'shred' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { details: string }).details).toMatch(/cleanup.policy: must be "delete", "compact" or "compact,delete"/);
  });
});
