// Retention and log compaction over real gRPC on loopback, three in-process nodes: DeleteRecords
// moves the log start on every replica and compacts every replica's raft log below it; reads below
// the log start answer OffsetOutOfRange while offsets of the rest never change; retention.ms and
// retention.bytes are enforced by the leader; a replica that fell behind the compaction catches
// up from a snapshot and a restarted one from its own, idempotent producers included; the meta
// group's log is compacted too, with consumer-group offsets in its snapshots.
import { status } from '@grpc/grpc-js';
import { encodeBatch, type RecordInput } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { atController } from '../support/group-member.js';
import { waitFor } from '../support/wait-for.js';

interface Fetched { batches: { baseOffset: number; recordCount: number }[]; highWatermark: number; logStartOffset: number }

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ overrides: { retention: { checkIntervalMs: 200 }, raft: { metaSnapshotEntries: 50 } } });
});

afterAll(async () => {
  await cluster?.stop();
});

const records = (n: number, timestampMs = Date.now(), size = 10): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.alloc(size, 97 + (i % 26)), timestampMs: timestampMs + i }));

async function produce(topic: string, batch: RecordInput[], extra: object = {}): Promise<{ baseOffset: number; duplicate: boolean }> {
  const leader = await cluster.leaderOf(topic, 0);
  return call(cluster.client(leader).produce, 'produce', { topic, partition: 0, batch: await encodeBatch(batch, extra) });
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number; reason: string | undefined }> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a refusal').toBeDefined();
  return { code: (err as { code: number }).code, reason: reasonOf(err) };
}

const replica = (id: number, topic: string) => [...cluster.node(id).node.hostedPartitions()].find((h) => h.topic.name === topic)!.partition.log;
const fetch = (id: number, topic: string, offset: number) => call<Fetched>(cluster.client(id).consume, 'fetch', { topic, partition: 0, offset });
const deleteRecords = async (topic: string, beforeOffset: number) =>
  call<{ logStartOffset: number }>(cluster.client(await cluster.leaderOf(topic, 0)).admin, 'deleteRecords', { topic, partition: 0, beforeOffset });

