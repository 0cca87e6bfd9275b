import { HeraldClient, HeraldError, type Consumer, type ConsumedRecord, type Producer } from '@herald/client';
import type { ClusterAccess } from './cluster-security.js';
import type { HistoryEvent, HistoryWriter, PolledRecord } from './history.js';

/**
 * Reasons that say for certain a send was not written: the broker refused the request before
 * it could enter a log. Everything else (timeouts, lost connections, retryable refusals the
 * client gave up on after earlier attempts that may have been written, which it reports as
 * CommitTimedOut) is an unknown outcome, recorded as `info`: it may appear or not, and is never
 * counted lost. Calling one of those `fail` would turn a legitimate late write into a false G1a.
 * `DiskFull` is the free-disk guard's refusal (docs/chaos.md, disk-full): gRPC
 * RESOURCE_EXHAUSTED with a message starting `disk full:`, made before the batch is proposed.
 */
const definiteRefusals: ReadonlySet<string> = new Set(['InvalidArgument', 'RecordTooLarge', 'TopicNotFound', 'PartitionNotFound', 'DiskFull']);

/** Whether a send that failed with `err` definitely did not happen. */
export function isDefiniteFailure(err: unknown): boolean {
  return err instanceof HeraldError && definiteRefusals.has(err.reason);
}

/** A short description of an error for the history. */
export function describeError(err: unknown): string {
  if (err instanceof HeraldError) return `${err.reason}: ${err.message}`.slice(0, 300);
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/** Where history events go: appended in call order; resolves when the file can take more. */
export type Recorder = (event: HistoryEvent) => Promise<void>;

/** Builds a recorder on a history writer; the writer keeps the first failure and rethrows it. */
export function recorderFor(history: HistoryWriter): Recorder {
  return (event) => history.append(event);
}

/** Counters the progress line shows. */
export interface WorkloadCounters {
  sendsInvoked: number;
  sendsOk: number;
  sendsFailed: number;
  sendsUnknown: number;
  recordsRead: number;
  pollsFailed: number;
  /** Records consumer-group members consumed (counting re-reads). */
  groupConsumed: number;
  /** Records queue-subscription members were handed (counting redeliveries). */
  queueDeliveries: number;
  /** Acks the broker applied. */
  queueAcks: number;
  /** Run time of the last acknowledged send, per partition. */
  readonly lastOkMs: Map<number, number>;
}

/** Options of the producers of a workload. */
export interface ProducersOptions {
  /** How the clients reach the cluster: the proxies, TLS and the admin (cluster-security.ts). */
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  readonly producers: number;
  /** Sends each producer keeps outstanding per partition (one history process each). */
  readonly inflightPerPartition: number;
  /** Total sends per second over every producer; 0 for as fast as they are acknowledged. */
  readonly ratePerSecond: number;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly counters: WorkloadCounters;
}

/**
 * Several idempotent acks-QUORUM producers, each writing unique values (`p3-17`: producer p3's
 * 17th value) to every partition. Each producer has `inflightPerPartition` history processes
 * per partition, each with at most one send outstanding, so a producer pipelines several sends
 * to one partition and the checker can tell whether they were stored in the order invoked.
 */
export class Producers {
  private readonly clients: HeraldClient[] = [];
  private readonly producers: Producer[] = [];
  private loops: Promise<void>[] = [];
  private stopping = false;
  private readonly nextValue: number[];
  private readonly pacer: Pacer;

  constructor(private readonly options: ProducersOptions) {
    this.nextValue = new Array<number>(options.producers).fill(0);
    this.pacer = new Pacer(options.ratePerSecond);
  }

  /** Starts every producer's processes. */
  start(): void {
    const { producers, partitions, inflightPerPartition } = this.options;
    for (let k = 0; k < producers; k++) {
      const client = new HeraldClient({ ...this.options.cluster, callTimeoutMs: 5_000 });
      // lingerMs 0: every send is its own batch, so pipelined sends are separate requests with
      // their own sequence numbers, which is what idempotence and ordering must survive.
      const producer = client.producer({ acks: 'quorum', idempotent: true, lingerMs: 0 });
      this.clients.push(client);
      this.producers.push(producer);
      for (let partition = 0; partition < partitions; partition++) {
        for (let w = 0; w < inflightPerPartition; w++) this.loops.push(this.loop(k, partition, `p${k + 1}-${partition}-${w}`));
      }
    }
  }

  /** Stops invoking new sends and waits for the outstanding ones to complete. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pacer.stop();
    await Promise.all(this.loops);
    await Promise.allSettled(this.clients.map((client) => client.close()));
  }

  private async loop(k: number, partition: number, process: string): Promise<void> {
    const producer = this.producers[k]!;
    const name = `p${k + 1}`;
    const { topic, record, clock, counters } = this.options;
    while (!this.stopping) {
      await this.pacer.wait();
      if (this.stopping) return;
      const value = `${name}-${this.nextValue[k]!++}`;
      const fields = { process, f: 'send' as const, topic, partition, value, producer: name };
      // Invoke and send() in one synchronous step: the invoke order in the history is the order
      // the producer was handed the values, which the checker's reorder check relies on.
      const drained = record({ time: clock(), type: 'invoke', ...fields });
      const sent = outcomeOf(producer.send(topic, { value, partition }));
      counters.sendsInvoked += 1;
      await drained;
      const outcome = await sent;
      if (outcome.ok) {
        const time = clock();
        counters.sendsOk += 1;
        counters.lastOkMs.set(partition, time);
        await record({ time, type: 'ok', ...fields, offset: outcome.value.offset });
      } else {
        const definite = isDefiniteFailure(outcome.error);
        if (definite) counters.sendsFailed += 1;
        else counters.sendsUnknown += 1;
        await record({ time: clock(), type: definite ? 'fail' : 'info', ...fields, error: describeError(outcome.error) });
      }
    }
  }
}

/** Spaces out sends to a total rate; with rate 0 it never waits. */
class Pacer {
  private nextAtMs = 0;
  private readonly intervalMs: number;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(ratePerSecond: number) {
    this.intervalMs = ratePerSecond > 0 ? 1000 / ratePerSecond : 0;
  }

  wait(): Promise<void> {
    if (this.intervalMs === 0) return Promise.resolve();
    const now = performance.now();
    // No catching up after a stall: at most one interval of credit.
    this.nextAtMs = Math.max(this.nextAtMs + this.intervalMs, now - this.intervalMs);
    const delayMs = this.nextAtMs - now;
    if (delayMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, delayMs),
      };
      this.timers.add(entry);
    });
  }

  stop(): void {
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }
}

