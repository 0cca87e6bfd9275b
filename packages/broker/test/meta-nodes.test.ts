import { describe, expect, it } from 'vitest';
import { metaCommandSchema } from '../src/meta/meta-commands.js';
import { MetaState, type NodeRecord } from '../src/meta/meta-state.js';
import { planDecommission, planRebalance } from '../src/reassign.js';

const node = (id: number): NodeRecord => ({ id, host: '127.0.0.1', clientPort: 7400 + id, peerPort: 7500 + id });

function seeded(): MetaState {
  const state = new MetaState();
  expect(state.apply({ type: 'SeedNodes', nodes: [node(1), node(2), node(3)] })).toEqual({ ok: true });
  return state;
}

describe('the cluster nodes in the meta state', () => {
  it('is empty until seeded, and is seeded once', () => {
    const state = new MetaState();
    expect(state.nodes()).toEqual([]);
    expect(state.apply({ type: 'AddNode', node: node(4) })).toMatchObject({ ok: false, reason: 'InvalidArgument' });
    const s = seeded();
    expect(s.nodes().map((n) => n.id)).toEqual([1, 2, 3]);
    expect(s.apply({ type: 'SeedNodes', nodes: [node(7)] })).toMatchObject({ ok: false, reason: 'NodeExists' });
    expect(s.nodes().map((n) => n.id)).toEqual([1, 2, 3]);
  });

  it('adds a node, and refuses a taken id or address without changing anything', () => {
    const state = seeded();
    expect(state.apply({ type: 'AddNode', node: node(4) })).toEqual({ ok: true });
    expect(state.apply({ type: 'AddNode', node: { ...node(4), clientPort: 9999 } })).toEqual({ ok: false, reason: 'NodeExists', message: 'node 4 is already a member of the cluster' });
    expect(state.apply({ type: 'AddNode', node: { ...node(5), peerPort: 7502 } })).toEqual({
      ok: false,
      reason: 'InvalidArgument',
      message: "node 5's peer address 127.0.0.1:7502 is already node 2's",
    });
    expect(state.apply({ type: 'AddNode', node: { ...node(5), clientPort: 7403 } })).toMatchObject({ ok: false, message: "node 5's client address 127.0.0.1:7403 is already node 3's" });
    expect(state.nodes()).toEqual([node(1), node(2), node(3), node(4)]);
  });

  it('refuses to remove a node that holds replicas, an unknown node, or the last node', () => {
    const state = seeded();
    state.apply({ type: 'CreateTopic', name: 'orders', partitions: [{ partition: 0, replicas: [1, 2] }, { partition: 1, replicas: [2, 1] }], configs: {} });
    expect(state.apply({ type: 'RemoveNode', id: 2 })).toEqual({
      ok: false,
      reason: 'NodeInUse',
      message: 'node 2 still holds 2 partition replicas (orders/0, orders/1); decommission it first (herald node decommission), which moves them away',
    });
    expect(state.apply({ type: 'RemoveNode', id: 9 })).toEqual({ ok: false, reason: 'NodeNotFound', message: 'node 9 is not a member of the cluster (nodes 1, 2, 3)' });
    expect(state.apply({ type: 'RemoveNode', id: 3 })).toEqual({ ok: true });
    expect(state.nodes().map((n) => n.id)).toEqual([1, 2]);
    state.apply({ type: 'DeleteTopic', name: 'orders' });
    expect(state.apply({ type: 'RemoveNode', id: 1 })).toEqual({ ok: true });
    expect(state.apply({ type: 'RemoveNode', id: 2 })).toEqual({ ok: false, reason: 'NodeInUse', message: "node 2 is the cluster's last node" });
  });

  it('keeps the nodes in its snapshot', () => {
    const state = seeded();
    state.apply({ type: 'AddNode', node: { ...node(4), kafkaPort: 19094 } });
    const restored = MetaState.fromJSON(JSON.parse(JSON.stringify(state.toJSON())));
    expect(restored.nodes()).toEqual(state.nodes());
    // A snapshot of an older release has no nodes: the configuration's peers stand.
    expect(MetaState.fromJSON({ nextTopicId: 1, topics: [] }).nodes()).toEqual([]);
  });

  it('finalizes feature levels upwards only, and keeps them in its snapshot', () => {
    const state = new MetaState();
    expect(state.finalizedFeatureLevel()).toBe(1);
    state.apply({ type: 'FinalizeFeatureLevel', level: 2 });
    state.apply({ type: 'FinalizeFeatureLevel', level: 1 });
    expect(state.finalizedFeatureLevel()).toBe(2);
    expect(MetaState.fromJSON(JSON.parse(JSON.stringify(state.toJSON()))).finalizedFeatureLevel()).toBe(2);
  });

  it('decodes only well-formed node commands from the log', () => {
    expect(metaCommandSchema.safeParse({ type: 'AddNode', node: node(4) }).success).toBe(true);
    expect(metaCommandSchema.safeParse({ type: 'AddNode', node: { ...node(4), peerPort: 0 } }).success).toBe(false);
    expect(metaCommandSchema.safeParse({ type: 'AddNode', node: { ...node(4), id: 0 } }).success).toBe(false);
    expect(metaCommandSchema.safeParse({ type: 'RemoveNode', id: -1 }).success).toBe(false);
    expect(metaCommandSchema.safeParse({ type: 'SeedNodes', nodes: [] }).success).toBe(false);
  });
});

