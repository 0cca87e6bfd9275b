import { HeraldError, invalidArgument, type v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import { shouldRetry, toHeraldError } from './errors.js';
import { Handoff } from './handoff.js';
import { backoffMs, DEFAULT_RETRY_POLICY, sleep } from './retry.js';
import type { CallOptions, Router } from './router.js';
import type { ConsumedRecord } from './types.js';

/** The header that holds a record back from queue subscriptions until a time (epoch ms). */
export const DELIVER_AT_HEADER = 'herald-deliver-at';

/** Options of a queue consumer (QueueService: per-message ack on the log). */
export interface QueueConsumerOptions {
  readonly topic: string;
  /** The subscription; members of the same subscription share its records. */
  readonly subscription: string;
  /** Shown in describeSubscriptions(); random by default. */
  readonly memberId?: string;
  /** Where a new subscription starts: 'latest' (the default) or 'earliest'. */
  readonly from?: 'earliest' | 'latest';
  /** For a new subscription: one record per key out at a time, in offset order. */
  readonly orderedByKey?: boolean;
  /** How long a received record is held before it is delivered again; 30,000 by default. */
  readonly ackTimeoutMs?: number;
  /** Records received and not yet acked or nacked, over all partitions; 100 by default. */
  readonly maxInFlight?: number;
  /** How long one Receive waits for records (long poll); 1,000 by default. */
  readonly maxWaitMs?: number;
  /** The partitions to receive from; all of the topic's by default. */
  readonly partitions?: readonly number[];
  /** How long a partition may keep failing before the iterator throws; 30,000 by default. */
  readonly failTimeoutMs?: number;
}

/** A received record, held until acked, nacked or its ack deadline passes. */
export interface QueueMessage extends ConsumedRecord {
  /** 1 on the first delivery; more once it was delivered again. */
  readonly deliveryCount: number;
  /** When the lease ends (epoch ms, the leader's clock); extend() moves it. */
  readonly ackDeadlineMs: number;
  /** Settles the record: it is never delivered again. Resolves once replicated; rejects with
   *  NotHeld when the lease had expired and the record was delivered again meanwhile. */
  ack(): Promise<void>;
  /** Gives the record back: delivered again after `delayMs`, or with `reject` sent to the
   *  topic's dead-letter topic. */
  nack(options?: { readonly delayMs?: number; readonly reject?: boolean }): Promise<void>;
  /** Holds the record for `ackTimeoutMs` more from now (the consumer's ack timeout by default). */
  extend(ackTimeoutMs?: number): Promise<void>;
}

/** A subscription on one partition, as its leader reports it. */
export interface SubscriptionPartitionDescription {
  readonly partition: number;
  readonly ackFloor: number;
  readonly highWatermark: number;
  readonly unacked: number;
  readonly leased: number;
  readonly acked: number;
  readonly redelivered: number;
  readonly deadLettered: number;
  readonly members: readonly string[];
}

export interface SubscriptionDescription {
  readonly name: string;
  readonly orderedByKey: boolean;
  readonly partitions: readonly SubscriptionPartitionDescription[];
}

type Settle = 'ack' | 'nack' | 'extend';

/**
 * A member of a queue subscription: an async iterator over records leased to it from every
 * partition (one Receive long-poll loop per partition, at its leader). Each record must be
 * acked or nacked; one that is not is delivered again after its ack deadline, to this member
 * or another. At most maxInFlight records are held at once. Acks of a partition made in the
 * same tick travel in one call.
 */
export class QueueConsumer implements AsyncIterable<QueueMessage> {
  private readonly handoff = new Handoff<QueueMessage>();
  private failed = false;
  private readonly abort = new AbortController();
  private started: Promise<void> | undefined;
  private loops: Promise<void>[] = [];
  /** Records received and not settled, by "partition/offset". */
  private readonly held = new Map<string, QueueMessage>();
  private readonly spaceWaiters: (() => void)[] = [];
  private readonly pendingAcks = new Map<number, { offset: number; deliveryCount: number; resolve: () => void; reject: (e: HeraldError) => void }[]>();
  private readonly closeListeners: (() => void)[] = [];
  readonly memberId: string;
  private readonly settings: { ackTimeoutMs: number; maxInFlight: number; maxWaitMs: number; failTimeoutMs: number };

  constructor(
    private readonly router: Router,
    readonly options: QueueConsumerOptions,
  ) {
    const positive = (name: string, value: number | undefined, fallback: number) => {
      const v = value ?? fallback;
      if (!(Number.isInteger(v) && v > 0)) throw invalidArgument(name, `must be a positive integer (got ${v})`);
      return v;
    };
    this.settings = {
      ackTimeoutMs: positive('ackTimeoutMs', options.ackTimeoutMs, 30_000),
      maxInFlight: positive('maxInFlight', options.maxInFlight, 100),
      maxWaitMs: positive('maxWaitMs', options.maxWaitMs, 1_000),
      failTimeoutMs: positive('failTimeoutMs', options.failTimeoutMs, 30_000),
    };
    this.memberId = options.memberId ?? `member-${Math.random().toString(36).slice(2, 10)}`;
  }

  [Symbol.asyncIterator](): AsyncIterator<QueueMessage> {
    return { next: () => this.next(), return: async () => { await this.close(); return { done: true, value: undefined }; } };
  }

  /** The next record, waiting for one; done once closed. Throws what stopped a partition. */
  next(): Promise<IteratorResult<QueueMessage>> {
    this.started ??= this.start();
    return this.handoff.next();
  }

  /** Stops receiving and gives back every record held and not settled (nack without delay),
   *  so that other members get them now instead of after their deadline. */
  async close(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    this.handoff.end();
    await this.started;
    await Promise.allSettled(this.loops);
    this.handoff.clear();
    await Promise.allSettled([...this.held.values()].map((m) => m.nack()));
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** @internal Lets the client forget a closed consumer. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  private async start(): Promise<void> {
    try {
      const description = await this.router.refreshTopic(this.options.topic, { signal: this.abort.signal });
      const all = description.partitions.map((p) => p.id);
      const partitions = this.options.partitions ?? all;
      for (const p of partitions) {
        if (!all.includes(p)) throw new HeraldError('PartitionNotFound', `topic "${this.options.topic}" has partitions 0 to ${all.length - 1} (got ${p})`);
      }
      this.loops = partitions.map((p) => this.receiveLoop(p, partitions.length));
    } catch (err) {
      if (!this.abort.signal.aborted) this.stop(toHeraldError(err, 'queue consumer'));
    }
  }

  private stop(err: HeraldError): void {
    if (this.failed || this.abort.signal.aborted) return;
    this.failed = true;
    this.handoff.fail(err);
    this.abort.abort();
  }

  private async receiveLoop(partition: number, partitionCount: number): Promise<void> {
    const { topic, subscription } = this.options;
    const signal = this.abort.signal;
    let failingSince: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      const room = this.settings.maxInFlight - this.held.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            resolve();
          };
          this.spaceWaiters.push(done);
          signal.addEventListener('abort', done, { once: true });
        });
        continue;
      }
      // Leave room for the other partitions: a share of what may be held, at least one.
      const maxRecords = Math.max(1, Math.min(room, Math.ceil(this.settings.maxInFlight / partitionCount)));
      try {
        const response = await this.router.atLeader(
          topic,
          partition,
          (stubs, deadline) =>
            unaryCall<v1.ReceiveResponse__Output>(
              stubs.address,
              (o, cb) =>
                stubs.queues.receive(
                  {
                    topic,
                    partition,
                    subscription,
                    memberId: this.memberId,
                    maxRecords,
                    ackTimeoutMs: this.settings.ackTimeoutMs,
                    maxWaitMs: this.settings.maxWaitMs,
                    startPosition: this.options.from === 'earliest' ? 'START_POSITION_EARLIEST' : 'START_POSITION_LATEST',
                    orderedByKey: this.options.orderedByKey === true,
                  },
                  o,
                  cb,
                ),
              Math.min(deadline, Date.now() + this.settings.maxWaitMs + 10_000),
              signal,
            ),
          { signal, timeoutMs: this.settings.maxWaitMs + 15_000 },
        );
        failingSince = undefined;
        failures = 0;
        for (const m of response.messages) this.deliver(this.message(partition, m));
      } catch (caught) {
        if (signal.aborted) return;
        const err = toHeraldError(caught, topic);
        failingSince ??= Date.now();
        if (!shouldRetry(err) && err.reason !== 'Unknown') return this.stop(err);
        if (Date.now() - failingSince > this.settings.failTimeoutMs) return this.stop(err);
        await sleep(backoffMs(failures++, DEFAULT_RETRY_POLICY), signal);
      }
    }
  }

  private deliver(message: QueueMessage): void {
    this.held.set(`${message.partition}/${message.offset}`, message);
    this.handoff.push(message);
  }

  private release(message: QueueMessage): void {
    if (this.held.delete(`${message.partition}/${message.offset}`)) for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  private message(partition: number, m: v1.QueueMessage__Output): QueueMessage {
    const topic = this.options.topic;
    let settled: Promise<void> | undefined;
    const message: QueueMessage = {
      topic,
      partition,
      offset: m.offset,
      key: m.key ?? null,
      value: m.value ?? null,
      headers: m.headers.map((h) => ({ key: h.key, value: h.value })),
      timestampMs: m.timestampMs,
      deliveryCount: m.deliveryCount,
      ackDeadlineMs: m.ackDeadlineMs,
      ack: () => (settled ??= this.ack(message)),
      nack: (options = {}) => {
        settled ??= this.settle('nack', message, { delayMs: options.delayMs ?? 0, reject: options.reject === true }).finally(() => this.release(message));
        return settled;
      },
      extend: (ackTimeoutMs = this.settings.ackTimeoutMs) => this.settle('extend', message, { ackTimeoutMs }),
    };
    return message;
  }

  /** Queues an ack; the acks of a partition made in one tick travel in one call. */
  private ack(message: QueueMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let list = this.pendingAcks.get(message.partition);
      if (list === undefined) {
        this.pendingAcks.set(message.partition, (list = []));
        setImmediate(() => void this.flushAcks(message.partition));
      }
      list.push({ offset: message.offset, deliveryCount: message.deliveryCount, resolve, reject });
    }).finally(() => this.release(message));
  }

  private async flushAcks(partition: number): Promise<void> {
    const list = this.pendingAcks.get(partition) ?? [];
    this.pendingAcks.delete(partition);
    try {
      const refused = await this.call('ack', partition, list, {});
      for (const item of list) {
        const why = refusal(refused, item);
        if (why === undefined) item.resolve();
        else item.reject(new HeraldError('NotHeld', why));
      }
    } catch (err) {
      for (const item of list) item.reject(toHeraldError(err, this.options.topic));
    }
  }

  private async settle(kind: Settle, message: QueueMessage, fields: { delayMs?: number; reject?: boolean; ackTimeoutMs?: number }): Promise<void> {
    const refused = await this.call(kind, message.partition, [message], fields);
    const why = refusal(refused, message);
    if (why !== undefined) throw new HeraldError('NotHeld', why);
  }

  /** One Ack, Nack or Extend call at the partition's leader; the receipts refused, with why. */
  private async call(kind: Settle, partition: number, receipts: readonly { offset: number; deliveryCount: number }[], fields: { delayMs?: number; reject?: boolean; ackTimeoutMs?: number }, options: CallOptions = {}): Promise<readonly v1.RefusedReceipt__Output[]> {
    const { topic, subscription } = this.options;
    const request = { topic, partition, subscription, receipts: receipts.map((r) => ({ offset: r.offset, deliveryCount: r.deliveryCount })), ...fields };
    const response = await this.router.atLeader(
      topic,
      partition,
      (stubs, deadline) => unaryCall<v1.SettleResponse__Output>(stubs.address, (o, cb) => stubs.queues[kind](request, o, cb), deadline),
      options,
    );
    return response.refused;
  }
}

