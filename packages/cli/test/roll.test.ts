// Shows that a roll restarts a node only while every group it votes in keeps an in-sync majority
// without it, orders the controller last, drains each node (leaderships and the controller role)
// before its restart, waits until it is back in every ISR before the next, and stops, naming
// what blocked, when a node stays unsafe. Method: rollBlockers()/healLag() on fixed views, and
// rollCluster() against a fake cluster whose restart() takes a node out of every ISR and whose
// next looks bring it back.
import { describe, expect, it } from 'vitest';
import type { ClusterDescription, PartitionDescription, TopicDescription } from '@herald/client';
import { healLag, rollBlockers, rollCluster, rollOrder, RollStopped, type RollClient, type RollEvent } from '../src/roll.js';

function cluster(controllerId: number, controllerIsr: number[], nodes = [1, 2, 3]): ClusterDescription {
  return { clusterId: 'herald', controllerId, nodes: nodes.map((id) => ({ id, address: `127.0.0.1:${7400 + id}`, alive: true, role: 'voter' })), controllerIsr };
}

function partition(id: number, leaderId: number, replicas: number[], isr: number[]): PartitionDescription {
  return { id, leaderId, leaderTerm: 1, replicas, isr, highWatermark: 0, logStartOffset: 0, targetReplicas: [] };
}

function topic(name: string, partitions: PartitionDescription[]): TopicDescription {
  return { name, replicationFactor: partitions[0]!.replicas.length, configs: {}, partitions };
}

describe('rollBlockers', () => {
  it.each([
    { what: 'everything in sync', view: { cluster: cluster(1, [1, 2, 3]), topics: [topic('a', [partition(0, 1, [1, 2, 3], [1, 2, 3])])] }, node: 1, expected: [] },
    {
      what: 'a partition whose other in-sync replica is one of three',
      view: { cluster: cluster(1, [1, 2, 3]), topics: [topic('a', [partition(0, 1, [1, 2, 3], [1, 2])])] },
      node: 1,
      expected: ['a/0: in sync without node 1: 2, a majority of 3 replicas needs 2'],
    },
    { what: 'the same partition, for the node out of its ISR', view: { cluster: cluster(1, [1, 2, 3]), topics: [topic('a', [partition(0, 1, [1, 2, 3], [1, 2])])] }, node: 3, expected: [] },
    { what: 'a partition the node holds no replica of', view: { cluster: cluster(1, [1, 2, 3]), topics: [topic('a', [partition(0, 2, [2, 3], [2])])] }, node: 1, expected: [] },
    {
      what: 'a single replica',
      view: { cluster: cluster(2, [1, 2, 3]), topics: [topic('solo', [partition(0, 1, [1], [1])])] },
      node: 1,
      expected: ['solo/0: in sync without node 1: none, a majority of 1 replicas needs 1'],
    },
    { what: 'a leaderless partition', view: { cluster: cluster(2, [1, 2, 3]), topics: [topic('a', [partition(0, 0, [1, 2, 3], [])])] }, node: 1, expected: ['a/0: no leader'] },
    { what: 'the meta group short of a majority', view: { cluster: cluster(2, [1, 2]), topics: [] }, node: 1, expected: ['the meta group: in sync without node 1: 2, a majority of 3 needs 2'] },
    { what: 'no controller', view: { cluster: cluster(0, []), topics: [] }, node: 1, expected: ['the meta group: no controller known'] },
    {
      what: 'a controller of an older release (no meta ISR reported): the live nodes stand in',
      view: { cluster: { ...cluster(2, []), nodes: [1, 2, 3].map((id) => ({ id, address: '', alive: id !== 3, role: 'voter' })) }, topics: [] },
      node: 1,
      expected: ['the meta group: in sync without node 1: 2, a majority of 3 needs 2'],
    },
    { what: 'the same, every node live', view: { cluster: cluster(2, []), topics: [] }, node: 1, expected: [] },
  ])('$what', ({ view, node, expected }) => {
    expect(rollBlockers(view, node)).toEqual(expected);
  });
});

describe('healLag', () => {
  it('names every group whose ISR lacks the node, and the meta group', () => {
    const view = { cluster: cluster(2, [2, 3]), topics: [topic('a', [partition(0, 2, [1, 2, 3], [2, 3]), partition(1, 2, [1, 2, 3], [1, 2, 3]), partition(2, 2, [2, 3], [2, 3])])] };
    expect(healLag(view, 1)).toEqual(['the meta group', 'a/0']);
    expect(healLag({ cluster: cluster(2, [1, 2, 3]), topics: [topic('a', [partition(0, 2, [1, 2, 3], [1, 2, 3])])] }, 1)).toEqual([]);
  });
});

