import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { anomalies, invalidatingAnomalies, type Anomaly } from './checker.js';
import { brokerFindingKinds } from './faults.js';
import { unavailabilityByKind } from './report.js';
import type { ChaosRunOptions, ChaosRunResult } from './run.js';

/** What a campaign keeps of one run (a line of `campaign.jsonl`). */
export interface CampaignRun {
  readonly seed: number;
  /** The run's report folder; after a run that passed (`kept` false) only its verdict.json stays. */
  readonly reportDir: string;
  readonly kept: boolean;
  /** The run's exit code: 0, 1 (invalid or incomplete), 130 (interrupted). */
  readonly exitCode: number;
  readonly valid: boolean;
  readonly durationMs: number;
  /** Faults injected, by kind (kinds with none left out). */
  readonly faults: Readonly<Record<string, number>>;
  /** Operations invoked: sends, polls, the group's and the queue's operations. */
  readonly operations: number;
  /** Anomalies found, by checker name (names with none left out). */
  readonly anomalies: Readonly<Record<string, number>>;
  /** Findings that point at the broker, by kind (kinds with none left out). */
  readonly brokerFindings: Readonly<Record<string, number>>;
  /** Per fault kind injected: the worst unavailability (fault start to the first acknowledged
   *  send invoked after it) and the longest gap without any acknowledged send during or just
   *  after it, over its faults that recovered, and how many never recovered. */
  readonly unavailability: Readonly<Record<string, { readonly maxMs: number | null; readonly maxGapMs: number | null; readonly unrecovered: number }>>;
  /** Set when the run itself failed (the harness threw): then nothing else was measured. */
  readonly error?: string;
}

/** The exit code a campaign gives a run whose harness threw. */
const HARNESS_ERROR = -1;

/** The exit code of a run stopped by Ctrl-C. */
const INTERRUPTED = 130;

/** Whether a campaign counts a run as failing, and keeps its report: an invalid verdict, an
 *  incomplete final read, or a finding that points at the broker (a crash, no convergence). */
export function runFailed(run: CampaignRun): boolean {
  return run.exitCode !== 0 || Object.keys(run.brokerFindings).length > 0;
}

/** Boils a run's result down to what the campaign keeps. */
export function campaignRunOf(seed: number, result: ChaosRunResult, kept: boolean): CampaignRun {
  const { verdict, run } = result;
  const nonzero = (entries: Iterable<[string, number]>): Record<string, number> => Object.fromEntries([...entries].filter(([, n]) => n > 0));
  let operations = verdict.sends.invoked + verdict.polls.invoked;
  for (const g of verdict.groups) operations += g.consumes.invoked + g.commits.invoked + g.offsetReads.invoked;
  for (const q of verdict.queues) operations += q.deliveries.invoked + q.acks.invoked + q.nacks.invoked + q.describes.invoked;
  const brokerFindings = new Map<string, number>();
  for (const f of run.findings) if (brokerFindingKinds.has(f.kind)) brokerFindings.set(f.kind, (brokerFindings.get(f.kind) ?? 0) + 1);
  const unrecovered = new Map<string, number>();
  for (const fault of verdict.availability.faults) if (!fault.recovered) unrecovered.set(fault.name, (unrecovered.get(fault.name) ?? 0) + 1);
  return {
    seed,
    reportDir: result.reportDir,
    kept,
    exitCode: result.exitCode,
    valid: verdict.valid,
    durationMs: verdict.durationMs,
    faults: nonzero(Object.entries(run.faultCounts)),
    operations,
    anomalies: nonzero(anomalies.map((name) => [name, verdict.counts[name]])),
    brokerFindings: Object.fromEntries(brokerFindings),
    unavailability: Object.fromEntries(unavailabilityByKind(verdict).map((row) => [row.kind, { maxMs: row.maxMs, maxGapMs: row.maxGapMs, unrecovered: unrecovered.get(row.kind) ?? 0 }])),
  };
}

/** The worst of one fault kind over a campaign, and the seed of the run it happened in. */
export interface KindWorst {
  readonly kind: string;
  readonly cycles: number;
  readonly unrecovered: number;
  readonly maxMs: number | null;
  readonly maxMsSeed: number | null;
  readonly maxGapMs: number | null;
  readonly maxGapSeed: number | null;
}

/** A campaign's totals. */
export interface CampaignSummary {
  readonly runs: number;
  readonly seeds: readonly number[];
  readonly faultCycles: number;
  readonly operations: number;
  readonly durationMs: number;
  /** Per fault kind, in order of the cycles injected (most first). */
  readonly kinds: readonly KindWorst[];
  /** Every anomaly name with its total (zeros included, so a clean table says so). */
  readonly anomalies: Readonly<Record<Anomaly, number>>;
  /** Totals of the anomalies that make a run invalid. */
  readonly invalidating: number;
  readonly brokerFindings: Readonly<Record<string, number>>;
  /** The runs that failed (runFailed), with what failed; an interrupted run is listed here,
   *  and its anomalies are not counted. */
  readonly failed: readonly { readonly seed: number; readonly reportDir: string; readonly why: string }[];
}

