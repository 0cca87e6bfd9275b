import { Kafka, logLevel, type logCreator, type Producer } from 'kafkajs';
import { GroupOffsets } from './consumer-workloads.js';
import type { PolledRecord } from './history.js';
import type { ExtraWorkload, Listener, WorkloadContext } from './run.js';
import { describeError, sleep } from './workload.js';

// The Kafka-client workload of a chaos run (issue #13): kafkajs, a client no one here wrote,
// talks to the nodes' Kafka listeners through the run's proxies, so every fault hits it too.
// It writes to the run's topic like the SDK's producers, and its records are recorded as the
// same `send` operations, so the checker holds them to the same rules: every acknowledged
// record read (lost), once (duplicated: an idempotent producer's retry must not store it
// twice), in the order each producer sent it (nonmonotonic-send), on every node
// (lost-on-node). Its consumer group is a Herald consumer group: what its members consume is
// recorded as `consume` operations and its committed offsets are read back through the SDK, so
// the group checks apply (every acknowledged record consumed, offsets never going back, the
// final offsets at the high watermarks).

/** The Kafka consumer group of the workload. */
export const KAFKA_GROUP = 'chaos-kafka-group';

/** Options of KafkaWorkload. */
export interface KafkaWorkloadOptions {
  /** kafkajs idempotent producers (processes k1, k2, ...), one send outstanding each; 2 by default. */
  readonly producers?: number;
  /** Members of the kafkajs consumer group (processes kg1, kg2, ...); 2 by default. */
  readonly groupMembers?: number;
}

/** How long kafkajs waits for one produce request; its own retries fit in the send's budget. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A kafkajs client of the run's cluster, through the nodes' Kafka listeners behind their
 * proxies, with the cluster's TLS and the admin's SCRAM-SHA-512 login. kafkajs logs nothing
 * unless `log` is given (then its warnings and errors).
 */
export function kafkajsClient(context: WorkloadContext, clientId: string, log?: logCreator): Kafka {
  const brokers = context.listeners.kafka;
  if (brokers === undefined || brokers.length === 0) throw new Error('a kafkajs workload needs the nodes\' Kafka listeners (ExtraWorkload.listeners)');
  const { tls, credentials } = context.cluster;
  return new Kafka({
    clientId,
    brokers: [...brokers],
    ...(log === undefined ? { logLevel: logLevel.NOTHING } : { logLevel: logLevel.WARN, logCreator: log }),
    connectionTimeout: 5_000,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    ...(tls === undefined ? {} : { ssl: tls.ca === undefined ? true : { ca: [typeof tls.ca === 'string' ? tls.ca : Buffer.from(tls.ca)] } }),
    ...(credentials === undefined ? {} : { sasl: { mechanism: 'scram-sha-512' as const, username: credentials.username, password: credentials.password } }),
  });
}

/** How long the drain waits for the group's commits before it restarts the members (drain()). */
const DRAIN_RESTART_AFTER_MS = 15_000;

/** How many of kafkajs's last warnings and errors a drain problem quotes. */
const KAFKAJS_LOG_KEPT = 8;

/**
 * kafkajs producers and a kafkajs consumer group on the run's topic (see above). The producers
 * are idempotent with acks -1 (all in-sync replicas), one record per send, each send to the next
 * partition in turn; a send kafkajs gave up on is an unknown outcome (`info`: an attempt may
 * have been stored), and the producer is replaced by a new one (a new producer id) so that a
 * stuck sequence cannot stop the workload. The group's members consume from the earliest
 * offset with kafkajs's automatic commits (every 500 ms, of what eachBatch returned from).
 */