describe('DeleteRecords', () => {
  it('moves the log start on every replica, compacts every raft log, and keeps offsets', async () => {
    await cluster.createTopic('r-delete', 1);
    for (let i = 0; i < 10; i++) await produce('r-delete', records(3));
    const answer = await deleteRecords('r-delete', 7);
    expect(answer.logStartOffset).toBe(7);
    for (const id of [1, 2, 3]) {
      await waitFor(() => replica(id, 'r-delete').state.logStartOffset === 7, { timeoutMs: 5_000, what: `node ${id} log start 7` });
      const p = replica(id, 'r-delete');
      // The batch [6, 9) holds offset 7 and stays; the raft log below it is a snapshot now.
      expect(p.index.at(0)).toMatchObject({ baseOffset: 6, recordCount: 3 });
      expect(p.group.status().snapshotIndex).toBe(p.index.at(0)!.raftIndex - 1);
      const below = await refusal(fetch(id, 'r-delete', 6));
      expect(below).toEqual({ code: status.OUT_OF_RANGE, reason: 'OffsetOutOfRange' });
      const read = await fetch(id, 'r-delete', 7);
      expect(read).toMatchObject({ highWatermark: 30, logStartOffset: 7 });
      expect(read.batches.map((b) => b.baseOffset)).toEqual([6, 9, 12, 15, 18, 21, 24, 27]);
    }
    // New records continue the offsets.
    expect((await produce('r-delete', records(2))).baseOffset).toBe(30);
    const earliest = await call<{ offset: number }>(cluster.client(1).consume, 'listOffsets', { topic: 'r-delete', partition: 0, position: 'START_POSITION_EARLIEST' });
    expect(earliest.offset).toBe(7);
    // At or below the log start changes nothing; -1 deletes everything committed.
    expect((await deleteRecords('r-delete', 3)).logStartOffset).toBe(7);
    expect((await deleteRecords('r-delete', -1)).logStartOffset).toBe(32);
    const leader = await cluster.leaderOf('r-delete', 0);
    expect(replica(leader, 'r-delete').logBytes).toBe(0);
    expect((await produce('r-delete', records(1))).baseOffset).toBe(32);
    expect((await fetch(leader, 'r-delete', 32)).batches.map((b) => b.baseOffset)).toEqual([32]);
  });

  it('refuses a subscription that starts below the log start; EARLIEST starts at it', async () => {
    await cluster.createTopic('r-subscribe', 1);
    for (let i = 0; i < 4; i++) await produce('r-subscribe', records(3));
    await deleteRecords('r-subscribe', 6);
    const leader = await cluster.leaderOf('r-subscribe', 0);
    const subscribe = (request: object) => {
      const stream = cluster.client(leader).consume.subscribe({ topic: 'r-subscribe', partition: 0, ...request });
      return new Promise<{ err?: unknown; first?: number }>((resolve) => {
        stream.on('error', (err) => resolve({ err }));
        stream.once('data', (r: { batches: { baseOffset: number }[] }) => {
          resolve({ first: r.batches[0]!.baseOffset });
          stream.cancel();
        });
      });
    };
    expect(reasonOf((await subscribe({ startPosition: 'START_POSITION_OFFSET', startOffset: 5 })).err)).toBe('OffsetOutOfRange');
    expect((await subscribe({ startPosition: 'START_POSITION_EARLIEST' })).first).toBe(6);
  });

  it('refuses bad offsets and non-leaders, changing nothing', async () => {
    await cluster.createTopic('r-bad', 1);
    await produce('r-bad', records(5));
    const leader = await cluster.leaderOf('r-bad', 0);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    const admin = (id: number, beforeOffset: number) => call(cluster.client(id).admin, 'deleteRecords', { topic: 'r-bad', partition: 0, beforeOffset });
    expect(await refusal(admin(leader, -2))).toEqual({ code: status.INVALID_ARGUMENT, reason: 'InvalidArgument' });
    expect(await refusal(admin(leader, 6))).toEqual({ code: status.OUT_OF_RANGE, reason: 'OffsetOutOfRange' });
    expect(await refusal(admin(follower, 2))).toEqual({ code: status.FAILED_PRECONDITION, reason: 'NotLeader' });
    expect(await refusal(call(cluster.client(leader).admin, 'deleteRecords', { topic: 'nope', partition: 0, beforeOffset: 1 }))).toEqual({ code: status.NOT_FOUND, reason: 'TopicNotFound' });
    expect(replica(leader, 'r-bad').state.logStartOffset).toBe(0);
    for (const [configs, field] of [[{ 'retention.ms': 'soon' }, 'retention.ms'], [{ 'retention.bytes': '0' }, 'retention.bytes'], [{ 'segment.bytes': '1' }, 'segment.bytes']] as const) {
      const err = await call(cluster.client(await cluster.controller()).admin, 'createTopic', { name: 'r-bad-config', partitions: 1, configs }).catch((e: unknown) => e);
      expect(reasonOf(err)).toBe('InvalidArgument');
      expect((err as { details: string }).details).toContain(`configs.${field}`);
    }
  });
});

describe('retention by time and by size', () => {
  it('retention.ms removes batches whose newest record is older, leaving newer ones', async () => {
    await cluster.createTopic('r-time', 1, 3, { 'retention.ms': '2000' });
    await produce('r-time', records(4, Date.now() - 60_000));
    await produce('r-time', records(4, Date.now() - 30_000));
    await produce('r-time', records(4, Date.now() + 60_000));
    for (const id of [1, 2, 3]) await waitFor(() => replica(id, 'r-time').state.logStartOffset === 8, { timeoutMs: 5_000, what: `node ${id}: log start 8` });
    const read = await fetch(1, 'r-time', 8);
    expect(read.batches.map((b) => [b.baseOffset, b.recordCount])).toEqual([[8, 4]]);
  });

  it('retention.bytes removes the oldest batches while the partition holds more', async () => {
    await cluster.createTopic('r-size', 1, 3, { 'retention.bytes': '1000' });
    for (let i = 0; i < 10; i++) await produce('r-size', records(2, Date.now(), 200)); // ~450 bytes per batch
    const leader = await cluster.leaderOf('r-size', 0);
    await waitFor(() => replica(leader, 'r-size').logBytes <= 1000, { timeoutMs: 5_000, what: 'the log within 1000 bytes' });
    const p = replica(leader, 'r-size');
    expect(p.state.logStartOffset).toBe(16); // two batches of ~450 bytes remain
    expect(p.index.size).toBe(2);
    expect(p.highWatermark).toBe(20);
  });
});

