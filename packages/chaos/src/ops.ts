// The operations scenario (issue #16): what an operator does to a live cluster, run under the
// chaos harness's workload and judged by its checker. A three-node cluster starts under the usual
// load; then, one step at a time: upgrade from the previous release's build node by node, grow to
// five nodes, rebalance, decommission node 1, roll every node. Each step is recorded in the
// history as a `fault` window, so the checker measures what it cost the producers as it does for
// a fault, and the final reads of every partition from every remaining node close the run.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeraldClient } from '@herald/client';
import type { Verdict } from './checker.js';
import { FindingKind, brokerFindingKinds } from './faults.js';
import { readHistory, type HistoryEvent } from './history.js';
import type { NodeLauncher } from './node-processes.js';
import { runChaos, type ChaosRunOptions, type ChaosRunResult, type ScenarioContext } from './run.js';
import { sleep } from './workload.js';

/**
 * The steps, in the order they run. The upgrade comes first although an operator may do it at
 * any time: the membership steps need metadata feature level 3, which a node of the previous
 * release does not support (the first of them is refused until every node runs this build), and
 * once they finalized it no node of the previous release may join again (docs/operations.md,
 * "Feature levels"), so the upgrade cannot follow them.
 */
export const OpsStep = { Upgrade: 'upgrade', Grow: 'grow', Rebalance: 'rebalance', Decommission: 'decommission', Roll: 'roll' } as const;
export type OpsStep = (typeof OpsStep)[keyof typeof OpsStep];
export const opsSteps: readonly OpsStep[] = Object.values(OpsStep);

/** Parses a comma-separated list of steps (or `all`); they always run in opsSteps' order. */
export function parseOpsSteps(list: string): OpsStep[] {
  const names = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 1 && names[0] === 'all') return [...opsSteps];
  if (names.length === 0) throw new RangeError(`needs at least one step of ${opsSteps.join(', ')}, or all`);
  for (const name of names) {
    if (!(opsSteps as readonly string[]).includes(name)) throw new RangeError(`unknown step "${name}"; steps are ${opsSteps.join(', ')}, or all`);
  }
  if (new Set(names).size !== names.length) throw new RangeError('names a step twice');
  return opsSteps.filter((step) => names.includes(step));
}

/** A node as `herald node add` takes it. */
export interface NodeAddress {
  readonly id: number;
  readonly host: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly kafkaPort?: number;
}

/**
 * How each operation is carried out: the CLI passes the code of its own commands (`node add`,
 * `cluster rebalance`, `node decommission`, `cluster roll`), so that the scenario tests what an
 * operator runs; @herald/chaos never imports the CLI. Each resolves with a note for the report
 * and throws when the operation failed or did not finish in time.
 */
export interface ClusterOperator {
  /** Adds a node started with `--join`, and waits until it votes in the meta group. */
  add(client: HeraldClient, node: NodeAddress): Promise<string>;
  /** Evens out replicas and preferred leaders over the nodes, and waits for the moves. */
  rebalance(client: HeraldClient): Promise<string>;
  /** Moves every replica off node `id`, waits, and removes it from the cluster; `connect` makes
   *  a client of the run for other brokers (to ask the other nodes whether it left). */
  decommission(client: HeraldClient, id: number, connect: (brokers: string[]) => Promise<HeraldClient>): Promise<string>;
  /** Restarts `nodes` one at a time by Strimzi's rule; `restart` stops a node and starts it. */
  roll(client: HeraldClient, nodes: readonly number[], restart: (id: number) => Promise<void>): Promise<string>;
}

/** Options of runOps(): a chaos run's, but its cluster and faults, which the scenario sets. */
export interface OpsRunOptions extends Omit<ChaosRunOptions, 'nodes' | 'faults' | 'durationMs' | 'scenario' | 'schedule'> {
  readonly steps: readonly OpsStep[];
  readonly operator: ClusterOperator;
  /** Starts a node on the previous release's build: the cluster's first three nodes start on it
   *  and the upgrade step moves them to `launcher`'s build. Absent: the upgrade step is skipped. */
  readonly releaseLauncher?: NodeLauncher;
  /** The nodes the roll step restarts (`herald cluster roll --nodes`); every member by default. */
  readonly rollNodes?: readonly number[];
  /** The steady load before the first step, between steps and after the last; default 5 s (the
   *  checker's AFTER_FAULT_MS, so that a step's window of consequences is its own). */
  readonly pauseMs?: number;
}

/** One step as it ran. */
export interface StepRun {
  readonly step: OpsStep;
  /** What it acted on, e.g. `nodes 4,5`. */
  readonly target: string;
  readonly startMs: number;
  readonly endMs: number;
  /** The operator's note, or why it failed. */
  readonly note: string;
  readonly ok: boolean;
}

