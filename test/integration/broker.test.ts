// The broker's contract over real gRPC on loopback, three in-process nodes: acks levels,
// NotLeader redirects, ISR shrink and expand, min.insync.replicas, idempotent producers, and
// refusals of bad input that change nothing. Raw generated clients, so that nothing of the
// client SDK hides what the broker answers.
import { status } from '@grpc/grpc-js';
import { encodeBatch, type RecordInput } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

interface Produced { baseOffset: number; lastOffset: number; recordCount: number; duplicate: boolean }
interface Fetched { batches: { baseOffset: number; recordCount: number; batch: Buffer }[]; highWatermark: number }

const records = (n: number, prefix = 'v'): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${prefix}${i}`), timestampMs: 1_700_000_000_000 + i }));

let cluster: TestCluster;

beforeAll(async () => {
  // A short lag bound so that ISR changes show within a test.
  cluster = await TestCluster.start({ overrides: { raft: { replicaLagTimeMaxMs: 600 } } });
});

afterAll(async () => {
  await cluster?.stop();
});

async function produceTo(topic: string, partition: number, batch: Uint8Array, acks = 'ACKS_QUORUM', nodeId?: number): Promise<Produced> {
  const target = nodeId ?? (await cluster.leaderOf(topic, partition));
  return call<Produced>(cluster.client(target).produce, 'produce', { topic, partition, acks, batch });
}

async function highWatermark(topic: string, partition: number): Promise<number> {
  const leader = await cluster.leaderOf(topic, partition);
  const fetched = await call<Fetched>(cluster.client(leader).consume, 'fetch', { topic, partition, offset: 0, maxBytes: 1 });
  return fetched.highWatermark;
}

async function expectRefusal(promise: Promise<unknown>, code: status, reason: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${reason}`).toBeDefined();
  expect((err as { code: number }).code).toBe(code);
  expect(reasonOf(err)).toBe(reason);
}

describe('produce and fetch', () => {
  it('assigns dense offsets at every acks level and fetch returns the stored batches', async () => {
    await cluster.createTopic('acks', 1);
    const levels = ['ACKS_NONE', 'ACKS_LEADER', 'ACKS_QUORUM', 'ACKS_ALL', 'ACKS_UNSPECIFIED'];
    const results: Produced[] = [];
    for (const acks of levels) results.push(await produceTo('acks', 0, await encodeBatch(records(3, acks)), acks));
    expect(results.map((r) => r.baseOffset)).toEqual([0, 3, 6, 9, 12]);
    expect(results.every((r) => r.recordCount === 3 && r.lastOffset === r.baseOffset + 2 && !r.duplicate)).toBe(true);
    // acks NONE answers before commit: wait for the high watermark to cover everything.
    await waitFor(async () => (await highWatermark('acks', 0)) === 15, { timeoutMs: 5_000, what: 'high watermark 15' });
    // Every replica serves the same committed batches.
    for (const id of [1, 2, 3]) {
      const fetched = await waitFor(async () => {
        const f = await call<Fetched>(cluster.client(id).consume, 'fetch', { topic: 'acks', partition: 0, offset: 0 });
        return f.highWatermark === 15 ? f : undefined;
      }, { timeoutMs: 5_000, what: `node ${id} caught up` });
      expect(fetched.batches.map((b) => [b.baseOffset, b.recordCount])).toEqual([[0, 3], [3, 3], [6, 3], [9, 3], [12, 3]]);
    }
  });

  it('long-polls a fetch at the high watermark until a record arrives', async () => {
    await cluster.createTopic('longpoll', 1);
    const leader = await cluster.leaderOf('longpoll', 0);
    const waiting = call<Fetched>(cluster.client(leader).consume, 'fetch', { topic: 'longpoll', partition: 0, offset: 0, maxWaitMs: 10_000 });
    await produceTo('longpoll', 0, await encodeBatch(records(1)));
    const fetched = await waiting;
    expect(fetched.batches).toHaveLength(1);
  });

  it('a follower refuses produce with NotLeader naming the leader', async () => {
    await cluster.createTopic('redirect', 1);
    const leader = await cluster.leaderOf('redirect', 0);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    await waitFor(() => cluster.node(follower).node.partitionView('redirect', 0).leaderId === leader, { timeoutMs: 5_000, what: 'the follower knowing its leader' });
    const err = await produceTo('redirect', 0, await encodeBatch(records(1)), 'ACKS_QUORUM', follower).catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(status.FAILED_PRECONDITION);
    expect(reasonOf(err)).toBe('NotLeader');
    const metadata = (err as { metadata: { get(key: string): unknown[] } }).metadata;
    expect(String(metadata.get('herald-leader-id')[0])).toBe(String(leader));
    expect(String(metadata.get('herald-leader-addr')[0])).toBe(`127.0.0.1:${cluster.peers.find((p) => p.id === leader)!.clientPort}`);
  });
});

