import { InvalidArgumentError, Option, type Command } from 'commander';
import { Acks, Compression } from '@herald/client';
import { HeraldTarget } from '../bench/herald-target.js';
import type { BenchTarget, ProducerSettings } from '../bench/target.js';
import { runConsume, runFailover, runProduce, type BenchResult, type FailoverFault, type WorkloadOptions } from '../bench/workloads.js';
import { formatTable, print, printJson } from '../output.js';
import { clientOptions, integer, withClusterOptions, type ClusterOptions } from '../options.js';

/** The systems `herald bench` can drive. NATS is for side-by-side runs (scripts/bench-peers.sh);
 *  kafka is Herald through its Kafka listener, driven by kafkajs (scripts/bench/kafka.ts). */
const SYSTEMS = ['herald', 'nats', 'kafka'] as const;

interface CommonOptions extends ClusterOptions {
  system: (typeof SYSTEMS)[number];
  topic: string;
  partitions: number;
  replicationFactor: number;
  acks: Acks;
  compression: Compression;
  lingerMs?: number;
  batchBytes?: number;
  maxInFlight?: number;
  deliveryTimeoutMs: number;
  deleteAfter?: boolean;
  json?: boolean;
  progress: boolean;
}

interface ProduceFlags extends CommonOptions {
  size: number;
  count: number;
  producers: number;
  window: number;
  rate: number;
  partition?: number;
}

interface LatencyFlags extends CommonOptions {
  size: number;
  rate: number;
  durationS: number;
  warmupS: number;
  window: number;
  partition?: number;
}

interface ConsumeFlags extends CommonOptions {
  count?: number;
}

interface FailoverFlags extends CommonOptions {
  fault: FailoverFault;
  size: number;
  rate: number;
  partition: number;
  killAfterS: number;
  restartAfterS: number;
  durationS: number;
  window: number;
  data: string;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError('must be a number of seconds from 0');
  return n;
}

/** The options every `bench` workload takes. */
function withCommonOptions(command: Command): Command {
  return withClusterOptions(command)
    .addOption(new Option('--system <name>', 'the system under test; nats drives a NATS JetStream cluster through the npm nats client (for scripts/bench-peers.sh; --brokers then names NATS servers); kafka drives Herald through its Kafka listener with kafkajs (--brokers then names Kafka listeners)').choices(SYSTEMS).default('herald'))
    .option('--topic <name>', 'the topic (created if missing)', 'bench')
    .option('--partitions <n>', 'partitions of a topic the run creates', integer(1, 1024), 1)
    .option('--replication-factor <n>', 'replicas per partition of a topic the run creates', integer(1, 9), 3)
    .addOption(new Option('--acks <level>', 'replication each write waits for').choices(Object.values(Acks)).default(Acks.Quorum))
    .addOption(new Option('--compression <codec>', 'batch compression').choices(Object.values(Compression)).default(Compression.None))
    .option('--linger-ms <ms>', "how long the producer keeps a batch open (the client's default: 5)", integer(0))
    .option('--batch-bytes <n>', "the batch size that closes a batch (the client's default: 524288)", integer(1))
    .option('--max-in-flight <n>', "batches outstanding per partition (the client's default: 5)", integer(1))
    .option('--delivery-timeout-ms <ms>', 'how long one record may take, retries included', integer(1), 30_000)
    .option('--delete-after', 'delete the topic at the end of the run')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON');
}

