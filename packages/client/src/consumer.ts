import { decodeBatch, HeraldError, invalidArgument, readBatchHeader, type BatchRecord, type v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import { GRPC_STATUS_DETAIL, isUnreachable, leaderHint, shouldRetry, toHeraldError } from './errors.js';
import { Handoff } from './handoff.js';
import { backoffMs, DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './retry.js';
import type { Router } from './router.js';
import type { ConsumedRecord } from './types.js';

const FETCH_BUDGET_BYTES = 16 << 20;
const FETCH_BYTES_MIN = 1 << 20;
const FETCH_BYTES_MAX = 4 << 20;

/** Where a consumer starts in each partition: its first stored offset, its high watermark
 *  (only records committed from now on), or an explicit offset. */
export type StartFrom = 'earliest' | 'latest' | { readonly offset: number };

/** Which records a consumer sees (KIP-98): 'read_committed' (the default) reads below the
 *  last stable offset, without the records of aborted transactions; 'read_uncommitted' reads
 *  up to the high watermark, the records of open and aborted transactions included. Half
 *  messages are seen only once committed, under either. */
export type IsolationLevel = 'read_committed' | 'read_uncommitted';

/** The wire value of an isolation level; refuses anything else with InvalidArgument. */
export function wireIsolation(level: IsolationLevel | undefined): 'ISOLATION_READ_COMMITTED' | 'ISOLATION_READ_UNCOMMITTED' {
  if (level === undefined || level === 'read_committed') return 'ISOLATION_READ_COMMITTED';
  if (level === 'read_uncommitted') return 'ISOLATION_READ_UNCOMMITTED';
  throw invalidArgument('isolation', `must be "read_committed" or "read_uncommitted" (got ${JSON.stringify(level)})`);
}

/** Options of a consumer. */
export interface ConsumerOptions {
  readonly topic: string;
  /** The partitions to read; all of the topic's by default. */
  readonly partitions?: readonly number[];
  /** 'latest' by default: the last stable offset reading committed, else the high watermark. */
  readonly from?: StartFrom;
  /** 'read_committed' by default. */
  readonly isolation?: IsolationLevel;
  /** How long one Fetch waits for new records (long poll); 1,000 by default. */
  readonly maxWaitMs?: number;
  /** An upper bound on one Fetch's batches (at least one batch is always returned); by default
   *  16 MiB shared by the partitions read, from 1 MiB to 4 MiB each. */
  readonly maxBytes?: number;
  /** Records fetched ahead of the reader, over all partitions, before fetching pauses. */
  readonly bufferRecordsMax?: number;
  /** How long a partition may keep failing (on every replica) before the iterator throws. */
  readonly failTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
}

/**
 * Reads committed records of one topic: an async iterator over every chosen partition, each in
 * offset order (partitions interleave). One Fetch long-poll loop runs per partition, at the
 * partition's leader first and at another replica when a node fails (any replica serves
 * committed records); the next Fetch is sent as soon as an answer with records arrives, while
 * that one is decoded and read. Batches may start before the position; records below it are
 * skipped. Record keys, values and header values are views into the fetched bytes, not copies.
 */
export class Consumer implements AsyncIterable<ConsumedRecord> {
  private readonly handoff = new Handoff<ConsumedRecord>(() => {
    if (this.handoff.size < this.settings.bufferRecordsMax / 2) for (const wake of this.spaceWaiters.splice(0)) wake();
  });
  private readonly spaceWaiters: (() => void)[] = [];
  private failed = false;
  private readonly abort = new AbortController();
  private started: Promise<void> | undefined;
  private loops: Promise<void>[] = [];
  private partitionsRead = 1;
  private readonly closeListeners: (() => void)[] = [];
  private readonly settings: { maxWaitMs: number; maxBytes: number; bufferRecordsMax: number; failTimeoutMs: number; retry: RetryPolicy };
  private readonly isolation: ReturnType<typeof wireIsolation>;

  constructor(
    private readonly router: Router,
    readonly options: ConsumerOptions,
  ) {
    const from = options.from ?? 'latest';
    if (typeof from === 'object' && !(Number.isInteger(from.offset) && from.offset >= 0)) {
      throw invalidArgument('from.offset', `must be an integer from 0 (got ${from.offset})`);
    }
    this.isolation = wireIsolation(options.isolation);
    this.settings = {
      maxWaitMs: options.maxWaitMs ?? 1_000,
      maxBytes: options.maxBytes ?? 0, // 0: fetchBytes() chooses
      bufferRecordsMax: options.bufferRecordsMax ?? 10_000,
      failTimeoutMs: options.failTimeoutMs ?? 30_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    };
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    return { next: () => this.next(), return: async () => { await this.close(); return { done: true, value: undefined }; } };
  }

  /** The next record, waiting for one if needed; done once the consumer is closed. Throws the
   *  HeraldError that stopped a partition (e.g. TopicNotFound, OffsetOutOfRange). */
  next(): Promise<IteratorResult<ConsumedRecord>> {
    this.started ??= this.start();
    return this.handoff.next();
  }

  private stop(err: HeraldError): void {
    if (this.failed || this.abort.signal.aborted) return;
    this.failed = true;
    this.handoff.fail(err);
    this.abort.abort();
  }

  private async start(): Promise<void> {
    const { topic } = this.options;
    try {
      const description = await this.router.refreshTopic(topic, { signal: this.abort.signal });
      const all = description.partitions.map((p) => p.id);
      const partitions = this.options.partitions ?? all;
      for (const p of partitions) {
        if (!all.includes(p)) throw new HeraldError('PartitionNotFound', `topic "${topic}" has partitions 0 to ${all.length - 1} (got ${p})`);
      }
      const from = this.options.from ?? 'latest';
      const positions = await Promise.all(
        partitions.map(async (p) => {
          if (typeof from === 'object') return from.offset;
          const position = from === 'earliest' ? 'START_POSITION_EARLIEST' : 'START_POSITION_LATEST';
          const answer = await this.router.anyNode(
            (stubs, deadline) => unaryCall<v1.ListOffsetsResponse__Output>(stubs.address, (o, cb) => stubs.consume.listOffsets({ topic, partition: p, position, isolation: this.isolation }, o, cb), deadline),
            { signal: this.abort.signal },
            this.router.replicaAddresses(topic, p)[0],
          );
          return answer.offset;
        }),
      );
      this.partitionsRead = partitions.length;
      this.loops = partitions.map((p, i) => this.fetchLoop(p, positions[i]!));
    } catch (err) {
      if (!this.abort.signal.aborted) this.stop(toHeraldError(err, 'consumer'));
    }
  }

  /** Fetches one partition from `position` on until the consumer closes or fails. */
  private async fetchLoop(partition: number, position: number): Promise<void> {
    const { topic } = this.options;
    const signal = this.abort.signal;
    let address: string | undefined;
    let failingSince: number | undefined;
    let failures = 0;
    let outOfRange = 0;
    /** The Fetch sent ahead for `position` while the previous answer was being read. */
    let ahead: { readonly address: string; readonly position: number; readonly answer: Promise<v1.FetchResponse__Output> } | undefined;
    while (!signal.aborted) {
      if (this.handoff.size >= this.settings.bufferRecordsMax) {
        await new Promise<void>((resolve) => {
          this.spaceWaiters.push(resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      address ??= this.router.replicaAddresses(topic, partition)[0] ?? this.router.addresses()[0]!;
      try {
        const answer = ahead !== undefined && ahead.address === address && ahead.position === position ? ahead.answer : this.fetchAt(address, partition, position);
        ahead = undefined;
        const response = await answer;
        failingSince = undefined;
        failures = 0;
        outOfRange = 0;
        const next = response.batches.reduce((end, batch) => Math.max(end, batch.baseOffset + batch.recordCount), position);
        // Prefetch: ask for what follows while this answer is decoded and read, unless it came
        // back empty (a long poll that ran out) or the reader is behind.
        if (next > position && this.handoff.size < this.settings.bufferRecordsMax / 2) {
          const prefetch = this.fetchAt(address, partition, next);
          prefetch.catch(() => {}); // its failure is handled when the next turn awaits it
          ahead = { address, position: next, answer: prefetch };
        }
        for (const batch of response.batches) {
          const records = await applicationRecords(batch.batch);
          for (const record of recordsFrom(topic, partition, batch.baseOffset, records, position)) this.handoff.push(record);
          position = Math.max(position, batch.baseOffset + batch.recordCount);
        }
      } catch (caught) {
        ahead = undefined;
        if (signal.aborted) return;
        const err = toHeraldError(caught, address);
        const replicas = this.router.replicaAddresses(topic, partition);
        // A replica behind the one read so far answers OffsetOutOfRange for a position past its
        // high watermark: another replica may serve it. Out of range everywhere is final.
        if (err.reason === 'OffsetOutOfRange' && ++outOfRange < Math.max(1, replicas.length)) {
          // fall through to the next replica
        } else if (!shouldRetry(err) && err.details[GRPC_STATUS_DETAIL] !== 'DEADLINE_EXCEEDED') {
          // A read is safe to repeat: a fetch that ran out of time is tried again (until failTimeoutMs).
          this.stop(err);
          return;
        }
        failingSince ??= Date.now();
        if (Date.now() - failingSince > this.settings.failTimeoutMs) {
          this.stop(err);
          return;
        }
        const hint = leaderHint(err);
        if (hint !== undefined) address = hint.address;
        else if (isUnreachable(err) || err.reason === 'OffsetOutOfRange' || err.reason === 'ShuttingDown') address = this.router.nextReplica(topic, partition, address);
        await sleep(backoffMs(failures++, this.settings.retry), signal);
      }
    }
  }

  /** The default bytes of one Fetch: a 16 MiB budget over the partitions read (two answers per
   *  partition may be held at once with prefetch), from 1 MiB (the broker's own default) to
   *  4 MiB: larger answers mean fewer round trips (herald bench consume: 4 MiB read 100,000 ×
   *  1 KiB ~40 % faster than 1 MiB; 16 MiB no faster). */
  private fetchBytes(): number {
    return Math.min(FETCH_BYTES_MAX, Math.max(FETCH_BYTES_MIN, Math.floor(FETCH_BUDGET_BYTES / this.partitionsRead)));
  }

  /** One Fetch of the partition from `offset` at `address`. */
  private fetchAt(address: string, partition: number, offset: number): Promise<v1.FetchResponse__Output> {
    const stubs = this.router.connections.get(address);
    const request = { topic: this.options.topic, partition, offset, maxBytes: this.settings.maxBytes || this.fetchBytes(), maxWaitMs: this.settings.maxWaitMs, isolation: this.isolation };
    return unaryCall<v1.FetchResponse__Output>(address, (o, cb) => stubs.consume.fetch(request, o, cb), Date.now() + this.settings.maxWaitMs + 10_000, this.abort.signal);
  }

  /** Stops fetching; next() then reports done. */
  async close(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    this.handoff.end();
    await this.started;
    await Promise.allSettled(this.loops);
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** @internal Lets the client forget a closed consumer. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
}

/** The records of a fetched batch that an application reads: none for a transaction marker
 *  (a control batch, KIP-98), which the reader only moves past. */
export async function applicationRecords(batch: Uint8Array): Promise<BatchRecord[]> {
  return readBatchHeader(batch).control ? [] : decodeBatch(batch);
}

/** The records of a fetched batch at or after `position`, with their offsets: a batch may start
 *  before the offset asked for, and the reader skips what it has already seen. */
export function recordsFrom(topic: string, partition: number, baseOffset: number, records: readonly BatchRecord[], position: number): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  for (const record of records) {
    const offset = baseOffset + record.offsetDelta;
    if (offset < position) continue;
    out.push({
      topic,
      partition,
      offset,
      key: asBuffer(record.key),
      value: asBuffer(record.value),
      headers: record.headers.map((h) => ({ key: h.key, value: asBuffer(h.value)! })),
      timestampMs: record.timestampMs,
    });
  }
  return out;
}

function asBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