/** Options of the consumers of a workload. */
export interface ConsumersOptions {
  /** How the clients reach the cluster: the proxies, TLS and the admin (cluster-security.ts). */
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  readonly consumers: number;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly counters: WorkloadCounters;
  /** How long one poll collects records. */
  readonly pollMs?: number;
  /** The most records one poll returns. */
  readonly pollRecordsMax?: number;
}

/**
 * Consumers reading every partition from the start. Each consumer has one history process per
 * partition (`c1-0`), which polls: it collects what the SDK's iterator delivers for up to
 * `pollMs`, and records it as one poll. When the iterator fails (a partition failing on every
 * replica for the SDK's failTimeoutMs), the poll completes as `info` and a new iterator resumes
 * after the last offset read.
 */
export class Consumers {
  private readonly clients: HeraldClient[] = [];
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly options: ConsumersOptions) {}

  start(): void {
    for (let j = 0; j < this.options.consumers; j++) {
      const client = new HeraldClient({ ...this.options.cluster, callTimeoutMs: 5_000 });
      this.clients.push(client);
      for (let partition = 0; partition < this.options.partitions; partition++) {
        this.loops.push(this.loop(client, partition, `c${j + 1}-${partition}`));
      }
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    await Promise.allSettled(this.clients.map((client) => client.close()));
  }

  private async loop(client: HeraldClient, partition: number, process: string): Promise<void> {
    const { topic, record, clock, counters } = this.options;
    const pollMs = this.options.pollMs ?? 250;
    const pollRecordsMax = this.options.pollRecordsMax ?? 2_000;
    const signal = this.abort.signal;
    let nextOffset = 0;
    while (!signal.aborted) {
      const consumer = client.consumer({ topic, partitions: [partition], from: { offset: nextOffset }, maxWaitMs: 500 });
      const reader = new PollReader(consumer);
      try {
        while (!signal.aborted) {
          await record({ time: clock(), type: 'invoke', process, f: 'poll', topic });
          let records: PolledRecord[];
          try {
            records = await reader.poll(pollMs, pollRecordsMax, signal);
          } catch (err) {
            counters.pollsFailed += 1;
            await record({ time: clock(), type: 'info', process, f: 'poll', topic, error: describeError(err) });
            break; // a new iterator, from the next offset
          }
          counters.recordsRead += records.length;
          const last = records[records.length - 1];
          if (last !== undefined) nextOffset = last.offset + 1;
          await record({ time: clock(), type: 'ok', process, f: 'poll', topic, records });
        }
      } finally {
        await reader.close();
      }
      if (!signal.aborted) await sleep(200, signal);
    }
  }
}

