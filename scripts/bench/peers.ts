// The side-by-side benchmark behind scripts/bench-peers.sh (see docs/benchmarks.md): starts a
// 3-node NATS JetStream cluster and a 3-node Herald cluster on 127.0.0.1, runs the six workloads
// of issue #7 against both with `herald bench` (the same workload code; Herald through
// @herald/client, NATS through the npm nats client), and prints one table of medians with
// min-max and a Herald/NATS ratio per row. It stops exactly the processes it started, by the
// PIDs in their PID files (a node restarted by a failover run writes its new PID there).
//
//   node --import tsx --conditions=@herald/source scripts/bench/peers.ts [--quick] [--runs N] [--out FILE] [--keep]

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');
const NODE_ARGS = ['--import', 'tsx', '--conditions=@herald/source'];

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
if (flag('--help')) {
  process.stdout.write('usage: scripts/bench-peers.sh [--quick] [--runs N] [--out FILE] [--keep]\n');
  process.exit(0);
}
const quick = flag('--quick');
const runs = Number(value('--runs') ?? (quick ? 1 : 3));
const out = value('--out');
const keep = flag('--keep');

// Ports away from the development defaults (7401-7403, 4222), so a cluster someone already
// runs is left alone.
const HERALD_PORTS = [27400, 27500, 29400] as const;
const NATS_CLIENT_BASE = 24220;
const NATS_ROUTE_BASE = 26220;
const heraldBrokers = [1, 2, 3].map((n) => `127.0.0.1:${HERALD_PORTS[0] + n}`).join(',');
const natsServers = [1, 2, 3].map((n) => `127.0.0.1:${NATS_CLIENT_BASE + n}`).join(',');

const work = mkdtempSync(join(tmpdir(), 'herald-bench-peers-'));
const heraldData = join(work, 'herald');
const natsData = join(work, 'nats');
const rawFile = join(work, 'results.jsonl');

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// Processes

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of the NATS servers this script started: their PID files, checked against their
 *  command lines (a PID may have been reused). */
function natsPids(): number[] {
  const pids: number[] = [];
  for (const n of [1, 2, 3]) {
    const file = join(natsData, `node-${n}`, 'nats.pid');
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!isAlive(pid)) continue;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(join(natsData, `node-${n}`, 'nats.conf'))) pids.push(pid);
  }
  return pids;
}

async function stopPids(pids: readonly number[], timeoutMs: number): Promise<void> {
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function checkPorts(): Promise<void> {
  const ports = [1, 2, 3].flatMap((n) => [...HERALD_PORTS.map((p) => p + n), NATS_CLIENT_BASE + n, NATS_ROUTE_BASE + n]);
  const busy: number[] = [];
  for (const port of ports) if (!(await portFree(port))) busy.push(port);
  if (busy.length > 0) throw new Error(`ports ${busy.join(', ')} are in use on 127.0.0.1; is another bench-peers run going?`);
}

function startNats(): void {
  for (const n of [1, 2, 3]) {
    const dir = join(natsData, `node-${n}`);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'nats.conf');
    const routes = [1, 2, 3].map((m) => `nats-route://127.0.0.1:${NATS_ROUTE_BASE + m}`).join(', ');
    writeFileSync(
      conf,
      [
        `server_name: node-${n}`,
        `host: 127.0.0.1`,
        `port: ${NATS_CLIENT_BASE + n}`,
        `pid_file: "${join(dir, 'nats.pid')}"`,
        `log_file: "${join(dir, 'nats.log')}"`,
        `jetstream { store_dir: "${join(dir, 'store')}", max_memory_store: 256MB, max_file_store: 20GB }`,
        `cluster { name: bench, host: 127.0.0.1, port: ${NATS_ROUTE_BASE + n}, routes: [ ${routes} ] }`,
        '',
      ].join('\n'),
    );
    const child = spawn('nats-server', ['-c', conf], { detached: true, stdio: 'ignore' });
    child.unref();
    if (child.pid === undefined) throw new Error('could not start nats-server');
    writeFileSync(join(dir, 'nats.pid'), `${child.pid}\n`); // nats-server writes it too, once up
  }
}

