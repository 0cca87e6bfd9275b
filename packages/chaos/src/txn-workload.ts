import { HeraldClient, HeraldError, type CommittedOffset, type Producer } from '@herald/client';
import type { Kafka, Producer as KafkaProducer } from 'kafkajs';
import { kafkajsClient } from './kafka-workload.js';
import { finalRead } from './final-read.js';
import type { HistoryEvent, PartitionOffset, PolledRecord, TxnEvent, TxnWrite } from './history.js';
import type { ExtraWorkload, Listener, WorkloadContext } from './run.js';
import { createPrng, type Prng } from './schedule.js';
import { Consumers, describeError, PollReader, sleep, type Recorder, type WorkloadCounters } from './workload.js';

// The transaction workload of a chaos run (issue #15, docs/transactions.md): Kafka-style
// transactions through the SDK (producer.transaction()), checked by txn-checks.ts for Jepsen's
// transaction anomalies. Two kinds of transaction share one topic:
// - writers: each transaction writes a few records to 2 or 3 partitions; every fifth is aborted
//   on purpose. A value says who wrote it, in which transaction, its index and count, and
//   whether it was meant to commit: `txw1.17-2/4-c` is writer txw1's 17th transaction's third
//   record of four, meant to commit. The SDK's writers (txw1, txw2) are joined by a kafkajs
//   transactional producer (txwk1) on the Kafka listeners, the protocol without an epoch per
//   transaction.
// - processors (read-process-write, exactly once): one per partition, each reads its partition
//   from the group's committed offset and, per transaction, writes one output record per
//   writer record it read (`txp0.5-1/3-c`; the history names its input) to the next partition
//   and sends the group offset past what it read, committed together; every fifth is aborted,
//   and the processor reads the same records again. Outputs land in the partitions other
//   processors read, so processors read each other's writes: the write-read dependencies the
//   checker searches for cycles (G1c) run among them.
// A read-committed reader follows every partition all along; after the drain, plain end
// records mark each partition's end and a final read covers the whole topic.

/** The topic of the transactions. */
export const TXN_TOPIC = 'chaos-txn';
/** The consumer group whose offsets the processors commit in their transactions. */
export const TXN_GROUP = 'chaos-txn-processors';

/** Options of TxnWorkload. */
export interface TxnWorkloadOptions {
  /** Multi-partition writers of the SDK (txw1, txw2, ...); 2 by default. */
  readonly writers?: number;
  /** Multi-partition writers of kafkajs (txwk1, ...); 1 by default. */
  readonly kafkaWriters?: number;
  /** Every n-th transaction of each writer and processor is aborted on purpose; 5 by default. */
  readonly abortEvery?: number;
  /** The producers' transaction.timeout.ms: an abandoned transaction is aborted by the cluster
   *  after this; 10,000 by default, so a run's drain does not wait long for one. */
  readonly transactionTimeoutMs?: number;
}

/** Refusals after which a commit certainly did not happen (the first time it was asked). */
const commitRefusals: ReadonlySet<string> = new Set(['ProducerFenced', 'InvalidTxnState', 'InvalidProducerIdMapping']);

/** How a transaction ended, as recorded. */
interface Outcome {
  readonly type: 'ok' | 'fail' | 'info';
  readonly error?: string;
  /** Where the partitions acknowledged its batches, as far as its sends were answered. */
  readonly acked?: readonly PartitionOffset[];
}

/** What runTransaction() needs of a transaction, the SDK's or kafkajs's. */
interface EndableTransaction {
  commit(): Promise<unknown>;
  abort(): Promise<unknown>;
}

/** A transactional producer a writer loop drives: one transaction at a time, and a new
 *  instance with the same transactional id (fencing the old one) after a bad end. */
interface TxnWriter {
  run(intent: 'commit' | 'abort', writes: readonly TxnWrite[]): Promise<Outcome>;
  replace(): Promise<void>;
  close(): Promise<void>;
}

/** The SDK's refusals of a commit, which no earlier attempt of it can have preceded. */
const sdkRefusal = (err: unknown): boolean => err instanceof HeraldError && commitRefusals.has(err.reason);

/** Multi-partition and read-process-write transactions under faults (see above). */
export class TxnWorkload implements ExtraWorkload {
  readonly name: string;
  private context: WorkloadContext | null = null;
  readonly listeners: readonly Listener[];
  private readonly writerCount: number;
  private readonly kafkaWriterCount: number;
  private readonly abortEvery: number;
  private readonly transactionTimeoutMs: number;
  private readonly writers: Promise<void>[] = [];
  private readonly processors: Promise<void>[] = [];
  private writersStopping = false;
  private processorsStopping = false;
  private ready: Promise<void> | null = null;
  private reader: Consumers | null = null;
  private admin: HeraldClient | null = null;
  private plainCount = 0;