describe('partition reassignment in the meta state', () => {
  function withTopic(): MetaState {
    const state = seeded();
    state.apply({ type: 'AddNode', node: node(4) });
    state.apply({ type: 'CreateTopic', name: 'orders', partitions: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: [2, 3, 1] }], configs: {} });
    return state;
  }

  it('records targets, all or none, and refuses bad ones with their reason', () => {
    const state = withTopic();
    const before = JSON.stringify(state.toJSON());
    expect(state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 3, 4] }, { topic: 'orders', partition: 1, replicas: [2, 9] }] })).toEqual({
      ok: false,
      reason: 'NodeNotFound',
      message: 'orders/1: node 9 is not a member of the cluster (nodes 1, 2, 3, 4)',
    });
    expect(state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 5, replicas: [1] }] })).toMatchObject({ ok: false, reason: 'PartitionNotFound' });
    expect(state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'nope', partition: 0, replicas: [1] }] })).toMatchObject({ ok: false, reason: 'TopicNotFound' });
    expect(state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 2] }] })).toMatchObject({ ok: false, reason: 'InvalidArgument' });
    expect(JSON.stringify(state.toJSON())).toBe(before);

    expect(state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 3, 4] }], throttleBytesPerSecond: 1_000_000 })).toEqual({ ok: true });
    const group = `p.${state.topic('orders')!.id}.0`;
    expect(state.reassignmentOf(group)).toEqual([2, 3, 4]);
    expect(state.wasReassigned(group)).toBe(true);
    expect(state.replicationThrottle()).toBe(1_000_000);
    // The target holds node 4: it cannot leave; nor can node 1 while it still holds the replica.
    expect(state.apply({ type: 'RemoveNode', id: 4 })).toMatchObject({ ok: false, reason: 'NodeInUse' });
    expect(state.apply({ type: 'RemoveNode', id: 1 })).toMatchObject({ ok: false, reason: 'NodeInUse' });
  });

  it('completes only the reassignment in progress, and then the replicas are the target', () => {
    const state = withTopic();
    const topicId = state.topic('orders')!.id;
    state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 3, 4] }] });
    expect(state.apply({ type: 'CompleteReassignment', topicId, partition: 0, replicas: [3, 2, 4] })).toMatchObject({ ok: false });
    expect(state.apply({ type: 'CompleteReassignment', topicId, partition: 0, replicas: [2, 3, 4] })).toMatchObject({ ok: true });
    expect(state.topic('orders')!.partitions[0]!.replicas).toEqual([2, 3, 4]);
    expect(state.reassignmentOf(`p.${topicId}.0`)).toBeUndefined();
    expect(state.apply({ type: 'CompleteReassignment', topicId, partition: 0, replicas: [2, 3, 4] })).toMatchObject({ ok: false });
    // Node 1 holds orders/1 still; once that moves too, it may leave.
    state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 1, replicas: [2, 3, 4] }] });
    state.apply({ type: 'CompleteReassignment', topicId, partition: 1, replicas: [2, 3, 4] });
    expect(state.apply({ type: 'RemoveNode', id: 1 })).toEqual({ ok: true });
  });

  it('cancels a reassignment given the current replicas, and a reorder does not count as a membership change', () => {
    const state = withTopic();
    const group = `p.${state.topic('orders')!.id}.0`;
    state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 3, 4] }] });
    state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 0, replicas: [1, 2, 3] }] });
    expect(state.reassignmentOf(group)).toBeUndefined();
    const other = `p.${state.topic('orders')!.id}.1`;
    state.apply({ type: 'ReassignPartitions', reassignments: [{ topic: 'orders', partition: 1, replicas: [3, 2, 1] }] });
    expect(state.reassignmentOf(other)).toEqual([3, 2, 1]);
    expect(state.wasReassigned(other)).toBe(false);
    const restored = MetaState.fromJSON(JSON.parse(JSON.stringify(state.toJSON())));
    expect(restored.reassignmentOf(other)).toEqual([3, 2, 1]);
    expect(restored.wasReassigned(group)).toBe(true);
  });
});

