import { Compression, encodeBatch, HeraldError, invalidArgument, randomProducerId, recordTooLarge, TIMESTAMP_MS_MAX, type RecordInput } from '@herald/protocol';
import { toHeraldError } from './errors.js';
import type { CheckHandler, HalfMessage, HalfMessages } from './half-messages.js';
import type { Transaction, Transactions } from './transactions.js';
import { PartitionSender, type RecordWaiter } from './partition-sender.js';
import { bytesOf, headersOf } from './record-input.js';
import { Partitioner } from './partitioner.js';
import { PRODUCER_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { Acks, type ProducerRecord, type RecordMetadata } from './types.js';

export { RoutedProduceTransport, type ProduceTransport } from './produce-transport.js';
import type { ProduceTransport } from './produce-transport.js';

/** Options of a producer; every one has a default. */
export interface ProducerOptions {
  /** How much replication each batch waits for; 'quorum' by default. */
  readonly acks?: Acks;
  /** How long a partition's batch stays open for more records while an earlier batch of the
   *  partition is in flight; 5 by default. After that it goes as soon as a send slot is free:
   *  while maxInFlightPerPartition batches are outstanding it stays open and keeps growing
   *  (Kafka's accumulator), so batches grow with the load. With nothing in flight to the
   *  partition a batch does not linger: it goes once the current turn of the event loop has
   *  added its records (a burst of send() calls still makes one batch). */
  readonly lingerMs?: number;
  /** A batch is closed once its records reach this size (key, value and headers); 524,288 by
   *  default, and at most 3/4 of a topic's max.message.bytes when the topic sets one (the
   *  encoded batch adds a few bytes per record). A single larger record still goes, alone. */
  readonly batchBytesMax?: number;
  readonly compression?: Compression;
  /** The largest record (key, value and headers) sent; 1,048,576 by default (the broker's
   *  default max.message.bytes, and Kafka's max.request.size), or the topic's
   *  max.message.bytes when it sets one. A larger record fails at once with RecordTooLarge,
   *  never written, never retried. */
  readonly maxRecordBytes?: number;
  /** Whether retries are deduplicated by the broker (producer id and sequence numbers); true by
   *  default. */
  readonly idempotent?: boolean;
  /** Batches outstanding per partition: 5 by default with idempotence (the broker remembers a
   *  producer's last 5 batches, so no more may be outstanding), 1 without (so that a retry
   *  cannot overtake a later batch). */
  readonly maxInFlightPerPartition?: number;
  /** How long send() may take, retries included, before it fails; 30,000 by default. */
  readonly deliveryTimeoutMs?: number;
  /** The broker's wait for one request's acknowledgement (timeout_ms); 5,000 by default. An
   *  idempotent producer retries a request that timed out, within deliveryTimeoutMs. */
  readonly requestTimeoutMs?: number;
  /** How long a request may go unanswered before the producer asks the other nodes whether the
   *  partition has a new leader (and resends there if so: a paused or cut-off leader answers
   *  nothing); 500 by default. */
  readonly leaderCheckMs?: number;
  /** Waits between attempts that found no leader; 20 ms doubling up to 500 ms by default. A
   *  NotLeader naming the leader, or a node that cannot be reached, is retried at once. */
  readonly retry?: Partial<RetryPolicy>;
  /** The producer group of this producer's half messages (sendHalf): check-backs for them go
   *  to the group's live members (RocketMQ's producer group). Needed by sendHalf and onCheck. */
  readonly producerGroup?: string;
  /** Answers check-backs for the producer group's undecided half messages (sent by this
   *  producer or another member of the group, before or after a restart): 'commit',
   *  'rollback', or 'unknown' to be asked again later. */
  readonly onCheck?: CheckHandler;
  /** A transactional id (KIP-98): transaction() begins transactions of it, and a producer
   *  starting with the same id fences this one. 1 to 249 of [a-zA-Z0-9._-]; Write on its
   *  transactional-id resource is needed. */
  readonly transactionalId?: string;
  /** A transaction not ended within this is aborted by the cluster (and this producer fenced):
   *  1 to 900,000; 60,000 by default. */
  readonly transactionTimeoutMs?: number;
}

/** The most batches an idempotent producer may have outstanding per partition. */
export const IDEMPOTENT_IN_FLIGHT_MAX = 5;

interface Pending {
  readonly record: RecordInput;
  readonly partition: number | undefined;
  readonly sizeBytes: number;
  readonly waiter: RecordWaiter;
}

interface OpenBatch {
  readonly records: RecordInput[];
  readonly waiters: RecordWaiter[];
  sizeBytes: number;
  readonly deadline: number;
  /** Cancels the pending close of a lingering batch. */
  timer: (() => void) | undefined;
  /** Linger passed (or a flush asked): closed as soon as its sender has a free slot. */
  ready: boolean;
}

/**
 * Sends records to a topic's partitions, batched per partition, compressed, and pipelined over
 * one ProduceStream per node. A partition's open batch is closed when it reaches batchBytesMax,
 * or once lingerMs passed and its sender has a free slot; until then it takes more records, so
 * that batches grow while earlier ones are in flight. Each partition's batches are stored in the
 * order send() was called, retries included (PartitionSender).
 */
export class Producer {
  private readonly settings: Required<Omit<ProducerOptions, 'retry' | 'idempotent' | 'producerGroup' | 'onCheck' | 'transactionalId' | 'transactionTimeoutMs'>> & { retry: RetryPolicy; producerId: number };
  private readonly partitioner = new Partitioner();
  private readonly open = new Map<string, OpenBatch>();
  private readonly senders = new Map<string, PartitionSender>();
  /** Records waiting for their topic's metadata, in send order. */
  private readonly waiting = new Map<string, Pending[]>();
  private readonly unsettled = new Set<Promise<unknown>>();
  private flushing = 0;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  /** `halves` serves sendHalf, commit and rollback, `transactions` transaction()
   *  (HeraldClient.producer() passes them; a producer without them sends plain records only). */
  constructor(
    private readonly transport: ProduceTransport,
    options: ProducerOptions = {},
    private readonly halves?: HalfMessages,
    private readonly transactions?: Transactions,
  ) {
    const idempotent = options.idempotent ?? true;
    const maxInFlight = options.maxInFlightPerPartition ?? (idempotent ? IDEMPOTENT_IN_FLIGHT_MAX : 1);
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || (idempotent && maxInFlight > IDEMPOTENT_IN_FLIGHT_MAX)) {
      throw invalidArgument('maxInFlightPerPartition', `must be from 1 to ${idempotent ? IDEMPOTENT_IN_FLIGHT_MAX : 'any'} (got ${maxInFlight})`);
    }
    const acks = options.acks ?? Acks.Quorum;
    if (!Object.values(Acks).includes(acks)) throw invalidArgument('acks', `must be one of ${Object.values(Acks).join(', ')} (got ${String(acks)})`);
    const compression = options.compression ?? Compression.None;
    if (!Object.values(Compression).includes(compression)) {
      throw invalidArgument('compression', `must be one of ${Object.values(Compression).join(', ')} (got ${String(compression)})`);
    }
    this.settings = {
      acks,
      compression,
      lingerMs: nonNegative('lingerMs', options.lingerMs ?? 5),
      batchBytesMax: positive('batchBytesMax', options.batchBytesMax ?? 512 * 1024),
      maxRecordBytes: positive('maxRecordBytes', options.maxRecordBytes ?? 1 << 20),
      maxInFlightPerPartition: maxInFlight,
      deliveryTimeoutMs: positive('deliveryTimeoutMs', options.deliveryTimeoutMs ?? 30_000),
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? 5_000),
      leaderCheckMs: positive('leaderCheckMs', options.leaderCheckMs ?? 500),
      retry: { ...PRODUCER_RETRY_POLICY, ...options.retry },
      producerId: idempotent ? randomProducerId() : -1,
    };
    void halves?.watch();
  }

  /** The idempotent producer's id (random, fixed for its life), or -1 without idempotence. */
  get producerId(): number {
    return this.settings.producerId;
  }

  /**
   * Sends one record. Resolves with its partition and offset once acknowledged as `acks` asks;
   * rejects with a HeraldError (after retrying what may be retried, within deliveryTimeoutMs).
   */
  send(topic: string, record: ProducerRecord): Promise<RecordMetadata> {
    if (this.closed) return Promise.reject(new HeraldError('InvalidArgument', 'the producer is closed'));
    let pending: Omit<Pending, 'waiter'>;
    try {
      pending = toPending(record);
    } catch (err) {
      return Promise.reject(toHeraldError(err, 'producer'));
    }
    const promise = new Promise<RecordMetadata>((resolve, reject) => {
      const item = { ...pending, waiter: { resolve, reject } };
      const count = this.transport.partitionCount(topic);
      const queue = this.waiting.get(topic);
      if (count !== undefined && queue === undefined) return this.append(topic, item, count);
      if (queue !== undefined) return queue.push(item);
      this.waiting.set(topic, [item]);
      this.transport.loadTopic(topic).then(
        () => this.drainWaiting(topic),
        (err: unknown) => {
          const items = this.waiting.get(topic) ?? [];
          this.waiting.delete(topic);
          for (const waiting of items) waiting.waiter.reject(toHeraldError(err, 'producer'));
        },
      );
    });
    this.unsettled.add(promise);
    const forget = () => this.unsettled.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Begins a transaction of this producer's transactionalId (KIP-98): records sent with its
   * send() to any partitions, and consumer-group offsets (sendOffsets), become readable and
   * committed together at commit(), or never (abort()). One transaction at a time; the first
   * call fences every older producer with the same id.
   */
  transaction(): Promise<Transaction> {
    if (this.transactions === undefined) return Promise.reject(invalidArgument('transactionalId', 'transaction() needs ProducerOptions.transactionalId, on a producer made with HeraldClient.producer()'));
    return this.transactions.begin();
  }

  /**
   * Stores one record as a half message (RocketMQ's transactional message): invisible to every
   * reader until commit(id), never visible after rollback(id). Resolves once a majority of the
   * partition's replicas holds it, so the caller may run its local transaction, then decide.
   * Undecided, it is checked back with the producer group's live members (onCheck) after the
   * partition's transaction.check.after.ms, and rolled back after transaction.check.max checks.
   */
  async sendHalf(topic: string, record: ProducerRecord): Promise<HalfMessage> {
    if (this.closed) throw new HeraldError('InvalidArgument', 'the producer is closed');
    if (this.halves === undefined) throw invalidArgument('sendHalf', 'this producer has no half-message transport; make it with HeraldClient.producer()');
    const pending = toPending(record);
    if (this.transport.partitionCount(topic) === undefined) await this.transport.loadTopic(topic);
    const count = this.transport.partitionCount(topic);
    if (count === undefined) throw new HeraldError('TopicNotFound', `topic "${topic}" has no metadata`);
    const limit = this.transport.maxMessageBytes?.(topic) ?? this.settings.maxRecordBytes;
    if (pending.sizeBytes > limit) throw recordTooLarge(pending.sizeBytes, limit);
    const partition = pending.partition ?? this.partitioner.partition(topic, pending.record.key, count);
    if (partition >= count) throw new HeraldError('PartitionNotFound', `topic "${topic}" has partitions 0 to ${count - 1} (got ${partition})`);
    return this.halves.send(topic, partition, await encodeBatch([pending.record], { compression: this.settings.compression }));
  }

  /** Commits a half message (its id from sendHalf or a check-back): its records become visible
   *  at the partition's next offsets. Resolves with where the first one is. Refused with
   *  HalfAlreadyDecided if it was rolled back. */
  commit(id: string): Promise<RecordMetadata> {
    if (this.halves === undefined) return Promise.reject(invalidArgument('commit', 'this producer has no half-message transport; make it with HeraldClient.producer()'));
    return this.halves.commit(id);
  }

  /** Rolls a half message back: its records are never visible. Refused with
   *  HalfAlreadyDecided if it was committed. */
  rollback(id: string): Promise<void> {
    if (this.halves === undefined) return Promise.reject(invalidArgument('rollback', 'this producer has no half-message transport; make it with HeraldClient.producer()'));
    return this.halves.rollback(id);
  }

  private drainWaiting(topic: string): void {
    const items = this.waiting.get(topic) ?? [];
    this.waiting.delete(topic);
    const count = this.transport.partitionCount(topic);
    for (const item of items) {
      if (count === undefined) item.waiter.reject(new HeraldError('TopicNotFound', `topic "${topic}" has no metadata`));
      else this.append(topic, item, count);
    }
  }

  private append(topic: string, item: Pending, partitionCount: number): void {
    const limit = this.transport.maxMessageBytes?.(topic) ?? this.settings.maxRecordBytes;
    if (item.sizeBytes > limit) {
      item.waiter.reject(recordTooLarge(item.sizeBytes, limit));
      return;
    }
    const partition = item.partition ?? this.partitioner.partition(topic, item.record.key, partitionCount);
    if (partition >= partitionCount) {
      item.waiter.reject(new HeraldError('PartitionNotFound', `topic "${topic}" has partitions 0 to ${partitionCount - 1} (got ${partition})`));
      return;
    }
    const key = `${topic}/${partition}`;
    let batch = this.open.get(key);
    const batchBytesMax = this.batchBytesMax(topic);
    if (batch !== undefined && batch.sizeBytes + item.sizeBytes > batchBytesMax) {
      this.closeBatch(topic, partition, partitionCount);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { records: [], waiters: [], sizeBytes: 0, deadline: Date.now() + this.settings.deliveryTimeoutMs, timer: undefined, ready: false };
      this.open.set(key, batch);
    }
    batch.records.push(item.record);
    batch.waiters.push(item.waiter);
    batch.sizeBytes += item.sizeBytes;
    if (item.partition === undefined && item.record.key === null) this.partitioner.onKeylessAppended(topic, partition, item.sizeBytes, partitionCount);
    if (batch.sizeBytes >= batchBytesMax) {
      this.closeBatch(topic, partition, partitionCount);
    } else if (batch.ready || this.flushing > 0 || this.settings.lingerMs === 0) {
      batch.ready = true;
      this.closeIfSendable(topic, partition, partitionCount);
    } else if (batch.timer === undefined) {
      const lingering = batch;
      const due = () => {
        lingering.timer = undefined;
        lingering.ready = true;
        this.closeIfSendable(topic, partition, partitionCount);
      };
      // Lingering waits for records to join a batch while earlier ones are in flight; with none
      // in flight there is nothing to wait for, and it only adds latency (issue #17: 5 ms of the
      // 6.9 ms p50 at 2,000 records/s). The records of this turn of the event loop still join.
      if (this.sender(topic, partition).idle) {
        const immediate = setImmediate(due);
        lingering.timer = () => clearImmediate(immediate);
      } else {
        const timeout = setTimeout(due, this.settings.lingerMs);
        lingering.timer = () => clearTimeout(timeout);
      }
    }
  }

  /** batchBytesMax, within the topic's max.message.bytes (see ProducerOptions). */
  private batchBytesMax(topic: string): number {
    const limit = this.transport.maxMessageBytes?.(topic);
    return limit === undefined ? this.settings.batchBytesMax : Math.max(1, Math.min(this.settings.batchBytesMax, Math.floor(limit * 0.75)));
  }

  /** Closes the partition's open batch if it is ready and its sender would send it at once;
   *  else it stays open for more records until the sender has room (onCapacity). */
  private closeIfSendable(topic: string, partition: number, partitionCount: number): void {
    const batch = this.open.get(`${topic}/${partition}`);
    if (batch?.ready === true && this.sender(topic, partition).wantsBatch) this.closeBatch(topic, partition, partitionCount);
  }

  /** Closes the partition's open batch and hands it to the partition's sender. */
  private closeBatch(topic: string, partition: number, partitionCount: number): void {
    const key = `${topic}/${partition}`;
    const batch = this.open.get(key);
    if (batch === undefined) return;
    this.open.delete(key);
    batch.timer?.();
    this.partitioner.onBatchClosed(topic, partition, partitionCount);
    this.sender(topic, partition).enqueue({ records: batch.records, waiters: batch.waiters, deadline: batch.deadline });
  }

  private sender(topic: string, partition: number): PartitionSender {
    const key = `${topic}/${partition}`;
    let sender = this.senders.get(key);
    if (sender === undefined) {
      const s = this.settings;
      sender = new PartitionSender(
        topic,
        partition,
        this.transport,
        {
          producerId: s.producerId,
          acks: s.acks,
          compression: s.compression,
          maxInFlight: s.maxInFlightPerPartition,
          requestTimeoutMs: s.requestTimeoutMs,
          deliveryTimeoutMs: s.deliveryTimeoutMs,
          leaderCheckMs: s.leaderCheckMs,
          retry: s.retry,
        },
        () => this.closeIfSendable(topic, partition, this.transport.partitionCount(topic) ?? partition + 1),
      );
      this.senders.set(key, sender);
    }
    return sender;
  }

  /** Sends every open batch without waiting for linger (each as soon as its partition has a
   *  free send slot) and resolves once every record sent so far is settled (acknowledged or
   *  failed). */
  async flush(): Promise<void> {
    const sentBefore = [...this.unsettled];
    this.flushing++;
    try {
      for (const [key, batch] of [...this.open]) {
        const slash = key.lastIndexOf('/');
        const topic = key.slice(0, slash);
        const partition = Number(key.slice(slash + 1));
        batch.ready = true;
        this.closeIfSendable(topic, partition, this.transport.partitionCount(topic) ?? partition + 1);
      }
      // Records still waiting for their topic's metadata are batched without linger meanwhile.
      await Promise.allSettled(sentBefore);
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes the producer's streams. Later sends fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.halves?.close();
    await this.transport.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** @internal Lets the client forget a closed producer. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
}

function positive(field: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw invalidArgument(field, `must be a positive number (got ${value})`);
  return value;
}

function nonNegative(field: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw invalidArgument(field, `must be 0 or more (got ${value})`);
  return value;
}

/** Checks a record and turns it into what the codec encodes, with its size for batching. */
function toPending(record: ProducerRecord): Omit<Pending, 'waiter'> {
  if (record.partition !== undefined && !(Number.isInteger(record.partition) && record.partition >= 0)) {
    throw invalidArgument('partition', `must be an integer from 0 (got ${record.partition})`);
  }
  const timestampMs = record.timestampMs ?? Date.now();
  if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > TIMESTAMP_MS_MAX) {
    throw invalidArgument('timestampMs', `must be an integer from 0 to 2^52-1 (got ${timestampMs})`);
  }
  const key = bytesOf(record.key);
  const value = bytesOf(record.value);
  const headers = headersOf(record.headers);
  let sizeBytes = 16 + (key?.length ?? 0) + (value?.length ?? 0);
  for (const h of headers) sizeBytes += h.key.length + h.value.length + 2;
  return { record: { key, value, headers, timestampMs }, partition: record.partition, sizeBytes };
}
