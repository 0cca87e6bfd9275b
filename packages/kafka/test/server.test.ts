// Shows how the listener frames, orders and refuses: pipelined requests are answered in request
// order even when an earlier one waits (a long-polling Fetch); ApiVersions in a version not
// served gets the v0 layout with UNSUPPORTED_VERSION and the list, while flexible ApiVersions v3
// (librdkafka's and the Java client's first request) is answered in v3; anything malformed,
// oversized, unknown or unauthenticated closes the connection, is counted, and never takes the
// listener down (a fast-check property over random frames). Also the handlers' Kafka semantics
// that a client library hides: Fetch's long poll, min.bytes and byte limits, ListOffsets, acks=0
// failures, old message formats, standalone offset commits.
// Method: a KafkaServer over the FakeBackend on 127.0.0.1:0, and a raw TCP client.

import { encodeBatch } from '@herald/protocol';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait-for.js';
import { ApiKey, ErrorCode, KafkaServer, type KafkaMetrics } from '../src/index.js';
import { heraldToKafka } from '../src/records/translate.js';
import { FakeBackend } from './support/fake-backend.js';
import { kafkajsFrame } from './support/kafkajs.js';
import { RawClient, readResponse, requestFrame } from './support/raw-client.js';

const SEED = Number(process.env.HERALD_SEED ?? 13);

let backend: FakeBackend;
let server: KafkaServer;
let port: number;
let malformed: string[];
const clients: RawClient[] = [];

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

async function start(options: { frameBytesMax?: number } = {}): Promise<void> {
  backend = new FakeBackend();
  malformed = [];
  const metrics: KafkaMetrics = { connectionOpened() {}, connectionClosed() {}, malformedFrame: (reason) => malformed.push(reason), request() {} };
  server = new KafkaServer({ backend, metrics, fetchWaitMaxMs: 5_000, ...options });
  port = (await server.listen()).port;
  backend.endpoint = { host: '127.0.0.1', port };
}

beforeEach(() => start());

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  backend.close();
});

/** A Kafka batch of `values`, as a producer would send it (via Herald's encoder and the fetch
 *  translation, which tests elsewhere show equal to kafkajs's). */
async function kafkaBatch(values: string[], timestampMs = 1_000): Promise<Buffer> {
  const herald = await encodeBatch(values.map((v, i) => ({ key: null, value: Buffer.from(v), timestampMs: timestampMs + i })));
  return Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: -1, bytes: herald }));
}

const apiVersionsV3 = (correlationId: number) => requestFrame('ApiVersions', 3, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }, correlationId, 'rdkafka');

