// Many partitions on three in-process nodes over real gRPC (issue #17): topics created many at
// once go through the meta group in a few batched entries with balanced leaders, every replica
// opens, and once idle every partition group quiesces (not ticked, not heartbeating) while the
// cluster still answers; a write wakes only its own partition.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';
import { encodeBatch } from '@herald/protocol';

const TOPICS = 40;
const PARTITIONS = 3;

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start();
});

afterAll(async () => {
  await cluster?.stop();
});

it('creates topics asked for at once in a few meta entries, balanced, and their idle groups quiesce', async () => {
  const controller = await cluster.controller();
  const meta = cluster.node(controller).node.meta;
  const appliedBefore = meta.group.status().appliedIndex;
  await Promise.all(
    Array.from({ length: TOPICS }, (_, i) => call(cluster.client(controller).admin, 'createTopic', { name: `many-${i}`, partitions: PARTITIONS, replicationFactor: 3, configs: {} })),
  );
  // Batched: a creation proposed at once, the rest waiting for it and going together.
  const entries = meta.group.status().appliedIndex - appliedBefore;
  expect(entries).toBeLessThan(TOPICS / 2);
  expect(meta.state.allTopics().filter((t) => t.name.startsWith('many-')).length).toBe(TOPICS);
  // Balanced preferred leaders: 120 partitions, 40 per node.
  const preferred = new Map<number, number>();
  for (const topic of meta.state.allTopics()) for (const p of topic.partitions) preferred.set(p.replicas[0]!, (preferred.get(p.replicas[0]!) ?? 0) + 1);
  expect([...preferred.values()].sort()).toEqual([TOPICS, TOPICS, TOPICS]);

  const total = TOPICS * PARTITIONS;
  for (const id of [1, 2, 3]) {
    const node = cluster.node(id).node;
    await waitFor(() => [...node.hostedPartitions()].length === total, { timeoutMs: 20_000, what: `node ${id} hosting all ${total} partitions` });
  }
  const led = () => [1, 2, 3].reduce((sum, id) => sum + [...cluster.node(id).node.hostedPartitions()].filter((h) => h.partition.group.isLeader()).length, 0);
  await waitFor(() => led() === total, { timeoutMs: 20_000, what: 'a leader for every partition' });
  // Idle: every group quiesces on every node (the meta group too, between admin requests).
  const active = () => [1, 2, 3].reduce((sum, id) => sum + cluster.node(id).node.host.groupCounts().active, 0);
  await waitFor(() => active() === 0, { timeoutMs: 20_000, what: 'every group quiescent' });

  // A write wakes its partition only, and is answered.
  const leaderId = await cluster.leaderOf('many-7', 1);
  const batch = await encodeBatch([{ key: null, value: Buffer.from('x'), timestampMs: 1_700_000_000_000 }]);
  const produced = await call<{ baseOffset: number }>(cluster.client(leaderId).produce, 'produce', { topic: 'many-7', partition: 1, acks: 'ACKS_QUORUM', batch });
  expect(produced.baseOffset).toBe(0);
  expect(active()).toBeLessThanOrEqual(3);
  await waitFor(() => active() === 0, { timeoutMs: 20_000, what: 'the written group quiescent again' });
});