describe('catching up across compaction', () => {
  it('a replica that missed the compacted entries gets a snapshot; a restarted one uses its own; idempotence survives both', async () => {
    await cluster.createTopic('r-catchup', 1);
    const leader = await cluster.leaderOf('r-catchup', 0);
    const behind = [1, 2, 3].find((id) => id !== leader && id !== 1) ?? [1, 2, 3].find((id) => id !== leader)!;
    const idempotent = { producerId: 77, producerEpoch: 0 };
    await produce('r-catchup', records(3), { ...idempotent, baseSequence: 0 });
    await cluster.stopNode(behind);
    try {
      for (let i = 1; i <= 5; i++) await produce('r-catchup', records(3), { ...idempotent, baseSequence: i * 3 });
      await deleteRecords('r-catchup', 12);
    } finally {
      await cluster.startNode(behind);
    }
    await waitFor(() => replica(behind, 'r-catchup').highWatermark === 18, { timeoutMs: 10_000, what: 'the restarted replica caught up' });
    const caughtUp = replica(behind, 'r-catchup');
    expect(caughtUp.state.logStartOffset).toBe(12);
    expect(caughtUp.group.status().snapshotIndex).toBeGreaterThan(0);
    expect((await fetch(behind, 'r-catchup', 12)).batches.map((b) => b.baseOffset)).toEqual([12, 15]);
    // The producer table came with the snapshot: a retry of the last batch is a duplicate
    // wherever leadership goes, and the next sequence is accepted.
    const retry = await produce('r-catchup', records(3), { ...idempotent, baseSequence: 15 });
    expect(retry).toMatchObject({ baseOffset: 15, duplicate: true });
    // A replica restarted after compacting starts from its own stored snapshot.
    const restarted = [1, 2, 3].find((id) => id !== behind)!;
    await cluster.stopNode(restarted);
    await cluster.startNode(restarted);
    await waitFor(() => replica(restarted, 'r-catchup').highWatermark === 18, { timeoutMs: 10_000, what: 'the restarted replica reloaded' });
    expect(replica(restarted, 'r-catchup').state.logStartOffset).toBe(12);
    expect(replica(restarted, 'r-catchup').index.at(0)).toMatchObject({ baseOffset: 12 });
    expect((await produce('r-catchup', records(3), { ...idempotent, baseSequence: 18 })).baseOffset).toBe(18);
  });
});

describe('meta log compaction', () => {
  it('snapshots the metadata with consumer-group offsets; restarted and lagging nodes restore them', async () => {
    await cluster.createTopic('r-meta', 1);
    const controller = await cluster.controller();
    const lagging = [1, 2, 3].find((id) => id !== controller)!;
    await cluster.stopNode(lagging);
    try {
      for (let i = 1; i <= 120; i++) await atController(cluster, 'commitOffsets', { group: `r-meta-${i % 3}`, offsets: [{ topic: 'r-meta', partition: 0, offset: i }] });
    } finally {
      await cluster.startNode(lagging);
    }
    for (const id of [1, 2, 3]) {
      await waitFor(() => cluster.node(id).node.meta.state.groups.get('r-meta-0')?.offsets.get('r-meta')?.get(0)?.offset === 120, { timeoutMs: 10_000, what: `node ${id}: offsets` });
      expect(cluster.node(id).node.meta.group.status().snapshotIndex).toBeGreaterThan(0);
    }
    const offsets = await atController<{ offsets: { offset: number }[] }>(cluster, 'fetchOffsets', { group: 'r-meta-1' });
    expect(offsets.offsets.map((o) => o.offset)).toEqual([118]);
  });
});
