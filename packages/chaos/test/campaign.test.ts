import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { campaignRunOf, renderCampaignTable, runCampaign, runFailed, summarizeCampaign, type CampaignRun } from '../src/campaign.js';
import { check } from '../src/checker.js';
import type { RunInfo } from '../src/report.js';
import type { ChaosRunOptions, ChaosRunResult } from '../src/run.js';
import { HistoryBuilder } from './support/history-builder.js';

// Shows how a campaign adds its runs up: fault cycles by kind, operations, anomalies by kind,
// the worst unavailability and longest gap per fault kind with the seed they happened in, and
// which runs failed; and that runCampaign() goes on seed after seed until the cycles are
// reached, keeping failing runs' reports whole and only the verdict of the others. Method: two
// runs recorded by `herald chaos run` on this harness (fixtures/campaign-runs.jsonl: seed 11 of
// every kind, which found 9 duplicates and a crash and predates the gap measure; seed 5 of the
// storage and host faults, clean), and runCampaign() driven by a stand-in for runChaos() that
// returns results made by the checker.

const recorded: CampaignRun[] = [];

beforeEach(async () => {
  const text = await readFile(new URL('./fixtures/campaign-runs.jsonl', import.meta.url), 'utf8');
  recorded.splice(0, recorded.length, ...text.trimEnd().split('\n').map((line) => JSON.parse(line) as CampaignRun));
});

describe('summarizeCampaign', () => {
  it('adds up cycles, operations and anomalies, and finds the worst per fault kind', () => {
    const summary = summarizeCampaign(recorded);
    expect(summary.runs).toBe(2);
    expect(summary.seeds).toEqual([11, 5]);
    expect(summary.faultCycles).toBe(21);
    expect(summary.operations).toBe(41_069 + 47_243);
    expect(summary.kinds.map((k) => [k.kind, k.cycles])).toEqual([
      ['disk-full', 5], ['fsync-error', 5], ['slow', 3], ['wipe', 3], ['slow-disk', 2], ['corrupt', 1], ['pause', 1], ['wal-tail', 1],
    ]);
    const diskFull = summary.kinds.find((k) => k.kind === 'disk-full')!;
    expect(diskFull).toMatchObject({ maxMsSeed: 5, maxGapSeed: 5, unrecovered: 0 });
    expect(Math.round(diskFull.maxMs!)).toBe(1_093);
    expect(Math.round(diskFull.maxGapMs!)).toBe(1_794);
    // The worst unavailability of fsync-error was in seed 11, its longest gap in seed 5 (seed
    // 11's report had no gaps yet).
    const fsync = summary.kinds.find((k) => k.kind === 'fsync-error')!;
    expect([fsync.maxMsSeed, fsync.maxGapSeed]).toEqual([11, 5]);
    expect(summary.kinds.find((k) => k.kind === 'corrupt')).toMatchObject({ maxGapMs: null, maxGapSeed: null });
    expect(summary.anomalies.duplicated).toBe(9);
    expect(summary.anomalies.unknown).toBe(9);
    expect(summary.anomalies.lost).toBe(0);
    expect(summary.invalidating).toBe(9);
    expect(summary.brokerFindings).toEqual({ crash: 1 });
    expect(summary.failed).toEqual([{ seed: 11, reportDir: 'chaos-campaign/runs/seed-11', why: 'duplicated 9, crash 1' }]);
  });

  it('is clean over clean runs, and empty over none', () => {
    const clean = summarizeCampaign([recorded[1]!]);
    expect(clean.invalidating).toBe(0);
    expect(clean.failed).toEqual([]);
    expect(summarizeCampaign([])).toMatchObject({ runs: 0, faultCycles: 0, kinds: [], failed: [] });
  });

  it('counts an interrupted run\'s cycles but not its anomalies, which a drain and final read would have settled', () => {
    const interrupted = { ...recorded[1]!, seed: 6, exitCode: 130, valid: false, anomalies: { 'queue-unacked': 1_557 } };
    const summary = summarizeCampaign([recorded[1]!, interrupted]);
    expect(summary.faultCycles).toBe(20);
    expect(summary.anomalies['queue-unacked']).toBe(0);
    expect(summary.failed).toEqual([{ seed: 6, reportDir: 'chaos-campaign/runs/seed-5', why: 'interrupted, not checked' }]);
  });

  it('counts a run with a finding against the broker as failed, though its verdict is valid', () => {
    const crashed = { ...recorded[1]!, brokerFindings: { 'not-converged': 1 } };
    expect(runFailed(recorded[1]!)).toBe(false);
    expect(runFailed(crashed)).toBe(true);
    expect(summarizeCampaign([crashed]).failed[0]?.why).toBe('not-converged 1');
  });
});

