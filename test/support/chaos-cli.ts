import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, and the CLI's source entry (run under tsx, as a user runs `pnpm herald`). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliEntry = join(repoRoot, 'packages/cli/src/main.ts');

/** The invalidating anomalies: each must be zero in a passing run. */
export const MUST_BE_ZERO = [
  'lost', 'duplicated', 'unexpected', 'nonmonotonic-send', 'inconsistent-offsets', 'G1a', 'lost-on-node',
  'group-offset-regressed', 'group-behind', 'group-unconsumed',
  'queue-redelivered-after-ack', 'queue-nonmonotonic-delivery', 'queue-unacked',
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

/**
 * Runs `herald chaos run <args> --out <outDir> --json` as a user does, and parses what it
 * prints; its stderr goes to `<outDir>/cli-stderr.log`. Throws with the end of stderr when it
 * printed no JSON.
 */
export async function runChaosCli(args: readonly string[], outDir: string): Promise<{ code: number | null; result: RunJson }> {
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@herald/source', cliEntry, 'chaos', 'run', ...args, '--out', outDir, '--json'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
  await writeFile(join(outDir, 'cli-stderr.log'), run.stderr);
  try {
    return { code: run.code, result: JSON.parse(run.stdout) as RunJson };
  } catch {
    throw new Error(`herald chaos run printed no JSON (exit ${run.code}); its stderr:\n${run.stderr.slice(-4_000)}`);
  }
}
