// Shows that Kafka clients keep Herald's guarantees across a leader failover: a kafkajs
// idempotent producer at 1,000 records/s (acks -1) and a 3-member kafkajs consumer group run
// while the leader of partition 0 is killed with SIGKILL; afterwards every acknowledged record
// is in the log exactly once, the group consumed every one of them, and no record was consumed
// again after the group had committed past it (what a commit promises; redelivery of records
// not yet committed is allowed and counted). Prints what happened.
// Method: three real `herald node start` processes (test/support/process-cluster.ts) serving
// Kafka on free ports; the killed node is restarted 3 s later; the log is read back through the
// Herald SDK.

import { HeraldClient } from '@herald/client';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait-for.js';

const TOPIC = 'kf-orders';
const RATE_PER_S = 1_000;
const BEFORE_KILL_MS = 5_000;
// acks -1 waits for every in-sync replica: sends to partitions whose leader survived stall until
// the killed follower leaves the ISR (at once when its connection resets, at the latest after
// raft.replicaLagTimeMaxMs, 10 s, as Kafka's replica.lag.time.max.ms); the producer then
// catches up on what fell due meanwhile.
const AFTER_KILL_MS = 15_000;
const RESTART_AFTER_MS = 3_000;

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await client?.close();
  await cluster?.destroy();
});

it('loses nothing acknowledged and consumes nothing twice after a commit across a leader SIGKILL', async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers });
  const kafka = new Kafka({ clientId: 'failover', brokers: cluster.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2_000 } });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });

  // The group: each member notes what it consumed and every commit the group made.
  const consumed: { value: string; partition: number; offset: number }[] = [];
  const committed = new Map<number, number>();
  const afterCommit: string[] = [];
  const consumers: Consumer[] = [];
  for (let i = 0; i < 3; i++) {
    const consumer = kafka.consumer({ groupId: 'kf-billing', sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 20_000, maxWaitTimeInMs: 200 });
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
      for (const t of e.payload.topics) for (const p of t.partitions) committed.set(Number(p.partition), Math.max(committed.get(Number(p.partition)) ?? 0, Number(p.offset)));
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 500,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        if (offset < (committed.get(partition) ?? 0)) afterCommit.push(`${partition}/${offset}`);
        consumed.push({ value: message.value!.toString(), partition, offset });
      },
    });
    consumers.push(consumer);
    cleanups.push(() => consumer.disconnect());
  }

  // The producer: idempotent, 1,000 records/s in sends of whatever is due.
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const acknowledged = new Set<string>();
  let acknowledgedAfterKill = 0;
  let attempted = 0;
  let failedSends = 0;
  let failedRecords = 0;
  let slowestSendMs = 0;
  const started = performance.now();
  let killedAt = 0;
  let victim = 0;
  let restarted = false;
  // At least AFTER_KILL_MS after the kill, and until as many records were acknowledged after
  // it as that many seconds at the rate (a stall does not cut the run short), within a minute.
  const running = () => {
    const elapsed = performance.now() - started;
    return elapsed < BEFORE_KILL_MS + AFTER_KILL_MS || (acknowledgedAfterKill < (AFTER_KILL_MS / 1_000) * RATE_PER_S && elapsed < 60_000);
  };
  while (running()) {
    const elapsed = performance.now() - started;
    if (victim === 0 && elapsed >= BEFORE_KILL_MS) {
      victim = (await client.describeTopic(TOPIC)).partitions[0]!.leaderId;
      await cluster.kill(victim);
      killedAt = performance.now();
    }
    if (victim !== 0 && !restarted && performance.now() - killedAt >= RESTART_AFTER_MS) {
      cluster.startNode(victim);
      restarted = true;
    }
    const due = Math.min(Math.floor((elapsed / 1_000) * RATE_PER_S) - attempted, 500);
    if (due <= 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const values = Array.from({ length: due }, (_, i) => `r-${attempted + i}`);
    attempted += due;
    const sendStarted = performance.now();
    try {
      await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ key: value, value })) });
      for (const v of values) acknowledged.add(v);
      if (killedAt > 0) acknowledgedAfterKill += values.length;
    } catch {
      failedSends++;
      failedRecords += values.length;
    }
    slowestSendMs = Math.max(slowestSendMs, performance.now() - sendStarted);
  }
  await cluster.ready();

  // Every acknowledged record is in the log, once; the group consumes all of them. The log is
  // read by partition and offset up to each high watermark, so that a record stored twice (two
  // offsets, one value) is told apart from a record a reader was handed twice.
  // The leaders' high watermarks, once the restarted node is back in every ISR.
  const partitions = await waitFor(
    async () => {
      const described = (await client!.describeTopic(TOPIC)).partitions;
      return described.every((p) => p.isr.length === 3) ? described : undefined;
    },
    { timeoutMs: 60_000, what: `every replica of ${TOPIC} in sync again` },
  );
  const inLog: string[] = [];
  for (const { id: partition, highWatermark } of partitions) {
    const byOffset = new Map((await readTopic(client, TOPIC, highWatermark, { partitions: [partition], distinctOffsets: true })).map((r) => [r.offset, r.value!.toString()]));
    expect(byOffset.size).toBe(highWatermark);
    inLog.push(...byOffset.values());
  }
  const logged = new Set(inLog);
  const duplicatesInLog = inLog.length - logged.size;
  const lost = [...acknowledged].filter((v) => !logged.has(v));
  await waitFor(() => new Set(consumed.map((c) => c.value)).size >= logged.size, { timeoutMs: 60_000, what: 'the group to consume every record in the log' });
  const consumedOnce = new Set(consumed.map((c) => c.value));
  const redelivered = consumed.length - consumedOnce.size;
  const notConsumed = [...acknowledged].filter((v) => !consumedOnce.has(v));

  console.log(
    [
      `kafka failover: killed node ${victim} (leader of ${TOPIC}/0) after ${BEFORE_KILL_MS} ms, restarted it ${RESTART_AFTER_MS} ms later`,
      `  produced: ${attempted} attempted at ${RATE_PER_S}/s, ${acknowledged.size} acknowledged (${acknowledgedAfterKill} after the kill), ${failedRecords} in ${failedSends} failed sends, slowest send ${slowestSendMs.toFixed(0)} ms`,
      `  log: ${inLog.length} records, ${duplicatesInLog} duplicates, ${lost.length} acknowledged records missing`,
      `  group: ${consumed.length} deliveries of ${consumedOnce.size} records, ${redelivered} redelivered before a commit, ${afterCommit.length} after a commit, ${notConsumed.length} acknowledged never consumed`,
    ].join('\n'),
  );
  expect(lost).toEqual([]);
  expect(duplicatesInLog).toBe(0);
  expect(afterCommit).toEqual([]);
  expect(notConsumed).toEqual([]);
  expect(acknowledged.size).toBeGreaterThan(RATE_PER_S * (BEFORE_KILL_MS / 1_000) * 0.8);
}, 180_000);
