import { randomInt } from 'node:crypto';
import { relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  createWorkloads,
  faultKinds,
  parseDuration,
  parseWorkloads,
  parseFaultKinds,
  renderCampaignTable,
  renderKindTable,
  renderTerminalSummary,
  runCampaign,
  runChaos,
  skippedSummary,
  unavailabilityByKind,
  type ChaosProgress,
  type ChaosRunOptions,
  type FaultKind,
  type NodeLauncher,
  type RunInfo,
  type WorkloadName,
} from '@herald/chaos';
import { nodeEntry } from '../launch.js';
import { print, printJson } from '../output.js';
import { integer, LOG_LEVELS } from '../options.js';

/** The faults a run injects unless told otherwise: the three CI runs. */
const DEFAULT_FAULTS = 'kill,pause,partition';
/** The tmpfs a disk-full fault's node gets, in MiB, unless told otherwise. */
const DEFAULT_DISK_MIB = 256;

/** The options of every chaos command: the workload and the run's output. */
export interface WorkloadOptions {
  partitions: number;
  producers: number;
  consumers: number;
  /** False with --no-group. */
  group: boolean;
  /** False with --no-queue. */
  queue: boolean;
  /** --workloads: the Kafka, MQTT, half-message and transaction workloads to add. */
  workloads: WorkloadName[];
  rate: number;
  out: string;
  logLevel: string;
  keepData?: boolean;
}

/** The options `chaos run` and `chaos campaign` share: the cluster, workload and faults of a run. */
interface SharedOptions extends WorkloadOptions {
  nodes: string;
  duration: number;
  faults: FaultKind[];
  diskSize: number;
}

interface RunOptions extends SharedOptions {
  seed?: number;
  json?: boolean;
}

