// A wiped node's catch-up across many partitions (issue #18): 3 real `herald node start`
// processes (ProcessCluster, the compiled CLI: run `pnpm build` first); `megabytes` written over
// `partitions` partitions; a node that does not lead the meta group is killed, its data deleted,
// and it is restarted with --rejoin. Per run: seconds until it is back in every ISR, the longest
// host turn of each node meanwhile, the leaderships taken (there should be none) and the
// elections the intact nodes started (pre-votes included). Runs `runs` times on fresh clusters; prints one JSON line per run, then the
// median and range of each figure.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/rejoin-turns.ts [megabytes] [partitions] [runs]
//
// HERALD_BENCH_RAFT='{"catchupBytesPerTurn": 1048576}' gives the nodes these `raft` settings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { heraldCompiled, ProcessCluster } from '../support/process-cluster.js';
import { measureRejoin, type RejoinMeasurement } from '../support/rejoin-catchup.js';

const megabytes = Number(process.argv[2] ?? 24);
const partitions = Number(process.argv[3] ?? 24);
const runs = Number(process.argv[4] ?? 3);
const raft = process.env.HERALD_BENCH_RAFT;
let config: string | undefined;
if (raft !== undefined) {
  config = `${mkdtempSync(`${tmpdir()}/herald-rejoin-turns-`)}/node.yaml`;
  writeFileSync(config, `raft: ${JSON.stringify(JSON.parse(raft))}\n`);
}

const results: (RejoinMeasurement & { load: number })[] = [];
for (let run = 0; run < runs; run++) {
  const cluster = await ProcessCluster.start(3, heraldCompiled(), config === undefined ? {} : { config });
  try {
    await cluster.ready();
    const measured = await measureRejoin(cluster, { megabytes, partitions, timeoutMs: 300_000 });
    const result = { ...measured, load: Number(loadavg()[0]!.toFixed(1)) };
    results.push(result);
    console.log(JSON.stringify({ run, megabytes, partitions, raft: raft ?? 'default', ...result, logs: cluster.keepLogs('rejoin-turns') }));
  } finally {
    await cluster.destroy();
  }
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
};
console.log(
  JSON.stringify({
    summary: true,
    isrBackSeconds: summary(results.map((r) => r.isrBackSeconds ?? Infinity)),
    longestTurnMsAnyNode: summary(results.map((r) => Math.max(...Object.values(r.longestTurnMs)))),
    longestTurnMsIntactNodes: summary(results.map((r) => Math.max(...Object.entries(r.longestTurnMs).filter(([id]) => Number(id) !== r.victim).map(([, ms]) => ms)))),
    longestTurnMsWipedNode: summary(results.map((r) => r.longestTurnMs[r.victim]!)),
    leaderChanges: summary(results.map((r) => Object.values(r.leaderChanges).reduce((a, b) => a + b, 0))),
    elections: summary(results.map((r) => r.elections)),
  }),
);
