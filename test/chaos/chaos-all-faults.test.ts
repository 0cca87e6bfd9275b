// Shows that nothing acknowledged is lost, duplicated, reordered, unexpected or inconsistent, and
// that the consumer group and the queue subscription keep their guarantees, under every kind of
// fault the harness injects, the storage and host faults included: a cut or damaged
// write-ahead-log tail, a full disk, fsync failing with EIO, fsync stalling for seconds, a wall
// clock jumping minutes either way; and that clients of the other protocols keep theirs under
// the same faults: kafkajs idempotent producers and a kafkajs consumer group (checked by the same
// rules as the SDK's), mqtt.js QoS 1 publishers and a persistent-session subscriber (no
// acknowledged publish lost), half messages committed, rolled back or left to a check-back
// (never visible before a commit, once after it, never after a rollback). The transaction
// workload runs in test/chaos/chaos-run.test.ts (kill, pause, partition) and in every campaign
// run; it is left out here to keep this run's load, and so its fault count, as it was. Method:
// the CLI as a user runs it, `herald chaos run --duration 3m --faults all --workloads
// kafka,mqtt,half --seed 77` on 3
// real nodes (seed 77 draws 12 of the 14 kinds, the five storage and host faults among them
// within its first 60 s); its --json result is checked.
// Host faults this machine cannot inject are left out by the harness, and said so; under CI,
// only disk-full may be (it needs root), since CI installs strace and libfaketime
// (scripts/lib/ensure-host-faults.sh). Replays with:
// herald chaos run --duration 3m --faults all --workloads kafka,mqtt,half --seed 77
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanRun, runChaosCli, type RunJson } from '../support/chaos-cli.js';

const SEED = 77;
const NEW_KINDS = ['wal-tail', 'disk-full', 'fsync-error', 'slow-disk', 'clock-jump'];

let outDir: string;
let code: number | null;
let result: RunJson;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'herald-chaos-all-'));
  ({ code, result } = await runChaosCli(['--nodes', '3', '--duration', '3m', '--faults', 'all', '--workloads', 'kafka,mqtt,half', '--seed', String(SEED)], outDir, 590_000));
}, 600_000);

afterAll(async () => {
  // Kept on failure for a person to read (the path is in the failure message); removed otherwise.
  if (result?.exitCode === 0) await rm(outDir, { recursive: true, force: true });
});

describe('herald chaos run, 3 min of every fault kind on 3 nodes', () => {
  it('finds no anomaly, and reads every partition to its end from every node', () => {
    expectCleanRun(code, result, 3, 1_000);
  });

  it('injected the storage and host faults this machine can, and writes resumed after every fault', () => {
    const context = `report in ${result.reportDir}`;
    const leftOut = result.faultsUnavailable.map((u) => u.kind);
    if (process.env.CI !== undefined) expect(leftOut.filter((kind) => kind !== 'disk-full'), `${JSON.stringify(result.faultsUnavailable)}`).toEqual([]);
    for (const kind of NEW_KINDS.filter((k) => !leftOut.includes(k))) expect(result.faultCounts[kind], `${kind} faults; ${context}`).toBeGreaterThan(0);
    expect(result.faultsInjected).toBeGreaterThanOrEqual(12);
    for (const fault of result.faults) {
      expect(fault.recovered, `writes resumed after ${fault.name} ${fault.target ?? ''} at ${fault.startMs} ms; ${context}`).toBe(true);
    }
    // A node stops only when the harness stops it, or on the storage failure a disk fault
    // injected (fault-exit); no crash, no cluster that would not heal, no consumer that could
    // not catch up.
    const brokerFindings = result.findings.filter((f) => ['crash', 'crash-loop', 'not-ready', 'not-converged', 'final-read', 'drain'].includes(f.kind));
    expect(brokerFindings, context).toEqual([]);
  });

  it('had the Kafka, MQTT and half-message clients work through the faults', () => {
    const context = `report in ${result.reportDir}`;
    // kafkajs: its group is the second group of the topic, and consumed every acknowledged send.
    const kafka = result.groups.find((g) => g.group === 'chaos-kafka-group');
    expect(kafka, context).toBeDefined();
    expect(kafka!.distinct, context).toBeGreaterThanOrEqual(result.sends.ok);
    expect(kafka!.final?.offsets, context).toEqual(kafka!.final?.endOffsets);
    // mqtt.js: publishes acknowledged, every one received (mqtt-lost is zero above).
    expect(result.mqtt?.publishes.ok, context).toBeGreaterThan(20);
    expect(result.mqtt?.drained, context).toBe(true);
    // Half messages: committed by producers and by check-backs, the topic read to its end.
    expect(result.halves?.sends.ok, context).toBeGreaterThan(10);
    expect(result.halves?.checkAnswers.commit, context).toBeGreaterThan(0);
    expect(result.halves?.listed?.['committed by producer'], context).toBeGreaterThan(0);
    expect(result.halves?.listed?.pending ?? 0, context).toBe(0);
    expect(result.halves?.finalRead, context).toBe(true);
  });
});