/**
 * Turns the SDK's record iterator into polls: take what arrives within a time window. A next()
 * still pending when a window closes is kept for the next poll, so no record is dropped between
 * polls and next() is never called twice at once.
 */
export class PollReader {
  private pending: Promise<IteratorResult<ConsumedRecord>> | null = null;
  private readonly iterator: AsyncIterator<ConsumedRecord>;

  constructor(private readonly consumer: Consumer) {
    this.iterator = consumer[Symbol.asyncIterator]();
  }

  /** Records that arrive within `windowMs`, at most `recordsMax`, and none after one that
   *  `last` accepts; throws the iterator's error. */
  async poll(windowMs: number, recordsMax: number, signal?: AbortSignal, last?: (record: PolledRecord) => boolean): Promise<PolledRecord[]> {
    const records: PolledRecord[] = [];
    const deadline = performance.now() + windowMs;
    while (records.length < recordsMax && signal?.aborted !== true) {
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0) break;
      this.pending ??= this.iterator.next();
      const result = await raceTimeout(this.pending, remainingMs);
      if (result === timedOut) break;
      this.pending = null;
      if (result.done === true) break;
      const record = result.value;
      const polled = { partition: record.partition, offset: record.offset, value: record.value?.toString() ?? '' };
      records.push(polled);
      if (last?.(polled) === true) break;
    }
    return records;
  }

  async close(): Promise<void> {
    await this.consumer.close();
    // A pending next() resolves done once the consumer closes; nothing is left waiting.
    await this.pending?.catch(() => undefined);
  }
}

/** `promise`'s outcome, handled from now on: a send or an ack that fails while the workload
 *  still awaits its invoke's write to the history is no unhandled rejection (one of an ack
 *  crashed a campaign run under a load average of 20). */
export function outcomeOf<T>(promise: Promise<T>): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** What raceTimeout() resolves with when the time ran out first. */
export const timedOut = Symbol('timed out');

/** `promise`'s outcome, or `timedOut` when it takes longer than `ms`. */
export function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One partition's leader as last observed. */
export interface ObservedLeader {
  readonly leader: number | null;
  readonly term: number;
  readonly isr: readonly number[];
  readonly highWatermark: number;
}

/**
 * Polls describeTopic and records a leader event whenever a partition's leader or term
 * changes. Its latest view also tells the harness whom `isolate-leader` should isolate.
 */
export class LeaderWatcher {
  readonly leaders = new Map<number, ObservedLeader>();
  private readonly client: HeraldClient;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(
    cluster: ClusterAccess,
    private readonly topic: string,
    private readonly record: Recorder,
    private readonly clock: () => number,
    private readonly intervalMs = 250,
  ) {
    this.client = new HeraldClient({ ...cluster, callTimeoutMs: 1_000, retry: { backoffInitialMs: 50, backoffMaxMs: 200 } });
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Refreshes the view once now (also used between fault steps). */
  async refresh(): Promise<void> {
    let description;
    try {
      description = await this.client.describeTopic(this.topic, { timeoutMs: 1_000, signal: this.abort.signal });
    } catch {
      return; // no node answered in time: nothing observed
    }
    const time = this.clock();
    for (const p of description.partitions) {
      const leader = p.leaderId === 0 ? null : p.leaderId;
      const previous = this.leaders.get(p.id);
      this.leaders.set(p.id, { leader, term: p.leaderTerm, isr: p.isr, highWatermark: p.highWatermark });
      if (previous !== undefined && previous.leader === leader && previous.term === p.leaderTerm) continue;
      await this.record({ time, type: 'leader', topic: this.topic, partition: p.id, leader, term: p.leaderTerm });
    }
  }

  /** The node leading the most partitions now (ties: the leader of the lowest partition). */
  busiestLeader(): number | null {
    const counts = new Map<number, number>();
    let best: number | null = null;
    for (const [, observed] of [...this.leaders].sort((a, b) => a[0] - b[0])) {
      if (observed.leader === null) continue;
      const count = (counts.get(observed.leader) ?? 0) + 1;
      counts.set(observed.leader, count);
      if (best === null || count > counts.get(best)!) best = observed.leader;
    }
    return best;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.client.close();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      await this.refresh();
      await sleep(this.intervalMs, this.abort.signal);
    }
  }
}