/** Adds up a campaign's runs. Pure: the same runs give the same summary. */
export function summarizeCampaign(runs: readonly CampaignRun[]): CampaignSummary {
  const kinds = new Map<string, { cycles: number; unrecovered: number; maxMs: number | null; maxMsSeed: number | null; maxGapMs: number | null; maxGapSeed: number | null }>();
  const totals = Object.fromEntries(anomalies.map((name) => [name, 0])) as Record<Anomaly, number>;
  const brokerFindings: Record<string, number> = {};
  const failed: { seed: number; reportDir: string; why: string }[] = [];
  let faultCycles = 0;
  let operations = 0;
  let durationMs = 0;
  for (const run of runs) {
    operations += run.operations;
    durationMs += run.durationMs;
    for (const [kind, count] of Object.entries(run.faults)) {
      faultCycles += count;
      let entry = kinds.get(kind);
      if (entry === undefined) kinds.set(kind, (entry = { cycles: 0, unrecovered: 0, maxMs: null, maxMsSeed: null, maxGapMs: null, maxGapSeed: null }));
      entry.cycles += count;
    }
    if (run.error !== undefined) {
      failed.push({ seed: run.seed, reportDir: run.reportDir, why: `harness error: ${run.error}` });
      continue;
    }
    if (run.exitCode === INTERRUPTED) {
      // Stopped before its drain and final reads: what it did not get to read or settle is not
      // an anomaly, and its last fault never healed. Its cycles count; its verdict does not.
      failed.push({ seed: run.seed, reportDir: run.reportDir, why: 'interrupted, not checked' });
      continue;
    }
    for (const [kind, worst] of Object.entries(run.unavailability)) {
      const entry = kinds.get(kind);
      if (entry === undefined) continue; // a window with no injected fault of its kind: not a cycle
      entry.unrecovered += worst.unrecovered;
      if (worst.maxMs !== null && (entry.maxMs === null || worst.maxMs > entry.maxMs)) {
        entry.maxMs = worst.maxMs;
        entry.maxMsSeed = run.seed;
      }
      if (worst.maxGapMs !== null && (entry.maxGapMs === null || worst.maxGapMs > entry.maxGapMs)) {
        entry.maxGapMs = worst.maxGapMs;
        entry.maxGapSeed = run.seed;
      }
    }
    for (const [name, count] of Object.entries(run.anomalies)) if (name in totals) totals[name as Anomaly] += count;
    for (const [kind, count] of Object.entries(run.brokerFindings)) brokerFindings[kind] = (brokerFindings[kind] ?? 0) + count;
    if (runFailed(run)) {
      const why = [
        ...Object.entries(run.anomalies).filter(([name]) => invalidatingAnomalies.has(name as Anomaly)).map(([name, n]) => `${name} ${n}`),
        ...Object.entries(run.brokerFindings).map(([kind, n]) => `${kind} ${n}`),
        ...(run.exitCode !== 0 && run.valid ? ['final read incomplete'] : []),
      ];
      failed.push({ seed: run.seed, reportDir: run.reportDir, why: why.join(', ') || `exit ${run.exitCode}` });
    }
  }
  return {
    runs: runs.length,
    seeds: runs.map((run) => run.seed),
    faultCycles,
    operations,
    durationMs,
    kinds: [...kinds].map(([kind, entry]) => ({ kind, ...entry })).sort((a, b) => b.cycles - a.cycles || a.kind.localeCompare(b.kind)),
    anomalies: totals,
    invalidating: anomalies.filter((name) => invalidatingAnomalies.has(name)).reduce((sum, name) => sum + totals[name], 0),
    brokerFindings,
    failed,
  };
}

