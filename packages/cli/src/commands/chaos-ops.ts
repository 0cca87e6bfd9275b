import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OpsStep, parseDuration, parseOpsSteps, renderStepTable, renderTerminalSummary, runOps, type OpsStep as Step } from '@herald/chaos';
import { commandOperator } from '../ops-operator.js';
import { print, printJson } from '../output.js';
import { integer, nodeIds, UsageError } from '../options.js';
import { interruptible, nodeLauncher, printRunEnd, progressOutput, withWorkloadOptions, workloadSettings, type WorkloadOptions } from './chaos.js';

interface OpsOptions extends WorkloadOptions {
  steps: Step[];
  rollNodes?: number[];
  release?: string;
  pause: number;
  seed?: number;
  json?: boolean;
}

function stepList(value: string): Step[] {
  try {
    return parseOpsSteps(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function pause(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** The compiled CLI of a release build: `--release` names the build's folder (what
 *  scripts/build-release.sh makes) or its `packages/cli/dist/main.js`. */
function releaseEntry(path: string): string {
  const entry = existsSync(path) && statSync(path).isDirectory() ? join(path, 'packages', 'cli', 'dist', 'main.js') : path;
  if (!existsSync(entry)) throw new UsageError(`--release: ${entry} does not exist; scripts/build-release.sh <commit> builds a previous release and prints its entry point`);
  return resolve(entry);
}

/** `herald chaos ops`: the operations scenario (packages/chaos/src/ops.ts) under the chaos
 *  workload, judged by the checker. */
export function registerChaosOps(chaos: Command, cliEntry: string): void {
  withWorkloadOptions(
    chaos
      .command('ops')
      .description(
        'start a local cluster of three real nodes under the chaos workload and operate it step by step: upgrade from a previous release\'s build '
          + '(with --release), add nodes 4 and 5, rebalance, decommission node 1, roll every node; then check the history as `chaos run` does. '
          + 'Prints each step\'s duration, unavailability and sends. Exit code 0 only when every step succeeded and nothing acknowledged was lost, '
          + 'duplicated, reordered, unexpected or inconsistent',
      ),
    { workloads: 'none', out: 'chaos-reports' },
  )
    .addOption(new Option('--steps <list>', `comma-separated, or "all"; they run in this order: ${Object.values(OpsStep).join(', ')}`).default(parseOpsSteps('all'), 'all').argParser(stepList))
    .option('--release <dir>', "a previous release's build (its folder, or its packages/cli/dist/main.js; scripts/build-release.sh <commit> makes one): the cluster starts on it and the upgrade step moves each node to this build. Without it the upgrade step is skipped")
    .addOption(new Option('--roll-nodes <ids>', 'the nodes the roll step restarts, e.g. 2,4 (default: every node then in the cluster)').argParser(nodeIds))
    .addOption(new Option('--pause <time>', 'steady load before the first step, between steps and after the last').default(5_000, '5s').argParser(pause))
    .addOption(new Option('--seed <n>', "seed of the workload's choices (default: random, printed)").argParser(integer(0, 2 ** 31 - 1)))
    .option('--json', 'print the result as JSON instead of the tables')
    .action((options: OpsOptions) => chaosOps(options, cliEntry));
}

/** The command line that repeats a run of these options. */
function opsCommand(options: OpsOptions, seed: number): string {
  return [
    'herald chaos ops',
    `--steps ${options.steps.join(',')}`,
    ...(options.release === undefined ? [] : [`--release ${options.release}`]),
    ...(options.rollNodes === undefined ? [] : [`--roll-nodes ${options.rollNodes.join(',')}`]),
    `--pause ${options.pause / 1000}s`,
    `--seed ${seed}`,
    `--partitions ${options.partitions}`,
    `--producers ${options.producers}`,
    ...(options.consumers === 1 ? [] : [`--consumers ${options.consumers}`]),
    ...(options.group ? [] : ['--no-group']),
    ...(options.queue ? [] : ['--no-queue']),
    ...(options.workloads.length === 0 ? [] : [`--workloads ${options.workloads.join(',')}`]),
    ...(options.rate === 0 ? [] : [`--rate ${options.rate}`]),
  ].join(' ');
}

async function chaosOps(options: OpsOptions, cliEntry: string): Promise<void> {
  const upgrading = options.release !== undefined && options.steps.includes(OpsStep.Upgrade);
  // The previous release serves no MQTT: its nodes would refuse the flags the MQTT workload needs.
  if (upgrading && options.workloads.includes('mqtt')) throw new UsageError('--workloads mqtt needs every node to serve MQTT, which the previous release does not; leave out mqtt or the upgrade step');
  const release = upgrading ? nodeLauncher(releaseEntry(options.release!)) : undefined;
  const seed = options.seed ?? randomInt(1, 2 ** 31 - 1);
  const command = opsCommand(options, seed);
  const { signal, release: releaseSignals } = interruptible('healing, stopping the nodes, writing the report');
  const { onProgress, onEvent, clearLine } = progressOutput();
  process.stderr.write(`${command}\n`);
  try {
    const result = await runOps({
      ...workloadSettings(options, cliEntry),
      steps: options.steps,
      operator: commandOperator,
      ...(release === undefined ? {} : { releaseLauncher: release }),
      ...(options.rollNodes === undefined ? {} : { rollNodes: options.rollNodes }),
      pauseMs: options.pause,
      seed,
      outDir: options.out,
      command,
      signal,
      onProgress,
      onEvent,
    });
    clearLine();
    const { verdict, run } = result;
    if (options.json === true) {
      printJson({
        valid: verdict.valid,
        exitCode: result.exitCode,
        command,
        reportDir: result.reportDir,
        steps: result.steps,
        skippedSteps: result.skippedSteps,
        counts: verdict.counts,
        sends: verdict.sends,
        groups: verdict.groups,
        queues: verdict.queues,
        findings: run.findings,
        finalRead: run.finalRead,
        replicaReads: run.replicaReads,
        interrupted: run.interrupted,
      });
    } else {
      print();
      process.stdout.write(renderTerminalSummary(verdict));
      print();
      process.stdout.write(renderStepTable(result.steps, result.skippedSteps));
      printRunEnd(run, relative(process.cwd(), result.reportDir) || '.', command);
    }
    process.exitCode = result.exitCode;
  } finally {
    releaseSignals();
  }
}