/** `herald bench produce|latency|consume|failover`. */
export function registerBench(bench: Command): void {
  withCommonOptions(
    bench
      .command('produce')
      .description('send --count records of --size bytes as fast as a window of unacknowledged records allows (or at --rate); prints records/s, MB/s and send-to-ack latency')
      .option('--size <bytes>', 'record value size', integer(0), 1024)
      .option('--count <n>', 'records to send', integer(1), 100_000)
      .option('--producers <n>', 'producers sending at once (each with its own window)', integer(1, 256), 1)
      .option('--window <n>', 'unacknowledged records per producer at most (0: no limit)', integer(0), 1024)
      .option('--rate <n>', 'records per second over all producers (0: as fast as possible)', integer(0), 0)
      .option('--partition <n>', 'send every record to this partition (default: the client spreads them)', integer(0, 1023)),
  ).action((options: ProduceFlags) =>
    run(options, (target) =>
      runProduce(target, { ...workloadOptions(options), sizeBytes: options.size, count: options.count, producers: options.producers, window: options.window, rate: options.rate, warmupCount: 0, partition: options.partition }),
    ),
  );

  withCommonOptions(
    bench
      .command('latency')
      .description('send at a fixed --rate for --duration-s after --warmup-s, one producer; prints send-to-ack latency percentiles, measured from when each record was due')
      .option('--size <bytes>', 'record value size', integer(0), 1024)
      .option('--rate <n>', 'records per second', integer(1), 2_000)
      .option('--duration-s <s>', 'how long to measure', seconds, 10)
      .option('--warmup-s <s>', 'how long to send first without measuring', seconds, 1)
      .option('--window <n>', 'unacknowledged records at most (0: no limit)', integer(0), 0)
      .option('--partition <n>', 'send every record to this partition', integer(0, 1023)),
  ).action((options: LatencyFlags) =>
    run(options, (target) =>
      runProduce(
        target,
        {
          ...workloadOptions(options),
          sizeBytes: options.size,
          count: Math.round(options.rate * (options.warmupS + options.durationS)),
          producers: 1,
          window: options.window,
          rate: options.rate,
          warmupCount: Math.round(options.rate * options.warmupS),
          partition: options.partition,
        },
        'latency',
      ),
    ),
  );

  withCommonOptions(
    bench
      .command('consume')
      .description('read a topic from the beginning of every partition (everything stored, or --count records); prints records/s and MB/s')
      .option('--count <n>', 'records to read at most (default: all)', integer(1)),
  ).action((options: ConsumeFlags) => run(options, (target) => runConsume(target, { ...workloadOptions(options), count: options.count, timeoutMs: options.timeoutMs })));

  withCommonOptions(
    bench
      .command('failover')
      .description("write at a fixed --rate; after --kill-after-s SIGKILL the partition leader's process (found by its PID file under --data), restart it --restart-after-s later, then read everything back; prints the time from the kill to the first acknowledged write and whether any acknowledged record was lost")
      .requiredOption('--data <dir>', 'the data folder of a cluster started with `herald cluster up --detach --data <dir>` (node-N/herald.pid)')
      .option('--size <bytes>', 'record value size (at least 8)', integer(8), 1024)
      .option('--rate <n>', 'records per second', integer(1), 1_000)
      .option('--partition <n>', 'the partition whose leader is killed', integer(0, 1023), 0)
      .option('--kill-after-s <s>', 'when to kill the leader', seconds, 5)
      .option('--restart-after-s <s>', 'how long after the kill to restart it', seconds, 2)
      .option('--duration-s <s>', 'how long to write (longer if no write was acknowledged after the kill yet)', seconds, 15)
      .option('--window <n>', 'unacknowledged records at most (0: no limit)', integer(0), 0)
      .addOption(new Option('--fault <kind>', 'kill: SIGKILL the leader, restart it later; pause: SIGSTOP it (sockets stay open, nothing answers), SIGCONT it later').choices(['kill', 'pause']).default('kill')),
  ).action((options: FailoverFlags) =>
    run(options, (target) =>
      runFailover(target, {
        ...workloadOptions(options),
        fault: options.fault,
        sizeBytes: options.size,
        rate: options.rate,
        partition: options.partition,
        killAfterMs: options.killAfterS * 1000,
        restartAfterMs: options.restartAfterS * 1000,
        durationMs: options.durationS * 1000,
        window: options.window,
        data: options.data,
      }),
    ),
  );
}

