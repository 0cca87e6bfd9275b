// Shows that a kafkajs transactional producer works against a 3-node Herald cluster (issue #15,
// KIP-98): a transaction writes to two topics (three partitions) and commits a consumer group's
// offsets with them, and a read_committed consumer reads each committed record exactly once,
// after the commit only, while the group's offsets move with it; an aborted transaction's
// records are stored (a read_uncommitted consumer sees them) but a read_committed one never does;
// a second producer with the same transactional id fences the first (its send and commit fail,
// and the transaction the first left open is aborted); an abandoned transaction is aborted at
// its timeout, releasing the last stable offset, and its producer is fenced. Every partition's
// markers never reach the applications.
// Method: three nodes in this process (test/support/cluster.ts, kafka: true) on 127.0.0.1.

import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
let kafka: Kafka;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start({ nodes: 3, kafka: true, overrides: { groups: { minSessionTimeoutMs: 300, initialRebalanceDelayMs: 100 } } });
  kafka = new Kafka({ clientId: 'txn-test', brokers: cluster.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  await cluster.createTopic('tx-in', 1);
  await cluster.createTopic('tx-a', 2);
  await cluster.createTopic('tx-b', 1);
  await cluster.createTopic('tx-abort', 1);
  await cluster.createTopic('tx-fence', 1);
  await cluster.createTopic('tx-timeout', 1);
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await cluster?.stop();
});

async function transactionalProducer(transactionalId: string, transactionTimeout = 30_000): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout, retry: { retries: 3, initialRetryTime: 100 } });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  return producer;
}

/** Reads `topics` from the beginning with a fresh group until `until` holds for what was read. */
async function readAll(topics: string[], options: { readUncommitted?: boolean; until: (values: string[]) => boolean; what: string }): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `reader-${Math.random().toString(36).slice(2)}`, readUncommitted: options.readUncommitted ?? false, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? '<null>') });
  await waitFor(() => options.until(values), { timeoutMs: 20_000, what: `${options.what} (read ${JSON.stringify(values)})` });
  await consumer.disconnect();
  return values;
}

/** The error a kafkajs call fails with; `type` names the Kafka error code (kafkajs wraps an
 *  error it gave up retrying at once, keeping it as the cause). */
async function failure(promise: Promise<unknown>): Promise<{ type?: string; message: string }> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { type?: string; message: string; cause?: { type?: string } } | undefined;
  expect(err).toBeDefined();
  return { type: err!.type ?? err!.cause?.type, message: err!.message };
}

/** The last stable offset and high watermark of a partition, as its leader has them. */
async function offsetsOf(topic: string, partition: number): Promise<{ lso: number; hw: number }> {
  const leader = await cluster.leaderOf(topic, partition);
  const { log } = cluster.node(leader).node.partition(topic, partition).partition;
  return { lso: log.lastStableOffset, hw: log.highWatermark };
}

