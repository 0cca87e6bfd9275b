// Commit throughput of consumer-group offsets through the meta group: many groups committing at
// once against an in-process 3-node cluster (one machine, so the figure is a floor), reporting
// commits/s and latency percentiles, and whether the meta log was compacted on the way.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/group-commits.ts [seconds] [concurrency] [offsets per commit]
import { TestCluster } from '../support/cluster.js';
import { atController } from '../support/group-member.js';

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 64);
const perCommit = Number(process.argv[4] ?? 1);

const cluster = await TestCluster.start();
try {
  await cluster.createTopic('bench-commits', 12);
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  let errors = 0;
  const workers = Array.from({ length: concurrency }, async (_, w) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const offsets = Array.from({ length: perCommit }, (_, i) => ({ topic: 'bench-commits', partition: (w + i) % 12, offset: n }));
      const started = performance.now();
      try {
        await atController(cluster, 'commitOffsets', { group: `bench-${w}`, offsets });
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  });
  const started = performance.now();
  await Promise.all(workers);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!.toFixed(1);
  const controller = cluster.node(await cluster.controller()).node;
  const status = controller.meta.group.status();
  console.log(
    JSON.stringify({
      commits: latencies.length,
      errors,
      seconds: Number(elapsed.toFixed(1)),
      concurrency,
      offsetsPerCommit: perCommit,
      commitsPerSecond: Math.round(latencies.length / elapsed),
      latencyMs: { p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1]!.toFixed(1) },
      metaLog: { appliedIndex: status.appliedIndex, snapshotIndex: status.snapshotIndex },
    }),
  );
} finally {
  await cluster.stop();
}
