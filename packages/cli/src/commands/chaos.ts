import { randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  faultKinds,
  parseDuration,
  parseFaultKinds,
  renderKindTable,
  renderTerminalSummary,
  runChaos,
  skippedSummary,
  unavailabilityByKind,
  type ChaosProgress,
  type FaultKind,
  type NodeLauncher,
} from '@herald/chaos';
import { nodeEntry } from '../launch.js';
import { print, printJson } from '../output.js';
import { integer, LOG_LEVELS } from '../options.js';

/** The faults a run injects unless told otherwise: the three CI runs. */
const DEFAULT_FAULTS = 'kill,pause,partition';

interface RunOptions {
  nodes: string;
  duration: number;
  faults: FaultKind[];
  seed?: number;
  partitions: number;
  producers: number;
  consumers: number;
  /** False with --no-group. */
  group: boolean;
  /** False with --no-queue. */
  queue: boolean;
  rate: number;
  out: string;
  json?: boolean;
  logLevel: string;
  keepData?: boolean;
}

function duration(value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms < 1_000) throw new RangeError('must be at least 1s');
    return ms;
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function faultList(value: string): FaultKind[] {
  try {
    return parseFaultKinds(value === 'all' ? faultKinds.join(',') : value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `herald chaos run`: a Jepsen-style run against a local cluster, with a verdict and a report. */
export function registerChaos(chaos: Command, cliEntry: string): void {
  chaos
    .command('run')
    .description(
      'start a local cluster of real nodes behind controllable TCP proxies, write and read under a seeded schedule of faults, '
        + 'then check the history; writes <out>/<time>/{history.jsonl,verdict.json,report.html}. '
        + 'Exit code 0 only when nothing acknowledged was lost, duplicated, reordered, unexpected or inconsistent',
    )
    .addOption(new Option('--nodes <n>', 'cluster size').choices(['3', '5']).default('3'))
    .addOption(new Option('--duration <time>', 'how long to inject faults under load: 90s, 10m, 1m30s').default(60_000, '60s').argParser(duration))
    .addOption(new Option('--faults <list>', `comma-separated, or "all": ${faultKinds.join(', ')}`).default(parseFaultKinds(DEFAULT_FAULTS), DEFAULT_FAULTS).argParser(faultList))
    .addOption(new Option('--seed <n>', 'seed of the fault schedule (default: random, printed)').argParser(integer(0, 2 ** 31 - 1)))
    .addOption(new Option('--partitions <n>', 'partitions of the test topic').default(3).argParser(integer(1, 64)))
    .addOption(new Option('--producers <n>', 'idempotent acks-QUORUM producers, each writing to every partition').default(3).argParser(integer(1, 32)))
    .addOption(new Option('--consumers <n>', 'consumers reading every partition from the start').default(1).argParser(integer(0, 8)))
    .option('--no-group', 'leave out the consumer group (2 members committing offsets; checked: committed offsets never go back, every acknowledged send consumed)')
    .option('--no-queue', 'leave out the queue subscription (2 members acking, some nacks; checked: an acked record is never delivered again, every one settled)')
    .addOption(new Option('--rate <n>', 'total sends per second; 0 for as fast as acknowledged').default(0).argParser(integer(0)))
    .option('--out <dir>', 'where reports go', 'chaos-reports')
    .option('--json', 'print the result as JSON instead of the table')
    .addOption(new Option('--log-level <level>', "the nodes' log level (logs go to <report>/nodes/)").choices(LOG_LEVELS).default('info'))
    .option('--keep-data', "keep the nodes' data directories (deleted by default)")
    .action((options: RunOptions) => chaosRun(options, cliEntry));
}

async function chaosRun(options: RunOptions, cliEntry: string): Promise<void> {
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  const nodes = Number(options.nodes);
  const command = [
    'herald chaos run',
    `--nodes ${nodes}`,
    `--duration ${formatDuration(options.duration)}`,
    `--faults ${options.faults.join(',')}`,
    `--seed ${seed}`,
    `--partitions ${options.partitions}`,
    `--producers ${options.producers}`,
    ...(options.consumers === 1 ? [] : [`--consumers ${options.consumers}`]),
    ...(options.group ? [] : ['--no-group']),
    ...(options.queue ? [] : ['--no-queue']),
    ...(options.rate === 0 ? [] : [`--rate ${options.rate}`]),
  ].join(' ');
  // Each node runs the compiled CLI, as `cluster up`'s do (launch.ts).
  const entry = nodeEntry(cliEntry);
  const launcher: NodeLauncher = (spec) => ({
    command: process.execPath,
    args: [
      entry,
      'node', 'start',
      '--id', String(spec.id),
      '--data-dir', spec.dataDir,
      '--host', spec.host,
      '--client-port', String(spec.clientPort),
      '--peer-port', String(spec.peerPort),
      '--metrics-port', String(spec.metricsPort),
      // The workloads speak the SDK for now: the Kafka listeners take any free port, so that a
      // run never collides with a local cluster's 1909N.
      '--kafka-port', '0',
      '--peers', spec.peers,
      '--log-level', spec.logLevel,
      ...(spec.rejoin ? ['--rejoin'] : []),
    ],
  });

  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\nstopping: healing, stopping the nodes, writing the report (Ctrl-C again to quit at once)\n');
      abort.abort();
    } else {
      process.exit(130); // the harness's exit handler kills the nodes by PID
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const tty = process.stderr.isTTY === true;
  let lastLineMs = 0;
  let lineShown = false;
  const clearLine = (): void => {
    if (tty && lineShown) process.stderr.write('\r\x1b[2K');
    lineShown = false;
  };
  const onProgress = (p: ChaosProgress): void => {
    const line = progressLine(p);
    if (tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
      lineShown = true;
    } else if (p.elapsedMs - lastLineMs >= 10_000) {
      lastLineMs = p.elapsedMs;
      process.stderr.write(`${line}\n`);
    }
  };
  const onEvent = (line: string): void => {
    clearLine();
    process.stderr.write(`${line}\n`);
  };

  process.stderr.write(`${command}\n`);
  try {
    const result = await runChaos({
      nodes,
      durationMs: options.duration,
      faults: options.faults,
      seed,
      partitions: options.partitions,
      producers: options.producers,
      consumers: options.consumers,
      groupMembers: options.group ? 2 : 0,
      queueMembers: options.queue ? 2 : 0,
      ratePerSecond: options.rate,
      outDir: options.out,
      launcher,
      logLevel: options.logLevel,
      command,
      signal: abort.signal,
      onProgress,
      onEvent,
      keepData: options.keepData === true,
    });
    clearLine();
    const { verdict, run } = result;
    const reportDir = relative(process.cwd(), result.reportDir) || '.';
    if (options.json === true) {
      printJson({
        valid: verdict.valid,
        exitCode: result.exitCode,
        command,
        reportDir: result.reportDir,
        counts: verdict.counts,
        sends: verdict.sends,
        polls: verdict.polls,
        recordsRead: verdict.recordsRead,
        groups: verdict.groups,
        queues: verdict.queues,
        latency: verdict.latency,
        faultsInjected: run.injected.length,
        faultsScheduled: run.scheduled,
        faultsSkipped: run.skipped,
        faultCounts: run.faultCounts,
        unavailability: {
          medianMs: verdict.availability.unavailableMsMedian,
          maxMs: verdict.availability.unavailableMsMax,
          unrecoveredFaults: verdict.availability.unrecoveredFaults,
          byKind: unavailabilityByKind(verdict),
        },
        faults: verdict.availability.faults.map((f) => ({ name: f.name, target: f.target, startMs: f.startMs, endMs: f.endMs, unavailableMs: f.unavailableMs, recovered: f.recovered })),
        leaderChanges: verdict.availability.leaderChanges,
        findings: run.findings,
        finalRead: run.finalRead,
        replicaReads: run.replicaReads,
        interrupted: run.interrupted,
      });
    } else {
      print();
      process.stdout.write(renderTerminalSummary(verdict));
      print();
      const counts = Object.entries(run.faultCounts).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ');
      const skipped = run.skipped.length === 0 ? '' : `; skipped ${skippedSummary(run)}`;
      print(`faults injected: ${run.injected.length} of ${run.scheduled} scheduled${counts === '' ? '' : ` (${counts})`}${skipped}`);
      process.stdout.write(renderKindTable(verdict));
      if (run.findings.length > 0) {
        print();
        print(`findings (${run.findings.length}, ${run.brokerFindings} about the broker):`);
        for (const f of run.findings) print(`  ${(f.time / 1000).toFixed(1).padStart(7)} s  [${f.kind}] ${f.message}`);
      }
      print();
      print(`report: ${reportDir}/report.html`);
      print(`repeat: ${command}`);
      if (run.interrupted) print('interrupted: no final read, so unread values count as unseen, not lost');
    }
    process.exitCode = result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function progressLine(p: ChaosProgress): string {
  const c = p.counters;
  const time = `${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s/${(p.durationMs / 1000).toFixed(0)}s`;
  const leaders = p.leaders.map((leader, i) => `${i}:${leader ?? '-'}`).join(' ');
  const fault = p.activeFault ?? '-';
  return `[${time}] ${p.phase}  sends ok ${c.sendsOk} unknown ${c.sendsUnknown} failed ${c.sendsFailed}  read ${c.recordsRead}  group ${c.groupConsumed}  `
    + `queue ${c.queueDeliveries}/${c.queueAcks} acked  faults ${p.faultsInjected} now ${fault}  leaders ${leaders}`;
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
