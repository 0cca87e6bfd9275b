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
// - An unknown outcome is sticky: once an attempt may have been stored (errors.ts
//   mayHaveBeenWritten), the batch's final failure is an unknown outcome, never a definite one.
// - A request unanswered for leaderCheckMs makes the sender ask the rest of the cluster who
//   leads the partition; when it names another node (the old leader is paused or cut off), the
//   requests waiting on the old one are given up (outcome unknown) and resent to the new one.
//
// Waiting between attempts: none after a NotLeader that names the leader, nor for moving off a
// node that cannot be reached (the next replica answers at once, with a hint or NoLeader); a
// short jittered backoff, counted once per round of failures, for everything else.

import { encodeBatch, HeraldError, MetadataKey, type Compression, type RecordInput } from '@herald/protocol';
import { ADDRESS_DETAIL, isUnreachable, leaderHint, mayHaveBeenWritten, outcomeUnknown, shouldRetry, toHeraldError } from './errors.js';
import type { ProduceTransport } from './produce-transport.js';
import { delayAfter, gaveUp, HINTED_RETRIES_MAX, type RetryPolicy } from './retry.js';
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
  /** How long a request may go unanswered before the sender asks the cluster whether the
   *  partition's leader moved (and again as often while it stays unanswered). */
  readonly leaderCheckMs: number;
  readonly retry: RetryPolicy;
}

/** Moves off unreachable nodes without a pause at most this many times in a row (one more than
 *  the other replicas of a 3-replica partition), then backs off. */
const MOVES_WITHOUT_BACKOFF = 2;

/** One attempt of a batch, while in flight. */
interface Attempt {
  readonly address: string;
  readonly sentAt: number;
  readonly abort: AbortController;
}

interface Entry extends ProducerBatch {
  /** The encoded batch, reused byte for byte by every retry; null until first sent. */
  bytes: Uint8Array | null;
  epoch: number;
  baseSequence: number;
  /** The attempt in flight, if any. */
  attempt: Attempt | undefined;
  lastError: HeraldError | undefined;
  /** Attempts that failed retryably. */
  failures: number;
  /** Some attempt may have been stored: a final failure is an unknown outcome. */
  maybeWritten: boolean;
}

/** The batches of one partition, sent in order (see the file comment). */
export class PartitionSender {
  /** Unresolved batches, oldest first. The ones in flight are always a prefix. */
  private readonly queue: Entry[] = [];
  private inflight = 0;
  /** A batch failed retryably: send nothing until in-flight batches settle and backoff passes. */
  private holding = false;
  /** The failures of the current round (since holding began), to choose the wait from. */
  private holdErrors: HeraldError[] = [];
  private resumeTimer: NodeJS.Timeout | undefined;
  private backoffs = 0;
  private hintedInARow = 0;
  private movesInARow = 0;
  private epoch = 0;
  private nextSequence = 0;
  /** A batch of the current epoch failed for good: the next batch encoded starts a new epoch. */
  private epochBumpPending = false;
  /** A node said the topic or partition does not exist: ask the cluster before sending again. */
  private verifyTopic = false;
  private pumping = false;
  private pumpAgain = false;
  private checkTimer: NodeJS.Timeout | undefined;
  private checking = false;
  private lastCheckAt = 0;
  private readonly idleWaiters: (() => void)[] = [];