describe('rollOrder', () => {
  it('rolls in id order with the controller last', () => {
    expect(rollOrder(cluster(2, [1, 2, 3]))).toEqual([1, 3, 2]);
    expect(rollOrder(cluster(2, [1, 2, 3]), [3, 2])).toEqual([3, 2]);
    expect(rollOrder(cluster(0, []), [3, 1])).toEqual([1, 3]);
  });
});

/** Three nodes, one topic of three partitions (one led by each). restart(id) takes the node out
 *  of every ISR and the controller role; it is back in sync after `healLooks` looks. */
function fakeCluster(healLooks = 2) {
  const state = { controllerId: 2, controllerIsr: [1, 2, 3], partitions: [0, 1, 2].map((p) => partition(p, p + 1, [1, 2, 3], [1, 2, 3])) };
  const log: string[] = [];
  let behind: { node: number; looks: number } | undefined;
  const look = (): void => {
    if (behind === undefined || --behind.looks > 0) return;
    const { node } = behind;
    behind = undefined;
    state.controllerIsr = [...state.controllerIsr, node].sort();
    state.partitions = state.partitions.map((p) => ({ ...p, isr: [...p.isr, node].sort() }));
  };
  const client: RollClient = {
    describeCluster: async () => {
      look();
      return cluster(state.controllerId, state.controllerIsr);
    },
    listTopics: async () => [{ name: 't', partitions: 3, replicationFactor: 3 }],
    describeTopic: async () => topic('t', state.partitions),
    transferLeadership: async (_topic, p, to) => {
      log.push(`t/${p} -> ${to}`);
      state.partitions[p] = { ...state.partitions[p]!, leaderId: to };
      return { leaderId: to, leaderTerm: 2 };
    },
    transferController: async (to) => {
      log.push(`controller -> ${to}`);
      state.controllerId = to;
      return { leaderId: to, leaderTerm: 2 };
    },
  };
  const restart = async (id: number): Promise<void> => {
    log.push(`restart ${id}`);
    expect(state.partitions.every((p) => p.leaderId !== id)).toBe(true);
    expect(state.controllerId).not.toBe(id);
    state.controllerIsr = state.controllerIsr.filter((n) => n !== id);
    state.partitions = state.partitions.map((p) => ({ ...p, isr: p.isr.filter((n) => n !== id) }));
    behind = { node: id, looks: healLooks };
  };
  return { client, restart, log, state };
}

describe('rollCluster', () => {
  it('drains and restarts each node, the controller last, once the one before is back in sync', async () => {
    const { client, restart, log } = fakeCluster();
    const events: RollEvent['type'][] = [];
    const results = await rollCluster(client, { restart, waitMs: 5_000, drainMs: 5_000, pollMs: 1, onEvent: (e) => events.push(e.type) });
    expect(results.map((r) => [r.node, r.leadershipsMoved, r.controllerMoved])).toEqual([
      [1, 1, false],
      [3, 1, false],
      [2, 2, true],
    ]);
    expect(log.filter((l) => l.startsWith('restart') || l.startsWith('controller'))).toEqual(['restart 1', 'restart 3', 'controller -> 1', 'restart 2']);
    expect(events.filter((e) => e === 'healed')).toHaveLength(3);
  });

  it('stops, naming what blocks, when a node stays unsafe to restart', async () => {
    const { client, restart, state, log } = fakeCluster();
    state.partitions[0] = { ...state.partitions[0]!, isr: [1, 2] };
    const rolled = rollCluster(client, { restart, waitMs: 50, drainMs: 1_000, pollMs: 5 });
    await expect(rolled).rejects.toThrow(RollStopped);
    const stopped = (await rolled.catch((err: RollStopped) => err)) as RollStopped;
    expect(stopped.node).toBe(1);
    expect(stopped.reasons).toEqual(['t/0: in sync without node 1: 2, a majority of 3 replicas needs 2']);
    expect(stopped.done).toEqual([]);
    expect(log).toEqual([]);
  });

  it('stops when a restarted node does not come back in sync', async () => {
    const { client, restart } = fakeCluster(Number.MAX_SAFE_INTEGER);
    const stopped = await rollCluster(client, { restart, waitMs: 50, drainMs: 1_000, pollMs: 5 }).catch((err: RollStopped) => err);
    expect(stopped).toBeInstanceOf(RollStopped);
    expect((stopped as RollStopped).reasons).toEqual(['the meta group', 't/0', 't/1', 't/2']);
  });
});