describe('kafkajs transactions', () => {
  it('commits writes to two topics with a group’s offsets; read_committed consumers see each record once, after the commit', async () => {
    const input = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await input.connect();
    cleanups.push(() => input.disconnect());
    await input.send({ topic: 'tx-in', acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `in-${i}` })) });

    const producer = await transactionalProducer('tx-processor');
    const txn = await producer.transaction();
    await txn.send({ topic: 'tx-a', acks: -1, messages: [{ value: 'a-0', partition: 0 }, { value: 'a-1', partition: 1 }] });
    await txn.send({ topic: 'tx-b', acks: -1, messages: [{ value: 'b-0' }] });
    await txn.sendOffsets({ consumerGroupId: 'tx-group', topics: [{ topic: 'tx-in', partitions: [{ partition: 0, offset: '5' }] }] });
    // Before the commit the transaction holds the last stable offset of its partitions back.
    expect(await offsetsOf('tx-b', 0)).toEqual({ lso: 0, hw: 1 });
    await txn.commit();

    const values = await readAll(['tx-a', 'tx-b'], { until: (v) => v.length >= 3, what: 'the committed records' });
    expect(values.sort()).toEqual(['a-0', 'a-1', 'b-0']);
    // The marker took an offset; the last stable offset is the high watermark again.
    expect(await offsetsOf('tx-b', 0)).toEqual({ lso: 2, hw: 2 });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const offsets = await admin.fetchOffsets({ groupId: 'tx-group', topics: ['tx-in'] });
    expect(offsets[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '5' })]);

    // A second transaction of the same producer commits too (the same epoch, its sequences go on).
    const second = await producer.transaction();
    await second.send({ topic: 'tx-b', acks: -1, messages: [{ value: 'b-1' }] });
    await second.commit();
    expect(await readAll(['tx-b'], { until: (v) => v.length >= 2, what: 'both transactions' })).toEqual(['b-0', 'b-1']);
  });

  it('never shows an aborted transaction to read_committed consumers; read_uncommitted ones see its records', async () => {
    const producer = await transactionalProducer('tx-aborter');
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'tx-abort', acks: -1, messages: [{ value: 'aborted-0' }, { value: 'aborted-1' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic: 'tx-abort', acks: -1, messages: [{ value: 'committed-0' }] });
    await committed.commit();

    expect(await readAll(['tx-abort'], { until: (v) => v.includes('committed-0'), what: 'the committed record' })).toEqual(['committed-0']);
    expect(await readAll(['tx-abort'], { readUncommitted: true, until: (v) => v.length >= 3, what: 'every stored record' })).toEqual(['aborted-0', 'aborted-1', 'committed-0']);
    // Two batches and two markers.
    expect(await offsetsOf('tx-abort', 0)).toEqual({ lso: 5, hw: 5 });
  });

  it('fences the first producer when a second one starts with the same transactional id', async () => {
    const first = await transactionalProducer('tx-zombie');
    const open = await first.transaction();
    await open.send({ topic: 'tx-fence', acks: -1, messages: [{ value: 'zombie-0' }] });

    const second = await transactionalProducer('tx-zombie');
    const txn = await second.transaction(); // kafkajs's InitProducerId: fences the first, aborts what it left open
    const failed = await failure(open.send({ topic: 'tx-fence', acks: -1, messages: [{ value: 'zombie-1' }] }));
    expect(failed.type).toBe('INVALID_PRODUCER_EPOCH');
    expect((await failure(open.commit())).type).toBe('INVALID_PRODUCER_EPOCH');

    await txn.send({ topic: 'tx-fence', acks: -1, messages: [{ value: 'second-0' }] });
    await txn.commit();
    expect(await readAll(['tx-fence'], { until: (v) => v.includes('second-0'), what: 'the second producer’s record' })).toEqual(['second-0']);
  });

  it('aborts an abandoned transaction at its timeout and fences its producer', async () => {
    const producer = await transactionalProducer('tx-abandoned', 1_000);
    const txn = await producer.transaction();
    await txn.send({ topic: 'tx-timeout', acks: -1, messages: [{ value: 'abandoned-0' }] });
    expect(await offsetsOf('tx-timeout', 0)).toEqual({ lso: 0, hw: 1 });
    const controller = cluster.node(await cluster.controller()).node;
    const record = () => controller.transactions.describe().find((t) => t.transactionalId === 'tx-abandoned');
    await waitFor(() => record()?.status === 'CompleteAbort', { timeoutMs: 10_000, what: 'the timed-out transaction aborted' });
    expect(record()).toMatchObject({ txn: 1, producerEpoch: 1 });
    expect(await offsetsOf('tx-timeout', 0)).toEqual({ lso: 2, hw: 2 }); // its marker
    expect((await failure(txn.commit())).type).toBe('INVALID_PRODUCER_EPOCH');
    expect(await readAll(['tx-timeout', 'tx-in'], { until: (v) => v.length >= 5, what: 'the input topic only' })).not.toContain('abandoned-0');
  });
});
