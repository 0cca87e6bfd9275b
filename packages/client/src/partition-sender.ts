// The batches of one partition on their way to its leader: sequence numbers, pipelining, and
// retries that never reorder. After Kafka's idempotent producer (KIP-98, KIP-360):
//
// - A batch is encoded once, when it is first sent, with the partition's next sequence number;
//   every retry resends those same bytes, so a broker that stored it the first time answers with
//   the original offsets (duplicate) instead of storing it twice.
// - Up to maxInFlight batches are outstanding; answers come back in request order.
// - When a batch fails retryably, nothing more is sent until every outstanding batch settled;
//   then the unresolved ones go again, oldest first, before any newer batch.
// - OutOfOrderSequence while an earlier batch is unresolved means that batch is missing, not
//   this one: retried. The broker accepts a new epoch only from sequence 0, so a first batch
//   that overtakes batch 0 is refused, not stored ahead of it. After a batch fails for good its
//   sequence numbers leave a gap, so the partition starts a new producer epoch (from sequence
//   0) once everything outstanding settled; batches refused for that gap are re-encoded in it.

import { encodeBatch, HeraldError, type Compression, type RecordInput } from '@herald/protocol';
import { shouldRetry, toHeraldError } from './errors.js';
import type { ProduceTransport } from './produce-transport.js';
import { delayAfter, gaveUp, type RetryPolicy } from './retry.js';
import type { Acks, RecordMetadata } from './types.js';

/** A record's promise, settled when its batch is. */
export interface RecordWaiter {
  resolve(metadata: RecordMetadata): void;
  reject(err: HeraldError): void;
}

/** A closed batch of one partition. */
export interface ProducerBatch {
  readonly records: readonly RecordInput[];
  readonly waiters: readonly RecordWaiter[];
  /** Epoch ms after which the batch is no longer sent (deliveryTimeoutMs after its first record). */
  readonly deadline: number;
}

/** What every sender of a producer shares. */
export interface SenderSettings {
  /** The idempotent producer's id, or -1 for a producer without idempotence. */
  readonly producerId: number;
  readonly acks: Acks;
  readonly compression: Compression;
  readonly maxInFlight: number;
  /** The broker's timeout for one request (timeout_ms). */
  readonly requestTimeoutMs: number;
  /** How long a batch may take from its first record to its acknowledgement. */
  readonly deliveryTimeoutMs: number;
  readonly retry: RetryPolicy;
}

interface Entry extends ProducerBatch {
  /** The encoded batch, reused byte for byte by every retry; null until first sent. */
  bytes: Uint8Array | null;
  epoch: number;
  baseSequence: number;
  inflight: boolean;
  lastError: HeraldError | undefined;
  /** Attempts that failed retryably. */
  failures: number;
}