describe('renderCampaignTable', () => {
  it('prints runs, cycles by kind with the worst figures and their seeds, anomalies and failing runs', () => {
    const lines = renderCampaignTable(summarizeCampaign(recorded)).split('\n');
    expect(lines[0]).toBe('chaos campaign: 2 runs (seeds 11, 5), 21 fault cycles, 88,312 operations, 4.9 min of history');
    expect(lines[1]).toBe('verdict: 1 failing run(s)');
    expect(lines).toContainEqual(expect.stringMatching(/^disk-full\s+5\s+0\s+1093 ms \(5\)\s+1794 ms \(5\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^corrupt\s+1\s+0\s+4297 ms \(11\)\s+n\/a$/));
    expect(lines).toContainEqual(expect.stringMatching(/^total\s+21$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}duplicated\s+9$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}unknown\s+9 {2}\(not invalidating\)$/));
    expect(lines).toContain('broker findings: crash 1');
    expect(lines).toContain('  seed 11: duplicated 9, crash 1; chaos-campaign/runs/seed-11');
  });

  it('says CLEAN when nothing failed, and names a range of consecutive seeds', () => {
    const runs = [3, 4, 5].map((seed) => ({ ...recorded[1]!, seed }));
    const text = renderCampaignTable(summarizeCampaign(runs));
    expect(text).toMatch(/^chaos campaign: 3 runs \(seeds 3-5\), 30 fault cycles/);
    expect(text.split('\n')[1]).toBe('verdict: CLEAN');
  });
});

describe('campaignRunOf', () => {
  it('keeps counts, operations, nonzero anomalies, broker findings and per-kind worst figures of a result', () => {
    const h = new HistoryBuilder()
      .fault('kill', 'start', 100, '2')
      .send('p1', 0, 'p1-0', { type: 'ok', offset: 0 }, { invokeAt: 101, doneAt: 400 })
      .send('p2', 0, 'p2-0', { type: 'info' }, { invokeAt: 102, doneAt: 500 })
      .fault('kill', 'end', 600, '2')
      .poll('c1', [{ partition: 0, offset: 0, value: 'p1-0' }, { partition: 0, offset: 1, value: 'never-sent' }]);
    const verdict = check(h.events);
    const run = { faultCounts: { kill: 1, pause: 0 }, findings: [{ time: 1, kind: 'crash', message: 'x' }, { time: 2, kind: 'fault-exit', message: 'y' }] } as unknown as RunInfo;
    const kept = campaignRunOf(9, { reportDir: '/r', verdict, run, exitCode: 1 }, true);
    expect(kept).toMatchObject({ seed: 9, reportDir: '/r', kept: true, exitCode: 1, valid: false, faults: { kill: 1 }, operations: 3, brokerFindings: { crash: 1 } });
    expect(kept.anomalies).toEqual({ unexpected: 1, unknown: 1 });
    expect(kept.unavailability).toEqual({ kill: { maxMs: 300, maxGapMs: 300, unrecovered: 0 } });
  });
});