  constructor(options: TxnWorkloadOptions = {}) {
    this.writerCount = options.writers ?? 2;
    this.kafkaWriterCount = options.kafkaWriters ?? 1;
    this.listeners = this.kafkaWriterCount > 0 ? ['kafka'] : [];
    this.abortEvery = options.abortEvery ?? 5;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 10_000;
    if (!(Number.isSafeInteger(this.writerCount) && this.writerCount >= 1)) throw new RangeError(`the transaction workload needs 1 or more writers (got ${this.writerCount})`);
    if (!(Number.isSafeInteger(this.kafkaWriterCount) && this.kafkaWriterCount >= 0)) throw new RangeError(`kafkaWriters must be a non-negative integer (got ${this.kafkaWriterCount})`);
    if (!(Number.isSafeInteger(this.abortEvery) && this.abortEvery >= 2)) throw new RangeError(`abortEvery must be an integer from 2 (got ${this.abortEvery})`);
    const kafka = this.kafkaWriterCount === 0 ? '' : ` (and ${this.kafkaWriterCount} of kafkajs)`;
    this.name = `transactions: ${this.writerCount} multi-partition writers${kafka} and a read-process-write processor per partition on topic ${TXN_TOPIC}`;
  }

  start(context: WorkloadContext): void {
    if (context.partitions < 2) throw new RangeError(`the transaction workload needs 2 or more partitions, to write across them (got ${context.partitions})`);
    this.context = context;
    this.admin = new HeraldClient({ ...context.cluster, callTimeoutMs: 5_000 });
    this.ready = this.createTopic();
    const counters: WorkloadCounters = { sendsInvoked: 0, sendsOk: 0, sendsFailed: 0, sendsUnknown: 0, recordsRead: 0, pollsFailed: 0, groupConsumed: 0, queueDeliveries: 0, queueAcks: 0, lastOkMs: new Map() };
    this.reader = new Consumers({ cluster: context.cluster, topic: TXN_TOPIC, partitions: context.partitions, consumers: 1, record: this.recorder(), clock: context.clock, counters });
    void this.ready.then(() => this.reader?.start());
    for (let k = 1; k <= this.writerCount; k++) this.writers.push(this.write(`txw${k}`, createPrng(context.seed * 41 + k), (name) => this.sdkWriter(name)));
    if (this.kafkaWriterCount > 0) {
      const kafka = kafkajsClient(context, 'herald-chaos-txn');
      for (let k = 1; k <= this.kafkaWriterCount; k++) this.writers.push(this.write(`txwk${k}`, createPrng(context.seed * 43 + k), (name) => kafkaWriter(kafka, name, this.transactionTimeoutMs)));
    }
    for (let p = 0; p < context.partitions; p++) this.processors.push(this.process(`txp${p}`, p));
  }

  /** Stops the writers; the processors and the reader go on until drain() or close(). */
  async stop(): Promise<void> {
    this.writersStopping = true;
    await Promise.all(this.writers);
  }

  async close(): Promise<void> {
    await this.stop();
    this.processorsStopping = true;
    await Promise.all(this.processors);
    await this.reader?.stop();
    await this.admin?.close();
  }

  /**
   * Lets the processors catch up: a plain end record on every partition, then a wait (at most
   * `timeoutMs`) until the group's committed offsets are past each; then stops them and the
   * reader, writes a second end record per partition and reads the whole topic up to them.
   */
  async drain(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const { cluster, partitions, clock } = this.context!;
    const deadline = performance.now() + timeoutMs;
    const problems: string[] = [];
    const marks = await this.writeEnds('drain', deadline, signal);
    let behind: number[] = [];
    while (!signal.aborted) {
      behind = await committedOffsets(this.admin!).then(
        (offsets) => marks.flatMap((mark, p) => ((offsets.find((o) => o.partition === p)?.offset ?? 0) > mark ? [] : [p])),
        () => marks.map((_, p) => p),
      );
      if (behind.length === 0 || performance.now() > deadline) break;
      await sleep(500, signal);
    }
    if (marks.some((mark) => mark < 0)) problems.push('could not write an end record to every partition');
    else if (behind.length > 0) problems.push(`the processors of partitions ${behind.join(', ')} did not commit past the end records within ${(timeoutMs / 1000).toFixed(0)} s`);
    this.processorsStopping = true;
    await Promise.all(this.processors);
    await this.reader?.stop();
    if (signal.aborted) return null;
    const ends = await this.writeEnds('end', performance.now() + 30_000, signal);
    if (ends.some((end) => end < 0)) return [...problems, 'could not write the final end records'].join('; ');
    const read = await finalRead({ cluster, topic: TXN_TOPIC, partitions, process: 'txn-final', endOffsets: ends.map((end) => end + 1), record: this.recorder(), clock, timeoutMs: 60_000 });
    if (!read.complete) problems.push('the final read of the transactions did not reach the end record of every partition (a transaction left open?)');
    return problems.length === 0 ? null : problems.join('; ');
  }

