// Shows that kafkajs (a Kafka client no one here wrote) works against a real 3-node Herald
// cluster through every node's Kafka listener: Metadata lists the three brokers and each
// partition's leader; admin.createTopics and fetchOffsets; an idempotent producer whose records
// the Herald SDK reads back with their keys and headers, and SDK records read by kafkajs; a
// 3-member consumer group that rebalances when one member leaves, whose commits and members the
// Herald coordinator reports (`herald group describe` included) because it serves both protocols;
// a follower refuses produce as NOT_LEADER_OR_FOLLOWER and a node that is not the controller
// refuses group calls as NOT_COORDINATOR; the listener's metrics are in each node's registry.
// Method: three nodes in this process (test/support/cluster.ts, kafka: true) on 127.0.0.1.

import { readFileSync } from 'node:fs';
import { HeraldClient, type ConsumedRecord } from '@herald/client';
import { BrokerBackend, errorCodeOf, ErrorCode, Scope, type RequestContext } from '@herald/kafka';
import { encodeBatch } from '@herald/protocol';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { herald } from '../support/herald-cli.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
let client: HeraldClient;
let kafka: Kafka;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start({ nodes: 3, kafka: true, overrides: { groups: { minSessionTimeoutMs: 300, initialRebalanceDelayMs: 300 } } });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
  kafka = new Kafka({ clientId: 'kafkajs-test', brokers: cluster.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await client?.close();
  await cluster?.stop();
});

async function admin() {
  const a = kafka.admin();
  await a.connect();
  cleanups.push(() => a.disconnect());
  return a;
}

/** Reads `count` records through the SDK from the start of `topic`. */
async function sdkRead(topic: string, count: number): Promise<ConsumedRecord[]> {
  const consumer = client.consumer({ topic, from: 'earliest' });
  const records: ConsumedRecord[] = [];
  try {
    const iterator = consumer[Symbol.asyncIterator]();
    await waitFor(
      async () => {
        const next = await iterator.next();
        if (next.done !== true) records.push(next.value);
        return records.length >= count;
      },
      { timeoutMs: 20_000, intervalMs: 0, what: `${count} records of ${topic} through the SDK (got ${records.length})` },
    );
  } finally {
    await consumer.close();
  }
  return records;
}