describe('describe', () => {
  it('every node describes every partition with its leader and full ISR, asking the leaders it is not', async () => {
    await cluster.createTopic('described', 3);
    for (const id of [1, 2, 3]) {
      const described = await waitFor(async () => {
        const r = await call<{ topic: { partitions: { id: number; leaderId: number; isr: number[]; replicas: number[] }[] } }>(cluster.client(id).admin, 'describeTopic', { name: 'described' });
        return r.topic.partitions.every((p) => p.isr.length === 3) ? r : undefined;
      }, { timeoutMs: 5_000, what: `node ${id} to describe a full ISR everywhere` });
      for (const p of described.topic.partitions) {
        expect(p.leaderId).toBe(await cluster.leaderOf('described', p.id));
        expect([...p.isr].sort()).toEqual([1, 2, 3]);
      }
      // Preferred leaders are spread: each node leads one of the three.
      expect(new Set(described.topic.partitions.map((p) => p.replicas[0])).size).toBe(3);
    }
  });
});

describe('topics', () => {
  it('opens every partition replica on every node, however many partitions a topic has', async () => {
    // Regression: opening groups read the store while a turn was writing, and some replicas
    // stayed closed until the next metadata change.
    await cluster.createTopic('wide', 24);
    for (const id of [1, 2, 3]) {
      await waitFor(() => [...cluster.node(id).node.hostedPartitions()].filter((h) => h.topic.name === 'wide').length === 24, { timeoutMs: 10_000, what: `node ${id} hosting all 24 partitions of wide` });
    }
  });
});

describe('consume', () => {
  it('Subscribe pushes committed batches from the earliest offset, then new ones as they commit', async () => {
    await cluster.createTopic('sub', 1);
    await produceTo('sub', 0, await encodeBatch(records(2)));
    const leader = await cluster.leaderOf('sub', 0);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    const stream = cluster.client(follower).consume.subscribe({ topic: 'sub', partition: 0, startPosition: 'START_POSITION_EARLIEST' });
    const seen: number[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (r: { batches: { baseOffset: number; recordCount: number }[] }) => {
        for (const b of r.batches) for (let i = 0; i < b.recordCount; i++) seen.push(b.baseOffset + i);
        if (seen.length >= 5) resolve();
      });
      stream.on('error', (err: Error & { code?: number }) => (err.code === status.CANCELLED ? undefined : reject(err)));
    });
    await produceTo('sub', 0, await encodeBatch(records(3)));
    await done;
    stream.cancel();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('ListOffsets answers earliest, latest and by timestamp', async () => {
    await cluster.createTopic('offsets', 1);
    await produceTo('offsets', 0, await encodeBatch(records(4)));
    const late = await encodeBatch([{ key: null, value: Buffer.from('late'), timestampMs: 1_800_000_000_000 }]);
    await produceTo('offsets', 0, late);
    const leader = await cluster.leaderOf('offsets', 0);
    const list = (position: string, timestampMs = 0) => call<{ offset: number }>(cluster.client(leader).consume, 'listOffsets', { topic: 'offsets', partition: 0, position, timestampMs });
    expect((await list('START_POSITION_EARLIEST')).offset).toBe(0);
    expect((await list('START_POSITION_LATEST')).offset).toBe(5);
    expect((await list('START_POSITION_TIMESTAMP', 1_799_000_000_000)).offset).toBe(4);
  });
});