  /** The run's recorder, with the reads of the topic recorded as `txn-read` by processes of
   *  their own (`txn-c1-0`, `txn-final`). */
  private recorder(): Recorder {
    const { record } = this.context!;
    return (event: HistoryEvent) => {
      if (event.type === 'fault' || event.type === 'leader' || event.f !== 'poll') return record(event);
      return record({ ...event, f: 'txn-read', process: event.process.startsWith('txn-') ? event.process : `txn-${event.process}` });
    };
  }

  private async createTopic(): Promise<void> {
    const { partitions } = this.context!;
    while (!this.writersStopping) {
      try {
        await this.admin!.createTopic(TXN_TOPIC, { partitions });
        return;
      } catch (err) {
        if (err instanceof HeraldError && err.reason === 'TopicExists') return;
        await sleep(500);
      }
    }
  }

  /**
   * Writes one plain (non-transactional) record to every partition, `drain-0` or `end-0`, each
   * recorded as a `plain` transaction; resolves with their offsets (-1 where none was
   * acknowledged by `deadline`). An end record sits behind every transaction that wrote before
   * it, so a read-committed read reaches it only once they all ended.
   */
  private async writeEnds(what: string, deadline: number, signal: AbortSignal): Promise<number[]> {
    const { partitions, record, clock } = this.context!;
    const producer = this.admin!.producer({ acks: 'quorum', deliveryTimeoutMs: 10_000 });
    try {
      return await Promise.all(
        Array.from({ length: partitions }, async (_, partition) => {
          while (performance.now() < deadline && !signal.aborted) {
            const value = `${what}-${partition}-${++this.plainCount}`;
            const fields = { process: `txn-${what}-${partition}`, f: 'txn' as const, topic: TXN_TOPIC, txn: value, kind: 'plain' as const, intent: 'commit' as const, writes: [{ partition, value }], reads: [], offsets: [] };
            await record({ time: clock(), type: 'invoke', ...fields });
            try {
              const { offset } = await producer.send(TXN_TOPIC, { value, partition });
              await record({ time: clock(), type: 'ok', ...fields });
              return offset;
            } catch (err) {
              await record({ time: clock(), type: 'info', ...fields, error: describeError(err) });
              await sleep(500, signal);
            }
          }
          return -1;
        }),
      );
    } finally {
      await producer.close().catch(() => undefined);
    }
  }

  private transactionalProducer(client: HeraldClient, name: string): Producer {
    return client.producer({ transactionalId: `chaos-txn-${name}`, transactionTimeoutMs: this.transactionTimeoutMs, deliveryTimeoutMs: 10_000, requestTimeoutMs: 5_000 });
  }

  /** A writer on the SDK: its transactions' records in one send() (one Produce per partition). */
  private sdkWriter(name: string): TxnWriter {
    const client = new HeraldClient({ ...this.context!.cluster, callTimeoutMs: 5_000 });
    let producer = this.transactionalProducer(client, name);
    return {
      run: (intent, writes) =>
        runTransaction(
          () => producer.transaction(),
          intent,
          async (txn) => firstOffsets(await txn.send(TXN_TOPIC, writes.map((w) => ({ value: w.value, partition: w.partition })))),
          sdkRefusal,
        ),
      replace: async () => {
        await producer.close().catch(() => undefined);
        producer = this.transactionalProducer(client, name);
      },
      close: async () => {
        await producer.close().catch(() => undefined);
        await client.close();
      },
    };
  }