describe('runCampaign', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'herald-campaign-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  /** A stand-in for runChaos(): 4 kills per run, and seed 3's run finds a lost write. */
  function fakeRunChaos(seen: ChaosRunOptions[]): (options: ChaosRunOptions) => Promise<ChaosRunResult> {
    return async (options) => {
      seen.push(options);
      const reportDir = join(options.outDir, `seed-${options.seed}`);
      await mkdir(reportDir, { recursive: true });
      await writeFile(join(reportDir, 'history.jsonl'), '');
      await writeFile(join(reportDir, 'verdict.json'), '{}');
      const h = new HistoryBuilder().send('p1', 0, 'p1-0', { type: 'ok', offset: 0 }, { invokeAt: 10, doneAt: 20 });
      for (let i = 1; i <= 4; i++) h.fault('kill', 'start', i * 1_000, '1').fault('kill', 'end', i * 1_000 + 500, '1');
      h.poll('c1', [options.seed === 3 ? { partition: 0, offset: 1, value: 'other' } : { partition: 0, offset: 0, value: 'p1-0' }], { final: true });
      const verdict = check(h.events);
      const run = { faultCounts: { kill: 4 }, findings: [] } as unknown as RunInfo;
      return { reportDir, verdict, run, exitCode: verdict.valid ? 0 : 1 };
    };
  }

  it('runs seed after seed until the cycles are reached, and keeps only failing reports', async () => {
    const seen: ChaosRunOptions[] = [];
    const lines: number[] = [];
    const summary = await runCampaign({
      cycles: 10,
      seedStart: 2,
      run: { nodes: 3, durationMs: 1_000, faults: ['kill'], partitions: 1, producers: 1, launcher: () => ({ command: 'none', args: [] }) },
      runChaos: fakeRunChaos(seen),
      outDir: out,
      commandTemplate: 'herald chaos run --seed {seed}',
      onRun: (_run, runs) => lines.push(runs.length),
    });
    // 4 cycles a run: three runs reach 10.
    expect(seen.map((o) => [o.seed, o.command, o.outDir])).toEqual([2, 3, 4].map((seed) => [seed, `herald chaos run --seed ${seed}`, join(out, 'runs')]));
    expect(lines).toEqual([1, 2, 3]);
    expect(summary).toMatchObject({ runs: 3, seeds: [2, 3, 4], faultCycles: 12 });
    expect(summary.failed.map((f) => [f.seed, f.why])).toEqual([[3, 'lost 1, unexpected 1']]);
    expect(await readdir(join(out, 'runs', 'seed-2'))).toEqual(['verdict.json']);
    expect((await readdir(join(out, 'runs', 'seed-3'))).sort()).toEqual(['history.jsonl', 'verdict.json']);
    expect(await readdir(join(out, 'runs', 'seed-4'))).toEqual(['verdict.json']);
    const jsonl = (await readFile(join(out, 'campaign.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as CampaignRun);
    expect(jsonl.map((run) => [run.seed, run.kept])).toEqual([[2, false], [3, true], [4, false]]);
    expect(JSON.parse(await readFile(join(out, 'campaign.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(await readFile(join(out, 'campaign.txt'), 'utf8')).toBe(renderCampaignTable(summary));
  });

  it('goes on after a run whose harness threw, and counts it as failed', async () => {
    const seen: ChaosRunOptions[] = [];
    const runs = fakeRunChaos(seen);
    const summary = await runCampaign({
      cycles: 8,
      seedStart: 1,
      run: { nodes: 3, durationMs: 1_000, faults: ['kill'], partitions: 1, producers: 1, launcher: () => ({ command: 'none', args: [] }) },
      runChaos: async (options) => {
        if (options.seed === 1) throw new Error('node 3 is already starting');
        return runs(options);
      },
      outDir: out,
    });
    expect(summary.seeds).toEqual([1, 2, 3]);
    expect(summary.failed.map((f) => [f.seed, f.why])).toEqual([[1, 'harness error: node 3 is already starting'], [3, 'lost 1, unexpected 1']]);
  });

  it('stops at runsMax, and before the first run when already interrupted', async () => {
    const seen: ChaosRunOptions[] = [];
    const base = { cycles: 1_000, seedStart: 1, run: { nodes: 3, durationMs: 1_000, faults: ['kill' as const], partitions: 1, producers: 1, launcher: () => ({ command: 'none', args: [] }) }, runChaos: fakeRunChaos(seen), outDir: out };
    expect((await runCampaign({ ...base, runsMax: 2 })).runs).toBe(2);
    const abort = new AbortController();
    abort.abort();
    expect((await runCampaign({ ...base, signal: abort.signal })).runs).toBe(0);
    expect(seen).toHaveLength(2);
  });
});
