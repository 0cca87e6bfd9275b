// Shows that an unmodified Kafka client works against the listener: kafkajs (a client no one here
// wrote) lists metadata, creates topics, produces idempotently, consumes as a group that
// rebalances when a member leaves, commits and fetches offsets, and authenticates with SASL
// PLAIN and SCRAM. Method: a KafkaServer on 127.0.0.1:0 over the in-memory FakeBackend (Herald's
// rules, no broker), driven by kafkajs 2.2.4; everything is checked in the backend as well as
// in what kafkajs reports.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type KafkaConfig } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait-for.js';
import { KafkaServer, SaslMechanism, type KafkaMetrics } from '../src/index.js';
import { FakeBackend, scramCredential } from './support/fake-backend.js';

interface Listener {
  readonly backend: FakeBackend;
  readonly server: KafkaServer;
  readonly kafka: (config?: Partial<KafkaConfig>) => Kafka;
  readonly malformed: string[];
}

async function startListener(options: { saslMechanisms?: SaslMechanism[]; backend?: FakeBackend; tls?: { key: Buffer; cert: Buffer } } = {}): Promise<Listener> {
  const backend = options.backend ?? new FakeBackend({ initialRebalanceDelayMs: 300 });
  const malformed: string[] = [];
  const metrics: KafkaMetrics = { connectionOpened() {}, connectionClosed() {}, malformedFrame: (reason) => malformed.push(reason), request() {} };
  const server = new KafkaServer({ backend, metrics, saslMechanisms: options.saslMechanisms ?? [], ...(options.tls === undefined ? {} : { tls: options.tls }) });
  const address = await server.listen();
  backend.endpoint = { host: '127.0.0.1', port: address.port };
  const kafka = (config: Partial<KafkaConfig> = {}) =>
    new Kafka({ clientId: 'herald-test', brokers: [`127.0.0.1:${address.port}`], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 }, ...config });
  return { backend, server, kafka, malformed };
}

let listener: Listener;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  listener = await startListener();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await listener.server.close();
  listener.backend.close();
});

describe('kafkajs admin', () => {
  it('creates topics and reads their metadata, configs and offsets', async () => {
    const admin = listener.kafka().admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '60000' }] }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(false); // TOPIC_ALREADY_EXISTS
    const refused = await admin.createTopics({ topics: [{ topic: 'bad', numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '1' }] }] }).catch((err: { errors?: { type: string }[] }) => err);
    expect((refused as { errors: { type: string }[] }).errors.map((e) => e.type)).toEqual(['INVALID_CONFIG']);
    expect(listener.backend.topics.get('orders')?.partitions.length).toBe(3);

    const metadata = await admin.fetchTopicMetadata({ topics: ['orders'] });
    expect(metadata.topics).toEqual([
      {
        name: 'orders',
        partitions: [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] })),
      },
    ]);
    expect(await admin.listTopics()).toEqual(['orders']);

    const configs = await admin.describeConfigs({ resources: [{ type: 2, name: 'orders', configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false });
    const entries = Object.fromEntries(configs.resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.isDefault]]));
    expect(entries).toEqual({ 'retention.ms': ['60000', false], 'cleanup.policy': ['delete', true] });

    expect(await admin.fetchTopicOffsets('orders')).toEqual([0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })));
    await admin.deleteTopics({ topics: ['orders'] });
    expect(listener.backend.topics.has('orders')).toBe(false);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist', async () => {
    const admin = listener.kafka({ retry: { retries: 0 } }).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await expect(admin.fetchTopicMetadata({ topics: ['nope'] })).rejects.toThrow(/does not host this topic-partition/);
  });
});