  /** One writer: transactions of 2 to 5 records over 2 or 3 partitions, one at a time; after
   *  one that did not end as intended, a new producer instance (fencing the old one). */
  private async write(name: string, prng: Prng, writerOf: (name: string) => TxnWriter): Promise<void> {
    const { partitions, record, clock } = this.context!;
    await this.ready;
    const writer = writerOf(name);
    for (let n = 1; !this.writersStopping; n++) {
      const intent = n % this.abortEvery === 0 ? 'abort' : 'commit';
      const chosen = shuffle(Array.from({ length: partitions }, (_, p) => p), prng).slice(0, Math.min(partitions, prng.int(2, 3)));
      const count = chosen.length + prng.int(0, 2);
      const txnName = `${name}.${n}`;
      const writes: TxnWrite[] = Array.from({ length: count }, (_, i) => ({ partition: chosen[i % chosen.length]!, value: `${txnName}-${i}/${count}-${intent[0]}` }));
      const fields = { process: name, f: 'txn' as const, topic: TXN_TOPIC, txn: txnName, kind: 'write' as const, intent, writes, reads: [], offsets: [] } satisfies Omit<TxnEvent, 'time' | 'type'>;
      await record({ time: clock(), type: 'invoke', ...fields });
      const outcome = await writer.run(intent, writes);
      await record({ time: clock(), ...fields, ...outcome });
      if (outcome.type !== 'ok') {
        await writer.replace();
        await sleep(200);
      }
    }
    await writer.close();
  }

  /** The processor of one partition: incarnations one after the other, each starting with a
   *  new producer instance (fencing the last) and the group's committed offset. */
  private async process(name: string, partition: number): Promise<void> {
    await this.ready;
    const client = new HeraldClient({ ...this.context!.cluster, callTimeoutMs: 5_000 });
    const state = { n: 0 };
    while (!this.processorsStopping) {
      const producer = this.transactionalProducer(client, name);
      try {
        await this.incarnation(client, producer, name, partition, state);
      } finally {
        await producer.close().catch(() => undefined);
      }
      if (!this.processorsStopping) await sleep(200);
    }
    await client.close();
  }

  /**
   * Reads the partition from the group's committed offset; per batch read, one transaction:
   * an output per writer record (to the next partition), the group's offset past the batch.
   * After an intended abort it reads the batch again; after a transaction that did not end as
   * intended, it returns (a new incarnation starts over).
   */
  private async incarnation(client: HeraldClient, producer: Producer, name: string, partition: number, state: { n: number }): Promise<void> {
    const { partitions, record, clock } = this.context!;
    // InitTransactions first (fencing older instances, waiting for their last transaction to
    // complete), so the committed offset read next includes whatever they committed.
    try {
      await (await producer.transaction()).abort();
    } catch {
      return;
    }
    let position: number;
    try {
      position = (await committedOffsets(client)).find((o) => o.partition === partition)?.offset ?? 0;
    } catch {
      return;
    }
    const output = (partition + 1) % partitions;
    let reader = this.readerAt(client, partition, position);
    try {
      while (!this.processorsStopping) {
        let records: PolledRecord[];
        try {
          records = await reader.poll(300, 8);
        } catch {
          return;
        }
        if (records.length === 0) continue;
        const next = records[records.length - 1]!.offset + 1;
        const inputs = records.filter((r) => r.value.startsWith('txw'));
        const intent = ++state.n % this.abortEvery === 0 ? 'abort' : 'commit';
        const txnName = `${name}.${state.n}`;
        const writes: TxnWrite[] = inputs.map((r, i) => ({ partition: output, value: `${txnName}-${i}/${inputs.length}-${intent[0]}`, input: r.value }));
        const offsets = [{ partition, offset: next }];
        const fields = { process: name, f: 'txn' as const, topic: TXN_TOPIC, txn: txnName, kind: 'process' as const, intent, writes, reads: records, offsets } satisfies Omit<TxnEvent, 'time' | 'type'>;
        await record({ time: clock(), type: 'invoke', ...fields });
        const outcome = await runTransaction(
          () => producer.transaction(),
          intent,
          async (txn) => {
            const sent = writes.length === 0 ? [] : await txn.send(TXN_TOPIC, writes.map((w) => ({ value: w.value, partition: w.partition })));
            await txn.sendOffsets(TXN_GROUP, [{ topic: TXN_TOPIC, partition, offset: next }]);
            return firstOffsets(sent);
          },
          sdkRefusal,
        );
        await record({ time: clock(), ...fields, ...outcome });
        if (outcome.type !== 'ok') return;
        if (intent === 'commit') {
          position = next;
        } else {
          await reader.close();
          reader = this.readerAt(client, partition, position);
        }
      }
    } finally {
      await reader.close();
    }
  }

  private readerAt(client: HeraldClient, partition: number, offset: number): PollReader {
    return new PollReader(client.consumer({ topic: TXN_TOPIC, partitions: [partition], from: { offset }, maxWaitMs: 500, failTimeoutMs: 10_000 }));
  }
}

