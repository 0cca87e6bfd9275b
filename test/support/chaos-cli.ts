import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { herald } from './herald-cli.js';

/** The invalidating anomalies: each must be zero in a passing run. */
const MUST_BE_ZERO = [
  'lost', 'duplicated', 'unexpected', 'nonmonotonic-send', 'inconsistent-offsets', 'G1a', 'lost-on-node',
  'group-offset-regressed', 'group-behind', 'group-unconsumed',
  'queue-redelivered-after-ack', 'queue-nonmonotonic-delivery', 'queue-unacked',
  'mqtt-lost', 'mqtt-unexpected', 'mqtt-reordered',
  'half-visible-before-commit', 'half-visible-after-rollback', 'half-duplicated', 'half-lost-commit',
  'txn-aborted-read', 'txn-torn', 'txn-lost-commit', 'txn-duplicated', 'txn-unprocessed', 'txn-cycle',
] as const;

interface Outcomes {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  pending: number;
}

/** What `herald chaos run --json` prints (the parts the tests read). */
export interface RunJson {
  valid: boolean;
  exitCode: number;
  command: string;
  reportDir: string;
  counts: Record<string, number>;
  sends: Outcomes;
  groups: {
    group: string;
    consumed: number;
    distinct: number;
    processedTwice: number;
    commits: Outcomes;
    offsetReads: Outcomes;
    final: { offsets: { partition: number; offset: number }[]; endOffsets: { partition: number; offset: number }[] } | null;
  }[];
  queues: { subscription: string; deliveries: Outcomes; redeliveries: number; distinct: number; acks: Outcomes; nacks: Outcomes; deadLettered: number | null }[];
  /** With --workloads mqtt. */
  mqtt: { publishes: Outcomes; received: number; distinct: number; duplicates: number; drained: boolean } | null;
  /** With --workloads half. */
  halves: { sends: Outcomes; ends: Outcomes; checkAnswers: Record<'commit' | 'rollback' | 'unknown', number>; listed: Record<string, number> | null; visible: number; finalRead: boolean } | null;
  /** With --workloads txn. */
  txns: {
    invoked: { write: number; process: number };
    committed: number;
    aborted: number;
    failed: number;
    unknown: number;
    unknownCommitted: number;
    recordsRead: number;
    inputs: number;
    processedOnce: number;
    dependencies: number;
    finalRead: boolean;
  } | null;
  faultsInjected: number;
  faultCounts: Record<string, number>;
  faultsUnavailable: { kind: string; reason: string }[];
  faults: { name: string; target?: string; startMs: number; endMs: number; unavailableMs: number | null; longestGapMs: number | null; recovered: boolean }[];
  unavailability: { medianMs: number | null; maxMs: number | null; unrecoveredFaults: number };
  leaderChanges: number;
  findings: { time: number; kind: string; message: string }[];
  finalRead: { complete: boolean } | null;
  replicaReads: { node: number; result: { complete: boolean } }[];
}

/** One step of `herald chaos ops --json` (packages/chaos/src/ops.ts StepFigures). */
export interface OpsStepJson {
  step: string;
  target: string;
  startMs: number;
  endMs: number;
  note: string;
  ok: boolean;
  unavailableMs: number | null;
  longestGapMs: number | null;
  sends: { ok: number; failed: number; unknown: number };
}

/** What `herald chaos ops --json` prints: a run's verdict and reads, and the steps. */
export type OpsJson = Pick<RunJson, 'valid' | 'exitCode' | 'command' | 'reportDir' | 'counts' | 'sends' | 'groups' | 'queues' | 'findings' | 'finalRead' | 'replicaReads'> & {
  steps: OpsStepJson[];
  skippedSteps: { step: string; reason: string }[];
};

/**
 * Runs `herald chaos <command> <args> --out <outDir> --json` (`run`, or `ops`) as a user does
 * (the compiled CLI), and parses what it prints; its stderr goes to `<outDir>/cli-stderr.log`.
 * Throws with the end of stderr when it printed no JSON, or when it outlives `timeoutMs`.
 */
export async function runChaosCli<T = RunJson>(args: readonly string[], outDir: string, timeoutMs: number, command: 'run' | 'ops' = 'run'): Promise<{ code: number | null; result: T }> {
  const run = await herald(['chaos', command, ...args, '--out', outDir, '--json'], { timeoutMs });
  await writeFile(join(outDir, 'cli-stderr.log'), run.stderr);
  try {
    return { code: run.code, result: JSON.parse(run.stdout) as T };
  } catch {
    throw new Error(`herald chaos ${command} printed no JSON (exit ${run.code}); its stderr:\n${run.stderr.slice(-4_000)}`);
  }
}

/**
 * Asserts a clean run: no invalidating anomaly, a valid verdict, the final read and every node's
 * own read complete, exit code 0 (from the result and from the process), and more than
 * `sendsMin` sends acknowledged (the workload really ran). Failures name the report and the
 * command that repeats the run.
 */
export function expectCleanRun(code: number | null, result: Pick<RunJson, 'valid' | 'exitCode' | 'command' | 'reportDir' | 'counts' | 'sends' | 'finalRead' | 'replicaReads'>, nodes: number, sendsMin: number): void {
  const context = `report in ${result.reportDir}; repeat with: ${result.command}`;
  for (const anomaly of MUST_BE_ZERO) expect(result.counts[anomaly], `${anomaly}; ${context}`).toBe(0);
  expect(result.valid, context).toBe(true);
  expect(result.finalRead?.complete, `final read; ${context}`).toBe(true);
  expect(result.replicaReads.map((r) => r.result.complete), `each node's own copy; ${context}`).toEqual(Array.from({ length: nodes }, () => true));
  expect(result.exitCode, context).toBe(0);
  expect(code, context).toBe(0);
  expect(result.sends.ok).toBeGreaterThan(sendsMin);
}
