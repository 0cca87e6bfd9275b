// The benchmark workloads, written once against BenchTarget so that every system runs the same
// loop: produce (as fast as a window of unacknowledged records allows, or at a fixed rate),
// consume from the beginning, and failover (a fixed rate while the partition's leader is
// SIGKILLed, then every acknowledged record read back).
//
// Latency is send-to-acknowledgement. At a fixed rate it is measured from the moment the record
// was due, not from when it could be sent, so a stalled system is not excused by the sender
// having stalled with it (coordinated omission).

import { randomBytes } from 'node:crypto';
import { findNodeProcess, killNode, pauseNode, restartNode, resumeNode } from './node-process.js';
import { Progress } from './progress.js';
import { LatencyRecorder, rates, type LatencySummary } from './stats.js';
import type { BenchProducer, BenchTarget, ProducerSettings, TopicShape } from './target.js';

/** What every workload is given. */
export interface WorkloadOptions extends TopicShape {
  readonly topic: string;
  readonly producer: ProducerSettings;
  /** Show a progress bar (on standard error). */
  readonly progress: boolean;
  /** Delete the topic when done. */
  readonly deleteAfter: boolean;
}

/** Options of produce and latency runs. */
export interface ProduceOptions extends WorkloadOptions {
  readonly sizeBytes: number;
  readonly count: number;
  readonly producers: number;
  /** Unacknowledged records per producer at most; 0 for no limit. */
  readonly window: number;
  /** Records per second over all producers; 0 for as fast as the window allows. */
  readonly rate: number;
  /** Records sent first whose latency is not recorded (warm-up). */
  readonly warmupCount: number;
  /** The partition to send to; undefined to let the client spread records. */
  readonly partition: number | undefined;
}

/** Options of a consume run. */
export interface ConsumeOptions extends WorkloadOptions {
  /** Records to read at most; undefined for everything stored. */
  readonly count: number | undefined;
  readonly timeoutMs: number;
}

/** How a failover run takes the leader away: SIGKILL (its sockets reset at once; restarted
 *  later) or SIGSTOP (its sockets stay open and silent; SIGCONT later). */
export type FailoverFault = 'kill' | 'pause';

/** Options of a failover run. */
export interface FailoverOptions extends WorkloadOptions {
  readonly fault: FailoverFault;
  readonly sizeBytes: number;
  readonly rate: number;
  readonly partition: number;
  readonly killAfterMs: number;
  readonly restartAfterMs: number;
  readonly durationMs: number;
  readonly window: number;
  /** The cluster's data folder, holding node-N/*.pid. */
  readonly data: string;
}

/** The outcome of one run; `--json` prints it as it is. */
export interface BenchResult {
  readonly workload: string;
  readonly system: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly recordBytes: number;
  readonly producers?: number;
  readonly window?: number;
  readonly rate?: number;
  readonly acks?: string;
  readonly compression?: string;
  /** Records acknowledged (produce) or read (consume). */
  readonly records: number;
  readonly bytes: number;
  /** Records that failed, and the first error. */
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly latencyMs: LatencySummary | null;
  readonly firstRecordMs?: number;
  readonly failover?: FailoverOutcome;
}

/** What a failover run found. */
export interface FailoverOutcome {
  readonly fault: FailoverFault;
  readonly killedNode: string;
  readonly killedPid: number;
  readonly restartedPid: number;
  /** From the SIGKILL to the first acknowledgement received after it (-1: none). */
  readonly unavailableMs: number;
  /** From the SIGKILL to the first acknowledgement of a record sent after it (-1: none): longer
   *  than unavailableMs when records sent before the kill were still queued in the client. */
  readonly newWriteMs: number;
  /** From the SIGKILL until the system first named another leader (polled every 20 ms; -1:
   *  never within a minute). */
  readonly leaderSeenMs: number;
  /** The longest time without any acknowledgement, around the kill. */
  readonly ackGapMs: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly readBack: number;
  /** Acknowledged records not read back. */
  readonly lost: number;
  /** Acknowledged records read back at another partition or offset than acknowledged. */
  readonly misplaced: number;
  /** Records read back more than once. */
  readonly duplicates: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** At most `limit` outstanding permits (none when limit is 0). */
class Window {
  private used = 0;
  private waiter: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    while (this.limit > 0 && this.used >= this.limit) await new Promise<void>((resolve) => (this.waiter = resolve));
    this.used++;
  }

