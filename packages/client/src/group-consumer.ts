import { HeraldError, invalidArgument, type v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import { applicationRecords, recordsFrom, wireIsolation, type IsolationLevel } from './consumer.js';
import { isUnreachable, leaderHint, shouldRetry, toHeraldError } from './errors.js';
import { GroupAdmin, type TopicPartitions } from './groups.js';
import { backoffMs, DEFAULT_RETRY_POLICY, sleep, type RetryPolicy } from './retry.js';
import type { Router } from './router.js';
import type { ConsumedRecord } from './types.js';

/** Options of a group consumer. */
export interface GroupConsumerOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /** Shown in DescribeGroup; "herald-client" by default. */
  readonly clientId?: string;
  /** Assignment strategies, most preferred first: "range" (default), "roundrobin", "sticky". */
  readonly strategies?: readonly string[];
  /** The coordinator removes a member it has not heard from for this long; 10,000 by default. */
  readonly sessionTimeoutMs?: number;
  /** How long a rebalance waits for this member to rejoin; 60,000 by default. */
  readonly rebalanceTimeoutMs?: number;
  /** Where a partition without a committed offset starts (and one whose committed offset was
   *  removed by retention): 'latest' (default, Kafka's) or 'earliest'. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  /** 'read_committed' by default (see IsolationLevel). */
  readonly isolation?: IsolationLevel;
  /** Commit the position of processed records every autoCommitIntervalMs, before a rebalance
   *  and on close (default true). With false, only commit() commits. */
  readonly autoCommit?: boolean;
  readonly autoCommitIntervalMs?: number;
  /** Called when partitions are taken away (after their processed offsets were committed, with
   *  auto-commit), before the member rejoins. */
  readonly onRevoked?: (partitions: TopicPartitions[]) => void | Promise<void>;
  /** Called with the member's partitions after each rebalance, before any record of them. */
  readonly onAssigned?: (partitions: TopicPartitions[]) => void | Promise<void>;
  /** How long one Fetch waits for records (long poll); 1,000 by default. */
  readonly maxWaitMs?: number;
  readonly maxBytes?: number;
  /** Records fetched ahead of the reader before fetching pauses; 10,000 by default. */
  readonly bufferRecordsMax?: number;
  readonly retry?: Partial<RetryPolicy>;
}

interface Buffered {
  readonly record: ConsumedRecord;
  /** The assignment it was fetched under: records of an earlier assignment are dropped. */
  readonly epoch: number;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;
const group = (keys: Iterable<string>): TopicPartitions[] => {
  const byTopic = new Map<string, number[]>();
  for (const k of keys) {
    const at = k.lastIndexOf('/');
    const topic = k.slice(0, at);
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push(Number(k.slice(at + 1)));
  }
  return [...byTopic.keys()].sort().map((topic) => ({ topic, partitions: byTopic.get(topic)!.sort((a, b) => a - b) }));
};

/** The longest next() hands out buffered records without letting timers run. */
const YIELD_AFTER_MS = 20;

/** Refusals after which a member must rebalance (join again). */
const REJOIN = new Set(['RebalanceInProgress', 'FencedGeneration', 'UnknownMember']);

/**
 * A member of a consumer group (Kafka's eager protocol, with the assignment computed by the
 * coordinator): an async iterator over the records of the partitions the group gives it.
 *
 * It joins the group on the first next(), heartbeats in the background, and when the group
 * rebalances it stops fetching, commits what was processed (auto-commit), calls onRevoked,
 * joins again, calls onAssigned and resumes every partition from its committed offset. A record
 * counts as processed once next() is called again after it (or commit() is called): delivery is
 * at least once — records processed but not committed when a member dies are delivered again to
 * the partition's next owner.
 */
export class GroupConsumer implements AsyncIterable<ConsumedRecord> {
  memberId = '';
  generation = 0;
  private assigned = new Set<string>();
  private epoch = 0;
  private heartbeatIntervalMs = 3_000;
  private readonly buffer: Buffered[] = [];
  private head = 0;
  private reader: { resolve: (r: IteratorResult<ConsumedRecord>) => void; reject: (e: HeraldError) => void } | undefined;
  private readonly spaceWaiters: (() => void)[] = [];
  private failure: HeraldError | undefined;
  private readonly closed = new AbortController();
  private fetchAbort = new AbortController();
  private fetchLoops: Promise<void>[] = [];
  private started: Promise<void> | undefined;
  private heartbeatLoop: Promise<void> | undefined;
  private rebalancing: Promise<void> | undefined;
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private yieldedAtMs = 0;
  /** The record next() returned last, not yet known to be processed. */
  private handed: Buffered | undefined;
  /** Per partition: the offset after the last processed record. */
  private readonly processed = new Map<string, number>();
  /** Per partition: the offset last committed (or found committed). */
  private readonly committed = new Map<string, number>();
  private readonly admin: GroupAdmin;
  private readonly isolation: ReturnType<typeof wireIsolation>;
  private readonly closeListeners: (() => void)[] = [];
  private readonly settings: Required<Pick<GroupConsumerOptions, 'clientId' | 'strategies' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'autoOffsetReset' | 'autoCommit' | 'autoCommitIntervalMs' | 'maxWaitMs' | 'maxBytes' | 'bufferRecordsMax'>> & { retry: RetryPolicy };