describe('kafkajs producer', () => {
  it('produces idempotently: records land once, in order, under the producer id it was given', async () => {
    listener.backend.addTopic('orders', 2);
    const producer = listener.kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    for (let i = 0; i < 5; i++) {
      const result = await producer.send({ topic: 'orders', messages: [{ partition: 1, key: `k${i}`, value: `v${i}`, headers: { n: String(i) } }] });
      expect(result).toMatchObject([{ topicName: 'orders', partition: 1, errorCode: 0, baseOffset: String(i) }]);
    }
    await producer.send({ topic: 'orders', messages: [{ partition: 0, value: 'a' }, { partition: 0, value: 'b' }] });
    expect(await listener.backend.values('orders', 1)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(await listener.backend.values('orders', 0)).toEqual(['a', 'b']);
    const producerIds = new Set(listener.backend.calls.filter((c) => c.method === 'produce').map((c) => Buffer.from((c.args[0] as { batches: Uint8Array[] }).batches[0]!).readBigInt64BE(26)));
    expect([...producerIds]).toEqual([1000n]);
  });

  it('produces with acks=0 (no response) and with gzip compression', async () => {
    listener.backend.addTopic('logs', 1);
    const producer = listener.kafka().producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic: 'logs', acks: 0, messages: [{ value: 'fire' }, { value: 'forget' }] });
    await producer.send({ topic: 'logs', compression: 1, messages: [{ value: 'zipped'.repeat(100) }] });
    await waitFor(async () => (await listener.backend.values('logs', 0)).length === 3, { what: 'three records in logs/0', timeoutMs: 5_000 });
    expect(await listener.backend.values('logs', 0)).toEqual(['fire', 'forget', 'zipped'.repeat(100)]);
  });

  it('gets MESSAGE_TOO_LARGE for a batch over the topic limit, and nothing is stored', async () => {
    listener.backend.addTopic('small', 1, { 'max.message.bytes': '2000' });
    const producer = listener.kafka({ retry: { retries: 0 } }).producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await expect(producer.send({ topic: 'small', messages: [{ value: 'x'.repeat(5000) }] })).rejects.toThrow(/larger than the max message size/);
    expect(listener.backend.partition('small', 0).highWatermark).toBe(0);
  });
});

describe('kafkajs consumer group', () => {
  function collect(consumer: Consumer, seen: string[], assignments: Map<string, number[]>) {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assignments.set(event.payload.memberId, Object.values(event.payload.memberAssignment).flat() as number[]);
    });
    return consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(`${partition}:${message.offset}:${message.value?.toString()}`);
      },
    });
  }

  it('consumes every record once, commits, and shows the offsets to the admin', async () => {
    listener.backend.addTopic('orders', 3);
    const producer = listener.kafka().producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    for (let p = 0; p < 3; p++) await producer.send({ topic: 'orders', messages: [{ partition: p, value: `a${p}` }, { partition: p, value: `b${p}` }] });

    const consumer = listener.kafka().consumer({ groupId: 'billing', heartbeatInterval: 100, sessionTimeout: 6_000, maxWaitTimeInMs: 100 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await collect(consumer, seen, new Map());
    await waitFor(() => seen.length === 6, { what: 'six records consumed', timeoutMs: 15_000 });
    expect(seen.sort()).toEqual(['0:0:a0', '0:1:b0', '1:0:a1', '1:1:b1', '2:0:a2', '2:1:b2']);

    await waitFor(() => listener.backend.committed('billing').filter((o) => o.offset === 2).length === 3, { what: 'offset 2 committed on every partition', timeoutMs: 10_000 });
    const admin = listener.kafka().admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const offsets = await admin.fetchOffsets({ groupId: 'billing', topics: ['orders'] });
    expect(offsets).toEqual([{ topic: 'orders', partitions: [0, 1, 2].map((partition) => ({ partition, offset: '2', metadata: null })) }]);
    const described = await admin.describeGroups(['billing']);
    expect(described.groups[0]).toMatchObject({ groupId: 'billing', state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0]!.members).toHaveLength(1);
    expect((await admin.listGroups()).groups).toEqual([{ groupId: 'billing', protocolType: 'consumer' }]);
  });

  it('spreads partitions over three members and rebalances them when one leaves', async () => {
    listener.backend.addTopic('orders', 3);
    const assignments = new Map<string, number[]>();
    const consumers: Consumer[] = [];
    for (let i = 0; i < 3; i++) {
      const consumer = listener.kafka({ clientId: `member-${i}` }).consumer({ groupId: 'workers', heartbeatInterval: 100, sessionTimeout: 6_000, rebalanceTimeout: 6_000, maxWaitTimeInMs: 100 });
      await consumer.connect();
      cleanups.push(() => consumer.disconnect());
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await collect(consumer, [], assignments);
      consumers.push(consumer);
    }
    const generation = () => listener.backend.groups.get('workers')?.generation ?? 0;
    const spread = () => {
      const g = listener.backend.groups.get('workers');
      return g !== undefined && g.rebalance === null && g.members.length === 3 && g.members.every((m) => m.assignment.flatMap((a) => a.partitions).length === 1);
    };
    await waitFor(spread, { what: 'three members with one partition each', timeoutMs: 20_000 });
    const before = generation();
    await waitFor(() => [...assignments.values()].filter((p) => p.length === 1).length >= 3, { what: 'kafkajs members reporting one partition each', timeoutMs: 10_000 });

    await consumers[2]!.disconnect(); // LeaveGroup
    await waitFor(
      () => {
        const g = listener.backend.groups.get('workers');
        return g !== undefined && g.rebalance === null && g.members.length === 2 && g.generation > before;
      },
      { what: 'a new generation of two members', timeoutMs: 20_000 },
    );
    const g = listener.backend.groups.get('workers')!;
    expect(g.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions)).sort()).toEqual([0, 1, 2]);
    expect(listener.backend.calls.some((c) => c.method === 'leaveGroup')).toBe(true);
  });
});