  /**
   * @param onCapacity called whenever the sender could send another batch at once (see
   *   wantsBatch): the producer then closes the partition's open batch, which it kept growing
   *   while every send slot was taken (Kafka's accumulator).
   */
  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly transport: ProduceTransport,
    private readonly settings: SenderSettings,
    private readonly onCapacity: () => void = () => {},
  ) {}

  private get idempotent(): boolean {
    return this.settings.producerId >= 0;
  }

  /** Queues a closed batch behind the partition's earlier ones. */
  enqueue(batch: ProducerBatch): void {
    this.queue.push({ ...batch, bytes: null, epoch: -1, baseSequence: -1, attempt: undefined, lastError: undefined, failures: 0, maybeWritten: false });
    this.pump();
  }

  /** Whether a batch enqueued now would be sent at once (once encoded): fewer than maxInFlight
   *  batches are queued or in flight, and no retry round is pending. */
  get wantsBatch(): boolean {
    return !this.holding && this.queue.length < this.settings.maxInFlight;
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

  /** Fails every unsent batch with `err`; batches in flight still settle, later ones are sent. */
  failUnsent(err: HeraldError): void {
    for (const entry of this.queue.filter((e) => e.attempt === undefined)) this.fail(entry, err);
    this.checkIdle();
  }

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pumpLoop()
      .catch((err: unknown) => this.failUnsent(toHeraldError(err, 'producer')))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        } else if (this.wantsBatch) {
          this.onCapacity();
        }
      });
  }

  private async pumpLoop(): Promise<void> {
    for (;;) {
      this.pumpAgain = false;
      if (this.holding) return;
      const entry = this.queue.find((e) => e.attempt === undefined);
      if (entry === undefined || this.inflight >= this.settings.maxInFlight) return;
      if (Date.now() >= entry.deadline) {
        if (entry.lastError !== undefined) this.fail(entry, entry.lastError, { attempts: entry.failures, retried: true });
        else this.fail(entry, new HeraldError('CommitTimedOut', `${this.topic}/${this.partition}: the batch was not sent within the producer's deliveryTimeoutMs`));
        continue;
      }
      if (this.verifyTopic) {
        if (this.inflight > 0) return; // after everything outstanding settled
        this.verifyTopic = false;
        const err = await this.reload();
        if (err !== undefined) {
          if (shouldRetry(err)) {
            this.verifyTopic = true;
            this.hold(err);
          }
          return;
        }
        continue;
      }
      let address = this.transport.route(this.topic, this.partition);
      if (address === undefined) {
        const err = await this.reload();
        address = this.transport.route(this.topic, this.partition);
        if (err !== undefined || address === undefined) {
          if (err === undefined || shouldRetry(err)) this.hold(err ?? new HeraldError('NoLeader', `${this.topic}/${this.partition}: no node to send to yet`));
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

  /** Reloads the topic's metadata; returns the error, if any. One that is not retried fails
   *  every unsent batch (e.g. TopicNotFound: the topic was deleted). */
  private async reload(): Promise<HeraldError | undefined> {
    try {
      await this.transport.loadTopic(this.topic);
      return undefined;
    } catch (caught) {
      const err = toHeraldError(caught, 'producer');
      if (!shouldRetry(err)) this.failUnsent(err);
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
    const attempt: Attempt = { address, sentAt: Date.now(), abort: new AbortController() };
    entry.attempt = attempt;
    this.inflight++;
    const timeoutMs = Math.max(1, Math.min(this.settings.requestTimeoutMs, entry.deadline - Date.now()));
    this.transport
      .send(address, { topic: this.topic, partition: this.partition, acks: this.settings.acks, batch: entry.bytes!, timeoutMs, signal: attempt.abort.signal })
      .then(
        (answer) => this.onAnswer(entry, address, answer.baseOffset),
        (err: unknown) => this.onRefusal(entry, address, toHeraldError(err, address)),
      );
    this.scheduleLeaderCheck();
  }

  private onAnswer(entry: Entry, address: string, baseOffset: number): void {
    entry.attempt = undefined;
    this.inflight--;
    this.backoffs = 0;
    this.hintedInARow = 0;
    this.movesInARow = 0;
    this.transport.onSuccess(this.topic, this.partition, address);
    this.remove(entry);
    entry.waiters.forEach((waiter, i) => waiter.resolve({ topic: this.topic, partition: this.partition, offset: baseOffset < 0 ? -1 : baseOffset + i }));
    this.settled();
  }

  private onRefusal(entry: Entry, address: string, err: HeraldError): void {
    entry.attempt = undefined;
    this.inflight--;
    if (mayHaveBeenWritten(err)) entry.maybeWritten = true;
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
    } else if (err.reason === 'CommitTimedOut' && this.idempotent) {
      retry = true; // the resend is deduplicated if the first one was stored after all
    } else if (err.reason === 'TopicNotFound' || err.reason === 'PartitionNotFound') {
      // The topic was known when the batch was made: a node still loading its metadata says so
      // too. The batch fails only if the cluster agrees (verifyTopic, in pumpLoop).
      this.verifyTopic = true;
      retry = true;
    }
    if (retry && Date.now() < entry.deadline) {
      entry.lastError = err;
      entry.failures++;
      this.hold(err);
      return;
    }
    this.fail(entry, err, { attempts: entry.failures + 1, retried: retry });
    this.settled();
  }

  /** Stops sending until in-flight batches settle and the wait `err` calls for passed. */
  private hold(err: HeraldError): void {
    this.holding = true;
    this.holdErrors.push(err);
    this.settled();
  }

  /**
   * The wait before the next round of attempts, given the round's failures: none to follow a
   * leader hint (a few times in a row, so two nodes naming each other cannot spin) or to move
   * off an unreachable node to another replica; else the jittered backoff, at least what a
   * `herald-retry-after-ms` detail asks. The counters grow once per round, however many
   * batches failed in it.
   */
  private roundDelayMs(): number {
    const errors = this.holdErrors;
    this.holdErrors = [];
    if (errors.length === 0) return 0;
    if (this.hintedInARow < HINTED_RETRIES_MAX && errors.some((e) => leaderHint(e) !== undefined)) {
      this.hintedInARow++;
      return 0;
    }
    if (this.movesInARow < MOVES_WITHOUT_BACKOFF && errors.every(isUnreachable)) {
      this.movesInARow++;
      return 0;
    }
    const delay = Math.max(...errors.map((e) => delayAfter(e, this.backoffs, HINTED_RETRIES_MAX, this.settings.retry)));
    this.backoffs++;
    this.hintedInARow = 0;
    this.movesInARow = 0;
    return delay;
  }

  /** After any batch settled: resume once nothing is in flight and the wait passed. */
  private settled(): void {
    if (this.holding) {
      if (this.inflight === 0 && this.resumeTimer === undefined) {
        // Not past the oldest batch's deadline, so that it fails on time.
        const first = this.queue[0];
        const delay = Math.max(0, Math.min(this.roundDelayMs(), first === undefined ? 0 : first.deadline - Date.now()));
        this.resumeTimer = setTimeout(() => {
          this.resumeTimer = undefined;
          this.holding = false;
          this.pump();
        }, delay);
      }
    } else {
      this.pump();
    }
    this.checkIdle();
  }

  // ---------------------------------------------------------------------------------------------
  // Noticing a leader that stopped answering (paused, or cut off from the client only)

  private oldestAttempt(): Attempt | undefined {
    for (const entry of this.queue) if (entry.attempt !== undefined) return entry.attempt;
    return undefined;
  }

  /** Arms the leader check for the oldest request in flight, leaderCheckMs after it was sent
   *  (and after the previous check). */
  private scheduleLeaderCheck(): void {
    if (this.checkTimer !== undefined || this.checking) return;
    const oldest = this.oldestAttempt();
    if (oldest === undefined) return;
    const due = Math.max(oldest.sentAt, this.lastCheckAt) + this.settings.leaderCheckMs;
    this.checkTimer = setTimeout(() => {
      this.checkTimer = undefined;
      void this.checkLeader();
    }, Math.max(0, due - Date.now()));
  }

  private async checkLeader(): Promise<void> {
    const oldest = this.oldestAttempt();
    if (oldest === undefined) return;
    if (Date.now() - oldest.sentAt < this.settings.leaderCheckMs) return this.scheduleLeaderCheck();
    this.checking = true;
    this.lastCheckAt = Date.now();
    let leader: { readonly id: number; readonly address: string } | undefined;
    try {
      leader = await this.transport.leaderElsewhere(this.topic, this.partition, oldest.address);
    } catch {
      leader = undefined; // no better knowledge: keep waiting for the answer
    } finally {
      this.checking = false;
    }
    if (leader !== undefined && leader.address !== oldest.address) {
      const waitedMs = Date.now() - oldest.sentAt;
      for (const entry of this.queue) {
        if (entry.attempt?.address !== oldest.address) continue;
        // Given up, not refused: the old leader may still store it (outcome unknown); the
        // resent bytes carry the same sequence numbers, so the batch is stored once.
        entry.attempt.abort.abort(
          new HeraldError('LeadershipLost', `${oldest.address}: no answer for ${waitedMs} ms, and the cluster now names node ${leader.id} at ${leader.address} as the leader of ${this.topic}/${this.partition}`, {
            [MetadataKey.LeaderId]: String(leader.id),
            [MetadataKey.LeaderAddr]: leader.address,
            [ADDRESS_DETAIL]: oldest.address,
          }),
        );
      }
    }
    this.scheduleLeaderCheck();
  }

  // ---------------------------------------------------------------------------------------------

  private elapsedMs(entry: Entry): number {
    return Date.now() - (entry.deadline - this.settings.deliveryTimeoutMs);
  }

  /** Fails a batch for good with `err` (the last attempt's error, `retried` if it was one the
   *  sender retries and ran out of time on); with an unknown outcome if any attempt may have
   *  been stored. Its sequence numbers may now be a gap: see epochBumpPending. */
  private fail(entry: Entry, err: HeraldError, how: { readonly attempts: number; readonly retried: boolean } = { attempts: entry.failures, retried: false }): void {
    this.remove(entry);
    if (this.idempotent && entry.bytes !== null) this.epochBumpPending = true;
    const elapsedMs = this.elapsedMs(entry);
    const final = entry.maybeWritten ? outcomeUnknown(err, how.attempts, elapsedMs) : how.retried ? gaveUp(err, how.attempts, elapsedMs) : err;
    for (const waiter of entry.waiters) waiter.reject(final);
  }

  private remove(entry: Entry): void {
    const at = this.queue.indexOf(entry);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private checkIdle(): void {
    if (!this.idle) return;
    clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
