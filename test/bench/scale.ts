// Partitions at rest (issue #17): a 3-node process cluster with many topics and no traffic.
// Reports, per run: the time to create the topics through the SDK (and until every partition
// has a leader), each node's idle CPU (share of one core, from /proc over a window), RSS, and
// /metrics size in bytes, and the failover: from SIGKILL of the node leading the most partitions
// until each partition it led has a new leader, as percentiles over those partitions, with the
// phases of their elections (first pre-candidate, first candidate, leader; read from the
// survivors' "role changed" and "roles changed" log lines, so that polling costs nothing). Numbers for
// docs/benchmarks.md; nothing fails on time.
//
//   pnpm build && pnpm exec tsx --conditions=@herald/source test/bench/scale.ts \
//     [--topics 1000] [--partitions 10] [--rf 3] [--concurrency 8] [--idle-seconds 10] [--runs 1] \
//     [--config node.yaml] [--herald path/to/cli/dist/main.js] [--profile DIR] [--keep-logs]
//
// --config is a node settings file given to every node (e.g. `raft: {quiesce: false}`); --herald
// runs another build's compiled CLI (a checkout of main, for a before/after pair); --profile runs
// the nodes under `node --cpu-prof`, writing into DIR as the survivors stop after the failover:
// read them with scripts/bench/cpu-profile.ts (`--after onVerdict` keeps the failover);
// --keep-logs keeps the nodes' logs of every run.
// Linux only (reads /proc). Ports are free ones; data goes to a temporary folder, removed after.

