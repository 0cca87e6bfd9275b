// How long the compiled `herald` takes to start: CLI commands end to end, and a node from spawn
// to serving. Figures for docs/packaging.md; not a test (nothing fails on time).
//
//   pnpm build && pnpm exec tsx scripts/bench/start-times.ts [runs]      (default 10 runs each)
//
// Starts a local 3-node cluster (`cluster up --detach`, data in a temporary folder, the local
// ports 740N/750N/940N, which must be free), times each CLI command `runs` times, then stops
// node 3 and starts it again `runs` times, timing from spawn to its log's "node started", to
// /healthz answering and to /readyz answering (a controller known). Prints median and range.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = join(root, 'packages/cli/dist/main.js');
const runs = Number(process.argv[2] ?? 10);
const data = mkdtempSync(join(tmpdir(), 'herald-start-times-'));

function summary(label: string, samplesMs: number[]): void {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms   min ${sorted[0]!.toFixed(0).padStart(5)}   max ${sorted.at(-1)!.toFixed(0).padStart(5)}   (${sorted.length} runs)`);
}

function herald(args: readonly string[]): void {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`herald ${args.join(' ')} failed: ${result.stderr}`);
}

function timeCommand(args: readonly string[]): number[] {
  herald(args); // warm the file cache
  return Array.from({ length: runs }, () => {
    const started = performance.now();
    herald(args);
    return performance.now() - started;
  });
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then((r) => r.ok, () => false);
}

/** Starts node 3 of the cluster and times it; stops it again by its PID. */
async function timeNodeStart(peers: string): Promise<{ started: number; healthz: number; readyz: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [main, 'node', 'start', '--id', '3', '--data-dir', join(data, 'node-3'), '--peers', peers, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let started = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started === 0 && chunk.toString().includes('"node started"')) started = performance.now() - t0;
  });
  let healthz = 0;
  let readyz = 0;
  const deadline = t0 + 30_000;
  while (readyz === 0 && performance.now() < deadline) {
    if (healthz === 0 && (await answers('http://127.0.0.1:9403/healthz'))) healthz = performance.now() - t0;
    if (await answers('http://127.0.0.1:9403/readyz')) readyz = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  if (readyz === 0) throw new Error('node 3 did not become ready within 30 s');
  return { started, healthz, readyz };
}

try {
  herald(['cluster', 'up', '--detach', '--data', data, '--log-level', 'warn']);
  herald(['topic', 'create', 'start-times', '--partitions', '3']);
  console.log(`Node ${process.version}, ${runs} runs each, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  summary('node -e 0 (Node itself)', Array.from({ length: runs }, () => {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - started;
  }));
  for (const args of [['--help'], ['--version'], ['topic', 'list'], ['cluster', 'status'], ['node', 'start', '--help']]) summary(`herald ${args.join(' ')}`, timeCommand(args));

  const pid = Number(readFileSync(join(data, 'node-3', 'herald.pid'), 'utf8'));
  process.kill(pid, 'SIGTERM');
  while (spawnSync('kill', ['-0', String(pid)]).status === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const peers = [1, 2, 3].map((id) => `${id}=127.0.0.1:${7400 + id}:${7500 + id}`).join(',');
  const samples: { started: number; healthz: number; readyz: number }[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeNodeStart(peers));
  summary('node spawn -> "node started" logged', samples.map((s) => s.started));
  summary('node spawn -> /healthz answers', samples.map((s) => s.healthz));
  summary('node spawn -> /readyz answers (controller)', samples.map((s) => s.readyz));
} finally {
  spawnSync(process.execPath, [main, 'cluster', 'down', '--data', data], { stdio: 'ignore' });
  rmSync(data, { recursive: true, force: true });
}