describe('ApiVersions', () => {
  it('answers flexible v3 (librdkafka, Java) with the served list, in a v0 response header', async () => {
    const c = await client();
    c.write(apiVersionsV3(7));
    const { correlationId, body } = readResponse('ApiVersions', 3, (await c.next())!);
    expect(correlationId).toBe(7);
    expect(body.errorCode).toBe(0);
    const byKey = new Map(body.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    // librdkafka's feature checks need these in range (ECOSYSTEM.md).
    expect(byKey.get(ApiKey.JoinGroup)![0]).toBe(0);
    expect(byKey.get(ApiKey.InitProducerId)![0]).toBe(0);
    for (const v of [2, 3, 7]) expect(v).toBeLessThanOrEqual(byKey.get(ApiKey.Produce)![1]!);
    for (const v of [2, 4, 10]) expect(v).toBeLessThanOrEqual(byKey.get(ApiKey.Fetch)![1]!);
    expect(byKey.get(ApiKey.Fetch)).toEqual([0, 11]);
    expect(byKey.get(ApiKey.EndTxn)).toEqual([0, 1]);
    expect(byKey.get(ApiKey.TxnOffsetCommit)).toEqual([0, 2]);
  });

  it('answers a version it does not serve in the v0 layout with UNSUPPORTED_VERSION, and keeps the connection', async () => {
    const c = await client();
    const frame = apiVersionsV3(9);
    frame.writeInt16BE(4, 6); // ApiVersions v4, which is not served
    c.write(frame);
    const { correlationId, body } = readResponse('ApiVersions', 0, (await c.next())!);
    expect([correlationId, body.errorCode]).toEqual([9, ErrorCode.UnsupportedVersion]);
    expect(body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    c.write(apiVersionsV3(10));
    expect(readResponse('ApiVersions', 3, (await c.next())!).body.errorCode).toBe(0);
  });

  it('answers kafkajs v2', async () => {
    const c = await client();
    c.write(await kafkajsFrame('apiVersions', 2, {}, 3));
    expect(readResponse('ApiVersions', 2, (await c.next())!).body.errorCode).toBe(0);
  });
});

describe('ordering', () => {
  it('answers pipelined requests in request order, even behind a long-polling fetch', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const fetch = requestFrame('Fetch', 11, { maxWaitMs: 400, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] }, 1);
    const metadata = requestFrame('Metadata', 4, { topics: [{ name: 'orders' }] }, 2);
    const versions = apiVersionsV3(3);
    const started = Date.now();
    c.write(Buffer.concat([fetch, metadata, versions]));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await c.next())!.readInt32BE(0));
    expect(ids).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350); // the fetch waited its max.wait
  });

  it('runs a group request only after the requests before it are done', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const commit = requestFrame('OffsetCommit', 5, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }] }, 1);
    const fetchOffsets = requestFrame('OffsetFetch', 4, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] }, 2);
    c.write(Buffer.concat([commit, fetchOffsets]));
    expect(readResponse('OffsetCommit', 5, (await c.next())!).body.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const fetched = readResponse('OffsetFetch', 4, (await c.next())!).body;
    expect(fetched.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 5, errorCode: 0 });
  });
});