  constructor(
    private readonly router: Router,
    readonly options: GroupConsumerOptions,
  ) {
    if (options.topics.length === 0) throw invalidArgument('topics', 'at least one topic is needed');
    this.admin = new GroupAdmin(router);
    this.isolation = wireIsolation(options.isolation);
    this.settings = {
      clientId: options.clientId ?? 'herald-client',
      strategies: options.strategies ?? [],
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
      autoOffsetReset: options.autoOffsetReset ?? 'latest',
      autoCommit: options.autoCommit ?? true,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5_000,
      maxWaitMs: options.maxWaitMs ?? 1_000,
      maxBytes: options.maxBytes ?? 0,
      bufferRecordsMax: options.bufferRecordsMax ?? 10_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    };
  }

  /** The partitions this member consumes in the current generation. */
  assignment(): TopicPartitions[] {
    return group(this.assigned);
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    return { next: () => this.next(), return: async () => { await this.close(); return { done: true, value: undefined }; } };
  }

  /** The next record. Calling it marks the record it returned last as processed. */
  next(): Promise<IteratorResult<ConsumedRecord>> {
    this.started ??= this.start();
    this.markProcessed();
    // A reader going through a full buffer would otherwise run on promise callbacks alone and
    // starve the timers: no heartbeat would leave, and the member would lose its partitions.
    if (performance.now() - this.yieldedAtMs > YIELD_AFTER_MS) {
      return new Promise((resolve) =>
        setImmediate(() => {
          this.yieldedAtMs = performance.now();
          resolve(this.nextBuffered());
        }),
      );
    }
    return this.nextBuffered();
  }

