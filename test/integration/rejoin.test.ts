// Shows that a node whose disk was lost rejoins safely with --rejoin: it re-replicates every
// partition and the metadata from its peers, votes and leads again only once repaired, and the
// cluster keeps every acknowledged record meanwhile. Method: three in-process nodes; produce;
// stop a follower and delete its data directory; restart it with rejoin; produce more; wait for
// it to hold everything; then hand it leadership and read everything back from it.
import { encodeBatch } from '@herald/protocol';
import { afterEach, expect, it } from 'vitest';
import { call, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

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

// Shows that two wiped replicas of three do not leave the cluster without leaders: the one
// replica that kept its data is elected (the others answer "repairing", docs/design-notes.md),
// for the meta group and for the partition, re-replicates both, and they vote again. Method:
// three in-process nodes; produce; stop nodes 2 and 3 and delete their data; wait until node 1
// has stepped down; start both with rejoin; produce (through a new leader); wait until both
// hold everything and are repaired.
it('two wiped nodes rejoin with the one intact node, which leads and repairs them', async () => {
  cluster = await TestCluster.start();
  const c = cluster;
  await c.createTopic('twice', 1);
  const produce = async (value: string) => {
    const leader = await c.leaderOf('twice', 0, 20_000);
    const batch = await encodeBatch([{ key: null, value: Buffer.from(value), timestampMs: 1 }]);
    return (await call<{ baseOffset: number }>(c.client(leader).produce, 'produce', { topic: 'twice', partition: 0, batch })).baseOffset;
  };
  for (let i = 0; i < 10; i++) await produce(`before-${i}`);
  for (const id of [2, 3]) {
    await c.stopNode(id);
    c.wipe(id);
  }
  // Node 1 alone steps down (CheckQuorum): it must win an election to lead again.
  await waitFor(() => c.node(1).node.meta.controllerId() === 0 && c.node(1).node.partitionView('twice', 0).leaderId === 0, { timeoutMs: 10_000, what: 'node 1 without leadership' });
  for (const id of [2, 3]) await c.startNode(id, { rejoin: true });
  expect(await produce('after')).toBe(10);
  await waitFor(() => c.node(1).node.meta.isController(), { timeoutMs: 20_000, what: 'node 1 the controller' });
  for (const id of [2, 3]) {
    await waitFor(() => {
      const node = c.node(id).node;
      const partition = [...node.hostedPartitions()][0]?.partition;
      return partition !== undefined && partition.log.highWatermark === 11 && !partition.group.isRepairing() && !node.meta.group.isRepairing();
    }, { timeoutMs: 20_000, what: `node ${id} repaired, holding all 11 records` });
  }
});

// Shows that DescribeTopic names a replica that repairs a lost log (what an operator, and the
// chaos harness, waits on before taking another disk away), and stops naming it once repaired.
// Method: five in-process nodes (so the meta group keeps a majority); a topic of replication
// factor 2; stop one of its replicas, wipe the other and restart it with rejoin: it learns the
// topic from the meta group but cannot repair the partition (no leader without its peer), so
// it stays repairing and DescribeTopic, asked of a node holding no replica, lists it; then the
// peer comes back, leads, repairs it, and the list empties.
it('DescribeTopic lists the replicas repairing a lost log until they are repaired', async () => {
  cluster = await TestCluster.start({ nodes: 5 });
  const c = cluster;
  await c.createTopic('repairs', 1, 2);
  await c.leaderOf('repairs', 0);
  type Described = { topic: { partitions: { replicas: number[]; repairing: number[]; leaderId: number }[] } };
  const describe = (via: number) => call<Described>(c.client(via).admin, 'describeTopic', { name: 'repairs' });
  const [wiped, peer] = (await describe(1)).topic.partitions[0]!.replicas as [number, number];
  const outsider = [1, 2, 3, 4, 5].find((id) => id !== wiped && id !== peer)!;
  expect((await describe(outsider)).topic.partitions[0]!.repairing).toEqual([]);
  await c.stopNode(peer);
  await c.stopNode(wiped);
  c.wipe(wiped);
  await c.startNode(wiped, { rejoin: true });
  await waitFor(async () => (await describe(outsider)).topic.partitions[0]!.repairing.includes(wiped), { timeoutMs: 20_000, what: `node ${wiped} listed as repairing` });
  await c.startNode(peer);
  await waitFor(async () => {
    const [partition] = (await describe(outsider)).topic.partitions;
    return partition!.leaderId !== 0 && partition!.repairing.length === 0;
  }, { timeoutMs: 20_000, what: `node ${wiped} repaired by node ${peer}` });
}, 60_000);