  release(): void {
    this.used--;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  get outstanding(): number {
    return this.used;
  }
}

/** Sends `count` records of `sizeBytes` through `producers` producers and measures throughput
 *  and send-to-acknowledgement latency. */
export async function runProduce(target: BenchTarget, options: ProduceOptions, workload = 'produce'): Promise<BenchResult> {
  await target.ensureTopic(options.topic, options);
  const payload = randomBytes(options.sizeBytes);
  const latency = new LatencyRecorder();
  const producers: BenchProducer[] = Array.from({ length: options.producers }, () => target.producer(options.topic, options.producer));
  const progress = new Progress(options.progress, options.count, 'records');
  let acked = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastAckAt = 0;
  const started = performance.now();
  const perProducerIntervalMs = options.rate > 0 ? (1000 * options.producers) / options.rate : 0;

  const loops = producers.map(async (producer, k) => {
    const count = Math.floor(options.count / options.producers) + (k < options.count % options.producers ? 1 : 0);
    const window = new Window(options.window);
    const pending = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      let sentAt: number;
      if (perProducerIntervalMs > 0) {
        const due = started + i * perProducerIntervalMs;
        const now = performance.now();
        if (due > now + 0.5) await sleep(due - now);
        sentAt = due;
      }
      await window.acquire();
      sentAt ??= performance.now();
      const measured = i * options.producers + k >= options.warmupCount;
      const sent = producer.send(payload, options.partition).then(
        () => {
          lastAckAt = performance.now();
          if (measured) latency.recordMs(lastAckAt - sentAt);
          acked++;
        },
        (err: unknown) => {
          errors++;
          firstError ??= describeError(err);
        },
      );
      const settled = sent.finally(() => {
        window.release();
        pending.delete(settled);
        progress.set(acked + errors);
      });
      pending.add(settled);
    }
    await Promise.all(pending);
    await producer.close();
  });
  try {
    await Promise.all(loops);
  } finally {
    progress.stop();
  }
  const seconds = ((lastAckAt || performance.now()) - started) / 1000;
  if (options.deleteAfter) await target.deleteTopic(options.topic);
  return {
    workload,
    system: target.system,
    topic: options.topic,
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
    recordBytes: options.sizeBytes,
    producers: options.producers,
    window: options.window,
    rate: options.rate,
    acks: options.producer.acks,
    compression: options.producer.compression,
    records: acked,
    bytes: acked * options.sizeBytes,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: Math.round(seconds * 1000) / 1000,
    ...rates(acked, acked * options.sizeBytes, seconds),
    latencyMs: latency.summary(),
  };
}