describe('SASL', () => {
  it.each([
    { mechanism: 'plain' as const, name: SaslMechanism.Plain },
    { mechanism: 'scram-sha-256' as const, name: SaslMechanism.ScramSha256 },
    { mechanism: 'scram-sha-512' as const, name: SaslMechanism.ScramSha512 },
  ])('kafkajs authenticates with $name, and a wrong password is refused', async ({ mechanism, name }) => {
    await listener.server.close();
    listener.backend.close();
    const backend = new FakeBackend({
      users: { alice: 'wonderland' },
      scram: new Map([
        ['SCRAM-SHA-256/alice', scramCredential('wonderland', 'sha256')],
        ['SCRAM-SHA-512/alice', scramCredential('wonderland', 'sha512')],
      ]),
    });
    listener = await startListener({ saslMechanisms: [name], backend });
    listener.backend.addTopic('secure', 1);
    const good = listener.kafka({ sasl: { mechanism, username: 'alice', password: 'wonderland' } as never }).admin();
    await good.connect();
    cleanups.push(() => good.disconnect());
    expect(await good.listTopics()).toEqual(['secure']);

    const bad = listener.kafka({ sasl: { mechanism, username: 'alice', password: 'queen' } as never, retry: { retries: 0 } }).admin();
    await expect(bad.connect()).rejects.toThrow(/SASL|authentication/i);
    const stranger = listener.kafka({ sasl: { mechanism, username: 'mallory', password: 'x' } as never, retry: { retries: 0 } }).admin();
    await expect(stranger.connect()).rejects.toThrow(/SASL|authentication/i);
  });

  it('closes a connection that skips authentication', async () => {
    await listener.server.close();
    listener.backend.close();
    listener = await startListener({ saslMechanisms: [SaslMechanism.Plain] });
    const admin = listener.kafka({ retry: { retries: 0 } }).admin();
    await expect(admin.connect().then(() => admin.listTopics())).rejects.toThrow();
    await waitFor(() => listener.malformed.includes('unauthenticated'), { what: 'the unauthenticated request counted', timeoutMs: 5_000 });
  });
});

describe('TLS', () => {
  it('serves kafkajs over TLS, with SASL SCRAM on top', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-kafka-tls-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    await listener.server.close();
    listener.backend.close();
    const backend = new FakeBackend({ scram: new Map([['SCRAM-SHA-256/alice', scramCredential('wonderland', 'sha256')]]) });
    listener = await startListener({ backend, saslMechanisms: [SaslMechanism.ScramSha256], tls: { key: readFileSync(join(dir, 'key.pem')), cert } });
    listener.backend.addTopic('secure', 1);
    const kafka = listener.kafka({ ssl: { ca: [cert] }, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'wonderland' } });
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic: 'secure', messages: [{ value: 'over tls' }] });
    expect(await listener.backend.values('secure', 0)).toEqual(['over tls']);
    const plaintext = listener.kafka({ sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'wonderland' }, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
    await expect(plaintext.connect()).rejects.toThrow();
  });
});