interface CampaignCommandOptions extends SharedOptions {
  cycles: number;
  seedStart: number;
  runsMax?: number;
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

function workloadList(value: string): WorkloadName[] {
  try {
    return parseWorkloads(value);
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

/** Adds the options of one run's cluster, workload and faults. */
function withRunOptions(command: Command, defaults: { duration: [number, string]; faults: string; workloads: string; out: string }): Command {
  return withWorkloadOptions(
    command
      .addOption(new Option('--nodes <n>', 'cluster size').choices(['3', '5']).default('3'))
      .addOption(new Option('--duration <time>', 'how long to inject faults under load: 90s, 10m, 1m30s').default(defaults.duration[0], defaults.duration[1]).argParser(duration))
      .addOption(new Option('--faults <list>', `comma-separated, or "all": ${faultKinds.join(', ')}`).default(faultList(defaults.faults), defaults.faults).argParser(faultList)),
    defaults,
  ).addOption(new Option('--disk-size <MiB>', 'the tmpfs a node gets for its data when a disk-full fault targets it (needs root)').default(DEFAULT_DISK_MIB).argParser(integer(16, 65_536)));
}

/** Adds the options of a run's workload and output (every chaos command has them). */
export function withWorkloadOptions(command: Command, defaults: { workloads: string; out: string }): Command {
  return command
    .addOption(new Option('--partitions <n>', 'partitions of the test topic').default(3).argParser(integer(1, 64)))
    .addOption(new Option('--producers <n>', 'idempotent acks-QUORUM producers, each writing to every partition').default(3).argParser(integer(1, 32)))
    .addOption(new Option('--consumers <n>', 'consumers reading every partition from the start').default(1).argParser(integer(0, 8)))
    .option('--no-group', 'leave out the consumer group (2 members committing offsets; checked: committed offsets never go back, every acknowledged send consumed)')
    .option('--no-queue', 'leave out the queue subscription (2 members acking, some nacks; checked: an acked record is never delivered again, every one settled)')
    .addOption(
      new Option('--workloads <list>', 'workloads to add, comma-separated, "all" or "none": kafka (kafkajs idempotent producers and a consumer group), mqtt (QoS 1 publishers and a persistent subscriber), half (half messages with check-back), txn (multi-partition and read-process-write transactions)')
        .default(workloadList(defaults.workloads), defaults.workloads)
        .argParser(workloadList),
    )
    .addOption(new Option('--rate <n>', 'total sends per second; 0 for as fast as acknowledged').default(0).argParser(integer(0)))
    .option('--out <dir>', 'where reports go', defaults.out)
    .addOption(new Option('--log-level <level>', "the nodes' log level (logs go to <report>/nodes/)").choices(LOG_LEVELS).default('info'))
    .option('--keep-data', "keep the nodes' data directories (deleted by default)");
}

/** `herald chaos run` and `herald chaos campaign`: Jepsen-style runs against a local cluster. */
export function registerChaos(chaos: Command, cliEntry: string): void {
  withRunOptions(
    chaos
      .command('run')
      .description(
        'start a local cluster of real nodes behind controllable TCP proxies, write and read under a seeded schedule of faults, '
          + 'then check the history; writes <out>/<time>/{history.jsonl,verdict.json,report.html}. '
          + 'Exit code 0 only when nothing acknowledged was lost, duplicated, reordered, unexpected or inconsistent',
      ),
    { duration: [60_000, '60s'], faults: DEFAULT_FAULTS, workloads: 'none', out: 'chaos-reports' },
  )
    .addOption(new Option('--seed <n>', 'seed of the fault schedule (default: random, printed)').argParser(integer(0, 2 ** 31 - 1)))
    .option('--json', 'print the result as JSON instead of the table')
    .action((options: RunOptions) => chaosRun(options, cliEntry));
  withRunOptions(
    chaos
      .command('campaign')
      .description(
        'run seeded chaos runs (every fault kind and workload by default), one seed after another, until at least --cycles faults '
          + 'were injected; keep the report of every failing run, and print one table: runs, fault cycles by kind, operations, '
          + 'anomalies by kind, the worst unavailability per fault kind. Exit code 0 only when no run failed',
      ),
    { duration: [180_000, '3m'], faults: 'all', workloads: 'all', out: 'chaos-campaign' },
  )
    .addOption(new Option('--cycles <n>', 'fault cycles to inject in all').default(1_000).argParser(integer(1)))
    .addOption(new Option('--seed-start <n>', 'the first run\'s seed; the next runs take the next seeds').default(1).argParser(integer(0, 2 ** 31 - 1)))
    .addOption(new Option('--runs-max <n>', 'stop after this many runs, whatever the cycles').argParser(integer(1)))
    .action((options: CampaignCommandOptions) => chaosCampaign(options, cliEntry));
}

/** The command line that repeats one run of these options with `seed`. */
function runCommand(options: SharedOptions, seed: number | string): string {
  return [
    'herald chaos run',
    `--nodes ${options.nodes}`,
    `--duration ${formatDuration(options.duration)}`,
    `--faults ${options.faults.join(',')}`,
    `--seed ${seed}`,
    `--partitions ${options.partitions}`,
    `--producers ${options.producers}`,
    ...(options.consumers === 1 ? [] : [`--consumers ${options.consumers}`]),
    ...(options.group ? [] : ['--no-group']),
    ...(options.queue ? [] : ['--no-queue']),
    ...(options.workloads.length === 0 ? [] : [`--workloads ${options.workloads.join(',')}`]),
    ...(options.rate === 0 ? [] : [`--rate ${options.rate}`]),
    ...(options.diskSize === DEFAULT_DISK_MIB ? [] : [`--disk-size ${options.diskSize}`]),
  ].join(' ');
}

/** What runChaos() needs from the shared options, but the seed, the report folder and hooks. */
function runSettings(options: SharedOptions, cliEntry: string): Omit<ChaosRunOptions, 'seed' | 'outDir' | 'command'> {
  return {
    nodes: Number(options.nodes),
    durationMs: options.duration,
    faults: options.faults,
    ...workloadSettings(options, cliEntry),
    diskBytes: options.diskSize * 1024 * 1024,
  };
}

/** What runChaos() needs from the workload options: the workload, and each node's command (this
 *  CLI's compiled build, as `cluster up`'s nodes run: launch.ts). */
export function workloadSettings(options: WorkloadOptions, cliEntry: string): Pick<ChaosRunOptions, 'partitions' | 'producers' | 'consumers' | 'groupMembers' | 'queueMembers' | 'workloads' | 'ratePerSecond' | 'launcher' | 'logLevel' | 'keepData'> {
  return {
    partitions: options.partitions,
    producers: options.producers,
    consumers: options.consumers,
    groupMembers: options.group ? 2 : 0,
    queueMembers: options.queue ? 2 : 0,
    ...(options.workloads.length === 0 ? {} : { workloads: () => createWorkloads(options.workloads) }),
    ratePerSecond: options.rate,
    launcher: nodeLauncher(nodeEntry(cliEntry)),
    logLevel: options.logLevel,
    keepData: options.keepData === true,
  };
}

/** Runs `herald node start` of the build whose compiled CLI is `entry` with a node's spec. */
export function nodeLauncher(entry: string): NodeLauncher {
  return (spec) => ({
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
      // Without the Kafka workload nobody dials the Kafka listeners: they take any free port,
      // so that a run never collides with a local cluster's 1909N.
      '--kafka-port', String(spec.kafkaPort ?? 0),
      ...(spec.mqttPort === undefined ? [] : ['--mqtt', '--mqtt-port', String(spec.mqttPort), '--mqtt-http-port', '0']),
      '--peers', spec.peers,
      '--log-level', spec.logLevel,
      '--tls-ca', spec.security.ca,
      '--tls-cert', spec.security.cert,
      '--tls-key', spec.security.key,
      '--bootstrap-file', spec.security.bootstrapFile,
      ...(spec.rejoin ? ['--rejoin'] : []),
      ...(spec.join === true ? ['--join'] : []),
    ],
    env: { ...process.env, ...spec.env },
  });
}

/**
 * Ctrl-C (or SIGTERM) aborts the returned signal: the run heals, stops its nodes and writes its
 * report; a second one exits at once (the harness's exit handler kills the nodes by PID).
 * `release()` removes the handlers.
 */
export function interruptible(what: string): { signal: AbortSignal; release: () => void } {
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\nstopping: ${what} (Ctrl-C again to quit at once)\n`);
      abort.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: abort.signal,
    release: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

/** The progress line (redrawn on a terminal, every 10 s otherwise) and event lines, on stderr. */
export function progressOutput(): { onProgress: (p: ChaosProgress) => void; onEvent: (line: string) => void; clearLine: () => void } {
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
    } else if (p.elapsedMs - lastLineMs >= 10_000 || p.elapsedMs < lastLineMs) {
      lastLineMs = p.elapsedMs;
      process.stderr.write(`${line}\n`);
    }
  };
  const onEvent = (line: string): void => {
    clearLine();
    process.stderr.write(`${line}\n`);
  };
  return { onProgress, onEvent, clearLine };
}

async function chaosRun(options: RunOptions, cliEntry: string): Promise<void> {
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  const command = runCommand(options, seed);
  const { signal, release } = interruptible('healing, stopping the nodes, writing the report');
  const { onProgress, onEvent, clearLine } = progressOutput();
  process.stderr.write(`${command}\n`);
  try {
    const result = await runChaos({ ...runSettings(options, cliEntry), seed, outDir: options.out, command, signal, onProgress, onEvent });
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
        mqtt: verdict.mqtt,
        halves: verdict.halves,
        txns: verdict.txns,
        latency: verdict.latency,
        faultsInjected: run.injected.length,
        faultsScheduled: run.scheduled,
        faultsSkipped: run.skipped,
        faultCounts: run.faultCounts,
        faultsUnavailable: run.unavailableKinds ?? [],
        unavailability: {
          medianMs: verdict.availability.unavailableMsMedian,
          maxMs: verdict.availability.unavailableMsMax,
          unrecoveredFaults: verdict.availability.unrecoveredFaults,
          byKind: unavailabilityByKind(verdict),
        },
        faults: verdict.availability.faults.map((f) => ({ name: f.name, target: f.target, startMs: f.startMs, endMs: f.endMs, unavailableMs: f.unavailableMs, longestGapMs: f.longestGapMs, recovered: f.recovered })),
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
      for (const { kind, reason } of run.unavailableKinds ?? []) print(`  ${kind} left out: ${reason}`);
      process.stdout.write(renderKindTable(verdict));
      printRunEnd(run, reportDir, command);
    }
    process.exitCode = result.exitCode;
  } finally {
    release();
  }
}

async function chaosCampaign(options: CampaignCommandOptions, cliEntry: string): Promise<void> {
  const { signal, release } = interruptible('finishing the current run, then the campaign\'s table');
  const { onProgress, onEvent, clearLine } = progressOutput();
  let cycles = 0;
  try {
    const summary = await runCampaign({
      cycles: options.cycles,
      seedStart: options.seedStart,
      run: { ...runSettings(options, cliEntry), onProgress, onEvent },
      runChaos,
      outDir: options.out,
      commandTemplate: runCommand(options, '{seed}'),
      signal,
      ...(options.runsMax === undefined ? {} : { runsMax: options.runsMax }),
      onRun: (run, runs) => {
        clearLine();
        cycles += Object.values(run.faults).reduce((sum, n) => sum + n, 0);
        const anomalies = Object.entries(run.anomalies).map(([name, n]) => `${name} ${n}`).join(', ');
        process.stderr.write(`campaign: run ${runs.length} (seed ${run.seed}) ${run.kept ? 'FAILED, report kept' : 'passed'}; `
          + `${cycles} of ${options.cycles} fault cycles${anomalies === '' ? '' : `; ${anomalies}`}\n`);
      },
    });
    clearLine();
    print();
    process.stdout.write(renderCampaignTable(summary));
    print();
    print(`campaign folder: ${relative(process.cwd(), options.out) || '.'} (campaign.txt, campaign.json, campaign.jsonl; runs/ holds failing runs' reports)`);
    process.exitCode = summary.failed.length === 0 ? (signal.aborted ? 130 : 0) : 1;
  } finally {
    release();
  }
}

/** The findings, where the report went, and how to repeat the run. */
export function printRunEnd(run: RunInfo, reportDir: string, command: string): void {
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

function progressLine(p: ChaosProgress): string {
  const c = p.counters;
  // A scenario's run (chaos ops) has no set duration.
  const time = `${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s${p.durationMs === 0 ? '' : `/${(p.durationMs / 1000).toFixed(0)}s`}`;
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