describe('bad input closes the connection, never the listener', () => {
  const cases: { what: string; reason: string; frame: () => Buffer }[] = [
    { what: 'an unknown API key', reason: 'unknown_api_key', frame: () => requestFrame('Metadata', 1, { topics: [] }, 1).fill(0x7f, 4, 6) },
    { what: 'a frame larger than the limit', reason: 'frame_too_large', frame: () => Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0]) },
    { what: 'a negative frame size', reason: 'frame_too_large', frame: () => Buffer.from([0xff, 0xff, 0xff, 0xfe]) },
    { what: 'a frame shorter than a header', reason: 'frame_too_short', frame: () => Buffer.from([0, 0, 0, 3, 0, 3, 0]) },
    {
      what: 'a body whose string length lies',
      reason: 'malformed',
      frame: () => {
        const f = requestFrame('Metadata', 1, { topics: [{ name: 'orders' }] }, 1);
        f.writeInt16BE(0x7fff, f.length - 8); // the topic name's length
        return f;
      },
    },
    {
      what: 'an array count of 2^31-1',
      reason: 'malformed',
      frame: () => {
        const f = requestFrame('Metadata', 1, { topics: [{ name: 'orders' }] }, 1);
        f.writeInt32BE(0x7fffffff, f.length - 12);
        return f;
      },
    },
    { what: 'trailing bytes after the body', reason: 'malformed', frame: () => withTrailing(requestFrame('Metadata', 1, { topics: [] }, 1)) },
  ];

  it.each(cases)('$what', async ({ reason, frame }) => {
    const c = await client();
    c.write(frame());
    expect(await c.closedByServer()).toBe(true);
    expect(malformed).toContain(reason);
    const healthy = await client();
    healthy.write(apiVersionsV3(1));
    expect(readResponse('ApiVersions', 3, (await healthy.next())!).body.errorCode).toBe(0);
  });

  it('closes a Produce v9 request (a version not served) rather than guessing its layout', async () => {
    const c = await client();
    const f = requestFrame('Produce', 8, { acks: 1, timeoutMs: 100, topicData: [] }, 1);
    f.writeInt16BE(9, 6);
    c.write(f);
    expect(await c.closedByServer()).toBe(true);
    expect(malformed).toEqual(['unsupported_version']);
  });

  it('survives random frames (fast-check): each connection is answered or closed, the listener keeps serving', async () => {
    const headers = fc.record({
      apiKey: fc.oneof(fc.constantFrom(0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 32, 36), fc.integer({ min: -5, max: 100 })),
      version: fc.integer({ min: -1, max: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(headers, fc.uint8Array({ maxLength: 200 }), fc.boolean(), async ({ apiKey, version }, body, lieAboutSize) => {
        const c = await client();
        const frame = Buffer.alloc(4 + 8 + body.length);
        frame.writeInt32BE(lieAboutSize ? 8 + body.length + 3 : 8 + body.length, 0);
        frame.writeInt16BE(apiKey, 4);
        frame.writeInt16BE(version, 6);
        frame.writeInt32BE(1, 8);
        frame.set(body, 12);
        c.write(frame);
        // Either an answer comes, or the connection closes, or the request waits (a long poll,
        // a join, or a frame promising more bytes than were sent).
        const outcome = lieAboutSize ? 'waiting' : await c.next(300).catch(() => 'waiting');
        expect(outcome === null || outcome === 'waiting' || Buffer.isBuffer(outcome)).toBe(true);
        c.close();
      }),
      { seed: SEED, numRuns: 150 },
    );
    const healthy = await client();
    healthy.write(apiVersionsV3(1));
    expect(readResponse('ApiVersions', 3, (await healthy.next())!).body.errorCode).toBe(0);
    expect(malformed.length).toBeGreaterThan(0);
  });

  it('does not allocate a claimed frame before its bytes arrive', async () => {
    await server.close();
    backend.close();
    await start({ frameBytesMax: 64 * 1024 * 1024 });
    const c = await client();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 50; i++) {
      const lying = await client();
      lying.write(Buffer.from([0x03, 0xff, 0xff, 0xff, 0, 1, 0, 0])); // claims 64 MiB, sends 4 bytes
    }
    c.write(apiVersionsV3(1));
    expect(readResponse('ApiVersions', 3, (await c.next())!).body.errorCode).toBe(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });
});

function withTrailing(frame: Buffer): Buffer {
  const out = Buffer.concat([frame, Buffer.from([1, 2, 3])]);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

describe('Produce', () => {
  it('refuses the older message formats per partition with UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    c.write(await kafkajsFrame('produce', 2, { acks: 1, timeout: 1000, topicData: [{ topic: 'orders', partitions: [{ partition: 0, messages: [{ value: 'old' }] }] }] }, 5));
    const { body } = readResponse('Produce', 2, (await c.next())!);
    expect(body.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UnsupportedForMessageFormat);
    expect(backend.partition('orders', 0).highWatermark).toBe(0);
  });

  it('appends several batches of one partition in order, and answers the first offset', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const records = Buffer.concat([await kafkaBatch(['a', 'b']), await kafkaBatch(['c'])]);
    c.write(requestFrame('Produce', 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }] }, 1));
    const { body } = readResponse('Produce', 7, (await c.next())!);
    expect(body.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0, logStartOffset: 0 });
    expect(await backend.values('orders', 0)).toEqual(['a', 'b', 'c']);
  });

  it('answers per partition: an unknown partition does not fail the others; bad acks are refused', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const records = await kafkaBatch(['x']);
    c.write(requestFrame('Produce', 8, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }, { index: 5, records }] }, { name: 'nope', partitionData: [{ index: 0, records }] }] }, 1));
    const { body } = readResponse('Produce', 8, (await c.next())!);
    expect(body.responses.map((t) => [t.name, t.partitionResponses.map((p) => p.errorCode)])).toEqual([
      ['orders', [0, ErrorCode.UnknownTopicOrPartition]],
      ['nope', [ErrorCode.UnknownTopicOrPartition]],
    ]);
    expect(body.responses[0]!.partitionResponses[1]!.errorMessage).toMatch(/has no partition 5/);
    c.write(requestFrame('Produce', 8, { acks: 2, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }] }, 2));
    expect(readResponse('Produce', 8, (await c.next())!).body.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.InvalidRequiredAcks);
  });

  it('maps an idempotent producer’s gap to OUT_OF_ORDER_SEQUENCE_NUMBER and an old epoch to INVALID_PRODUCER_EPOCH', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const batch = async (epoch: number, sequence: number) => {
      const herald = await encodeBatch([{ key: null, value: Buffer.from('v'), timestampMs: 1 }], { producerId: 77, producerEpoch: epoch, baseSequence: sequence });
      return Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: -1, bytes: herald }));
    };
    const send = async (records: Buffer, id: number) => {
      c.write(requestFrame('Produce', 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }] }, id));
      return readResponse('Produce', 7, (await c.next())!).body.responses[0]!.partitionResponses[0]!;
    };
    expect(await send(await batch(1, 0), 1)).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await send(await batch(1, 0), 2)).toMatchObject({ errorCode: 0, baseOffset: 0 }); // a retry: the same offset, stored once
    expect((await send(await batch(1, 5), 3)).errorCode).toBe(ErrorCode.OutOfOrderSequenceNumber);
    expect((await send(await batch(0, 1), 4)).errorCode).toBe(ErrorCode.InvalidProducerEpoch);
    expect(await backend.values('orders', 0)).toEqual(['v']);
  });

  it('closes the connection when an acks=0 produce fails, so that the producer notices', async () => {
    const c = await client();
    c.write(requestFrame('Produce', 7, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'nope', partitionData: [{ index: 0, records: await kafkaBatch(['x']) }] }] }, 1));
    expect(await c.closedByServer()).toBe(true);
  });
});