/** The batches of one partition, sent in order (see the file comment). */
export class PartitionSender {
  /** Unresolved batches, oldest first. The ones in flight are always a prefix. */
  private readonly queue: Entry[] = [];
  private inflight = 0;
  /** A batch failed retryably: send nothing until in-flight batches settle and backoff passes. */
  private holding = false;
  private holdDelayMs = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private backoffs = 0;
  private hintedInARow = 0;
  private epoch = 0;
  private nextSequence = 0;
  /** A batch of the current epoch failed for good: the next batch encoded starts a new epoch. */
  private epochBumpPending = false;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly transport: ProduceTransport,
    private readonly settings: SenderSettings,
  ) {}

  private get idempotent(): boolean {
    return this.settings.producerId >= 0;
  }

  /** Queues a closed batch behind the partition's earlier ones. */
  enqueue(batch: ProducerBatch): void {
    this.queue.push({ ...batch, bytes: null, epoch: -1, baseSequence: -1, inflight: false, lastError: undefined, failures: 0 });
    this.pump();
  }

  /** Whether no batch is queued or in flight. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Resolves once every batch queued so far (and since) is settled. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails every unsent batch with `err` and stops; batches in flight still settle. */
  abort(err: HeraldError): void {
    this.closed = true;
    clearTimeout(this.resumeTimer);
    for (const entry of this.queue.filter((e) => !e.inflight)) this.fail(entry, err);
    this.checkIdle();
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pumpLoop()
      .catch((err: unknown) => this.abort(toHeraldError(err, 'producer')))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async pumpLoop(): Promise<void> {
    for (;;) {
      this.pumpAgain = false;
      if (this.holding || this.closed) return;
      const entry = this.queue.find((e) => !e.inflight);
      if (entry === undefined || this.inflight >= this.settings.maxInFlight) return;
      if (Date.now() >= entry.deadline) {
        this.fail(entry, entry.lastError !== undefined ? gaveUp(entry.lastError, entry.failures, this.settings.deliveryTimeoutMs) : new HeraldError('CommitTimedOut', `${this.topic}/${this.partition}: the batch was not sent within the producer's deliveryTimeoutMs`));
        continue;
      }
      let address = this.transport.route(this.topic, this.partition);
      if (address === undefined) {
        const err = await this.reload();
        address = this.transport.route(this.topic, this.partition);
        if (err !== undefined || address === undefined) {
          this.hold(err ?? new HeraldError('NoLeader', `${this.topic}/${this.partition}: no node to send to yet`));
          return;
        }
        continue;
      }
      if (entry.bytes === null) {
        if (this.idempotent && this.epochBumpPending) {
          // Only once nothing of the old epoch is outstanding: a late old-epoch batch would be
          // fenced by the new one.
          if (this.inflight > 0) return;
          this.epoch++;
          this.nextSequence = 0;
          this.epochBumpPending = false;
        }
        await this.encode(entry);
        continue; // conditions may have changed while encoding
      }
      this.transmit(entry, address);
    }
  }

  /** Reloads the topic's metadata; returns the error to back off on, if any. */
  private async reload(): Promise<HeraldError | undefined> {
    try {
      await this.transport.loadTopic(this.topic);
      return undefined;
    } catch (caught) {
      const err = toHeraldError(caught, 'producer');
      if (!shouldRetry(err)) this.abort(err);
      return err;
    }
  }

  private async encode(entry: Entry): Promise<void> {
    const count = entry.records.length;
    entry.epoch = this.idempotent ? this.epoch : -1;
    entry.baseSequence = this.idempotent ? this.nextSequence : -1;
    if (this.idempotent) this.nextSequence += count;
    try {
      entry.bytes = await encodeBatch(entry.records, {
        compression: this.settings.compression,
        ...(this.idempotent ? { producerId: this.settings.producerId, producerEpoch: entry.epoch, baseSequence: entry.baseSequence } : {}),
      });
    } catch (caught) {
      // Nothing else was encoded meanwhile (pumpLoop runs one at a time): give the numbers back.
      if (this.idempotent) this.nextSequence -= count;
      entry.epoch = -1;
      entry.baseSequence = -1;
      this.fail(entry, toHeraldError(caught, 'producer'));
    }
  }

  private transmit(entry: Entry, address: string): void {
    entry.inflight = true;
    this.inflight++;
    const timeoutMs = Math.max(1, Math.min(this.settings.requestTimeoutMs, entry.deadline - Date.now()));
    this.transport
      .send(address, { topic: this.topic, partition: this.partition, acks: this.settings.acks, batch: entry.bytes!, timeoutMs })
      .then(
        (answer) => this.onAnswer(entry, address, answer.baseOffset),
        (err: unknown) => this.onRefusal(entry, address, toHeraldError(err, address)),
      );
  }

  private onAnswer(entry: Entry, address: string, baseOffset: number): void {
    entry.inflight = false;
    this.inflight--;
    this.backoffs = 0;
    this.hintedInARow = 0;
    this.transport.onSuccess(this.topic, this.partition, address);
    this.remove(entry);
    entry.waiters.forEach((waiter, i) => waiter.resolve({ topic: this.topic, partition: this.partition, offset: baseOffset < 0 ? -1 : baseOffset + i }));
    this.settled();
  }

  private onRefusal(entry: Entry, address: string, err: HeraldError): void {
    entry.inflight = false;
    this.inflight--;
    this.transport.onError(this.topic, this.partition, address, err);
    let retry = shouldRetry(err);
    if (err.reason === 'OutOfOrderSequence' && this.idempotent) {
      if (this.queue.indexOf(entry) > 0) {
        retry = true; // an earlier batch is missing, not this one
      } else if (this.epochBumpPending) {
        // The gap is one of our batches that failed for good; this one was not stored, so it
        // can go again in the new epoch.
        entry.bytes = null;
        retry = true;
      }
    }
    if (retry && !this.closed) {
      entry.lastError = err;
      entry.failures++;
      const delay = delayAfter(err, this.backoffs, this.hintedInARow, this.settings.retry);
      if (delay === 0) this.hintedInARow++;
      else {
        this.hintedInARow = 0;
        this.backoffs++;
      }
      if (Date.now() + delay < entry.deadline) {
        this.holding = true;
        this.holdDelayMs = Math.max(this.holdDelayMs, delay);
        this.settled();
        return;
      }
    }
    this.fail(entry, retry ? gaveUp(err, entry.failures + 1, Date.now() - entry.deadline + this.settings.deliveryTimeoutMs) : err);
    this.settled();
  }

  /** Stops sending for `err`'s backoff (after in-flight batches settle). */
  private hold(err: HeraldError): void {
    if (this.closed) return;
    this.holding = true;
    this.holdDelayMs = Math.max(this.holdDelayMs, delayAfter(err, this.backoffs++, this.hintedInARow, this.settings.retry));
    this.settled();
  }

  /** After any batch settled: resume once nothing is in flight and the backoff passed. */
  private settled(): void {
    if (this.holding) {
      if (this.inflight === 0 && this.resumeTimer === undefined) {
        this.resumeTimer = setTimeout(() => {
          this.resumeTimer = undefined;
          this.holding = false;
          this.holdDelayMs = 0;
          this.pump();
        }, this.holdDelayMs);
      }
    } else {
      this.pump();
    }
    this.checkIdle();
  }

  /** Fails a batch for good. Its sequence numbers may now be a gap: see epochBumpPending. */
  private fail(entry: Entry, err: HeraldError): void {
    this.remove(entry);
    if (this.idempotent && entry.bytes !== null) this.epochBumpPending = true;
    for (const waiter of entry.waiters) waiter.reject(err);
  }

  private remove(entry: Entry): void {
    const at = this.queue.indexOf(entry);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private checkIdle(): void {
    if (!this.idle) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