/** The campaign's table for the terminal (and `campaign.txt`). */
export function renderCampaignTable(summary: CampaignSummary): string {
  const lines: string[] = [];
  const seeds = summary.seeds.length === 0 ? 'none' : describeSeeds(summary.seeds);
  lines.push(`chaos campaign: ${summary.runs} runs (seeds ${seeds}), ${summary.faultCycles} fault cycles, ${summary.operations.toLocaleString('en-US')} operations, `
    + `${(summary.durationMs / 60_000).toFixed(1)} min of history`);
  lines.push(`verdict: ${summary.invalidating === 0 && summary.failed.length === 0 ? 'CLEAN' : `${summary.failed.length} failing run(s)`}`);
  lines.push('');
  const width = Math.max(10, ...summary.kinds.map((k) => k.kind.length));
  lines.push(`${'fault kind'.padEnd(width)}  cycles  unrecovered  worst unavailability (seed)  longest gap (seed)`);
  for (const k of summary.kinds) {
    lines.push(`${k.kind.padEnd(width)}  ${String(k.cycles).padStart(6)}  ${String(k.unrecovered).padStart(11)}  ${withSeed(k.maxMs, k.maxMsSeed).padStart(27)}  ${withSeed(k.maxGapMs, k.maxGapSeed).padStart(18)}`);
  }
  lines.push(`${'total'.padEnd(width)}  ${String(summary.faultCycles).padStart(6)}`);
  lines.push('');
  lines.push('anomalies:');
  const nameWidth = Math.max(...anomalies.map((name) => name.length));
  for (const name of anomalies) {
    lines.push(`  ${name.padEnd(nameWidth)}  ${String(summary.anomalies[name]).padStart(7)}${invalidatingAnomalies.has(name) ? '' : '  (not invalidating)'}`);
  }
  const findings = Object.entries(summary.brokerFindings);
  lines.push(`broker findings: ${findings.length === 0 ? 'none' : findings.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  if (summary.failed.length > 0) {
    lines.push('');
    lines.push('failing runs (reports kept):');
    for (const f of summary.failed) lines.push(`  seed ${f.seed}: ${f.why}; ${f.reportDir}`);
  }
  return `${lines.join('\n')}\n`;
}

function withSeed(ms: number | null, seed: number | null): string {
  if (ms === null) return 'n/a';
  const value = ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  return `${value} (${seed})`;
}

/** `1-40` for consecutive seeds, else a comma-separated list. */
function describeSeeds(seeds: readonly number[]): string {
  const consecutive = seeds.every((seed, i) => i === 0 || seed === seeds[i - 1]! + 1);
  return consecutive && seeds.length > 2 ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(', ');
}

/** Options of runCampaign(). */
export interface CampaignOptions {
  /** Runs go on until at least this many faults were injected. */
  readonly cycles: number;
  /** The first run's seed; each next run takes the next seed. */
  readonly seedStart: number;
  /** Everything a run needs but its seed and where its report goes. */
  readonly run: Omit<ChaosRunOptions, 'seed' | 'outDir' | 'command'>;
  /** Runs the chaos test; runChaos() (a parameter so that tests can record results). */
  readonly runChaos: (options: ChaosRunOptions) => Promise<ChaosRunResult>;
  /** Where everything goes: `runs/<time>/` per run, `campaign.jsonl`, `campaign.json`, `campaign.txt`. */
  readonly outDir: string;
  /** The command that repeats one run of the campaign, with `{seed}` for its seed. */
  readonly commandTemplate?: string;
  /** Ctrl-C: the current run stops and writes its report, then the campaign stops. */
  readonly signal?: AbortSignal;
  /** Called after each run, with the runs so far. */
  readonly onRun?: (run: CampaignRun, runs: readonly CampaignRun[]) => void;
  /** Runs at most this many runs, whatever the cycles (a bound for a machine in trouble). */
  readonly runsMax?: number;
}

/**
 * A standing chaos campaign: seeded runs, one after another (seedStart, seedStart + 1, ...),
 * until at least `cycles` faults were injected. A run that failed (runFailed) keeps its whole
 * report; a passing run keeps only its verdict.json, and its line in `campaign.jsonl`. At the
 * end (or on Ctrl-C) it writes the summary (`campaign.json`) and the table (`campaign.txt`).
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  const runsDir = join(options.outDir, 'runs');
  await mkdir(runsDir, { recursive: true });
  const runs: CampaignRun[] = [];
  let cycles = 0;
  for (let seed = options.seedStart; cycles < options.cycles && runs.length < (options.runsMax ?? Infinity); seed++) {
    if (options.signal?.aborted === true) break;
    const command = options.commandTemplate?.replaceAll('{seed}', String(seed)) ?? '';
    let result: ChaosRunResult;
    try {
      result = await options.runChaos({ ...options.run, seed, outDir: runsDir, command, ...(options.signal === undefined ? {} : { signal: options.signal }) });
    } catch (err) {
      // One run's harness failure must not end a campaign of hours: it is a failing run.
      const run: CampaignRun = {
        seed, reportDir: '', kept: false, exitCode: HARNESS_ERROR, valid: false, durationMs: 0, faults: {}, operations: 0, anomalies: {}, brokerFindings: {}, unavailability: {},
        error: (err as Error).message,
      };
      runs.push(run);
      await appendFile(join(options.outDir, 'campaign.jsonl'), `${JSON.stringify(run)}\n`);
      options.onRun?.(run, runs);
      continue;
    }
    const measured = campaignRunOf(seed, result, false);
    const kept = runFailed(measured);
    const run = { ...measured, kept };
    // A passing run keeps its verdict (a few tens of KB: the figures behind the table's worst
    // cases), not its history, node logs and page.
    if (!kept) {
      for (const name of await readdir(result.reportDir).catch(() => [])) {
        if (name !== 'verdict.json') await rm(join(result.reportDir, name), { recursive: true, force: true });
      }
    }
    runs.push(run);
    cycles += Object.values(run.faults).reduce((sum, n) => sum + n, 0);
    await appendFile(join(options.outDir, 'campaign.jsonl'), `${JSON.stringify(run)}\n`);
    options.onRun?.(run, runs);
    if (result.exitCode === INTERRUPTED) break;
  }
  const summary = summarizeCampaign(runs);
  await writeFile(join(options.outDir, 'campaign.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(options.outDir, 'campaign.txt'), renderCampaignTable(summary));
  return summary;
}
