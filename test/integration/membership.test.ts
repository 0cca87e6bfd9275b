import { encodeBatch } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

interface WireNode {
  id: number;
  address: string;
  alive: boolean;
  role: string;
}

/** Membership at runtime (issue #16): a node joins a running cluster and leaves it again. */
describe('adding and removing a node', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 3 });
    await cluster.createTopic('before', 2, 3);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const admin = async () => cluster.client(await cluster.controller()).admin;
  const refusal = async (method: string, request: object) => {
    const err = await call(await admin(), method, request, 30_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { reason: reasonOf(err), message: (err as Error | undefined)?.message };
  };
  const metaVoters = (id: number) => [...cluster.node(id).node.meta.group.status().membership.voters].sort();

  it('refuses the first membership change while a node may not read its entries (feature level)', async () => {
    await cluster.stopNode(3);
    expect(await refusal('addNode', { id: 4, host: '127.0.0.1', clientPort: 1, peerPort: 2 })).toEqual({
      reason: 'FeatureDisabled',
      message: expect.stringContaining('needs metadata feature level 3, which not every node supports: node 3 (did not answer'),
    });
    await cluster.startNode(3);
    const controller = await cluster.controller();
    await waitFor(() => [1, 2, 3].filter((id) => id !== controller).every((id) => cluster.node(controller).node.transport.isConnected(id)), { timeoutMs: 20_000, what: 'the controller connected to every node again' });
    expect(cluster.node(controller).node.meta.state.finalizedFeatureLevel()).toBeLessThan(3);
    expect(cluster.node(controller).node.meta.state.nodes()).toEqual([]);
  });

  it('joins a node started with join: true, as a learner first, then a voter, once the cluster admits it', async () => {
    const peer = await cluster.addPeer();
    expect(peer.id).toBe(4);
    await cluster.startNode(4, { join: true });
    // Not a member yet: the peers refuse its certificate's traffic, and it votes nowhere.
    await waitFor(async () => ((await cluster.node(1).node.metrics.peerRefused.get()).values.find((v) => v.labels.reason === 'not-member')?.value ?? 0) > 0, { timeoutMs: 20_000, what: 'node 1 refusing the unknown node 4' });
    expect(cluster.node(4).node.meta.group.status().membership.voters).toEqual([]);

    // Bad input is refused with its reason, and changes nothing.
    expect(await refusal('addNode', { id: 2, host: '127.0.0.1', clientPort: 1, peerPort: 2 })).toMatchObject({ reason: 'NodeExists' });
    expect(await refusal('addNode', { id: 5, host: '127.0.0.1', clientPort: cluster.peers[0]!.clientPort, peerPort: 2 })).toMatchObject({
      reason: 'InvalidArgument',
      message: expect.stringContaining(`client address 127.0.0.1:${cluster.peers[0]!.clientPort} is already node 1's`),
    });
    expect(await refusal('addNode', { id: 5, host: 'not a host', clientPort: 1, peerPort: 2 })).toMatchObject({ reason: 'InvalidArgument', message: expect.stringContaining('host') });
    expect(await refusal('addNode', { id: 5, host: 'h', clientPort: 0, peerPort: 2 })).toMatchObject({ reason: 'InvalidArgument', message: expect.stringContaining('client_port') });
    const controller = await cluster.controller();
    expect(cluster.node(controller).node.meta.state.nodes().map((n) => n.id)).toEqual([1, 2, 3]);
    expect(cluster.node(controller).node.meta.state.finalizedFeatureLevel()).toBe(3);

    const added = await call<{ node: WireNode }>(await admin(), 'addNode', { id: 4, host: peer.host, clientPort: peer.clientPort, peerPort: peer.peerPort, waitMs: 30_000 }, 45_000);
    expect(added.node).toMatchObject({ id: 4, address: `127.0.0.1:${peer.clientPort}`, role: 'voter' });
    for (const id of [1, 2, 3, 4]) await waitFor(() => metaVoters(id).join() === '1,2,3,4', { timeoutMs: 20_000, what: `node ${id} seeing 4 voters in the meta group` });
    // The new node holds the cluster's metadata, and a new topic can place replicas on it.
    expect(cluster.node(4).node.meta.state.topic('before')).toBeDefined();
    await cluster.createTopic('after', 1, 4);
    const leader = await cluster.leaderOf('after', 0);
    await waitFor(() => cluster.node(leader).node.partitionView('after', 0).isr.join() === '1,2,3,4', { timeoutMs: 20_000, what: 'node 4 in the ISR of after/0' });
    const described = await call<{ nodes: WireNode[] }>(cluster.client(4).admin, 'describeCluster', {});
    expect(described.nodes.map((n) => [n.id, n.role])).toEqual([
      [1, 'voter'],
      [2, 'voter'],
      [3, 'voter'],
      [4, 'voter'],
    ]);
  });

  it('moves a partition to new replicas, its leader leaving, without losing a record', async () => {
    const produce = async (value: string) => {
      const leader = await cluster.leaderOf('before', 0);
      const batch = await encodeBatch([{ key: null, value: Buffer.from(value), timestampMs: 1 }]);
      return (await call<{ baseOffset: number }>(cluster.client(leader).produce, 'produce', { topic: 'before', partition: 0, batch, acks: 'ACKS_ALL' })).baseOffset;
    };
    for (let i = 0; i < 10; i++) expect(await produce(`r${i}`)).toBe(i);
    const from = await cluster.leaderOf('before', 0);
    const target = [4, ...[1, 2, 3].filter((id) => id !== from)];
    expect(await refusal('reassignPartitions', { reassignments: [{ topic: 'before', partition: 0, replicas: [4, 9] }] })).toMatchObject({ reason: 'NodeNotFound' });
    expect(await refusal('reassignPartitions', { reassignments: [{ topic: 'before', partition: 7, replicas: [4] }] })).toMatchObject({ reason: 'PartitionNotFound' });
    await call(await admin(), 'reassignPartitions', { reassignments: [{ topic: 'before', partition: 0, replicas: target }], throttleBytesPerSecond: 4_000 });
    const controller = await cluster.controller();
    await waitFor(() => cluster.node(controller).node.meta.state.topic('before')!.partitions[0]!.replicas.join() === target.join(), { timeoutMs: 30_000, what: `before/0 moved to ${target.join(',')}` });
    // The old leader dropped its replica; the new replicas hold every record and take more.
    await waitFor(() => ![...cluster.node(from).node.hostedPartitions()].some((h) => h.topic.name === 'before' && h.partition.settings.partition === 0), { timeoutMs: 20_000, what: `node ${from} dropping its replica` });
    expect(target).toContain(await cluster.leaderOf('before', 0));
    expect(await produce('after')).toBe(10);
    const leader = await cluster.leaderOf('before', 0);
    const fetched = await call<{ batches: { baseOffset: number }[] }>(cluster.client(leader).consume, 'fetch', { topic: 'before', partition: 0, offset: 0 });
    expect(fetched.batches.map((b) => b.baseOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses to remove a node that holds replicas, decommissions it, then removes it from the list and the meta group', async () => {
    expect(await refusal('removeNode', { id: 4 })).toEqual({
      reason: 'NodeInUse',
      message: expect.stringContaining('node 4 still holds 2 partition replicas (before/0, after/0); decommission it first'),
    });
    expect(await refusal('removeNode', { id: 9 })).toMatchObject({ reason: 'NodeNotFound' });
    // herald node replace: the replacement must be another member.
    expect(await refusal('decommissionNode', { id: 4, replacement: 9 })).toMatchObject({ reason: 'NodeNotFound' });
    expect(await refusal('decommissionNode', { id: 4, replacement: 4 })).toMatchObject({ reason: 'InvalidArgument', message: expect.stringContaining('replacement') });
    // after/0 has four replicas: without node 4 there is nowhere to put the fourth.
    expect(await refusal('decommissionNode', { id: 4 })).toMatchObject({ reason: 'NodeInUse', message: expect.stringContaining('after/0 has 4 replicas') });
    await call(await admin(), 'deleteTopic', { name: 'after' });
    const planned = await call<{ reassignments: { topic: string; partition: number; replicas: number[] }[] }>(await admin(), 'decommissionNode', { id: 4 });
    expect(planned.reassignments.map((r) => `${r.topic}/${r.partition}`)).toEqual(['before/0']);
    expect(planned.reassignments[0]!.replicas.sort()).toEqual([1, 2, 3]);
    const controller = await cluster.controller();
    await waitFor(() => cluster.node(controller).node.meta.state.replicasOn(4).length === 0, { timeoutMs: 30_000, what: 'node 4 holding no replica' });
    await call(await admin(), 'removeNode', { id: 4 });
    for (const id of [1, 2, 3]) await waitFor(() => metaVoters(id).join() === '1,2,3' && !cluster.node(id).node.transport.isConnected(4), { timeoutMs: 20_000, what: `node ${id} without node 4` });
    const described = await call<{ nodes: WireNode[] }>(await admin(), 'describeCluster', {});
    expect(described.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    // The cluster still works without it.
    await cluster.createTopic('later', 1, 3);
  });
});