export class KafkaWorkload implements ExtraWorkload {
  readonly name: string;
  readonly listeners: readonly Listener[] = ['kafka'];
  private context: WorkloadContext | null = null;
  private kafka: Kafka | null = null;
  private readonly producerLoops: Promise<void>[] = [];
  private readonly memberLoops: Promise<void>[] = [];
  private offsets: GroupOffsets | null = null;
  private stopping = false;
  /** Aborts when the group's members are to leave (a restart in the drain, or the run's end). */
  private membersStop = new AbortController();
  /** kafkajs's last warnings and errors, quoted when the group does not drain. */
  private readonly kafkajsLog: string[] = [];
  private closed: Promise<void> | null = null;
  private readonly producerCount: number;
  private readonly memberCount: number;

  constructor(options: KafkaWorkloadOptions = {}) {
    this.producerCount = options.producers ?? 2;
    this.memberCount = options.groupMembers ?? 2;
    if (!(Number.isSafeInteger(this.producerCount) && this.producerCount >= 1)) throw new RangeError(`producers must be a positive integer (got ${this.producerCount})`);
    if (!(Number.isSafeInteger(this.memberCount) && this.memberCount >= 0)) throw new RangeError(`groupMembers must be a non-negative integer (got ${this.memberCount})`);
    this.name = `kafka: ${this.producerCount} idempotent kafkajs producers (acks -1)${this.memberCount === 0 ? '' : ` and a kafkajs consumer group of ${this.memberCount}`}`;
  }

  start(context: WorkloadContext): void {
    this.context = context;
    this.kafka = kafkajsClient(context, 'herald-chaos', () => ({ namespace, log }) => this.keepLog(namespace, log));
    for (let k = 1; k <= this.producerCount; k++) this.producerLoops.push(this.produce(`k${k}`, k - 1));
    if (this.memberCount > 0) {
      this.offsets = new GroupOffsets({ ...context, group: KAFKA_GROUP, process: 'kafka-offsets' });
      this.offsets.start();
      this.startMembers();
    }
  }

