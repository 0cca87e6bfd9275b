// The bench workloads through Herald's Kafka listener with kafkajs, next to Herald's own SDK, on
// the same cluster in the same run: `herald bench produce` and `herald bench consume` with
// `--system herald` (the SDK over gRPC) and `--system kafka` (kafkajs over the Kafka wire
// protocol). Reports; never fails on speed (docs/kafka.md "Performance").
//
//   pnpm build && pnpm exec tsx scripts/bench/kafka.ts [--count 100000] [--size 1024] [--partitions 3]
//       [--ports 7400,7500,9400] [--kafka-port 19090]
//
// Starts a local 3-node cluster (`cluster up --detach --insecure`, data in a temporary folder; node N on the
// base ports + N, which must be free), runs produce then consume for each system on its own topic
// (acks -1 for kafkajs, which Herald serves as ALL, and all for the SDK, so both wait for every
// in-sync replica), prints both, and stops the cluster.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = join(root, 'packages/cli/dist/main.js');
const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    size: { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '3' },
    ports: { type: 'string', default: '7400,7500,9400' },
    'kafka-port': { type: 'string', default: '19090' },
  },
});
const [clientBase] = flags.ports.split(',').map(Number);
const kafkaBase = Number(flags['kafka-port']);
const sdkBrokers = [1, 2, 3].map((n) => `127.0.0.1:${clientBase! + n}`).join(',');
const kafkaBrokers = [1, 2, 3].map((n) => `127.0.0.1:${kafkaBase + n}`).join(',');
const data = mkdtempSync(join(tmpdir(), 'herald-kafka-bench-'));

interface Result {
  readonly system: string;
  readonly workload: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly errors: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
}

function herald(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`herald ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

function bench(system: 'herald' | 'kafka', workload: 'produce' | 'consume'): Result {
  const brokers = system === 'herald' ? sdkBrokers : kafkaBrokers;
  const topic = `bench-${system}`;
  const common = ['--system', system, '--brokers', brokers, '--topic', topic, '--partitions', flags.partitions, '--json', '--no-progress'];
  const args = workload === 'produce' ? ['bench', 'produce', ...common, '--count', flags.count, '--size', flags.size, '--acks', 'all'] : ['bench', 'consume', ...common];
  return JSON.parse(herald(args)) as Result;
}

const row = (r: Result) =>
  `| ${r.system === 'herald' ? 'Herald SDK (gRPC)' : 'kafkajs (Kafka listener)'} | ${r.workload} | ${r.records.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.recordsPerSecond).toLocaleString('en-US')} | ${r.megabytesPerSecond.toFixed(1)} | ${r.latencyMs ? `${r.latencyMs.p50.toFixed(1)} / ${r.latencyMs.p99.toFixed(1)}` : '-'} | ${r.errors} |`;

try {
  // Insecure (plaintext, no logins) for both clients: the run compares the protocols, not TLS.
  herald(['cluster', 'up', '--detach', '--insecure', '--data', data, '--ports', flags.ports, '--kafka-port', String(kafkaBase), '--log-level', 'warn']);
  const results: Result[] = [];
  for (const workload of ['produce', 'consume'] as const) for (const system of ['herald', 'kafka'] as const) results.push(bench(system, workload));
  console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${Number(flags.count).toLocaleString('en-US')} records of ${flags.size} B, ${flags.partitions} partitions, 3 replicas, acks all (-1), one producer; same cluster (insecure), same run`);
  console.log('');
  console.log('| client | workload | records | seconds | records/s | MB/s | p50 / p99 ms | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) console.log(row(r));
} finally {
  spawnSync(process.execPath, [main, 'cluster', 'down', '--data', data], { stdio: 'inherit' });
  rmSync(data, { recursive: true, force: true });
}