  private nextBuffered(): Promise<IteratorResult<ConsumedRecord>> {
    for (;;) {
      if (this.head >= this.buffer.length) break;
      const item = this.take();
      if (item.epoch !== this.epoch) continue;
      this.handed = item;
      return Promise.resolve({ done: false, value: item.record });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed.signal.aborted) return Promise.resolve({ done: true, value: undefined });
    if (this.reader !== undefined) return Promise.reject(new HeraldError('InvalidArgument', 'next() called again before the previous call resolved'));
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    }).finally(() => (this.yieldedAtMs = performance.now())) as Promise<IteratorResult<ConsumedRecord>>;
  }

  /** Commits the offsets of every record processed so far (the record next() returned last
   *  included). Throws FencedGeneration or RebalanceInProgress when the group moved on: the
   *  records will be delivered again to their partitions' new owners. */
  async commit(): Promise<void> {
    this.markProcessed();
    await this.commitProcessed();
  }

  /** Commits what was processed (auto-commit), leaves the group and stops. */
  async close(): Promise<void> {
    if (this.closed.signal.aborted) return;
    this.markProcessed();
    this.closed.abort();
    clearInterval(this.autoCommitTimer);
    const reader = this.reader;
    this.reader = undefined;
    reader?.resolve({ done: true, value: undefined });
    await this.started?.catch(() => {});
    await this.rebalancing?.catch(() => {});
    this.fetchAbort.abort();
    await Promise.allSettled(this.fetchLoops);
    await this.heartbeatLoop;
    if (this.memberId !== '' && this.failure === undefined) {
      if (this.settings.autoCommit) await this.commitProcessed().catch(() => {});
      await this.router
        .atController((s, d) => unaryCall<v1.LeaveGroupResponse__Output>(s.address, (o, cb) => s.groups.leaveGroup({ group: this.options.group, memberId: this.memberId }, o, cb), d), { timeoutMs: 5_000 })
        .catch(() => {});
    }
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** @internal Lets the client forget a closed consumer. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  // ---------------------------------------------------------------------------------------------

  private take(): Buffered {
    const item = this.buffer[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    if (this.buffer.length - this.head < this.settings.bufferRecordsMax / 2) for (const wake of this.spaceWaiters.splice(0)) wake();
    return item;
  }

  private push(item: Buffered): void {
    const reader = this.reader;
    if (reader !== undefined && item.epoch === this.epoch) {
      this.reader = undefined;
      this.handed = item;
      reader.resolve({ done: false, value: item.record });
    } else {
      this.buffer.push(item);
    }
  }

  private fail(err: HeraldError): void {
    if (this.failure !== undefined || this.closed.signal.aborted) return;
    this.failure = err;
    const reader = this.reader;
    this.reader = undefined;
    reader?.reject(err);
    this.fetchAbort.abort();
    this.closed.abort();
    clearInterval(this.autoCommitTimer);
  }

  /** The record handed out last is processed, if it belongs to the current assignment (a
   *  record of a partition taken away must not move that partition's offset). */
  private markProcessed(): void {
    const item = this.handed;
    this.handed = undefined;
    if (item === undefined || item.epoch !== this.epoch) return;
    const k = key(item.record.topic, item.record.partition);
    if (this.assigned.has(k)) this.processed.set(k, Math.max(this.processed.get(k) ?? 0, item.record.offset + 1));
  }

  private async commitProcessed(): Promise<void> {
    const offsets = [...this.processed]
      .filter(([k, offset]) => this.assigned.has(k) && this.committed.get(k) !== offset)
      .map(([k, offset]) => {
        const at = k.lastIndexOf('/');
        return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)), offset };
      });
    if (offsets.length === 0 || this.memberId === '') return;
    await this.admin.commit(this.options.group, offsets, { memberId: this.memberId, generation: this.generation });
    for (const o of offsets) this.committed.set(key(o.topic, o.partition), o.offset);
  }

  private async start(): Promise<void> {
    try {
      await this.joinAndAssign();
    } catch (err) {
      this.fail(toHeraldError(err, 'group consumer'));
      return;
    }
    this.heartbeatLoop = this.heartbeats();
    if (this.settings.autoCommit) {
      this.autoCommitTimer = setInterval(() => {
        if (this.rebalancing === undefined) this.commitProcessed().catch(() => {});
      }, this.settings.autoCommitIntervalMs);
      this.autoCommitTimer.unref?.();
    }
  }

  /** Joins (again), learns where each assigned partition resumes, and starts fetching. */
  private async joinAndAssign(): Promise<void> {
    const signal = this.closed.signal;
    let joined: v1.JoinGroupResponse__Output | undefined;
    for (let attempt = 0; joined === undefined; attempt++) {
      if (signal.aborted) return;
      const request = {
        group: this.options.group,
        memberId: this.memberId,
        clientId: this.settings.clientId,
        topics: [...this.options.topics],
        strategies: [...this.settings.strategies],
        sessionTimeoutMs: this.settings.sessionTimeoutMs,
        rebalanceTimeoutMs: this.settings.rebalanceTimeoutMs,
      };
      try {
        joined = await this.router.atController(
          (s, d) => unaryCall<v1.JoinGroupResponse__Output>(s.address, (o, cb) => s.groups.joinGroup(request, o, cb), d, signal),
          { timeoutMs: this.settings.rebalanceTimeoutMs + 10_000, signal },
        );
      } catch (caught) {
        const err = toHeraldError(caught, 'join');
        if (signal.aborted) return;
        if (err.reason === 'UnknownMember') this.memberId = '';
        else if (err.reason !== 'RebalanceInProgress' && !shouldRetry(err)) throw err;
        await sleep(backoffMs(attempt, this.settings.retry), signal);
      }
    }
    this.memberId = joined.memberId;
    this.generation = joined.generation;
    this.heartbeatIntervalMs = joined.heartbeatIntervalMs;
    this.assigned = new Set(joined.assignment.flatMap((tp) => tp.partitions.map((p) => key(tp.topic, p))));
    this.epoch++;
    for (const k of [...this.processed.keys()]) if (!this.assigned.has(k)) this.processed.delete(k);
    const positions = await this.positions();
    this.committed.clear();
    for (const [k, position] of positions) {
      this.processed.set(k, position.value);
      if (position.committed) this.committed.set(k, position.value);
    }
    await this.options.onAssigned?.(this.assignment());
    this.fetchAbort = new AbortController();
    const epoch = this.epoch;
    this.fetchLoops = [...positions].map(([k, position]) => {
      const at = k.lastIndexOf('/');
      return this.fetchLoop(k.slice(0, at), Number(k.slice(at + 1)), position.value, epoch, this.fetchAbort.signal);
    });
  }

  /** Where each assigned partition resumes: its committed offset, else autoOffsetReset. */
  private async positions(): Promise<Map<string, { value: number; committed: boolean }>> {
    const out = new Map<string, { value: number; committed: boolean }>();
    if (this.assigned.size === 0) return out;
    const committed = await this.admin.fetchOffsets(this.options.group, [...new Set([...this.assigned].map((k) => k.slice(0, k.lastIndexOf('/'))))]);
    const byKey = new Map(committed.map((o) => [key(o.topic, o.partition), o.offset]));
    for (const k of this.assigned) {
      const at = k.lastIndexOf('/');
      const c = byKey.get(k);
      const value = c ?? (await this.resetPosition(k.slice(0, at), Number(k.slice(at + 1))));
      out.set(k, { value, committed: c !== undefined });
    }
    return out;
  }

  private async resetPosition(topic: string, partition: number): Promise<number> {
    if (this.router.cachedTopic(topic) === undefined) await this.router.refreshTopic(topic, { signal: this.closed.signal });
    const position = this.settings.autoOffsetReset === 'earliest' ? 'START_POSITION_EARLIEST' : 'START_POSITION_LATEST';
    const answer = await this.router.anyNode(
      (s, d) => unaryCall<v1.ListOffsetsResponse__Output>(s.address, (o, cb) => s.consume.listOffsets({ topic, partition, position, isolation: this.isolation }, o, cb), d),
      { signal: this.closed.signal },
      this.router.replicaAddresses(topic, partition)[0],
    );
    return answer.offset;
  }

  private async heartbeats(): Promise<void> {
    const signal = this.closed.signal;
    while (!signal.aborted) {
      await sleep(this.heartbeatIntervalMs, signal);
      if (signal.aborted) return;
      if (this.rebalancing !== undefined) {
        await this.rebalancing.catch(() => {});
        continue;
      }
      try {
        await this.router.atController(
          (s, d) => unaryCall<v1.HeartbeatResponse__Output>(s.address, (o, cb) => s.groups.heartbeat({ group: this.options.group, memberId: this.memberId, generation: this.generation }, o, cb), d, signal),
          { timeoutMs: Math.max(1_000, this.heartbeatIntervalMs), signal },
        );
      } catch (caught) {
        const err = toHeraldError(caught, 'heartbeat');
        if (REJOIN.has(err.reason)) await this.rebalance(err.reason === 'UnknownMember');
        // Anything else (coordinator unreachable for a while): try again at the next beat.
      }
    }
  }

  /** Revokes every partition, commits what was processed, and joins again. */
  private rebalance(lostMembership: boolean): Promise<void> {
    this.rebalancing ??= (async () => {
      try {
        // Nothing more is handed out from here: buffered records of the revoked partitions are
        // dropped (their offsets are not committed, so their next owner reads them), and the
        // record handed out last, if still being processed, no longer counts as processed.
        this.epoch++;
        this.fetchAbort.abort();
        await Promise.allSettled(this.fetchLoops);
        const revoked = this.assignment();
        if (this.settings.autoCommit && !lostMembership) await this.commitProcessed().catch(() => {});
        if (lostMembership) this.memberId = '';
        await this.options.onRevoked?.(revoked);
        this.assigned = new Set();
        await this.joinAndAssign();
      } catch (err) {
        this.fail(toHeraldError(err, 'rebalance'));
      } finally {
        this.rebalancing = undefined;
      }
    })();
    return this.rebalancing;
  }

  /** Fetches one partition from `position` for one assignment, as its member. */
  private async fetchLoop(topic: string, partition: number, position: number, epoch: number, signal: AbortSignal): Promise<void> {
    let address: string | undefined;
    let failures = 0;
    if (this.router.cachedTopic(topic) === undefined) await this.router.refreshTopic(topic, { signal }).catch(() => {});
    while (!signal.aborted) {
      if (this.buffer.length - this.head >= this.settings.bufferRecordsMax) {
        await new Promise<void>((resolve) => {
          this.spaceWaiters.push(resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      address ??= this.router.replicaAddresses(topic, partition)[0] ?? this.router.addresses()[0]!;
      try {
        const stubs = this.router.connections.get(address);
        const request = { topic, partition, offset: position, maxBytes: this.settings.maxBytes, maxWaitMs: this.settings.maxWaitMs, isolation: this.isolation, group: this.options.group, memberId: this.memberId, generation: this.generation };
        const response = await unaryCall<v1.FetchResponse__Output>(address, (o, cb) => stubs.consume.fetch(request, o, cb), Date.now() + this.settings.maxWaitMs + 10_000, signal);
        failures = 0;
        for (const batch of response.batches) {
          const records = await applicationRecords(batch.batch);
          if (signal.aborted) return;
          for (const record of recordsFrom(topic, partition, batch.baseOffset, records, position)) this.push({ record, epoch });
          position = Math.max(position, batch.baseOffset + batch.recordCount);
        }
      } catch (caught) {
        if (signal.aborted) return;
        const err = toHeraldError(caught, address);
        if (REJOIN.has(err.reason)) {
          void this.rebalance(err.reason === 'UnknownMember');
          return;
        }
        if (err.reason === 'OffsetOutOfRange') {
          // The position was removed by retention (or is beyond what this replica holds).
          const answer = await this.router.anyNode((s, d) => unaryCall<v1.ListOffsetsResponse__Output>(s.address, (o, cb) => s.consume.listOffsets({ topic, partition, position: 'START_POSITION_EARLIEST' }, o, cb), d), { signal }).catch(() => undefined);
          if (answer !== undefined && position < answer.logStartOffset) position = this.settings.autoOffsetReset === 'earliest' ? answer.logStartOffset : await this.resetPosition(topic, partition);
          else address = this.router.nextReplica(topic, partition, address);
        } else if (!shouldRetry(err)) {
          this.fail(err);
          return;
        } else {
          const hint = leaderHint(err);
          if (hint !== undefined) address = hint.address;
          else if (isUnreachable(err) || err.reason === 'ShuttingDown') address = this.router.nextReplica(topic, partition, address);
        }
        await sleep(backoffMs(failures++, this.settings.retry), signal);
      }
    }
  }
}
