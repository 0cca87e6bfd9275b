// Shows that a drain moves every leadership of the node to another in-sync replica, spreading
// them over the least loaded ones, tries another replica after a refusal, keeps at once what has
// no other replica, and gives up at its deadline naming the last reason. Method: drainNode()
// against a fake cluster whose transfers follow a script.
import { describe, expect, it } from 'vitest';
import type { PartitionDescription, TopicDescription } from '@herald/client';
import { drainNode, type DrainClient } from '../src/drain.js';

interface FakePartition {
  leaderId: number;
  replicas: number[];
  isr: number[];
}

/** A cluster of topics whose transferLeadership() moves the leader unless `refuse` says no. */
function fakeCluster(topics: Record<string, FakePartition[]>, refuse: (topic: string, partition: number, to: number) => string | undefined = () => undefined) {
  const transfers: string[] = [];
  const client: DrainClient = {
    listTopics: async () => Object.entries(topics).map(([name, ps]) => ({ name, partitions: ps.length, replicationFactor: ps[0]!.replicas.length })),
    describeTopic: async (name): Promise<TopicDescription> => ({
      name,
      replicationFactor: 3,
      configs: {},
      partitions: topics[name]!.map((p, id): PartitionDescription => ({ id, leaderId: p.leaderId, leaderTerm: 1, replicas: [...p.replicas], isr: [...p.isr], highWatermark: 0, logStartOffset: 0, targetReplicas: [] })),
    }),
    transferLeadership: async (topic, partition, to) => {
      transfers.push(`${topic}/${partition}->${to}`);
      const why = refuse(topic, partition, to);
      if (why !== undefined) throw new Error(why);
      topics[topic]![partition]!.leaderId = to;
      return { leaderId: to, leaderTerm: 2 };
    },
  };
  return { client, transfers };
}

const all = (leaderId: number): FakePartition => ({ leaderId, replicas: [1, 2, 3], isr: [1, 2, 3] });

describe('drainNode', () => {
  it('moves every leadership of the node, to the least loaded in-sync replicas', async () => {
    // Node 1 leads four partitions; node 2 leads two already, node 3 none.
    const { client, transfers } = fakeCluster({ a: [all(1), all(1), all(2), all(2)], b: [all(1), all(1)] });
    const result = await drainNode(client, 1, { deadlineMs: 5_000, concurrency: 1 });
    expect(result.kept).toEqual([]);
    expect(result.moved.map((m) => `${m.topic}/${m.partition}->${m.to}`)).toEqual(['a/0->3', 'a/1->3', 'b/0->2', 'b/1->3']);
    expect(transfers).toHaveLength(4);
  });

  it('tries another in-sync replica after a refusal', async () => {
    const { client, transfers } = fakeCluster({ a: [all(1)] }, (_t, _p, to) => (to === 2 ? 'node 2 is not caught up' : undefined));
    const result = await drainNode(client, 1, { deadlineMs: 5_000 });
    expect(result).toEqual({ moved: [{ topic: 'a', partition: 0, from: 1, to: 3 }], kept: [] });
    expect(transfers).toEqual(['a/0->2', 'a/0->3']);
  });

  it('keeps a partition with no other replica at once, without waiting for the deadline', async () => {
    const { client, transfers } = fakeCluster({ solo: [{ leaderId: 1, replicas: [1], isr: [1] }], a: [all(1)] });
    const started = Date.now();
    const result = await drainNode(client, 1, { deadlineMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.moved).toEqual([{ topic: 'a', partition: 0, from: 1, to: 2 }]);
    expect(result.kept).toEqual([{ topic: 'solo', partition: 0, reason: 'no other replica' }]);
    expect(transfers).toEqual(['a/0->2']);
  });

  it('gives up at the deadline with the last reason when the ISR is the node alone', async () => {
    const { client, transfers } = fakeCluster({ a: [{ leaderId: 1, replicas: [1, 2, 3], isr: [1] }] });
    const result = await drainNode(client, 1, { deadlineMs: 300 });
    expect(result).toEqual({ moved: [], kept: [{ topic: 'a', partition: 0, reason: 'no other in-sync replica (ISR 1)' }] });
    expect(transfers).toEqual([]);
  });

  it('does nothing when the node leads nothing', async () => {
    const { client, transfers } = fakeCluster({ a: [all(2), all(3)] });
    expect(await drainNode(client, 1, { deadlineMs: 1_000 })).toEqual({ moved: [], kept: [] });
    expect(transfers).toEqual([]);
  });
});