describe('leadership', () => {
  it('transfers leadership to a named follower, which then takes writes', async () => {
    await cluster.createTopic('transfer', 1);
    const leader = await cluster.leaderOf('transfer', 0);
    const to = [1, 2, 3].find((id) => id !== leader)!;
    const started = performance.now();
    const answer = await call<{ leaderId: number }>(cluster.client(leader).admin, 'transferLeadership', { topic: 'transfer', partition: 0, toNodeId: to });
    expect(answer.leaderId).toBe(to);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await cluster.leaderOf('transfer', 0)).toBe(to);
    expect((await produceTo('transfer', 0, await encodeBatch(records(1)), 'ACKS_QUORUM', to)).baseOffset).toBe(0);
  });

  it('chooses an in-sync follower when asked to transfer to node 0', async () => {
    await cluster.createTopic('transfer-any', 1);
    const leader = await cluster.leaderOf('transfer-any', 0);
    await waitFor(() => cluster.node(leader).node.partitionView('transfer-any', 0).isr.length === 3, { timeoutMs: 5_000, what: 'full ISR' });
    const answer = await call<{ leaderId: number }>(cluster.client(leader).admin, 'transferLeadership', { topic: 'transfer-any', partition: 0, toNodeId: 0 });
    expect(answer.leaderId).not.toBe(leader);
    expect(await cluster.leaderOf('transfer-any', 0)).toBe(answer.leaderId);
  });

  it('refuses a transfer to a node that is not a replica', async () => {
    await cluster.createTopic('transfer-bad', 1, 2);
    const leader = await cluster.leaderOf('transfer-bad', 0);
    const described = await call<{ topic: { partitions: { replicas: number[] }[] } }>(cluster.client(leader).admin, 'describeTopic', { name: 'transfer-bad' });
    const outsider = [1, 2, 3].find((id) => !described.topic.partitions[0]!.replicas.includes(id))!;
    await expectRefusal(call(cluster.client(leader).admin, 'transferLeadership', { topic: 'transfer-bad', partition: 0, toNodeId: outsider }), status.INVALID_ARGUMENT, 'InvalidArgument');
  });

  it('serves grpc.health.v1', async () => {
    const { HealthClient } = await import('./health-client.js');
    expect(await HealthClient.check(`127.0.0.1:${cluster.peers[0]!.clientPort}`)).toBe('SERVING');
  });
});

describe('idempotent producers', () => {
  it('stores a retried batch once and answers it with the original offsets', async () => {
    await cluster.createTopic('idem', 1);
    const first = await encodeBatch(records(5), { producerId: 4242, producerEpoch: 0, baseSequence: 0 });
    const a = await produceTo('idem', 0, first);
    const b = await produceTo('idem', 0, first);
    expect(b).toEqual({ ...a, duplicate: true });
    const next = await encodeBatch(records(2), { producerId: 4242, producerEpoch: 0, baseSequence: 5 });
    expect((await produceTo('idem', 0, next)).baseOffset).toBe(5);
    expect(await highWatermark('idem', 0)).toBe(7);
  });

  it('refuses a new producer whose first batch does not start at sequence 0', async () => {
    await cluster.createTopic('idem-first', 1);
    // Batch 0 was lost in flight; batch 1 must not be stored ahead of it.
    const second = await encodeBatch(records(1), { producerId: 99, producerEpoch: 0, baseSequence: 1 });
    await expectRefusal(produceTo('idem-first', 0, second), status.FAILED_PRECONDITION, 'OutOfOrderSequence');
    const first = await encodeBatch(records(1), { producerId: 99, producerEpoch: 0, baseSequence: 0 });
    expect((await produceTo('idem-first', 0, first)).baseOffset).toBe(0);
    expect((await produceTo('idem-first', 0, second)).baseOffset).toBe(1);
  });

  it('refuses a batch that skips sequence numbers, and writes nothing', async () => {
    await cluster.createTopic('idem-gap', 1);
    await produceTo('idem-gap', 0, await encodeBatch(records(1), { producerId: 77, producerEpoch: 0, baseSequence: 0 }));
    const gap = await encodeBatch(records(1), { producerId: 77, producerEpoch: 0, baseSequence: 5 });
    await expectRefusal(produceTo('idem-gap', 0, gap), status.FAILED_PRECONDITION, 'OutOfOrderSequence');
    expect(await highWatermark('idem-gap', 0)).toBe(1);
  });
});