/**
 * Runs one transaction: `body` sends, then commit (retried twice while its outcome is unknown;
 * EndTxn answers a retry as the first) or, for `intent` abort, abort. A transaction whose
 * commit was never asked cannot have committed (`fail`); nor one whose first commit `refused`
 * says was refused (fenced, or aborted by its timeout).
 */
async function runTransaction<T extends EndableTransaction>(begin: () => Promise<T>, intent: 'commit' | 'abort', body: (txn: T) => Promise<PartitionOffset[]>, refused: (err: unknown) => boolean): Promise<Outcome> {
  let txn: T | undefined;
  let acked: PartitionOffset[];
  try {
    txn = await begin();
    acked = await body(txn);
  } catch (err) {
    await txn?.abort().catch(() => undefined);
    return { type: 'fail', error: describeError(err) };
  }
  if (intent === 'abort') {
    return txn.abort().then(
      (): Outcome => ({ type: 'ok', acked }),
      (err: unknown): Outcome => ({ type: 'info', error: describeError(err), acked }),
    );
  }
  let first: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      await txn.commit();
      return { type: 'ok', acked, ...(first === undefined ? {} : { error: `committed at attempt ${attempt}; the first failed: ${describeError(first)}` }) };
    } catch (err) {
      first ??= err;
      if (attempt === 1 && refused(err)) return { type: 'fail', error: describeError(err), acked };
      if (attempt === 3 || refused(err)) return { type: 'info', error: describeError(first), acked };
    }
  }
}

/** The first offset of each partition's records, from what a send answered. */
function firstOffsets(sent: readonly { readonly partition: number; readonly offset: number }[]): PartitionOffset[] {
  const first = new Map<number, number>();
  for (const { partition, offset } of sent) first.set(partition, Math.min(first.get(partition) ?? offset, offset));
  return [...first].map(([partition, offset]) => ({ partition, offset }));
}

/**
 * A writer on kafkajs (idempotent, one request in flight, as kafkajs requires of transactions):
 * one send() per partition. One send() to several partitions can lose records in kafkajs 2.2.4:
 * its retry keeps the answers per broker, not per partition, so when a partition's leader moves
 * to a broker that already answered for another partition of the same send(), the partition's
 * records are never sent again and send() resolves; the transaction then commits without them
 * (found by this workload: a committed transaction with one of its two partitions empty; see
 * docs/chaos.md). kafkajs retries inside commit(), so any commit error is an unknown outcome.
 * A new instance connects (InitProducerId, fencing the last) lazily.
 */
function kafkaWriter(kafka: Kafka, name: string, transactionTimeoutMs: number): TxnWriter {
  let producer: KafkaProducer | null = null;
  const connected = async (): Promise<KafkaProducer> => {
    if (producer !== null) return producer;
    const created = kafka.producer({ transactionalId: `chaos-txn-${name}`, idempotent: true, maxInFlightRequests: 1, transactionTimeout: transactionTimeoutMs, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 } });
    try {
      await created.connect();
    } catch (err) {
      await created.disconnect().catch(() => undefined);
      throw err;
    }
    producer = created;
    return created;
  };
  const disconnect = async (): Promise<void> => {
    await producer?.disconnect().catch(() => undefined);
    producer = null;
  };
  return {
    run: (intent, writes) =>
      runTransaction(
        async () => (await connected()).transaction(),
        intent,
        async (txn) => {
          const acked: PartitionOffset[] = [];
          for (const partition of new Set(writes.map((w) => w.partition))) {
            const messages = writes.filter((w) => w.partition === partition).map((w) => ({ value: w.value, partition }));
            const sent = await txn.send({ topic: TXN_TOPIC, acks: -1, messages });
            acked.push(...sent.map((m) => ({ partition: m.partition, offset: Number(m.baseOffset ?? -1) })));
          }
          return acked;
        },
        () => false,
      ),
    replace: disconnect,
    close: disconnect,
  };
}

/** The group's committed offsets of the topic; none before its first transaction committed
 *  (the group is made by the first commit of offsets, and unknown until then). */
async function committedOffsets(client: HeraldClient): Promise<CommittedOffset[]> {
  try {
    return (await client.groups.fetchOffsets(TXN_GROUP, [TXN_TOPIC], { timeoutMs: 5_000 })).filter((o) => o.topic === TXN_TOPIC);
  } catch (err) {
    if (err instanceof HeraldError && err.reason === 'GroupNotFound') return [];
    throw err;
  }
}

/** `items` in a seeded random order (Fisher–Yates), in place. */
function shuffle<T>(items: T[], prng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