/** A step with what the producers saw meanwhile. */
export interface StepFigures extends StepRun {
  /** The checker's figures for the step's window (FaultAvailability): from its start to the
   *  first acknowledgement of a send invoked after it, on the worst-hit partition, and the
   *  longest time without an acknowledgement from its start until 5 s after its end. */
  readonly unavailableMs: number | null;
  readonly longestGapMs: number | null;
  /** Sends completed within the step's window, by outcome. */
  readonly sends: { readonly ok: number; readonly failed: number; readonly unknown: number };
}

/** What runOps() found: the chaos run's result and the steps. */
export interface OpsRunResult extends ChaosRunResult {
  readonly steps: readonly StepFigures[];
  /** Steps asked for and not run, with why. */
  readonly skippedSteps: readonly { readonly step: OpsStep; readonly reason: string }[];
}

/** The first nodes; the grow step adds the next two. */
const FIRST_NODES = 3;
const ADDED_NODES = 2;
/** The node the decommission step empties and removes. */
const DECOMMISSIONED = 1;
/** How long a step waits for every partition to be led with a full ISR before it begins. */
const WHOLE_WAIT_MS = 60_000;
const READY_WAIT_MS = 60_000;

/**
 * Runs the operations scenario under the chaos harness (runChaos with a Scenario): starts three
 * nodes (on the previous release's build when the upgrade step runs), the workload, then the
 * steps asked for, in opsSteps' order, each after the cluster is whole again and a pause of
 * steady load; then the harness's heal, drain, final reads and checker. A step that fails is an
 * `operation` finding and ends the scenario (the run is still checked). Writes `ops.json` beside
 * the report. Exit code 0 only when the chaos run's is, every step asked for ran and succeeded
 * (the upgrade may be skipped for want of a release build), and no finding points at the broker.
 */
export async function runOps(options: OpsRunOptions): Promise<OpsRunResult> {
  const { steps: asked, operator, releaseLauncher, rollNodes, pauseMs = 5_000, ...chaos } = options;
  const skippedSteps: { step: OpsStep; reason: string }[] = [];
  const steps = asked.filter((step) => {
    if (step !== OpsStep.Upgrade || releaseLauncher !== undefined) return true;
    skippedSteps.push({ step, reason: 'no previous release build given (--release <dir>; scripts/build-release.sh <commit> builds one)' });
    return false;
  });
  for (const { step, reason } of skippedSteps) chaos.onEvent?.(`${step} skipped: ${reason}`);
  // Nodes that run the previous release: the first three until the upgrade step moves each.
  const onRelease = new Set<number>(steps.includes(OpsStep.Upgrade) ? Array.from({ length: FIRST_NODES }, (_, i) => i + 1) : []);
  const launcher: NodeLauncher = (spec) => (onRelease.has(spec.id) && releaseLauncher !== undefined ? releaseLauncher(spec) : chaos.launcher(spec));
  const runs: StepRun[] = [];

  const scenario = async (ctx: ScenarioContext): Promise<void> => {
    const restart = async (id: number): Promise<void> => {
      await ctx.nodes.stop(id);
      onRelease.delete(id);
      await ctx.startNode(id);
      if (!(await ctx.waitReady(id, READY_WAIT_MS))) throw new Error(`node ${id} was not ready ${READY_WAIT_MS / 1000} s after its restart`);
    };
    const actions: Record<OpsStep, { target: () => string; run: () => Promise<string> }> = {
      [OpsStep.Upgrade]: {
        target: () => `nodes ${[...onRelease].join(',')}`,
        run: () => operator.roll(ctx.admin, [...onRelease], restart),
      },
      [OpsStep.Grow]: {
        target: () => `nodes ${added().join(',')}`,
        run: async () => {
          const notes: string[] = [];
          for (const id of added()) {
            // Not ready (it knows no controller) until the cluster admits it: added while it starts.
            await ctx.startNode(id);
            ctx.members.add(id);
            notes.push(await operator.add(ctx.admin, { id, ...ctx.address(id) }));
            if (!(await ctx.waitReady(id, READY_WAIT_MS))) throw new Error(`node ${id} was not ready ${READY_WAIT_MS / 1000} s after it was added`);
          }
          return notes.join('; ');
        },
      },
      [OpsStep.Rebalance]: { target: () => 'every partition', run: () => operator.rebalance(ctx.admin) },
      [OpsStep.Decommission]: {
        target: () => `node ${DECOMMISSIONED}`,
        run: async () => {
          const note = await operator.decommission(ctx.admin, DECOMMISSIONED, async (brokers) => new HeraldClient({ ...ctx.cluster, brokers, callTimeoutMs: 10_000 }));
          ctx.members.delete(DECOMMISSIONED);
          await ctx.nodes.stop(DECOMMISSIONED);
          return note;
        },
      },
      [OpsStep.Roll]: {
        target: () => `nodes ${rolled().join(',')}`,
        run: () => {
          const strangers = rolled().filter((id) => !ctx.members.has(id));
          if (strangers.length > 0) throw new Error(`node ${strangers.join(', ')} is not a member of the cluster (nodes ${[...ctx.members].join(', ')})`);
          return operator.roll(ctx.admin, rolled(), restart);
        },
      },
    };
    const added = (): number[] => Array.from({ length: ADDED_NODES }, (_, i) => FIRST_NODES + i + 1);
    const rolled = (): number[] => [...(rollNodes ?? ctx.members)].sort((a, b) => a - b);

    for (const step of steps) {
      await sleep(pauseMs, ctx.signal);
      if (ctx.signal.aborted) return;
      // An operator begins a step on a whole cluster.
      if (!(await ctx.waitInSync(WHOLE_WAIT_MS))) {
        ctx.addFinding({ kind: FindingKind.NotConverged, message: `some partition had no leader or a short ISR for ${WHOLE_WAIT_MS / 1000} s before the ${step} step` });
      }
      const { target, run } = actions[step];
      const name = target();
      const startMs = ctx.clock();
      await ctx.record({ time: startMs, type: 'fault', name: step, phase: 'start', target: name });
      ctx.emit(`${(startMs / 1000).toFixed(1)} s ${step} ${name}`);
      let note: string;
      let ok = true;
      try {
        note = await run();
      } catch (err) {
        ok = false;
        note = err instanceof Error ? err.message : String(err);
      }
      const endMs = ctx.clock();
      await ctx.record({ time: endMs, type: 'fault', name: step, phase: 'end', target: name });
      runs.push({ step, target: name, startMs, endMs, note, ok });
      ctx.emit(`${(endMs / 1000).toFixed(1)} s ${step} ${ok ? 'done' : 'FAILED'} in ${((endMs - startMs) / 1000).toFixed(1)} s: ${note}`);
      if (!ok) {
        if (!ctx.signal.aborted) ctx.addFinding({ kind: FindingKind.Operation, message: `the ${step} step (${name}) failed: ${note}` });
        return;
      }
    }
    await sleep(pauseMs, ctx.signal);
  };

  const result = await runChaos({
    ...chaos,
    launcher,
    nodes: FIRST_NODES,
    faults: [],
    durationMs: 0,
    scenario: { name: `the steps ${steps.join(', ')}`, spareNodes: steps.includes(OpsStep.Grow) ? ADDED_NODES : 0, run: scenario },
  });
  const figures = stepFigures(runs, result.verdict, await readHistory(join(result.reportDir, 'history.jsonl')));
  await writeFile(join(result.reportDir, 'ops.json'), `${JSON.stringify({ steps: figures, skippedSteps }, null, 2)}\n`);
  const allRan = runs.length === steps.length && runs.every((r) => r.ok);
  const brokerFindings = result.run.findings.some((f) => brokerFindingKinds.has(f.kind));
  const exitCode = result.exitCode !== 0 ? result.exitCode : allRan && !brokerFindings ? 0 : 1;
  return { ...result, exitCode, steps: figures, skippedSteps };
}