describe('replication', () => {
  it('shrinks the ISR when a follower stops, refuses quorum writes under min.insync.replicas, and expands after catch-up', async () => {
    await cluster.createTopic('isr', 1, 3, { 'min.insync.replicas': '3' });
    const leader = await cluster.leaderOf('isr', 0);
    const follower = [1, 2, 3].find((id) => id !== leader && id !== (cluster.node(leader).node.meta.controllerId()))
      ?? [1, 2, 3].find((id) => id !== leader)!;
    await produceTo('isr', 0, await encodeBatch(records(1)));
    await cluster.stopNode(follower);
    await waitFor(() => cluster.node(leader).node.partitionView('isr', 0).isr.length === 2, { timeoutMs: 5_000, what: 'ISR shrunk to 2' });
    await expectRefusal(produceTo('isr', 0, await encodeBatch(records(1))), status.FAILED_PRECONDITION, 'NotEnoughReplicas');
    // acks LEADER does not need the ISR; it still commits with a majority of two.
    await produceTo('isr', 0, await encodeBatch(records(4)), 'ACKS_LEADER');
    await cluster.startNode(follower);
    await waitFor(() => cluster.node(leader).node.partitionView('isr', 0).isr.length === 3, { timeoutMs: 10_000, what: 'ISR back to 3' });
    const produced = await produceTo('isr', 0, await encodeBatch(records(1)));
    expect(produced.baseOffset).toBe(5);
    // The restarted follower holds everything.
    await waitFor(() => cluster.node(follower).node.partitionView('isr', 0).highWatermark === 6, { timeoutMs: 5_000, what: 'follower caught up to 6' });
  });

  it('keeps every acknowledged record when the leader stops, and the new leader continues the offsets', async () => {
    await cluster.createTopic('failover', 1);
    const leader = await cluster.leaderOf('failover', 0);
    for (let i = 0; i < 10; i++) await produceTo('failover', 0, await encodeBatch(records(10, `b${i}-`)));
    await cluster.stopNode(leader);
    const next = await cluster.leaderOf('failover', 0);
    expect(next).not.toBe(leader);
    expect((await produceTo('failover', 0, await encodeBatch(records(1)))).baseOffset).toBe(100);
    await cluster.startNode(leader);
    await waitFor(() => cluster.node(leader).node.partitionView('failover', 0).highWatermark === 101, { timeoutMs: 10_000, what: 'old leader caught up' });
  });
});

