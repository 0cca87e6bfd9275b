// Shows that Kafka-style transactions keep their guarantees under kill -9, SIGSTOP and network
// partitions: no read-committed reader sees a record of a transaction that did not commit
// (aborted read), none sees part of a committed one (torn), no acknowledged commit loses a
// record, every input of the read-process-write processors is in the committed output exactly
// once, and the processors' write-read dependencies have no cycle (G1c). Method: the CLI as a
// user runs it, `herald chaos run --workloads txn` on 3 real nodes for 60 s (seed 16: pause,
// partition, kill, partition, pause, partition, pause; the last may fall out of time), with one
// plain producer and without the group and queue workloads to keep it short; its --json result
// is checked (txn-checks.ts). Replays with:
// herald chaos run --duration 60s --faults kill,pause,partition --seed 16 --producers 1 --no-group --no-queue --workloads txn
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRun, runChaosCli, type RunJson } from '../support/chaos-cli.js';

const SEED = 16;
const FAULTS = ['kill', 'pause', 'partition'];

let outDir: string;
let code: number | null;
let result: RunJson;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'herald-chaos-txn-'));
  const args = ['--nodes', '3', '--duration', '60s', '--faults', FAULTS.join(','), '--seed', String(SEED), '--producers', '1', '--no-group', '--no-queue', '--workloads', 'txn'];
  ({ code, result } = await runChaosCli(args, outDir, 290_000));
}, 300_000);

afterAll(async () => {
  // Kept on failure for a person to read (the path is in the failure message); removed otherwise.
  if (result?.exitCode === 0) await rm(outDir, { recursive: true, force: true });
});

describe('herald chaos run --workloads txn, 60 s of kill, pause and partition on 3 nodes', () => {
  it('finds no transaction anomaly and nothing else wrong', () => {
    expectCleanRun(code, result, 3, 100);
    expect(result.findings.filter((f) => f.kind === 'drain'), `report in ${result.reportDir}`).toEqual([]);
  });

  it('ran both kinds of transaction, committed, aborted and processed every input once', () => {
    const context = `report in ${result.reportDir}`;
    const txns = result.txns!;
    expect(txns, context).not.toBeNull();
    expect(txns.finalRead, context).toBe(true);
    // Floors a loaded 2-core machine reaches (about one transaction per second per writer).
    expect(txns.invoked.write, context).toBeGreaterThan(10);
    expect(txns.invoked.process, context).toBeGreaterThan(10);
    expect(txns.committed, context).toBeGreaterThan(10);
    expect(txns.aborted, context).toBeGreaterThan(2);
    expect(txns.inputs, context).toBeGreaterThan(20);
    expect(txns.processedOnce, context).toBe(txns.inputs);
    // Processors read each other's outputs, so the graph searched for cycles has edges.
    expect(txns.dependencies, context).toBeGreaterThan(txns.invoked.process / 2);
  });

  it('injected real faults of each kind', () => {
    for (const kind of FAULTS) expect(result.faultCounts[kind], `${kind} faults; report in ${result.reportDir}`).toBeGreaterThan(0);
  });
});
