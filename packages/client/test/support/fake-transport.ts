// A ProduceTransport whose "broker" is a few lines of the real partition rules (as in
// packages/broker/src/partition/partition-state.ts): offsets assigned in arrival order,
// idempotent producers deduplicated by sequence, gaps refused with OutOfOrderSequence, a new
// epoch accepted only from sequence 0 (as the broker does). Requests wait until the test answers them, so a test decides
// exactly what is in flight and what fails.

import { decodeBatch, HeraldError, readBatchHeader } from '@herald/protocol';
import { leaderHint, type ProduceAnswer, type ProduceRequestInput, type ProduceTransport } from '../../src/index.js';

interface StoredBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
}

/** A request waiting for the test to answer it. */
export interface HeldRequest {
  readonly address: string;
  readonly request: ProduceRequestInput;
  readonly header: ReturnType<typeof readBatchHeader>;
  resolve(answer: ProduceAnswer): void;
  reject(err: HeraldError): void;
}

export class FakeBroker implements ProduceTransport {
  /** Stored record values per partition, in offset order. */
  readonly logs = new Map<number, string[]>();
  private readonly producers = new Map<string, { epoch: number; batches: StoredBatch[] }>();
  readonly held: HeldRequest[] = [];
  /** Every request ever sent, in order. */
  readonly requests: HeldRequest[] = [];
  /** Answers every request as soon as it arrives when true. */
  autoAnswer = true;
  routeErrors: HeraldError[] = [];
  loadError: HeraldError | undefined;
  maxHeld = 0;
  /** What leaderElsewhere() answers: the leader the rest of the cluster names. */
  leaderSeenElsewhere: { id: number; address: string } | undefined;
  /** How many times leaderElsewhere() was asked. */
  leaderChecks = 0;
  /** Requests given up by the producer (their signal aborted) while held. */
  readonly abandoned: HeldRequest[] = [];

  /** What maxMessageBytes() answers: the topic's max.message.bytes, if set. */
  topicMaxMessageBytes: number | undefined;

  constructor(private readonly partitions = 1) {}

  maxMessageBytes(): number | undefined {
    return this.topicMaxMessageBytes;
  }

  partitionCount(): number | undefined {
    return this.loadError === undefined ? this.partitions : undefined;
  }

  async loadTopic(): Promise<void> {
    if (this.loadError !== undefined) throw this.loadError;
  }

  /** Where route() sends: the leader as the producer last learned it (from hints). */
  leader = 'fake:1';
  /** Every onError() call's address and reason, in order. */
  readonly errorsSeen: { address: string; reason: string }[] = [];

  route(): string {
    return this.leader;
  }

  send(address: string, request: ProduceRequestInput): Promise<ProduceAnswer> {
    return new Promise((resolve, reject) => {
      const held: HeldRequest = { address, request, header: readBatchHeader(request.batch), resolve, reject };
      this.requests.push(held);
      this.held.push(held);
      this.maxHeld = Math.max(this.maxHeld, this.held.length);
      // Given up by the producer: it no longer waits, but the "broker" still holds the request
      // and may store it (apply) when the test says so.
      request.signal?.addEventListener('abort', () => {
        this.abandoned.push(held);
        reject(request.signal!.reason as HeraldError);
      }, { once: true });
      if (this.autoAnswer) queueMicrotask(() => void this.apply(this.held.indexOf(held)));
    });
  }

  onError(_topic: string, _partition: number, address: string, err: HeraldError): void {
    this.errorsSeen.push({ address, reason: err.reason });
    const hint = leaderHint(err);
    if (hint !== undefined) this.leader = hint.address;
  }

  onSuccess(): void {}

  async leaderElsewhere(_topic: string, _partition: number, address: string): Promise<{ id: number; address: string } | undefined> {
    this.leaderChecks++;
    const leader = this.leaderSeenElsewhere;
    return leader !== undefined && leader.address !== address ? leader : undefined;
  }
  async close(): Promise<void> {}

  /** Answers held request `at` (0: the oldest) as the broker would: stores it or refuses it. */
  async apply(at = 0): Promise<void> {
    const [held] = this.held.splice(at, 1);
    if (held === undefined) throw new Error(`no held request at ${at}`);
    const outcome = await this.store(held);
    if (outcome instanceof HeraldError) held.reject(outcome);
    else held.resolve(outcome);
  }

  /** Stores held request `at` but reports its answer as lost (the connection broke). */
  async applyAndLose(at: number, err: HeraldError): Promise<void> {
    const [held] = this.held.splice(at, 1);
    await this.store(held!);
    held!.reject(err);
  }

  /** Refuses held request `at` with `err`, storing nothing. */
  refuse(at: number, err: HeraldError): void {
    const [held] = this.held.splice(at, 1);
    held!.reject(err);
  }

  /** Answers every held request, oldest first, until none is held. */
  async applyAll(): Promise<void> {
    while (this.held.length > 0) await this.apply(0);
  }

  private storing: Promise<unknown> = Promise.resolve();

  /** Applies one request at a time, as a partition's state machine does. */
  private store(held: HeldRequest): Promise<ProduceAnswer | HeraldError> {
    const result = this.storing.then(() => this.storeNow(held));
    this.storing = result.catch(() => {});
    return result;
  }

  private async storeNow(held: HeldRequest): Promise<ProduceAnswer | HeraldError> {
    const { header } = held;
    const partition = held.request.partition;
    const log = this.logs.get(partition) ?? [];
    this.logs.set(partition, log);
    const count = header.recordCount;
    if (header.producerId >= 0) {
      const key = `${header.producerId}/${partition}`;
      const producer = this.producers.get(key);
      if (producer !== undefined && header.producerEpoch === producer.epoch) {
        const newest = producer.batches[producer.batches.length - 1]!;
        if (header.baseSequence <= newest.lastSequence) {
          const original = producer.batches.find((b) => b.baseSequence === header.baseSequence);
          return { baseOffset: original?.baseOffset ?? -1, recordCount: count, duplicate: true };
        }
        if (header.baseSequence !== newest.lastSequence + 1) {
          return new HeraldError('OutOfOrderSequence', `sequence ${header.baseSequence}, expected ${newest.lastSequence + 1}`);
        }
      } else if (producer !== undefined && header.producerEpoch < producer.epoch) {
        return new HeraldError('ProducerFenced', `epoch ${header.producerEpoch} < ${producer.epoch}`);
      } else if (header.baseSequence !== 0) {
        return new HeraldError('OutOfOrderSequence', `epoch ${header.producerEpoch} must start at sequence 0 (got ${header.baseSequence})`);
      }
      const stored = { baseSequence: header.baseSequence, lastSequence: header.baseSequence + count - 1, baseOffset: log.length };
      if (producer === undefined || header.producerEpoch > producer.epoch) this.producers.set(key, { epoch: header.producerEpoch, batches: [stored] });
      else producer.batches.push(stored);
    }
    const baseOffset = log.length;
    for (const record of await decodeBatch(held.request.batch)) log.push(Buffer.from(record.value!).toString());
    return { baseOffset, recordCount: count, duplicate: false };
  }
}

/** Resolves once `condition` holds, letting promises and the producer's pump run between tries. */
export async function until(condition: () => boolean, what: string, triesMax = 1_000): Promise<void> {
  for (let i = 0; i < triesMax; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}