describe('Fetch', () => {
  const fetchFrame = (options: { offset?: number; maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number; partitions?: number[] }, id = 1) =>
    requestFrame(
      'Fetch',
      11,
      {
        maxWaitMs: options.maxWaitMs ?? 0,
        minBytes: options.minBytes ?? 1,
        maxBytes: options.maxBytes ?? 1 << 20,
        isolationLevel: 1,
        topics: [{ topic: 'orders', partitions: (options.partitions ?? [0]).map((partition) => ({ partition, fetchOffset: options.offset ?? 0, partitionMaxBytes: options.partitionMaxBytes ?? 1 << 20 })) }],
      },
      id,
    );
  async function produce(values: string[], partition = 0): Promise<void> {
    await backend.produce({ topic: 'orders', partition, batches: [(await import('../src/records/translate.js')).kafkaToHerald(await kafkaBatch(values))], acks: 'all', timeoutMs: 1000, transactionalId: null }, null as never);
  }

  it('long-polls: answers as soon as data arrives, well before max.wait', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    const started = Date.now();
    c.write(fetchFrame({ maxWaitMs: 4_000 }));
    await waitFor(() => backend.partition('orders', 0).listeners.size > 0, { what: 'the fetch waiting', timeoutMs: 2_000 });
    await produce(['late']);
    const { body } = readResponse('Fetch', 11, (await c.next())!);
    expect(Date.now() - started).toBeLessThan(3_000);
    const p = body.responses[0]!.partitions[0]!;
    expect([p.errorCode, p.highWatermark, p.lastStableOffset]).toEqual([0, 1, 1]);
    expect((p.records as Buffer).length).toBeGreaterThan(61);
  });

  it('waits for min.bytes rather than answering with less, until max.wait', async () => {
    backend.addTopic('orders', 1);
    await produce(['small']);
    const c = await client();
    const started = Date.now();
    c.write(fetchFrame({ maxWaitMs: 300, minBytes: 100_000 }));
    const { body } = readResponse('Fetch', 11, (await c.next())!);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((body.responses[0]!.partitions[0]!.records as Buffer).length).toBeGreaterThan(0);
  });

  it('keeps to the response max.bytes but always sends the first batch (KIP-74)', async () => {
    backend.addTopic('orders', 2);
    for (let i = 0; i < 3; i++) await produce(['x'.repeat(1000)]);
    await produce(['y'.repeat(1000)], 1);
    const c = await client();
    c.write(fetchFrame({ maxBytes: 10, partitions: [0, 1] }));
    const { body } = readResponse('Fetch', 11, (await c.next())!);
    const sizes = body.responses[0]!.partitions.map((p) => (p.records as Buffer).length);
    expect(sizes[0]).toBeGreaterThan(1000);
    expect(sizes[0]).toBeLessThan(2000); // one batch only
    expect(sizes[1]).toBe(0);
  });

  it('answers OFFSET_OUT_OF_RANGE past the high watermark and NOT_LEADER-style errors per partition', async () => {
    backend.addTopic('orders', 1);
    const c = await client();
    c.write(fetchFrame({ offset: 5, partitions: [0, 3] }));
    const { body } = readResponse('Fetch', 11, (await c.next())!);
    expect(body.responses[0]!.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.OffsetOutOfRange, ErrorCode.UnknownTopicOrPartition]);
  });

  it('refuses a fetch session it never created', async () => {
    const c = await client();
    c.write(requestFrame('Fetch', 11, { maxWaitMs: 0, minBytes: 1, maxBytes: 100, sessionId: 42, sessionEpoch: 3, topics: [] }, 1));
    expect(readResponse('Fetch', 11, (await c.next())!).body.errorCode).toBe(ErrorCode.FetchSessionIdNotFound);
  });
});