import { HeraldClient } from '@herald/client';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { heraldCompiled, ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

const { values: args } = parseArgs({
  options: {
    topics: { type: 'string', default: '1000' },
    partitions: { type: 'string', default: '10' },
    rf: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    'idle-seconds': { type: 'string', default: '10' },
    runs: { type: 'string', default: '1' },
    config: { type: 'string' },
    herald: { type: 'string' },
    profile: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
  },
});
const topics = Number(args.topics);
const partitions = Number(args.partitions);
const rf = Number(args.rf);
const concurrency = Number(args.concurrency);
const idleSeconds = Number(args['idle-seconds']);
const runs = Number(args.runs);
const totalPartitions = topics * partitions;
const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** utime + stime and user time alone per thread of a process, in clock ticks, from
 *  /proc/<pid>/task: the main thread as 'main', the others by name (threads of one name summed:
 *  libuv's pool, V8's workers). */
function threadTicks(pid: number): Map<string, { total: number; user: number }> {
  const out = new Map<string, { total: number; user: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seen = out.get(name) ?? { total: 0, user: 0 };
      out.set(name, { total: seen.total + Number(fields[11]) + Number(fields[12]), user: seen.user + Number(fields[11]) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

const load = () => loadavg()[0]!.toFixed(1);
/** The monotonic clock in microseconds: the clock of V8's CPU profiles. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/**
 * Leadership as the nodes' logs tell it ("role changed" and "roles changed" lines, read as they grow): polling the
 * nodes instead would cost them a scrape of every partition's series, which at 10,000
 * partitions is itself a load that slows elections.
 */
class LeadershipLog {
  /** Per group, per node: the last role the node logged and when. */
  readonly roles = new Map<string, Map<number, { role: string; time: number }>>();
  /** From `since` on: per group, the first time a node logged each role, and how many times
   *  nodes logged `candidate` (a group that needed several elections shows it). */
  readonly phases = new Map<string, { firstAt: Map<string, number>; candidacies: number }>();
  /** From `since` on: when each node logged that a peer is down. */
  readonly downAt = new Map<number, number>();
  since = Infinity;
  private readonly offsets = new Map<number, number>();
  private readonly partial = new Map<number, string>();

  constructor(private readonly cluster: ProcessCluster) {}

  /** Reads what the logs gained since the last poll. */
  poll(): void {
    for (const { id } of this.cluster.peers) {
      const file = `${this.cluster.dataDir}/node-${id}.log`;
      const fd = openSync(file, 'r');
      try {
        const from = this.offsets.get(id) ?? 0;
        const size = fstatSync(fd).size;
        if (size <= from) continue;
        const buffer = Buffer.alloc(size - from);
        readSync(fd, buffer, 0, buffer.length, from);
        this.offsets.set(id, size);
        const lines = ((this.partial.get(id) ?? '') + buffer.toString('utf8')).split('\n');
        this.partial.set(id, lines.pop()!);
        for (const line of lines) {
          const down = line.includes('"peer node down');
          if (!down && !line.includes('"role changed"') && !line.includes('"roles changed"')) continue;
          let parsed: { group: string; role: string; time: number; roles?: [string, string, number, number][] };
          try {
            parsed = JSON.parse(line) as typeof parsed;
          } catch {
            // The log file takes stdout and stderr through separate pipes: a stderr chunk can land
            // inside a stdout line. Skip it rather than lose the rest of the chunk.
            continue;
          }
          if (down) {
            if (parsed.time >= this.since && !this.downAt.has(id)) this.downAt.set(id, parsed.time);
            continue;
          }
          // Many changes of one turn come as one 'roles changed' line (broker/src/raft-event-log.ts).
          for (const [group, role] of parsed.roles ?? [[parsed.group, parsed.role]]) this.noteRole(id, group, role, parsed.time);
        }
      } finally {
        closeSync(fd);
      }
    }
  }

  private noteRole(id: number, group: string, role: string, time: number): void {
    if (group === 'meta') return;
    let byNode = this.roles.get(group);
    if (byNode === undefined) this.roles.set(group, (byNode = new Map()));
    byNode.set(id, { role, time });
    if (time < this.since) return;
    let phase = this.phases.get(group);
    if (phase === undefined) this.phases.set(group, (phase = { firstAt: new Map(), candidacies: 0 }));
    if (!phase.firstAt.has(role)) phase.firstAt.set(role, time);
    if (role === 'candidate') phase.candidacies++;
  }

  /** The node that logged last that it leads `group`, and when, among `nodes`. */
  leader(group: string, nodes: readonly number[]): { id: number; time: number } | undefined {
    let found: { id: number; time: number } | undefined;
    for (const [id, { role, time }] of this.roles.get(group) ?? []) {
      if (role === 'leader' && nodes.includes(id) && (found === undefined || time > found.time)) found = { id, time };
    }
    return found;
  }
}

interface RunResult {
  createSeconds: number;
  leadersSeconds: number;
  cpu: number[];
  rss: number[];
  scrapeBytes: number[];
  failoverMs: number;
  failedOver: number;
  /** Failover percentiles (ms after the kill): p50, p90, p99 of the partitions the node led. */
  failoverP: number[];
  /** CPU seconds of each survivor from the kill until the last new leader was seen. */
  failoverCpu: number[];
  loads: string[];
}

/** The value at percentile `p` of sorted `xs` (nearest rank), or NaN when empty. */
const percentile = (xs: readonly number[], p: number) => (xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!);
const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

async function run(): Promise<RunResult> {
  const entry = args.herald ?? heraldCompiled().args[0]!;
  const herald = { file: process.execPath, args: [...(args.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${args.profile}`]), entry] };
  const cluster = await ProcessCluster.start(3, herald, args.config === undefined ? {} : { config: args.config });
  const loads: string[] = [load()];
  try {
    await cluster.ready();
    const client = new HeraldClient({ brokers: cluster.brokers });
    try {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < topics) {
            const n = next++;
            // A retried creation whose first attempt went through (its answer lost to a timeout
            // on the loaded machine) finds its topic there.
            await client.createTopic(`t${String(n).padStart(5, '0')}`, { partitions, replicationFactor: rf }).catch((err: { reason?: string }) => {
              if (err.reason !== 'TopicExists') throw err;
            });
          }
        }),
      );
      const createSeconds = (performance.now() - started) / 1000;
      const log = new LeadershipLog(cluster);
      const everyone = cluster.peers.map((p) => p.id);
      await waitFor(
        () => {
          log.poll();
          let led = 0;
          for (const group of log.roles.keys()) if (log.leader(group, everyone) !== undefined) led++;
          return led === totalPartitions;
        },
        { timeoutMs: 600_000, intervalMs: 250, what: `a leader for each of the ${totalPartitions} partitions` },
      );
      const leadersSeconds = (performance.now() - started) / 1000;
      loads.push(load());
      console.log(`  created in ${createSeconds.toFixed(1)} s, every partition led after ${leadersSeconds.toFixed(1)} s (load ${load()})`);
      // Let elections, ISR and quiescence settle before measuring the idle cost.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const pids = cluster.peers.map((p) => cluster.pid(p.id)!);
      const before = pids.map(cpuTicks);
      const threadsBefore = threadTicks(pids[0]!);
      const idleFrom = monotonicUs();
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1_000));
      const cpu = pids.map((pid, i) => (cpuTicks(pid) - before[i]!) / ticksPerSecond / idleSeconds);
      // Where node 1's idle CPU went, by thread.
      const threads = [...threadTicks(pids[0]!)].map(([name, t]) => ({ name, total: t.total - (threadsBefore.get(name)?.total ?? 0), user: t.user - (threadsBefore.get(name)?.user ?? 0) })).filter((t) => t.total > 0);
      console.log(`  node 1 idle CPU by thread: ${threads.sort((a, b) => b.total - a.total).map((t) => `${t.name} ${((100 * t.total) / ticksPerSecond / idleSeconds).toFixed(2)}% (user ${((100 * t.user) / ticksPerSecond / idleSeconds).toFixed(2)}%)`).join(', ')}`);
      if (args.profile !== undefined) console.log(`  idle window (monotonic µs, for cpu-profile.ts --between): ${idleFrom} ${monotonicUs()}`);
      const rss = pids.map(rssMb);
      loads.push(load());
      console.log(`  idle CPU ${cpu.map((c) => `${(c * 100).toFixed(1)}%`).join(' / ')}, RSS ${rss.map((m) => m.toFixed(0)).join(' / ')} MB (load ${load()})`);
      const scrapeBytes: number[] = [];
      for (const p of cluster.peers) scrapeBytes.push(Buffer.byteLength(await scrape(p.metricsPort)));
      console.log(`  scrape ${scrapeBytes.map((b) => `${(b / 1024).toFixed(0)} KiB`).join(' / ')}`);
      // A scrape of every partition's series is a stall of its own (about a second of CPU for
      // 3,000 partitions): let the cluster settle from it before the kill.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      // Failover: kill the node leading the most partitions; every partition it led must get a
      // leader on a survivor.
      log.poll();
      const ledBy = new Map<number, string[]>(everyone.map((id) => [id, []]));
      for (const group of log.roles.keys()) {
        const leader = log.leader(group, everyone);
        if (leader !== undefined) ledBy.get(leader.id)!.push(group);
      }
      const [victim, led] = [...ledBy].sort((a, b) => b[1].length - a[1].length)[0]!;
      const survivors = everyone.filter((id) => id !== victim);
      // The survivors' CPU time from the kill until the last new leader: what the failover cost
      // them, which a loaded machine stretches less than the wall time.
      const survivorPids = survivors.map((id) => cluster.pid(id)!);
      const cpuAtKill = survivorPids.map(cpuTicks);
      const killedAt = Date.now();
      const killedAtUs = monotonicUs();
      log.since = killedAt;
      await cluster.kill(victim);
      const newLeaderAt = new Map<string, number>();
      const failedOver = await waitFor(
        () => {
          log.poll();
          for (const group of led) {
            const leader = log.leader(group, survivors);
            if (leader !== undefined && leader.time >= killedAt && !newLeaderAt.has(group)) newLeaderAt.set(group, leader.time);
          }
          return newLeaderAt.size === led.length;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: `new leaders for the ${led.length} partitions node ${victim} led` },
      ).catch(() => false);
      const failoverCpu = survivorPids.map((pid, i) => (cpuTicks(pid) - cpuAtKill[i]!) / ticksPerSecond);
      const times = sorted([...newLeaderAt.values()].map((t) => t - killedAt));
      const failoverP = [50, 90, 99].map((p) => percentile(times, p));
      console.log(`  failover: ${newLeaderAt.size} of ${led.length} partitions with a new leader${failedOver === false ? ' after 60 s (gave up)' : ''}; after p50 ${failoverP[0]} ms, p90 ${failoverP[1]} ms, p99 ${failoverP[2]} ms, last ${times.at(-1) ?? '-'} ms (load ${load()})`);
      // Where the time went: detection (a survivor logs the peer down), then per partition its
      // first pre-candidate, first candidate and leader, as percentiles over the partitions.
      const phase = (role: string) => sorted(led.flatMap((g) => (log.phases.get(g)?.firstAt.has(role) === true ? [log.phases.get(g)!.firstAt.get(role)! - killedAt] : [])));
      const show = (xs: number[]) => `p50 ${percentile(xs, 50)}, p90 ${percentile(xs, 90)}, last ${xs.at(-1) ?? '-'} ms`;
      const candidacies = led.map((g) => log.phases.get(g)?.candidacies ?? 0);
      console.log(`  phases: peer down logged at ${[...log.downAt].map(([id, t]) => `node ${id} +${t - killedAt} ms`).join(', ')}; pre-candidate ${show(phase('pre-candidate'))}; candidate ${show(phase('candidate'))}; leader ${show(phase('leader'))}`);
      console.log(`  survivors' CPU from the kill until the last new leader was seen: ${failoverCpu.map((c) => `${c.toFixed(2)} s`).join(' / ')}`);
      console.log(`  candidacies per partition: mean ${(candidacies.reduce((a, b) => a + b, 0) / led.length).toFixed(2)}, most ${Math.max(...candidacies)}`);
      const failoverMs = failedOver === false ? NaN : Math.max(...newLeaderAt.values()) - killedAt;
      if (args.profile !== undefined) console.log(`  failover window (monotonic µs, for cpu-profile.ts --between): ${killedAtUs} ${monotonicUs()}`);
      loads.push(load());
      if (args.profile !== undefined) await cluster.stop(); // each survivor writes its profile as it exits
      if (args['keep-logs']) console.log(`  node logs kept in ${cluster.keepLogs('scale')}`);
      return { createSeconds, leadersSeconds, cpu, rss, scrapeBytes, failoverMs, failedOver: led.length, failoverP, failoverCpu, loads };
    } finally {
      await client.close();
    }
  } catch (err) {
    console.error(`run failed; node logs kept in ${cluster.keepLogs('scale')}`);
    throw err;
  } finally {
    await cluster.destroy();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

console.log(`scale: ${topics} topics × ${partitions} partitions, RF ${rf}, ${runs} run(s), ${idleSeconds} s idle window, create concurrency ${concurrency}${args.config === undefined ? '' : `, config ${args.config}`}${args.herald === undefined ? '' : `, herald ${args.herald}`}; Node ${process.version}`);
const results: RunResult[] = [];
for (let i = 0; i < runs; i++) {
  const r = await run();
  results.push(r);
  console.log(
    `run ${i + 1}: create ${r.createSeconds.toFixed(1)} s, all led ${r.leadersSeconds.toFixed(1)} s; idle CPU ${r.cpu.map((c) => `${(c * 100).toFixed(1)}%`).join(' / ')}; ` +
      `RSS ${r.rss.map((m) => m.toFixed(0)).join(' / ')} MB; scrape ${r.scrapeBytes.map((b) => `${(b / 1024).toFixed(0)} KiB`).join(' / ')}; ` +
      `failover of ${r.failedOver} partitions: p50 ${r.failoverP[0]} ms, p90 ${r.failoverP[1]} ms, last ${r.failoverMs} ms, survivors' CPU ${r.failoverCpu.map((c) => `${c.toFixed(2)} s`).join(' / ')}; load ${r.loads.join(' → ')}`,
  );
}
const all = (f: (r: RunResult) => number[]) => results.flatMap(f);
console.log(`median (min–max) over ${runs} run(s), nodes pooled where per node:`);
console.log(`  create ${range(results.map((r) => r.createSeconds), 1)} s; every partition led ${range(results.map((r) => r.leadersSeconds), 1)} s`);
console.log(`  idle CPU per node ${range(all((r) => r.cpu.map((c) => c * 100)), 2)} % of a core; busiest node ${range(results.map((r) => Math.max(...r.cpu) * 100), 2)} %`);
console.log(`  RSS per node ${range(all((r) => r.rss), 0)} MB; scrape per node ${range(all((r) => r.scrapeBytes.map((b) => b / 1024)), 0)} KiB`);
console.log(`  failover (SIGKILL to a new leader) of ${range(results.map((r) => r.failedOver), 0)} partitions: p50 ${range(results.map((r) => r.failoverP[0]!), 0)} ms; p99 ${range(results.map((r) => r.failoverP[2]!), 0)} ms; last ${range(results.map((r) => r.failoverMs), 0)} ms`);