function workloadOptions(options: CommonOptions): WorkloadOptions {
  const producer: ProducerSettings = {
    acks: options.acks,
    compression: options.compression,
    lingerMs: options.lingerMs,
    batchBytesMax: options.batchBytes,
    maxInFlightPerPartition: options.maxInFlight,
    deliveryTimeoutMs: options.deliveryTimeoutMs,
  };
  return {
    topic: options.topic,
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
    producer,
    progress: options.progress && options.json !== true && process.stderr.isTTY === true,
    deleteAfter: options.deleteAfter === true,
  };
}

async function connect(options: CommonOptions): Promise<BenchTarget> {
  if (options.system === 'herald') return new HeraldTarget(await clientOptions(options));
  if (options.system === 'kafka') {
    // Loaded only here: `kafkajs` is a development dependency of the CLI.
    const { KafkaTarget } = await import('../bench/kafka-target.js');
    return KafkaTarget.connect(options.brokers ?? ['127.0.0.1:19091', '127.0.0.1:19092', '127.0.0.1:19093'], options.timeoutMs);
  }
  // Loaded only here: `nats` is a development dependency of the CLI.
  const { NatsTarget } = await import('../bench/nats-target.js');
  const servers = options.brokers ?? ['127.0.0.1:4222'];
  return NatsTarget.connect(servers, options.timeoutMs);
}

async function run(options: CommonOptions, workload: (target: BenchTarget) => Promise<BenchResult>): Promise<void> {
  const target = await connect(options);
  let result: BenchResult;
  try {
    result = await workload(target);
  } finally {
    await target.close();
  }
  if (result.errors > 0 && result.workload !== 'failover') process.exitCode = 1;
  if (result.failover !== undefined && (result.failover.lost > 0 || result.failover.misplaced > 0)) process.exitCode = 1;
  if (options.json === true) printJson(result);
  else report(result);
}

const thousands = (n: number) => n.toLocaleString('en-US');

function report(r: BenchResult): void {
  const shape = `${r.topic}: ${r.partitions} partition${r.partitions === 1 ? '' : 's'}, ${r.replicationFactor} replicas`;
  const how = r.workload === 'consume' ? 'read from the beginning' : `acks ${r.acks}, ${r.producers} producer${r.producers === 1 ? '' : 's'}, window ${r.window === 0 ? 'unlimited' : thousands(r.window ?? 0)}${r.rate ? `, ${thousands(r.rate)} records/s` : ''}`;
  print(`${r.system} ${r.workload}: ${thousands(r.records)} records of ${thousands(r.recordBytes)} B in ${r.seconds.toFixed(2)} s (${shape}; ${how})`);
  const l = r.latencyMs;
  print(
    formatTable(
      ['RECORDS/S', 'MB/S', 'P50 MS', 'P99 MS', 'P99.9 MS', 'MAX MS', 'ERRORS'],
      [[thousands(r.recordsPerSecond), r.megabytesPerSecond.toFixed(2), l ? l.p50.toFixed(2) : '-', l ? l.p99.toFixed(2) : '-', l ? l.p999.toFixed(2) : '-', l ? l.max.toFixed(2) : '-', r.errors]],
    ),
  );
  if (r.firstError !== undefined) print(`first error: ${r.firstError}`);
  const f = r.failover;
  if (f !== undefined) {
    if (f.fault === 'pause') print(`paused ${f.killedNode} (pid ${f.killedPid}) with SIGSTOP, then resumed it`);
    else print(`killed ${f.killedNode} (pid ${f.killedPid}), restarted as pid ${f.restartedPid}`);
    const ms = (v: number) => (v < 0 ? 'never' : `${v.toFixed(1)} ms`);
    print(`unavailable ${ms(f.unavailableMs)} (kill to the first acknowledgement); a new leader named after ${ms(f.leaderSeenMs)}; the first write sent after the kill acknowledged after ${ms(f.newWriteMs)}; longest gap between acknowledgements ${f.ackGapMs.toFixed(1)} ms`);
    print(`acknowledged ${thousands(f.acknowledged)}, failed ${thousands(f.failed)}, read back ${thousands(f.readBack)}: lost ${f.lost}, misplaced ${f.misplaced}, duplicates ${f.duplicates}`);
  }
}