describe('rebalance and decommission plans', () => {
  function cluster(nodes: number[], partitions: number[][]): MetaState {
    const state = new MetaState();
    state.apply({ type: 'SeedNodes', nodes: nodes.map(node) });
    state.apply({ type: 'CreateTopic', name: 't', partitions: partitions.map((replicas, partition) => ({ partition, replicas })), configs: {} });
    return state;
  }

  const counts = (state: MetaState, plan: readonly { partition: number; replicas: readonly number[] }[], nodes: number[]) => {
    const replicas = state.topic('t')!.partitions.map((p) => plan.find((q) => q.partition === p.partition)?.replicas ?? p.replicas);
    return nodes.map((id) => [id, replicas.filter((r) => r.includes(id)).length, replicas.filter((r) => r[0] === id).length]);
  };

  it('evens out replicas and preferred leaders after two nodes join, moving few replicas', () => {
    const three = [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 2],
      [2, 1, 3],
      [3, 2, 1],
    ];
    const state = cluster([1, 2, 3, 4, 5], three);
    const plan = planRebalance(state, [1, 2, 3, 4, 5]);
    // 18 replicas over 5 nodes: 3 or 4 each; 6 preferred leaders: 1 or 2 each.
    for (const [, replicas, preferred] of counts(state, plan, [1, 2, 3, 4, 5])) {
      expect(replicas).toBeGreaterThanOrEqual(3);
      expect(replicas).toBeLessThanOrEqual(4);
      expect(preferred).toBeGreaterThanOrEqual(1);
      expect(preferred).toBeLessThanOrEqual(2);
    }
    for (const r of plan) expect(new Set(r.replicas).size).toBe(3);
    const moved = plan.reduce((sum, r) => sum + r.replicas.filter((id) => !three[r.partition]!.includes(id)).length, 0);
    expect(moved).toBe(6); // the fewest: 3 replicas to each new node leave 4 on each old one
    expect(planRebalance(cluster([1, 2, 3], three), [1, 2, 3])).toEqual([]);
  });

  it('moves every replica off a decommissioned node, in place, or says why it cannot', () => {
    const state = cluster([1, 2, 3, 4], [
      [1, 2, 3],
      [2, 1, 3],
      [3, 2, 4],
    ]);
    const plan = planDecommission(state, [1, 2, 3, 4], 1);
    expect(plan).toEqual([
      { topic: 't', partition: 0, replicas: [4, 2, 3] },
      { topic: 't', partition: 1, replicas: [2, 4, 3] },
    ]);
    expect(() => planDecommission(cluster([1, 2, 3], [[1, 2, 3]]), [1, 2, 3], 1)).toThrow('t/0 has 3 replicas and the cluster would have 2 nodes without node 1');
  });

  it('moves every replica of a replaced node to its replacement, in place, unless the replacement holds the partition already', () => {
    const state = cluster([1, 2, 3, 4, 5], [
      [1, 2, 3],
      [2, 1, 3],
      [5, 1, 2],
      [2, 3, 4],
    ]);
    expect(planDecommission(state, [1, 2, 3, 4, 5], 1, 5)).toEqual([
      { topic: 't', partition: 0, replicas: [5, 2, 3] },
      { topic: 't', partition: 1, replicas: [2, 5, 3] },
      // Node 5 holds t/2 already: the least-loaded other node takes node 1's place.
      { topic: 't', partition: 2, replicas: [5, 4, 2] },
    ]);
  });
});