/** Why `receipt` was refused, or undefined when it was applied. A call can carry two receipts of
 *  one offset (the record was delivered again to this member before its first ack left), and
 *  only the stale one is refused: matched by delivery count, or by offset alone from a server
 *  that does not say it (0). */
function refusal(refused: readonly v1.RefusedReceipt__Output[], receipt: { readonly offset: number; readonly deliveryCount: number }): string | undefined {
  return refused.find((r) => r.offset === receipt.offset && (r.deliveryCount === 0 || r.deliveryCount === receipt.deliveryCount))?.reason;
}

/** Queue subscriptions of a topic, merged from every node's answer (each partition as its
 *  leader reports it). */
export async function describeSubscriptions(router: Router, topic: string, subscription = '', options: CallOptions = {}): Promise<SubscriptionDescription[]> {
  await router.describeCluster(options);
  const answers = await Promise.allSettled(
    router.addresses().map((address) =>
      unaryCall<v1.DescribeSubscriptionsResponse__Output>(address, (o, cb) => router.connections.get(address).queues.describeSubscriptions({ topic, subscription }, o, cb), Date.now() + (options.timeoutMs ?? 10_000), options.signal),
    ),
  );
  const merged = new Map<string, { name: string; orderedByKey: boolean; partitions: Map<number, SubscriptionPartitionDescription> }>();
  let firstError: unknown;
  for (const answer of answers) {
    if (answer.status === 'rejected') {
      firstError ??= answer.reason;
      continue;
    }
    for (const s of answer.value.subscriptions) {
      let entry = merged.get(s.name);
      if (entry === undefined) merged.set(s.name, (entry = { name: s.name, orderedByKey: s.orderedByKey, partitions: new Map() }));
      for (const p of s.partitions) entry.partitions.set(p.partition, { ...p, members: [...p.members] });
    }
  }
  // A refusal every node gave (TopicNotFound, SubscriptionNotFound) is the answer.
  if (merged.size === 0 && answers.every((a) => a.status === 'rejected')) {
    const errors = answers.map((a) => toHeraldError((a as PromiseRejectedResult).reason, topic));
    throw errors.find((e) => e.reason !== 'Unknown') ?? errors[0] ?? toHeraldError(firstError, topic);
  }
  return [...merged.values()]
    .map((s) => ({ name: s.name, orderedByKey: s.orderedByKey, partitions: [...s.partitions.values()].sort((a, b) => a.partition - b.partition) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Deletes a subscription on every partition whose leader answered; the count of partitions
 *  where it existed. */
export async function deleteSubscription(router: Router, topic: string, subscription: string, options: CallOptions = {}): Promise<number> {
  await router.describeCluster(options);
  const answers = await Promise.allSettled(
    router.addresses().map((address) =>
      unaryCall<v1.DeleteSubscriptionResponse__Output>(address, (o, cb) => router.connections.get(address).queues.deleteSubscription({ topic, subscription }, o, cb), Date.now() + (options.timeoutMs ?? 10_000), options.signal),
    ),
  );
  const answered = answers.filter((a): a is PromiseFulfilledResult<v1.DeleteSubscriptionResponse__Output> => a.status === 'fulfilled');
  if (answered.length === 0) throw toHeraldError((answers[0] as PromiseRejectedResult).reason, topic);
  return answered.reduce((n, a) => n + a.value.partitions, 0);
}