function herald(cliArgs: readonly string[], timeoutMs: number): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...NODE_ARGS, MAIN, ...cliArgs], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    log('stopping the clusters this run started');
    if (existsSync(heraldData)) {
      const down = herald(['cluster', 'down', '--data', heraldData], 30_000);
      if (down.code !== 0) log(`herald cluster down: ${down.stderr.trim()}`);
    }
    await stopPids(natsPids(), 10_000);
    // The raw results (results.jsonl) stay; the clusters' data goes unless --keep.
    if (!keep) for (const dir of [heraldData, natsData]) rmSync(dir, { recursive: true, force: true });
  })();
  return stopping;
}

// ---------------------------------------------------------------------------------------------
// Workloads

interface Result {
  workload: string;
  system: string;
  records: number;
  errors: number;
  firstError?: string;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  latencyMs: { p50: number; p99: number; p999: number; max: number } | null;
  failover?: { unavailableMs: number; newWriteMs: number; leaderSeenMs: number; ackGapMs: number; lost: number; misplaced: number; acknowledged: number; failed: number };
}

interface Workload {
  readonly id: number;
  readonly title: string;
  /** `herald bench` arguments, given the run's topic prefix. */
  readonly args: (topic: string, system: string) => string[];
}

const n = (full: number, small: number) => String(quick ? small : full);
const WORKLOADS: readonly Workload[] = [
  { id: 1, title: `produce ${quick ? '10,000' : '100,000'} × 1 KiB, window 1,024`, args: (t) => ['produce', '--topic', `${t}-w1`, '--size', '1024', '--count', n(100_000, 10_000), '--window', '1024'] },
  { id: 2, title: `produce ${quick ? '20,000' : '200,000'} × 100 B, window 1,024`, args: (t) => ['produce', '--topic', `${t}-w2`, '--size', '100', '--count', n(200_000, 20_000), '--window', '1024', '--delete-after'] },
  { id: 3, title: `latency: 2,000/s × 1 KiB for ${quick ? 3 : 10} s after 1 s`, args: (t) => ['latency', '--topic', `${t}-w3`, '--size', '1024', '--rate', '2000', '--duration-s', n(10, 3), '--warmup-s', '1', '--delete-after'] },
  { id: 4, title: 'consume the records of (1) from the beginning', args: (t) => ['consume', '--topic', `${t}-w1`, '--delete-after'] },
  {
    id: 5,
    title: `failover: 1,000/s, leader SIGKILLed after ${quick ? 3 : 5} s`,
    args: (t, system) => ['failover', '--topic', `${t}-w5`, '--size', '1024', '--rate', '1000', '--kill-after-s', n(5, 3), '--restart-after-s', '2', '--duration-s', n(15, 8), '--data', system === 'nats' ? natsData : heraldData, '--delete-after'],
  },
  { id: 6, title: `scaling: 6 partitions, 3 producers, ${quick ? '30,000' : '300,000'} × 1 KiB`, args: (t) => ['produce', '--topic', `${t}-w6`, '--partitions', '6', '--producers', '3', '--size', '1024', '--count', n(300_000, 30_000), '--window', '1024', '--delete-after'] },
];