/** Each step with the checker's unavailability of its window and the sends completed in it. */
export function stepFigures(runs: readonly StepRun[], verdict: Verdict, history: readonly HistoryEvent[]): StepFigures[] {
  return runs.map((run) => {
    const window = verdict.availability.faults.find((f) => f.name === run.step && f.startMs === run.startMs);
    const sends = { ok: 0, failed: 0, unknown: 0 };
    for (const event of history) {
      if (event.type === 'fault' || event.type === 'leader' || event.f !== 'send' || event.time < run.startMs || event.time > run.endMs) continue;
      if (event.type === 'ok') sends.ok += 1;
      else if (event.type === 'fail') sends.failed += 1;
      else if (event.type === 'info') sends.unknown += 1;
    }
    return { ...run, unavailableMs: window?.unavailableMs ?? null, longestGapMs: window?.longestGapMs ?? null, sends };
  });
}

/** The steps as a table for the terminal and the docs. */
export function renderStepTable(steps: readonly StepFigures[], skipped: OpsRunResult['skippedSteps'] = []): string {
  const ms = (value: number | null): string => (value === null ? 'not recovered' : `${Math.round(value)} ms`);
  const rows = [
    ['step', 'target', 'took', 'first ack after start', 'longest gap', 'sends ok', 'failed', 'unknown', 'result'],
    ...steps.map((s) => [s.step, s.target, `${((s.endMs - s.startMs) / 1000).toFixed(1)} s`, ms(s.unavailableMs), ms(s.longestGapMs), String(s.sends.ok), String(s.sends.failed), String(s.sends.unknown), s.ok ? 'ok' : 'FAILED']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  const notes = steps.map((s) => `  ${s.step}: ${s.note}`);
  const skips = skipped.map((s) => `  ${s.step} skipped: ${s.reason}`);
  return `${[...lines, ...notes, ...skips].join('\n')}\n`;
}
