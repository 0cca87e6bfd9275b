// Kafka transactions (KIP-98) against plain idempotent produce, same cluster, same run: kafkajs
// against an in-process 3-node cluster through its Kafka listeners (one machine, so the figures
// are a ceiling on latency, not a measure of a real cluster). For transactions of 1, 10 and 100
// records (one batch each, on one partition, acks -1): the latency of a whole transaction
// (AddPartitionsToTxn, the produce, EndTxn answered once the marker is written) and the records
// per second that gives one producer; for plain idempotent produce, the latency of one send of
// as many records. Rounds alternate between the kinds so that load changes hit them alike.
// Reports the machine's load average before and after.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/txn-latency.ts [transactions per size] [rounds]
import { loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { TestCluster } from '../support/cluster.js';

const perSize = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 4);
const sizes = [1, 10, 100];

const cluster = await TestCluster.start({ kafka: true });
const kafka = new Kafka({ clientId: 'bench', brokers: cluster.kafkaBrokers, logLevel: logLevel.NOTHING });
const plain = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const tx = kafka.producer({ transactionalId: 'bench-tx', idempotent: true, maxInFlightRequests: 1 });
try {
  await cluster.createTopic('bench-txn', 1);
  await plain.connect();
  await tx.connect();
  const messages = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ value: `${tag}-${i}` }));
  const transaction = async (n: number, tag: string) => {
    const txn = await tx.transaction();
    await txn.send({ topic: 'bench-txn', acks: -1, messages: messages(n, tag) });
    await txn.commit();
  };
  for (let i = 0; i < 20; i++) {
    await plain.send({ topic: 'bench-txn', acks: -1, messages: messages(10, 'warm') });
    await transaction(10, 'warm');
  }
  const samples = new Map<string, number[]>();
  const time = async (kind: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    const list = samples.get(kind) ?? [];
    list.push(performance.now() - started);
    samples.set(kind, list);
  };
  const loadBefore = loadavg()[0]!;
  const perRound = Math.ceil(perSize / rounds);
  for (let round = 0; round < rounds; round++) {
    for (const n of sizes) {
      for (let i = 0; i < perRound; i++) await time(`plain-${n}`, () => plain.send({ topic: 'bench-txn', acks: -1, messages: messages(n, `p${round}`) }));
      for (let i = 0; i < perRound; i++) await time(`txn-${n}`, () => transaction(n, `t${round}`));
    }
  }
  const summary = (kind: string, records: number) => {
    const sorted = [...samples.get(kind)!].sort((a, b) => a - b);
    const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(2));
    const totalMs = sorted.reduce((sum, v) => sum + v, 0);
    return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: Number(sorted[sorted.length - 1]!.toFixed(2)), recordsPerSecond: Math.round((sorted.length * records * 1000) / totalMs) };
  };
  const latencyMs = Object.fromEntries(sizes.flatMap((n) => [[`plain-${n}`, summary(`plain-${n}`, n)], [`txn-${n}`, summary(`txn-${n}`, n)]]));
  console.log(JSON.stringify({ latencyMs, loadAverage1m: { before: Number(loadBefore.toFixed(1)), after: Number(loadavg()[0]!.toFixed(1)) } }, null, 2));
} finally {
  await tx.disconnect().catch(() => undefined);
  await plain.disconnect().catch(() => undefined);
  await cluster.stop();
}
