// Shows that a node whose disk was lost rejoins safely with --rejoin: it re-replicates every
// partition and the metadata from its peers, votes and leads again only once repaired, and the
// cluster keeps every acknowledged record meanwhile. Method: three in-process nodes; produce;
// stop a follower and delete its data directory; restart it with rejoin; produce more; wait for
// it to hold everything; then hand it leadership and read everything back from it.
import { encodeBatch } from '@herald/protocol';
import { afterAll, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster | undefined;
afterAll(async () => cluster?.stop());

it('a wiped node rejoins, catches up from its peers, and can lead again', async () => {
  cluster = await TestCluster.start();
  await cluster.createTopic('wiped', 1);
  const produce = async (value: string) => {
    const leader = await cluster!.leaderOf('wiped', 0);
    const batch = await encodeBatch([{ key: null, value: Buffer.from(value), timestampMs: 1 }]);
    return (await call<{ baseOffset: number }>(cluster!.client(leader).produce, 'produce', { topic: 'wiped', partition: 0, batch })).baseOffset;
  };
  for (let i = 0; i < 10; i++) await produce(`before-${i}`);
  const leader = await cluster.leaderOf('wiped', 0);
  const victim = [1, 2, 3].find((id) => id !== leader)!;
  await cluster.stopNode(victim);
  cluster.wipe(victim);
  await cluster.startNode(victim, { rejoin: true });
  for (let i = 0; i < 5; i++) await produce(`after-${i}`);

  await waitFor(() => {
    try {
      return cluster!.node(victim).node.partitionView('wiped', 0).highWatermark === 15;
    } catch {
      return false; // the topic is not known there yet: the meta log is still being replicated
    }
  }, { timeoutMs: 15_000, what: 'the wiped node to hold all 15 records again' });
  const current = await cluster.leaderOf('wiped', 0);
  await waitFor(() => cluster!.node(current).node.partitionView('wiped', 0).isr.length === 3, { timeoutMs: 10_000, what: 'the wiped node back in the ISR' });
  const moved = await call<{ leaderId: number }>(cluster.client(current).admin, 'transferLeadership', { topic: 'wiped', partition: 0, toNodeId: victim });
  expect(moved.leaderId).toBe(victim);
  const fetched = await call<{ batches: { baseOffset: number }[]; highWatermark: number }>(cluster.client(victim).consume, 'fetch', { topic: 'wiped', partition: 0, offset: 0 });
  expect(fetched.highWatermark).toBe(15);
  expect(fetched.batches.map((b) => b.baseOffset)).toEqual(Array.from({ length: 15 }, (_, i) => i));
});