  /** Stops the producers and waits for their last sends; the consumer group goes on until
   *  drain() or close(). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.producerLoops);
  }

  /**
   * Waits for the group's commits to reach the high watermarks. kafkajs commits a member's
   * offsets only after it processed a batch (or on a rebalance), unlike Kafka's Java consumer,
   * which commits on every poll once the interval has passed: a commit that failed during the
   * last fault (say, on a coordinator that was moving) is only tried again with the next batch,
   * and after the producers stopped there is none. So if the group has not caught up after
   * DRAIN_RESTART_AFTER_MS, the members are restarted once, as an operator restarts a stuck
   * consumer: the new members resume from the committed offsets, are handed the rest again
   * (at-least-once, which the group checks allow) and commit it. A group that still does not
   * catch up is a problem, quoted with kafkajs's last warnings and errors.
   */
  async drain(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    if (this.offsets === null) return null;
    const firstMs = Math.min(DRAIN_RESTART_AFTER_MS, timeoutMs);
    let caughtUp = await this.offsets.caughtUp(firstMs, signal);
    if (!caughtUp && !signal.aborted && timeoutMs > firstMs) {
      await this.closeConsumers();
      this.startMembers();
      caughtUp = await this.offsets.caughtUp(timeoutMs - firstMs, signal);
    }
    await this.closeConsumers();
    const recorded = await this.offsets.recordFinal(30_000);
    if (!caughtUp) {
      const log = this.kafkajsLog.length === 0 ? 'kafkajs logged no warning or error' : `kafkajs's last warnings and errors: ${this.kafkajsLog.join('; ')}`;
      return `group ${KAFKA_GROUP} did not commit up to the high watermarks within ${(timeoutMs / 1000).toFixed(0)} s after the producers stopped (its members were restarted after ${(firstMs / 1000).toFixed(0)} s); ${log}`;
    }
    return recorded ? null : `could not read the final committed offsets of group ${KAFKA_GROUP}`;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping = true;
      await Promise.all(this.producerLoops);
      await this.closeConsumers();
      await this.offsets?.close();
    })();
    return this.closed;
  }

  private startMembers(): void {
    this.membersStop = new AbortController();
    this.memberLoops.length = 0;
    for (let m = 1; m <= this.memberCount; m++) this.memberLoops.push(this.member(`kg${m}`, this.membersStop.signal));
  }

  private async closeConsumers(): Promise<void> {
    this.membersStop.abort();
    await Promise.all(this.memberLoops);
  }

  /** Keeps kafkajs's last warnings and errors (logLevel WARN), with the run's time. */
  private keepLog(namespace: string, log: { readonly message: string; readonly error?: string }): void {
    const time = this.context === null ? '' : `${(this.context.clock() / 1000).toFixed(1)} s `;
    this.kafkajsLog.push(`${time}${namespace}: ${log.message}${log.error === undefined ? '' : ` (${log.error})`}`);
    if (this.kafkajsLog.length > KAFKAJS_LOG_KEPT) this.kafkajsLog.shift();
  }

  /** One producer's loop: one record per send, partitions in turn, values `k1-0`, `k1-1`, ... */
  private async produce(name: string, first: number): Promise<void> {
    const { topic, partitions, record, clock } = this.context!;
    let producer: Producer | null = null;
    let next = 0;
    let partition = first % partitions;
    while (!this.stopping) {
      if (producer === null) {
        const created = this.kafka!.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 } });
        try {
          await created.connect();
          producer = created;
        } catch {
          await created.disconnect().catch(() => undefined);
          await sleep(500);
          continue;
        }
      }
      const value = `${name}-${next++}`;
      const fields = { process: name, f: 'send' as const, topic, partition, value, producer: name };
      await record({ time: clock(), type: 'invoke', ...fields });
      try {
        const [metadata] = await producer.send({ topic, acks: -1, timeout: REQUEST_TIMEOUT_MS, messages: [{ partition, value }] });
        if (metadata === undefined || metadata.partition !== partition || metadata.baseOffset === undefined) throw new Error(`kafkajs answered without the partition's offset: ${JSON.stringify(metadata)}`);
        await record({ time: clock(), type: 'ok', ...fields, offset: Number(metadata.baseOffset) });
      } catch (err) {
        // Unknown: an attempt may have been stored. A new producer (a new producer id) goes on.
        await record({ time: clock(), type: 'info', ...fields, error: `kafkajs: ${describeError(err)}` });
        await producer.disconnect().catch(() => undefined);
        producer = null;
      }
      partition = (partition + 1) % partitions;
    }
    await producer?.disconnect().catch(() => undefined);
  }

  /** One member of the kafkajs group: each batch eachBatch hands over is one recorded consume.
   *  kafkajs commits a batch's offsets only after eachBatch returns, by which time the batch is
   *  in the history, so nothing is committed that the history does not show consumed. A member
   *  kafkajs gave up on (a crash it does not restart from) is replaced by a new one. */
  private async member(name: string, stop: AbortSignal): Promise<void> {
    const { topic, record, clock } = this.context!;
    const group = KAFKA_GROUP;
    const stopped = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
    while (!stop.aborted) {
      const consumer = this.kafka!.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 15_000, maxWaitTimeInMs: 500, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 } });
      const crashed = new Promise<void>((resolve) => consumer.on(consumer.events.CRASH, (event) => (event.payload.restart ? undefined : resolve())));
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommitInterval: 500,
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            await record({ time: clock(), type: 'invoke', process: name, f: 'consume', topic, group });
            const records: PolledRecord[] = batch.messages.map((m) => ({ partition: batch.partition, offset: Number(m.offset), value: m.value?.toString() ?? '' }));
            await record({ time: clock(), type: 'ok', process: name, f: 'consume', topic, group, records });
          },
        });
        await Promise.race([crashed, stopped]);
      } catch {
        // could not join: a new member tries again
      }
      await consumer.disconnect().catch(() => undefined);
      if (!stop.aborted) await sleep(500, stop);
    }
  }
}
