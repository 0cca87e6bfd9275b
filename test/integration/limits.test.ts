// Shows that nothing a client sends can topple a node (issue #12): Subscribe streams whose
// readers never read hold at most the node's stream budget and are ended after the stall time;
// a record over the limit fails at once with RecordTooLarge, never retried; a node whose data
// disk has less free space than its guard refuses produce with DiskFull, writing nothing; a
// deleted topic leaves no metric series behind.
import * as grpc from '@grpc/grpc-js';
import { HeraldClient, HeraldError } from '@herald/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

const BUDGET = 4 << 20;
const STALL_MS = 2_000;
let cluster: TestCluster;
let client: HeraldClient;

beforeAll(async () => {
  cluster = await TestCluster.start({ overrides: { limits: { streamBufferBytes: BUDGET, streamStallMs: STALL_MS } } });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

const gauge = async (id: number, name: string) => (await cluster.node(id).node.metrics.registry.getSingleMetric(name)!.get()).values.reduce((n, v) => n + v.value, 0);

describe('streams whose readers never read', () => {
  it('hold at most the stream budget between them, and are ended after the stall time', async () => {
    await cluster.createTopic('flood', 1);
    const producer = client.producer({ lingerMs: 5, batchBytesMax: 16 << 10 });
    const value = Buffer.alloc(1024, 7);
    await Promise.all(Array.from({ length: 12_000 }, () => producer.send('flood', { value, partition: 0 })));
    await producer.close();
    const id = await cluster.leaderOf('flood', 0);
    // 40 readers of 12 MB each: unbounded, they would hold 480 MB on the node. A paused gRPC
    // reader still takes 16 messages into its own buffer (64 KiB each here) before its HTTP/2
    // window closes; the rest waits on the node.
    const streams = Array.from({ length: 40 }, () => {
      const stream = cluster.client(id).consume.subscribe({ topic: 'flood', partition: 0, startPosition: 'START_POSITION_EARLIEST', maxBytes: 64 << 10 }) as grpc.ClientReadableStream<unknown>;
      // Reads nothing: a paused stream asks for no more messages, its HTTP/2 window fills and
      // the node's writes wait. (A stream nobody ever asked for data is worse: grpc-js reads
      // and buffers without end in the client, so the node never sees it stall.)
      stream.on('data', () => {});
      stream.pause();
      const ended = new Promise<number | undefined>((resolve) => {
        stream.on('error', (err: grpc.ServiceError) => resolve(err.code));
        stream.on('end', () => resolve(undefined));
      });
      return { stream, ended };
    });
    let most = 0;
    await waitFor(
      async () => {
        most = Math.max(most, await gauge(id, 'herald_stream_buffer_bytes'));
        return (await gauge(id, 'herald_streams_cut_total')) >= 40;
      },
      { timeoutMs: 60_000, what: 'every stalled stream ended', intervalMs: 50 },
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(BUDGET + (1 << 20)); // one chunk may pass an empty budget
    for (const { stream, ended } of streams) {
      stream.resume();
      expect(await ended).toBe(grpc.status.RESOURCE_EXHAUSTED);
    }
    expect(await gauge(id, 'herald_stream_buffer_bytes')).toBe(0);
    expect(await gauge(id, 'herald_subscriptions_open')).toBe(0);
  });
});

describe('a data disk below the free-space guard', () => {
  it('refuses produce with DiskFull (RESOURCE_EXHAUSTED), nothing written, and says why', async () => {
    // A guard larger than any disk: the node counts its disk as full from its start.
    const full = await TestCluster.start({ nodes: 1, overrides: { limits: { diskFreeMinBytes: 2 ** 52 } } });
    const fullClient = new HeraldClient({ brokers: [`127.0.0.1:${full.peers[0]!.clientPort}`] });
    try {
      await full.createTopic('no-room', 1);
      const producer = fullClient.producer({ lingerMs: 0, deliveryTimeoutMs: 1_500 });
      const err = (await producer.send('no-room', { value: Buffer.from('x') }).catch((e: unknown) => e)) as HeraldError;
      expect(err).toBeInstanceOf(HeraldError);
      expect(err.reason).toBe('DiskFull');
      expect(err.code).toBe('RESOURCE_EXHAUSTED');
      expect(err.outcome).toBe('not-written');
      expect(err.message).toMatch(/disk full: \d+ bytes free on .*, below the 4503599627370496 byte guard/);
      await producer.close();
      expect((await fullClient.describeTopic('no-room')).partitions[0]!.highWatermark).toBe(0);
    } finally {
      await fullClient.close();
      await full.stop();
    }
  });
});

describe('a record over the limit', () => {
  it('fails at once with RecordTooLarge, never written, never retried', async () => {
    await cluster.createTopic('big', 1);
    const producer = client.producer({ lingerMs: 0 });
    const started = Date.now();
    const err = (await producer.send('big', { value: Buffer.alloc(10 << 20) }).catch((e: unknown) => e)) as HeraldError;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(HeraldError);
    expect(err.reason).toBe('RecordTooLarge');
    expect(err.outcome).toBe('not-written');
    // A client that does not check (another SDK) meets the node's receive limit: refused from
    // the message's length alone, as RequestTooLarge, nothing written.
    const raw = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
    const unchecked = (await raw.producer({ lingerMs: 0, maxRecordBytes: 64 << 20 }).send('big', { value: Buffer.alloc(10 << 20) }).catch((e: unknown) => e)) as HeraldError;
    expect(unchecked.reason).toBe('RequestTooLarge');
    expect(unchecked.outcome).toBe('not-written');
    await raw.close();
    expect((await client.describeTopic('big')).partitions[0]!.highWatermark).toBe(0);
    await producer.close();
  });
});

describe('metric series', () => {
  it('go with their topic', async () => {
    const series = async () => (await cluster.node(1).node.metrics.registry.metrics()).split('\n').filter((line) => line.includes('gone-'));
    for (let i = 0; i < 20; i++) await cluster.createTopic(`gone-${i}`, 2);
    const producer = client.producer({ lingerMs: 0 });
    for (let i = 0; i < 20; i++) await producer.send(`gone-${i}`, { value: 'x' });
    await producer.close();
    expect((await series()).length).toBeGreaterThan(100);
    for (let i = 0; i < 20; i++) await client.deleteTopic(`gone-${i}`);
    await waitFor(async () => (await series()).length === 0, { timeoutMs: 10_000, what: 'the deleted topics’ series gone' });
  });
});
