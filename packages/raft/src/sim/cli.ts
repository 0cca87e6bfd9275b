/// <reference types="node" />
// `pnpm sim --seeds N [--from S] [--nodes 3|5] [--ticks T] [--jobs J]`: runs the seeded
// simulation over a range of seeds, spread over J child processes (default: one per core), and
// prints one summary line. Exits non-zero on any violation, printing the commands that replay the
// failing seed. (Child processes rather than worker threads: they inherit tsx's loader flags.)
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SafetyViolation } from './checkers.js';
import { defaultTicks, LivenessViolation, Simulation, simulationOptionsFor } from './simulation.js';

const usage = 'usage: pnpm sim --seeds N [--from S] [--nodes 3|5] [--ticks T] [--jobs J]';

interface Job {
  readonly from: number;
  readonly seeds: number;
  readonly stride: number;
  readonly offset: number;
  readonly nodes: number | undefined;
  readonly ticks: number;
}

const totalKeys = ['steps', 'elections', 'leaderChanges', 'commits', 'snapshotsSent', 'crashes', 'quiesced', 'livenessChanges'] as const;
type Totals = Record<(typeof totalKeys)[number], number>;

/** What a worker reports for one seed. */
interface SeedResult {
  readonly seed: number;
  readonly totals?: Totals;
  readonly failure?: { readonly kind: string; readonly report: string; readonly traceTail: string };
}

function runSeed(seed: number, job: Job): SeedResult {
  let sim: Simulation | null = null;
  try {
    sim = new Simulation(simulationOptionsFor(seed, job.nodes === undefined ? {} : { nodes: job.nodes }));
    const stats = sim.runAll({ ticks: job.ticks });
    return { seed, totals: Object.fromEntries(totalKeys.map((key) => [key, stats[key]])) as Totals };
  } catch (error) {
    const err = error as Error;
    const kind = err instanceof SafetyViolation || err instanceof LivenessViolation ? 'violation' : 'crash (an exception in the core or the harness)';
    return { seed, failure: { kind, report: err.stack ?? err.message, traceTail: sim?.cluster.traceTail(30) ?? '' } };
  }
}

/** A child process: runs every stride-th seed of the job, reporting each to the parent. */
function child(job: Job): void {
  for (let seed = job.from + job.offset; seed < job.from + job.seeds; seed += job.stride) {
    process.send?.(runSeed(seed, job));
  }
  process.disconnect?.();
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '100' },
      from: { type: 'string', default: '1' },
      nodes: { type: 'string' },
      ticks: { type: 'string', default: String(defaultTicks) },
      jobs: { type: 'string', default: String(availableParallelism()) },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(usage);
    return 0;
  }
  const seeds = integerOption('seeds', values.seeds, 1);
  const from = integerOption('from', values.from, 0);
  const ticks = integerOption('ticks', values.ticks, 1);
  const jobs = Math.min(integerOption('jobs', values.jobs, 1), seeds);
  const nodes = values.nodes === undefined ? undefined : integerOption('nodes', values.nodes, 1);
  if (nodes !== undefined && nodes !== 3 && nodes !== 5) throw new Error(`--nodes must be 3 or 5 (got ${nodes})\n${usage}`);

  const totals: Totals = { steps: 0, elections: 0, leaderChanges: 0, commits: 0, snapshotsSent: 0, crashes: 0, quiesced: 0, livenessChanges: 0 };
  const failures: number[] = [];
  const started = performance.now();
  let lastReport = started;
  let done = 0;
  const children: ChildProcess[] = Array.from({ length: jobs }, (_, offset) =>
    fork(fileURLToPath(import.meta.url), [], {
      execArgv: process.execArgv,
      env: { ...process.env, HERALD_SIM_JOB: JSON.stringify({ from, seeds, stride: jobs, offset, nodes, ticks } satisfies Job) },
    }));
  await new Promise<void>((resolve, reject) => {
    let running = children.length;
    for (const c of children) {
      c.on('message', (message) => {
        const result = message as SeedResult;
        done++;
        if (result.totals !== undefined) for (const key of totalKeys) totals[key] += result.totals[key];
        if (result.failure !== undefined) {
          failures.push(result.seed);
          reportFailure(result.seed, result.failure, { nodes, ticks });
          if (failures.length >= 5) {
            console.error('stopping after 5 failing seeds');
            resolve();
          }
        }
        const now = performance.now();
        if (now - lastReport > 5_000) {
          lastReport = now;
          console.log(`... ${done}/${seeds} seeds, ${rate(done, now - started)} seeds/s, ${failures.length} violations`);
        }
      });
      c.on('error', reject);
      c.on('exit', () => {
        if (--running === 0) resolve();
      });
    }
  });
  for (const c of children) if (c.exitCode === null) c.kill();
  const elapsed = performance.now() - started;
  console.log(`${done} seeds from ${from} (${jobs} jobs): ${totals.steps} steps, ${totals.elections} elections, ` +
    `${totals.leaderChanges} leader changes, ${totals.commits} commits, ${totals.snapshotsSent} snapshots sent, ` +
    `${totals.crashes} crashes, ${totals.quiesced} quiescences, ${totals.livenessChanges} liveness verdicts, ${failures.length} violations, ${rate(done, elapsed)} seeds/s (${(elapsed / 1000).toFixed(1)} s)`);
  return failures.length === 0 && done === seeds ? 0 : 1;
}

function reportFailure(seed: number, failure: NonNullable<SeedResult['failure']>, options: { nodes: number | undefined; ticks: number }): void {
  const env = [`HERALD_SEED=${seed}`];
  if (options.nodes !== undefined) env.push(`HERALD_SIM_NODES=${options.nodes}`);
  if (options.ticks !== defaultTicks) env.push(`HERALD_SIM_TICKS=${options.ticks}`);
  const flags = [options.nodes !== undefined ? ` --nodes ${options.nodes}` : '', options.ticks !== defaultTicks ? ` --ticks ${options.ticks}` : ''].join('');
  console.error(`\nseed ${seed}: ${failure.kind}\n${failure.report}\nlast trace lines:\n${failure.traceTail}\n` +
    `replay: ${env.join(' ')} pnpm vitest run packages/raft/test/sim.test.ts\n` +
    `    or: pnpm sim --from ${seed} --seeds 1${flags}\n`);
}

function rate(seeds: number, elapsedMs: number): string {
  return (seeds / (elapsedMs / 1000)).toFixed(1);
}

function integerOption(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min} (got ${raw})\n${usage}`);
  return value;
}

const childJob = process.env.HERALD_SIM_JOB;
if (childJob !== undefined) {
  child(JSON.parse(childJob) as Job);
} else {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 2;
    },
  );
}