describe('kafkajs against a 3-node cluster', () => {
  it('lists every broker, the controller and each partition leader; creates topics; reads offsets', async () => {
    const a = await admin();
    const described = await a.describeCluster();
    expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...cluster.kafkaBrokers].sort());
    expect(described.controller).toBe(await cluster.controller());

    expect(await a.createTopics({ topics: [{ topic: 'k-orders', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true })).toBe(true);
    expect(await a.createTopics({ topics: [{ topic: 'k-orders', numPartitions: 3 }] })).toBe(false); // TOPIC_ALREADY_EXISTS
    expect(await a.listTopics()).toContain('k-orders');
    const metadata = await a.fetchTopicMetadata({ topics: ['k-orders'] });
    for (const p of metadata.topics[0]!.partitions) {
      expect(p.leader).toBe(await cluster.leaderOf('k-orders', p.partitionId));
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
    }
    expect(await a.fetchTopicOffsets('k-orders')).toEqual([0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })));
    const configs = await a.describeConfigs({ resources: [{ type: 2, name: 'k-orders', configNames: ['cleanup.policy'] }], includeSynonyms: false });
    expect(configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue])).toEqual([['cleanup.policy', 'delete']]);
  });

  it('produces idempotently; the Herald SDK reads every record with its key and headers, in order', async () => {
    await cluster.createTopic('k-idem', 2);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const total = 300;
    for (let i = 0; i < total; i += 50) {
      const messages = Array.from({ length: 50 }, (_, j) => ({ key: `key-${(i + j) % 7}`, value: `value-${i + j}`, headers: { trace: `t-${i + j}` } }));
      await producer.send({ topic: 'k-idem', acks: -1, messages });
    }
    const records = await sdkRead('k-idem', total);
    expect(records).toHaveLength(total);
    const seen = records.map((r) => r.value!.toString()).sort((x, y) => Number(x.slice(6)) - Number(y.slice(6)));
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `value-${i}`));
    for (const r of records) {
      const i = Number(r.value!.toString().slice(6));
      expect(r.key!.toString()).toBe(`key-${i % 7}`);
      expect(r.headers.map((h) => [h.key, h.value.toString()])).toEqual([['trace', `t-${i}`]]);
    }
    // Within each partition, the records are in the order they were sent.
    for (const partition of [0, 1]) {
      const values = records.filter((r) => r.partition === partition).map((r) => Number(r.value!.toString().slice(6)));
      expect(values).toEqual([...values].sort((x, y) => x - y));
    }
  });

  it('reads through kafkajs what the Herald SDK wrote', async () => {
    await cluster.createTopic('k-from-sdk', 1);
    const producer = client.producer({ lingerMs: 1 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send('k-from-sdk', { key: `k${i}`, value: `sdk-${i}`, headers: { origin: 'sdk' } })));
    await producer.close();
    const consumer = kafka.consumer({ groupId: 'k-reader', sessionTimeout: 6_000, heartbeatInterval: 500 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'k-from-sdk', fromBeginning: true });
    const got: { key: string; value: string; origin: string; offset: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key!.toString(), value: message.value!.toString(), origin: message.headers!.origin!.toString(), offset: message.offset });
      },
    });
    await waitFor(() => got.length >= 100, { timeoutMs: 20_000, what: `100 SDK records through kafkajs (got ${got.length})` });
    expect(got.map((g) => g.offset)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    expect(got.map((g) => g.value)).toEqual(Array.from({ length: 100 }, (_, i) => `sdk-${i}`));
    expect(new Set(got.map((g) => g.origin))).toEqual(new Set(['sdk']));
  });

  it('runs a 3-member group that rebalances when one leaves; the Herald coordinator shows it and its commits', async () => {
    await cluster.createTopic('k-billing', 3);
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const consumers: Consumer[] = [];
    const assigned = new Map<number, number[]>();
    const consumed = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      const consumer = kafka.consumer({ groupId: 'k-billing', sessionTimeout: 6_000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 500 });
      consumer.on(consumer.events.GROUP_JOIN, (e) => assigned.set(i, (e.payload.memberAssignment['k-billing'] ?? []) as number[]));
      await consumer.connect();
      await consumer.subscribe({ topic: 'k-billing', fromBeginning: true });
      await consumer.run({
        autoCommitInterval: 500,
        eachMessage: async ({ message }: EachMessagePayload) => {
          consumed.set(message.value!.toString(), (consumed.get(message.value!.toString()) ?? 0) + 1);
        },
      });
      consumers.push(consumer);
      cleanups.push(() => consumer.disconnect());
    }
    await waitFor(() => assigned.size === 3 && [...assigned.values()].every((p) => p.length === 1), { timeoutMs: 20_000, what: 'three members with a partition each' });
    expect([...assigned.values()].flat().sort()).toEqual([0, 1, 2]);

    const group = await client.groups.describe('k-billing');
    expect(group.members).toHaveLength(3);
    expect(group.members.every((m) => m.clientId === 'kafkajs-test')).toBe(true);
    const cli = await herald(['group', 'describe', 'k-billing', '--brokers', cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',')]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('k-billing');
    // Member ids are the client id and a UUID: each member is listed.
    expect(new Set(cli.stdout.match(/kafkajs-test-[0-9a-f-]{36}/g)).size).toBe(3);

    await producer.send({ topic: 'k-billing', messages: Array.from({ length: 90 }, (_, i) => ({ key: `k${i}`, value: `b-${i}` })) });
    await waitFor(() => consumed.size === 90, { timeoutMs: 20_000, what: `90 records consumed (got ${consumed.size})` });

    // One member leaves: the other two take its partition.
    assigned.clear();
    await consumers[2]!.disconnect();
    await waitFor(() => assigned.size === 2 && [...assigned.values()].flat().length === 3, { timeoutMs: 20_000, what: 'two members sharing three partitions' });
    await producer.send({ topic: 'k-billing', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `c-${i}` })) });
    await waitFor(() => consumed.size === 120, { timeoutMs: 20_000, what: `120 records consumed (got ${consumed.size})` });

    const a = await admin();
    await waitFor(
      async () => {
        const offsets = await a.fetchOffsets({ groupId: 'k-billing', topics: ['k-billing'] });
        return offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0) === 120;
      },
      { timeoutMs: 20_000, what: 'the group committed all 120 records' },
    );
    expect((await client.groups.fetchOffsets('k-billing')).reduce((sum, o) => sum + o.offset, 0)).toBe(120);
  });

  it("answers NOT_LEADER_OR_FOLLOWER at a follower and NOT_COORDINATOR away from the controller", async () => {
    await cluster.createTopic('k-refusals', 1);
    const leader = await cluster.leaderOf('k-refusals', 0);
    const controller = await cluster.controller();
    const follower = cluster.peers.map((p) => p.id).find((id) => id !== leader)!;
    const other = cluster.peers.map((p) => p.id).find((id) => id !== controller)!;
    const ctx: RequestContext = { principal: 'User:ANONYMOUS', clientId: 't', clientHost: '127.0.0.1', signal: new AbortController().signal };
    const backendAt = (id: number) => new BrokerBackend(cluster.node(id).node, { boundPort: () => 0 });
    const batch = await encodeBatch([{ key: null, value: Buffer.from('x'), timestampMs: 1 }]);
    const produced = await backendAt(follower).produce({ topic: 'k-refusals', partition: 0, batches: [batch], acks: 'all', timeoutMs: 1_000, transactionalId: null }, ctx).catch((e: unknown) => e);
    expect(errorCodeOf(produced, Scope.Partition)).toBe(ErrorCode.NotLeaderOrFollower);
    const joined = await backendAt(other)
      .joinGroup({ group: 'k-nowhere', memberId: '', clientId: 't', clientHost: '127.0.0.1', topics: ['k-refusals'], strategies: ['range'], sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000 }, ctx)
      .catch((e: unknown) => e);
    expect(errorCodeOf(joined, Scope.Group)).toBe(ErrorCode.NotCoordinator);
    const tooShort = await backendAt(controller)
      .joinGroup({ group: 'k-nowhere', memberId: '', clientId: 't', clientHost: '127.0.0.1', topics: ['k-refusals'], strategies: ['range'], sessionTimeoutMs: 10, rebalanceTimeoutMs: 10_000 }, ctx)
      .catch((e: unknown) => e);
    expect(errorCodeOf(tooShort, Scope.Group)).toBe(ErrorCode.InvalidSessionTimeout);
  });

  it("counts connections and requests by API and error code in the node's registry, every metric documented", async () => {
    const text = (await Promise.all(cluster.peers.map((p) => cluster.node(p.id).node.metrics.registry.metrics()))).join('\n');
    expect(text).toMatch(/herald_kafka_requests_total\{api="Metadata",error_code="0",node="\d"\} [1-9]/);
    expect(text).toMatch(/herald_kafka_requests_total\{api="Produce",error_code="0",node="\d"\} [1-9]/);
    expect(text).toMatch(/herald_kafka_connections_total\{node="\d"\} [1-9]/);
    const docs = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const names = [...new Set([...text.matchAll(/^(herald_kafka_[a-z_]+?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1]!))];
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(names.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });
});