function runOne(workload: Workload, system: string, round: number): Result | undefined {
  const topic = `r${round}`;
  const brokers = system === 'nats' ? natsServers : heraldBrokers;
  const run = herald(['bench', ...workload.args(topic, system), '--system', system, '--brokers', brokers, '--timeout-ms', '30000', '--json'], 15 * 60_000);
  let result: Result | undefined;
  try {
    result = JSON.parse(run.stdout) as Result;
  } catch {
    log(`workload ${workload.id} on ${system} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return undefined;
  }
  appendFileSync(rawFile, `${JSON.stringify({ round, id: workload.id, ...result })}\n`);
  log(`round ${round} workload ${workload.id} ${system}: ${summary(workload.id, result)}${result.errors > 0 ? ` (${result.errors} errors: ${result.firstError})` : ''}`);
  return result;
}

function summary(id: number, r: Result): string {
  if (id === 3) return `p50 ${r.latencyMs?.p50} ms, p99 ${r.latencyMs?.p99} ms, max ${r.latencyMs?.max} ms`;
  if (id === 5) return `unavailable ${r.failover?.unavailableMs} ms (new leader named after ${r.failover?.leaderSeenMs} ms, first write sent after the kill acked after ${r.failover?.newWriteMs} ms), lost ${r.failover?.lost}, acked ${r.failover?.acknowledged}, failed ${r.failover?.failed}, p50 ${r.latencyMs?.p50} ms`;
  return `${r.recordsPerSecond.toLocaleString('en-US')} records/s, ${r.megabytesPerSecond} MB/s, p99 ${r.latencyMs?.p99 ?? '-'} ms`;
}

// ---------------------------------------------------------------------------------------------
// The table

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function metricOf(id: number, r: Result): number {
  if (id === 3) return r.latencyMs?.p99 ?? Number.NaN;
  if (id === 5) return r.failover === undefined || r.failover.unavailableMs < 0 ? Number.NaN : r.failover.unavailableMs / 1000;
  return r.recordsPerSecond;
}

function fmt(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function cell(values: readonly number[], decimals: number): string {
  const ok = values.filter(Number.isFinite);
  if (ok.length === 0) return 'failed';
  const m = fmt(median(ok), decimals);
  if (ok.length === 1) return m;
  return `${m} (${fmt(Math.min(...ok), decimals)}–${fmt(Math.max(...ok), decimals)})`;
}

function table(results: Map<number, { herald: Result[]; nats: Result[] }>): string {
  const values = new Map<number, { herald: number[]; nats: number[] }>();
  for (const [id, r] of results) values.set(id, { herald: r.herald.map((x) => metricOf(id, x)), nats: r.nats.map((x) => metricOf(id, x)) });
  const med = (xs: number[]) => median(xs.filter(Number.isFinite));
  const lost = (id: number) => (results.get(id)?.herald ?? []).reduce((sum, r) => sum + (r.failover?.lost ?? 0) + (r.failover?.misplaced ?? 0), 0);
  const natsLost = (id: number) => (results.get(id)?.nats ?? []).reduce((sum, r) => sum + (r.failover?.lost ?? 0) + (r.failover?.misplaced ?? 0), 0);
  const targets: Record<number, { metric: string; target: string; met: (h: number[], n: number[]) => boolean; lower: boolean; decimals: number }> = {
    1: { metric: 'records/s', target: '≥ 3×', met: (h, n) => med(h) >= 3 * med(n), lower: false, decimals: 0 },
    2: { metric: 'records/s', target: '≥ 3×', met: (h, n) => med(h) >= 3 * med(n), lower: false, decimals: 0 },
    3: { metric: 'p99 ms', target: '≤ 0.25×', met: (h, n) => med(h) <= 0.25 * med(n), lower: true, decimals: 2 },
    4: { metric: 'records/s', target: '≥ 1.5×', met: (h, n) => med(h) >= 1.5 * med(n), lower: false, decimals: 0 },
    5: {
      metric: 's to first ack',
      target: 'median ≤ 0.3 s, max < 1 s, 0 lost',
      met: (h) => h.every(Number.isFinite) && med(h) <= 0.3 && Math.max(...h) < 1 && lost(5) === 0,
      lower: true,
      decimals: 3,
    },
    6: { metric: 'records/s', target: '> Herald (1)', met: (h) => med(h) > med(values.get(1)?.herald ?? []), lower: false, decimals: 0 },
  };
  const lines = [
    '| # | workload | metric | Herald median (min–max) | NATS median (min–max) | Herald/NATS | target | met |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const w of WORKLOADS) {
    const v = values.get(w.id);
    const t = targets[w.id]!;
    if (v === undefined) continue;
    const ratio = med(v.herald) / med(v.nats);
    let title = w.title;
    if (w.id === 5) title += `; lost: Herald ${lost(5)}, NATS ${natsLost(5)}`;
    lines.push(`| ${w.id} | ${title} | ${t.metric} | ${cell(v.herald, t.decimals)} | ${cell(v.nats, t.decimals)} | ${fmt(ratio, 2)}× | ${t.target} | ${t.met(v.herald, v.nats) ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function ceilings(): Promise<string> {
  const lines: string[] = [];
  for (const script of ['scripts/bench/grpc-echo.ts', 'scripts/bench/leveldb-sync.ts']) {
    const run = spawnSync(process.execPath, [...NODE_ARGS, join(ROOT, script), ...(quick ? ['--quick'] : [])], { cwd: ROOT, encoding: 'utf8', timeout: 5 * 60_000 });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    lines.push(run.status === 0 ? line : `${script} failed: ${run.stderr.trim().split('\n').pop()}`);
    log(lines[lines.length - 1]!);
  }
  return lines.map((l) => `- ${l}`).join('\n');
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  const version = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error('nats-server is not installed (scripts/bench-peers.sh installs the Debian package)');
  await checkPorts();
  const started = new Date();
  const load = loadavg();
  log(`${quick ? 'quick' : 'full'} run, ${runs} round${runs === 1 ? '' : 's'}; data and raw results in ${work}`);

  log('physical ceilings (before the clusters start)');
  const ceilingLines = await ceilings();

  try {
    log('starting NATS JetStream (3 nodes) and Herald (3 nodes) on 127.0.0.1');
    startNats();
    const up = herald(['cluster', 'up', '--detach', '--insecure', '--data', heraldData, '--ports', HERALD_PORTS.join(','), '--log-level', 'warn'], 120_000);
    if (up.code !== 0) throw new Error(`herald cluster up failed: ${up.stderr.trim()}`);

    const results = new Map<number, { herald: Result[]; nats: Result[] }>();
    for (const w of WORKLOADS) results.set(w.id, { herald: [], nats: [] });
    for (let round = 1; round <= runs; round++) {
      // Alternate which system goes first, so that neither always runs on a warmer machine.
      const order = round % 2 === 1 ? ['herald', 'nats'] : ['nats', 'herald'];
      for (const w of WORKLOADS) {
        for (const system of order) {
          const result = runOne(w, system, round);
          if (result !== undefined) results.get(w.id)![system as 'herald' | 'nats'].push(result);
        }
      }
    }
    const endLoad = loadavg();
    const text = [
      `Herald vs NATS JetStream ${version.stdout.trim().replace(/^nats-server: /, '')}, ${quick ? 'quick run (one run each, small counts)' : `median of ${runs} runs (min–max)`}, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.versions.node}; load average ${load[0]!.toFixed(1)} at the start, ${endLoad[0]!.toFixed(1)} at the end.`,
      '',
      table(results),
      '',
      'Both clusters: 3 nodes on 127.0.0.1, topic/stream of 1 partition (6 in row 6), 3 replicas, file storage, plaintext client connections (Herald `--insecure`; its default TLS + SCRAM costs about 8% of produce throughput, docs/security.md). Herald acks QUORUM: after a quorum has fsynced. NATS acknowledges once the stream has committed the message, before any fsync (JetStream syncs every 2 min by default).',
      'Latency (row 3) is send-to-ack, measured from when each record was due. Row 5: time from the SIGKILL of the partition leader to the first acknowledgement received after it.',
      '',
      'Physical ceilings on this machine:',
      ceilingLines,
    ].join('\n');
    process.stdout.write(`${text}\n`);
    if (out !== undefined) writeFileSync(out, `${text}\n`);
    if (keep) log(`kept ${work}`);
  } finally {
    await stopAll();
  }
}

main().catch(async (err: unknown) => {
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll();
  process.exit(1);
});