describe('bad input is refused and changes nothing', () => {
  beforeAll(async () => {
    await cluster.createTopic('strict', 2, 3, { 'max.message.bytes': '2048' });
  });

  it.each([
    ['an empty topic name', { topic: '', partition: 0 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['an invalid topic name', { topic: 'no spaces please', partition: 0 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['an unknown topic', { topic: 'nope', partition: 0 }, status.NOT_FOUND, 'TopicNotFound'],
    ['a partition out of range', { topic: 'strict', partition: 7 }, status.NOT_FOUND, 'PartitionNotFound'],
    ['an empty batch', { topic: 'strict', partition: 0, batch: Buffer.alloc(0) }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['garbage bytes', { topic: 'strict', partition: 0, batch: Buffer.from('not a record batch at all, really') }, status.INVALID_ARGUMENT, 'InvalidArgument'],
  ])('produce with %s', async (_what, fields, code, reason) => {
    const leader = await cluster.leaderOf('strict', 0);
    const batch = await encodeBatch(records(1));
    await expectRefusal(call(cluster.client(leader).produce, 'produce', { batch, ...fields }), code, reason);
    expect(await highWatermark('strict', 0)).toBe(0);
  });

  it('refuses a batch whose CRC does not match', async () => {
    const batch = Buffer.from(await encodeBatch(records(3)));
    batch[batch.length - 1]! ^= 0xff;
    await expectRefusal(produceTo('strict', 0, batch), status.INVALID_ARGUMENT, 'InvalidArgument');
    expect(await highWatermark('strict', 0)).toBe(0);
  });

  it('refuses a batch over max.message.bytes with the limit in the message', async () => {
    const big = await encodeBatch([{ key: null, value: Buffer.alloc(4096, 1), timestampMs: 1 }]);
    const err = await produceTo('strict', 0, big).catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((err as Error).message).toMatch(/max\.message\.bytes/);
    expect(await highWatermark('strict', 0)).toBe(0);
  });

  it('refuses fetches outside the log', async () => {
    const leader = await cluster.leaderOf('strict', 1);
    await expectRefusal(call(cluster.client(leader).consume, 'fetch', { topic: 'strict', partition: 1, offset: 5 }), status.OUT_OF_RANGE, 'OffsetOutOfRange');
  });

  it.each([
    ['too many partitions', { name: 'x1', partitions: 5000 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['zero partitions (not read as unset)', { name: 'x0', partitions: 0 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['a replication factor of zero', { name: 'x0', partitions: 1, replicationFactor: 0 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ...['1e3', '0x10', ' 5 ', '5.0', ''].map((text): [string, { name: string; partitions: number; configs: Record<string, string> }, status, string] => [`retention.ms "${text}"`, { name: 'x5', partitions: 1, configs: { 'retention.ms': text } }, status.INVALID_ARGUMENT, 'InvalidArgument']),
    ['a replication factor above the node count', { name: 'x2', partitions: 1, replicationFactor: 4 }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['an unknown config', { name: 'x3', partitions: 1, configs: { 'cleanup.polcy': 'delete' } }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['min.insync.replicas above the replication factor', { name: 'x4', partitions: 1, replicationFactor: 2, configs: { 'min.insync.replicas': '3' } }, status.INVALID_ARGUMENT, 'InvalidArgument'],
    ['an existing name', { name: 'strict', partitions: 1 }, status.ALREADY_EXISTS, 'TopicExists'],
  ])('create topic with %s', async (_what, request, code, reason) => {
    const controller = await cluster.controller();
    await expectRefusal(call(cluster.client(controller).admin, 'createTopic', request), code, reason);
    const listed = await call<{ topics: { name: string }[] }>(cluster.client(controller).admin, 'listTopics', {});
    expect(listed.topics.map((t) => t.name)).not.toContain(request.name === 'strict' ? 'never' : request.name);
  });

  it('answers admin writes at a non-controller with NotLeader naming the controller', async () => {
    const controller = await cluster.controller();
    const other = [1, 2, 3].find((id) => id !== controller)!;
    const err = await call(cluster.client(other).admin, 'createTopic', { name: 'elsewhere', partitions: 1 }).catch((e: unknown) => e);
    expect(reasonOf(err)).toBe('NotLeader');
    expect(String((err as { metadata: { get(k: string): unknown[] } }).metadata.get('herald-leader-id')[0])).toBe(String(controller));
  });
});
