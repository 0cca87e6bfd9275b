// Latency of half messages against plain produce, same cluster, same run: one record at a time
// (no batching), acks QUORUM, through the SDK, against an in-process 3-node cluster (one machine,
// so the figures are a ceiling on latency, not a measure of a real cluster). Rounds alternate
// between the two kinds so that load changes hit both alike. Reports per kind: plain send;
// sendHalf; commit alone; sendHalf + commit (what a transactional message costs end to end);
// and the machine's load average before and after.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/half-latency.ts [records per kind] [rounds]
import { loadavg } from 'node:os';
import { HeraldClient } from '@herald/client';
import { TestCluster } from '../support/cluster.js';

const perKind = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 5);

const cluster = await TestCluster.start();
const client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
try {
  await cluster.createTopic('bench-half', 1);
  const producer = client.producer({ lingerMs: 0, producerGroup: 'bench' });
  const samples = { send: [] as number[], sendHalf: [] as number[], commit: [] as number[], halfTotal: [] as number[] };
  const loadBefore = loadavg()[0]!;
  // Warm up both paths (connections, metadata, JIT).
  for (let i = 0; i < 50; i++) {
    await producer.send('bench-half', { value: `warm-${i}` });
    await producer.commit((await producer.sendHalf('bench-half', { value: `warm-${i}` })).id);
  }
  const perRound = Math.ceil(perKind / rounds);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < perRound; i++) {
      const started = performance.now();
      await producer.send('bench-half', { value: `plain-${round}-${i}` });
      samples.send.push(performance.now() - started);
    }
    for (let i = 0; i < perRound; i++) {
      const started = performance.now();
      const half = await producer.sendHalf('bench-half', { value: `half-${round}-${i}` });
      const sent = performance.now();
      await producer.commit(half.id);
      const done = performance.now();
      samples.sendHalf.push(sent - started);
      samples.commit.push(done - sent);
      samples.halfTotal.push(done - started);
    }
  }
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(2));
    return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: Number(sorted[sorted.length - 1]!.toFixed(2)) };
  };
  console.log(
    JSON.stringify(
      {
        latencyMs: { send: summary(samples.send), sendHalf: summary(samples.sendHalf), commit: summary(samples.commit), sendHalfAndCommit: summary(samples.halfTotal) },
        loadAverage1m: { before: Number(loadBefore.toFixed(1)), after: Number(loadavg()[0]!.toFixed(1)) },
      },
      null,
      2,
    ),
  );
  await producer.close();
} finally {
  await client.close();
  await cluster.stop();
}
