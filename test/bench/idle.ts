// An idle node's wake-ups (issue #17): a 3-node process cluster with one topic of one partition
// (RF 3) and no traffic. Reports, per run and node, the main thread's wake-ups per second
// (voluntary context switches, /proc/<pid>/task/<pid>/status: each is a wait in epoll that ended)
// and the node's CPU-seconds per minute (/proc/<pid>/stat), over a window after the cluster has
// settled. Wake-up counts hardly depend on the machine's load, CPU time does: on a shared machine
// compare the first. With --before, runs alternate between that build and this one, so that both
// see the same load. Numbers for docs/benchmarks.md; nothing fails on them.
//
//   pnpm build && pnpm exec tsx --conditions=@herald/source test/bench/idle.ts \
//     [--seconds 60] [--settle-seconds 10] [--runs 3] [--before path/to/cli/dist/main.js]
//
// Linux only (reads /proc). Ports are free ones; data goes to a temporary folder, removed after.

import { HeraldClient } from '@herald/client';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { heraldCompiled, ProcessCluster, type HeraldCommand } from '../support/process-cluster.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'settle-seconds': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    before: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const settleSeconds = Number(args['settle-seconds']);
const runs = Number(args.runs);
const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The voluntary context switches of a process's main thread so far. */
function wakeUps(pid: number): number {
  const match = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

const load = () => loadavg()[0]!.toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  readonly wakeUpsPerSecond: number[];
  readonly cpuSecondsPerMinute: number[];
  readonly load: string;
}

async function run(herald: HeraldCommand): Promise<Sample> {
  const cluster = await ProcessCluster.start(3, herald);
  try {
    await cluster.ready();
    const client = new HeraldClient({ brokers: cluster.brokers });
    try {
      await client.createTopic('idle', { partitions: 1, replicationFactor: 3 });
    } finally {
      await client.close();
    }
    // Let the election, the ISR and quiescence settle before measuring.
    await sleep(settleSeconds * 1_000);
    const pids = cluster.peers.map((p) => cluster.pid(p.id)!);
    const loadFrom = load();
    const wakeUpsBefore = pids.map(wakeUps);
    const ticksBefore = pids.map(cpuTicks);
    await sleep(seconds * 1_000);
    return {
      wakeUpsPerSecond: pids.map((pid, i) => (wakeUps(pid) - wakeUpsBefore[i]!) / seconds),
      cpuSecondsPerMinute: pids.map((pid, i) => ((cpuTicks(pid) - ticksBefore[i]!) / ticksPerSecond) * (60 / seconds)),
      load: `${loadFrom}→${load()}`,
    };
  } finally {
    await cluster.destroy();
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (xs: readonly number[], digits: number) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

const builds: [string, HeraldCommand][] = [
  ...(args.before === undefined ? [] : [['before', { file: process.execPath, args: [args.before] }] as [string, HeraldCommand]]),
  ['this build', heraldCompiled()],
];
console.log(`idle: 3 nodes, 1 topic × 1 partition, RF 3, ${runs} run(s) per build, ${seconds} s windows after ${settleSeconds} s; Node ${process.version}`);
const samples = new Map<string, Sample[]>(builds.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, herald] of builds) {
    const sample = await run(herald);
    samples.get(name)!.push(sample);
    console.log(`run ${i + 1}, ${name}: wake-ups/s ${sample.wakeUpsPerSecond.map((w) => w.toFixed(1)).join(' / ')}; CPU-s/min ${sample.cpuSecondsPerMinute.map((c) => c.toFixed(2)).join(' / ')} (load ${sample.load})`);
  }
}
for (const [name, list] of samples) {
  console.log(
    `${name}: wake-ups/s per node ${summary(list.flatMap((s) => s.wakeUpsPerSecond), 1)}, CPU-s/min per node ${summary(list.flatMap((s) => s.cpuSecondsPerMinute), 2)} ` +
      `(median, min–max of ${list.length * 3}); loads ${list.map((s) => s.load).join(', ')}`,
  );
}