describe('ListOffsets, offsets and producers', () => {
  it('finds the earliest, the latest and the first offset at a time (-1/-1 when none is that recent)', async () => {
    backend.addTopic('orders', 1);
    const { kafkaToHerald } = await import('../src/records/translate.js');
    await backend.produce({ topic: 'orders', partition: 0, batches: [kafkaToHerald(await kafkaBatch(['a', 'b', 'c'], 1_000))], acks: 'all', timeoutMs: 1000, transactionalId: null }, null as never);
    const c = await client();
    const ask = (timestamp: number, id: number, version = 3) => {
      c.write(requestFrame('ListOffsets', version, { replicaId: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets: 1 }] }] }, id));
    };
    ask(-2, 1);
    ask(-1, 2);
    ask(1_001, 3);
    ask(9_999, 4);
    ask(-1, 5, 0);
    const answers = [];
    for (const version of [3, 3, 3, 3]) answers.push(readResponse('ListOffsets', version, (await c.next())!).body.topics[0]!.partitions[0]!);
    expect(answers.map((a) => [a.offset, a.timestamp])).toEqual([[0, -1], [3, -1], [1, 1_001], [-1, -1]]);
    expect(readResponse('ListOffsets', 0, (await c.next())!).body.topics[0]!.partitions[0]!.oldStyleOffsets).toEqual([3]);
  });

  it('fetches -1 for offsets never committed, and for a group that does not exist', async () => {
    backend.addTopic('orders', 2);
    const c = await client();
    c.write(requestFrame('OffsetFetch', 7, { groupId: 'ghost', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] }, 1));
    const { body } = readResponse('OffsetFetch', 7, (await c.next())!);
    expect(body.errorCode).toBe(0);
    expect(body.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([-1, -1]);
  });

  it('gives idempotent producers ids; a backend without transactions refuses transactional ones', async () => {
    const c = await client();
    c.write(requestFrame('InitProducerId', 1, { transactionalId: null, transactionTimeoutMs: 60000 }, 1));
    expect(readResponse('InitProducerId', 1, (await c.next())!).body).toMatchObject({ errorCode: 0, producerId: 1000, producerEpoch: 0 });
    c.write(requestFrame('InitProducerId', 1, { transactionalId: 'tx', transactionTimeoutMs: 60000 }, 2));
    expect(readResponse('InitProducerId', 1, (await c.next())!).body.errorCode).toBe(ErrorCode.InvalidRequest);
  });

  it('names the controller as every group’s coordinator, and says when there is none', async () => {
    const c = await client();
    c.write(requestFrame('FindCoordinator', 2, { key: 'billing', keyType: 0 }, 1));
    expect(readResponse('FindCoordinator', 2, (await c.next())!).body).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port });
    backend.controllerId = -1;
    c.write(requestFrame('FindCoordinator', 2, { key: 'billing', keyType: 0 }, 2));
    expect(readResponse('FindCoordinator', 2, (await c.next())!).body.errorCode).toBe(ErrorCode.CoordinatorNotAvailable);
  });
});