/** Reads a topic from the beginning of every partition and measures throughput. */
export async function runConsume(target: BenchTarget, options: ConsumeOptions): Promise<BenchResult> {
  const partitions = await target.partitionCount(options.topic);
  if (partitions === undefined) throw new Error(`topic "${options.topic}" does not exist; fill it first, e.g. with \`herald bench produce --topic ${options.topic}\``);
  const stored = await target.recordCounts(options.topic);
  let budget = options.count ?? Number.POSITIVE_INFINITY;
  const counts = stored.map((c) => {
    const take = Math.min(c, budget);
    budget -= take;
    return take;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const progress = new Progress(options.progress, total, 'records');
  let records = 0;
  let bytes = 0;
  let firstAt = 0;
  const started = performance.now();
  try {
    await target.readAll(
      options.topic,
      counts,
      (record) => {
        if (records === 0) firstAt = performance.now();
        records++;
        bytes += record.value.byteLength;
        if ((records & 1023) === 0) progress.set(records);
      },
      options.timeoutMs,
    );
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (options.deleteAfter) await target.deleteTopic(options.topic);
  return {
    workload: 'consume',
    system: target.system,
    topic: options.topic,
    partitions,
    replicationFactor: options.replicationFactor,
    recordBytes: records === 0 ? 0 : Math.round(bytes / records),
    records,
    bytes,
    errors: 0,
    seconds: Math.round(seconds * 1000) / 1000,
    ...rates(records, bytes, seconds),
    latencyMs: null,
    firstRecordMs: Math.round((firstAt - started) * 10) / 10,
  };
}

/** Writes at a fixed rate, SIGKILLs the partition's leader after killAfterMs (or SIGSTOPs it),
 *  restarts it restartAfterMs later (or SIGCONTs it), and checks that every acknowledged record
 *  is read back where it was acknowledged. */
export async function runFailover(target: BenchTarget, options: FailoverOptions): Promise<BenchResult> {
  if (options.sizeBytes < 8) throw new Error('--size must be at least 8 bytes for failover (each record carries its index)');
  await target.ensureTopic(options.topic, options);
  const template = randomBytes(options.sizeBytes);
  const latency = new LatencyRecorder();
  const producer = target.producer(options.topic, options.producer);
  const window = new Window(options.window);
  const acked = new Map<number, { partition: number; offset: number }>();
  const pending = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;
  const totalExpected = Math.ceil((options.durationMs / 1000) * options.rate);
  const progress = new Progress(options.progress, totalExpected, 'records');
  let failed = 0;
  let firstError: string | undefined;
  let killedAt = 0;
  let firstAckAfterKill = 0;
  let firstNewAckAfterKill = 0;
  let lastAckAt = 0;
  let ackGapMs = 0;
  let killed: { name: string; pid: number } | undefined;
  let restarted: Promise<number> | undefined;
  let killing: Promise<void> | undefined;
  const started = performance.now();
  lastAckAt = started;

  // Polls the system for the partition's leader until it names another node: the time the
  // cluster took to elect (an upper bound: a poll takes a round trip, and may first try the dead
  // node), to tell the election apart from the client's own retry delays.
  let leaderSeen: Promise<number> | undefined;
  const watchLeader = async (old: string, since: number): Promise<number> => {
    while (performance.now() - since < 60_000) {
      // A query stuck on the dead node must not stall the watch: give each one a second.
      const answer = target.leaderName(options.topic, options.partition).catch(() => old);
      const name = await Promise.race([answer, sleep(1000).then(() => old)]);
      if (name !== old) return Math.round((performance.now() - since) * 10) / 10;
      await sleep(20);
    }
    return -1;
  };
  const kill = async () => {
    const name = await target.leaderName(options.topic, options.partition);
    const node = findNodeProcess(options.data, name);
    const signalledAt = performance.now();
    if (options.fault === 'pause') {
      pauseNode(node);
      killedAt = signalledAt;
      killed = { name, pid: node.pid };
      leaderSeen = watchLeader(name, signalledAt);
      restarted = sleep(options.restartAfterMs).then(() => resumeNode(node));
      return;
    }
    await killNode(node);
    // Answers the leader sent before it died may still sit in our socket buffers: let the event
    // loop read them before acknowledgements count as coming after the kill.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    killedAt = signalledAt;
    killed = { name, pid: node.pid };
    leaderSeen = watchLeader(name, signalledAt);
    restarted = sleep(options.restartAfterMs).then(() => restartNode(node));
  };

  try {
    for (let i = 0; ; i++) {
      const due = started + i * intervalMs;
      // Past the duration, go on only until a write after the kill was acknowledged (capped).
      if (due - started >= options.durationMs && (killing === undefined || (killedAt > 0 && firstNewAckAfterKill > 0) || due - started >= options.durationMs + 30_000)) break;
      const now = performance.now();
      if (due > now + 0.5) await sleep(due - now);
      if (killing === undefined && due - started >= options.killAfterMs) {
        killing = kill();
        await killing;
      }
      await window.acquire();
      const value = Buffer.from(template);
      value.writeUInt32BE(Math.floor(i / 2 ** 32), 0);
      value.writeUInt32BE(i >>> 0, 4);
      const sentAfterKill = killedAt > 0;
      const settled = producer
        .send(value, options.partition)
        .then(
          (ack) => {
            const at = performance.now();
            ackGapMs = Math.max(ackGapMs, at - lastAckAt);
            lastAckAt = at;
            if (killedAt > 0 && firstAckAfterKill === 0) firstAckAfterKill = at;
            if (sentAfterKill && firstNewAckAfterKill === 0) firstNewAckAfterKill = at;
            latency.recordMs(at - due);
            acked.set(i, ack);
          },
          (err: unknown) => {
            failed++;
            firstError ??= describeError(err);
          },
        )
        .finally(() => {
          window.release();
          pending.delete(settled);
          progress.set(acked.size + failed);
        });
      pending.add(settled);
    }
    await Promise.all(pending);
    await producer.close();
  } finally {
    progress.stop();
  }
  const seconds = (lastAckAt - started) / 1000;
  if (killed === undefined || restarted === undefined) throw new Error(`the run ended before the kill; make --duration-s longer than --kill-after-s`);
  const leaderSeenMs = (await leaderSeen) ?? -1;
  const restartedPid = await restarted;
  await target.waitInSync(options.topic, 60_000);

  // Read everything back and check each acknowledged record.
  const counts = await target.recordCounts(options.topic);
  const seen = new Map<number, { partition: number; offset: number }>();
  let duplicates = 0;
  let readBack = 0;
  await target.readAll(
    options.topic,
    counts,
    (record) => {
      readBack++;
      const bytes = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
      const index = bytes.readUInt32BE(0) * 2 ** 32 + bytes.readUInt32BE(4);
      if (seen.has(index)) duplicates++;
      else seen.set(index, { partition: record.partition, offset: record.offset });
    },
    10_000,
  );
  let lost = 0;
  let misplaced = 0;
  for (const [index, ack] of acked) {
    const found = seen.get(index);
    if (found === undefined) lost++;
    else if (found.partition !== ack.partition || (ack.offset >= 0 && found.offset !== ack.offset)) misplaced++;
  }
  if (options.deleteAfter) await target.deleteTopic(options.topic);
  return {
    workload: 'failover',
    system: target.system,
    topic: options.topic,
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
    recordBytes: options.sizeBytes,
    producers: 1,
    window: options.window,
    rate: options.rate,
    acks: options.producer.acks,
    compression: options.producer.compression,
    records: acked.size,
    bytes: acked.size * options.sizeBytes,
    errors: failed,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: Math.round(seconds * 1000) / 1000,
    ...rates(acked.size, acked.size * options.sizeBytes, seconds),
    latencyMs: latency.summary(),
    failover: {
      fault: options.fault,
      killedNode: killed.name,
      killedPid: killed.pid,
      restartedPid,
      unavailableMs: firstAckAfterKill === 0 ? -1 : Math.round((firstAckAfterKill - killedAt) * 10) / 10,
      newWriteMs: firstNewAckAfterKill === 0 ? -1 : Math.round((firstNewAckAfterKill - killedAt) * 10) / 10,
      leaderSeenMs,
      ackGapMs: Math.round(ackGapMs * 10) / 10,
      acknowledged: acked.size,
      failed,
      readBack,
      lost,
      misplaced,
      duplicates,
    },
  };
}
