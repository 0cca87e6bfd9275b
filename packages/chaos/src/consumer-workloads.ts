import { HeraldClient, HeraldError, type GroupConsumer, type QueueMessage } from '@herald/client';
import type { ClusterAccess } from './cluster-security.js';
import { leaderEndOffsets } from './final-read.js';
import type { PartitionOffset, PolledRecord, SubscriptionPartition } from './history.js';
import { createPrng, type Prng } from './schedule.js';
import { describeError, outcomeOf, raceTimeout, sleep, timedOut, type Recorder, type WorkloadCounters } from './workload.js';

// The consumer-group and queue-subscription workloads of a chaos run. Each records what its
// members were handed and what the broker confirmed, so the checker can hold the broker to its
// consumer guarantees (see consumer-checks.ts).

/** Refusals after which a commit certainly did not happen. */
const commitRefusals: ReadonlySet<string> = new Set(['FencedGeneration', 'RebalanceInProgress', 'UnknownMember', 'GroupNotFound', 'InvalidArgument']);
/** Refusals after which an ack or nack certainly did not happen. */
const settleRefusals: ReadonlySet<string> = new Set(['NotHeld', 'SubscriptionNotFound', 'InvalidArgument']);

const stopping = Symbol('stopping');

const refusedBy = (reasons: ReadonlySet<string>, err: unknown): boolean => err instanceof HeraldError && reasons.has(err.reason);

/** Options of the consumer-group workload. */
export interface GroupMembersOptions {
  /** How the clients reach the cluster: the proxies, TLS and the admin (cluster-security.ts). */
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  readonly group: string;
  /** Members of the group, each with its own client (history processes g1, g2, ...). */
  readonly members: number;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly counters: WorkloadCounters;
  /** How often each member commits what it consumed; 500 by default. */
  readonly commitIntervalMs?: number;
  /** How often the group's committed offsets are read back; 1,000 by default. */
  readonly offsetsIntervalMs?: number;
  /** How long one recorded consume collects records; 250 by default. */
  readonly pollMs?: number;
  /** Seeds when members leave and rejoin. */
  readonly seed: number;
  /** Each member leaves the group (without committing first) and joins again as a new member
   *  after a seeded time in [restartMsMin, restartMsMax], so the group rebalances under the
   *  faults; 5,000 and 15,000 by default, 0 for never. */
  readonly restartMsMin?: number;
  readonly restartMsMax?: number;
}

/**
 * One incarnation of a group member: a GroupConsumer with manual commits, and what it consumed
 * in its current generation. A record's generation is read when next() resolves (in the same
 * microtask turn, so a rebalance cannot slip in between), and its position is noted only once
 * the record is in a batch that will be recorded, so nothing is committed that the history
 * does not show consumed. The positions of revoked partitions are forgotten in onRevoked, and a
 * commit names only positions consumed in the generation the commit carries.
 */
class GroupMember {
  readonly consumer: GroupConsumer;
  /** partition → the offset after the last record consumed, and the generation it came in. */
  private readonly consumed = new Map<number, { offset: number; generation: number }>();
  /** partition → the offset this incarnation last committed. */
  private readonly committed = new Map<number, number>();
  private pending: Promise<IteratorResult<PolledRecord & { generation: number }>> | null = null;
  private failure: unknown = null;
  done = false;

  constructor(
    client: HeraldClient,
    private readonly options: GroupMembersOptions,
    readonly name: string,
  ) {
    this.consumer = client.groupConsumer({
      group: options.group,
      topics: [options.topic],
      clientId: name,
      autoOffsetReset: 'earliest',
      autoCommit: false,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 15_000,
      maxWaitMs: 500,
      onRevoked: () => this.forget(),
      onAssigned: () => this.forget(),
    });
  }

  /** Records handed out within `windowMs`; throws the consumer's failure once nothing is left. */
  async poll(windowMs: number, recordsMax: number, signal: AbortSignal): Promise<PolledRecord[]> {
    if (this.failure !== null) throw this.failure;
    const records: PolledRecord[] = [];
    const deadline = performance.now() + windowMs;
    while (records.length < recordsMax && !signal.aborted && !this.done) {
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0) break;
      this.pending ??= this.consumer.next().then((result) => {
        if (result.done === true) return { done: true, value: undefined };
        const record = result.value;
        return { done: false, value: { partition: record.partition, offset: record.offset, value: record.value?.toString() ?? '', generation: this.consumer.generation } };
      });
      let result;
      try {
        result = await raceTimeout(this.pending, remainingMs);
      } catch (err) {
        this.pending = null;
        if (records.length === 0) throw err;
        this.failure = err; // the records so far are recorded first
        break;
      }
      if (result === timedOut) break;
      this.pending = null;
      if (result.done === true) {
        this.done = true;
        break;
      }
      const { partition, offset, value, generation } = result.value;
      records.push({ partition, offset, value });
      this.consumed.set(partition, { offset: offset + 1, generation });
    }
    return records;
  }

  /** What a commit now would carry: positions consumed in the current generation, of partitions
   *  still assigned, that differ from what this incarnation committed last. */
  toCommit(): { memberId: string; generation: number; offsets: PartitionOffset[] } | null {
    const { memberId, generation } = this.consumer;
    if (memberId === '') return null;
    const assigned = new Set(this.consumer.assignment().filter((tp) => tp.topic === this.options.topic).flatMap((tp) => tp.partitions));
    const offsets: PartitionOffset[] = [];
    for (const [partition, position] of this.consumed) {
      if (position.generation !== generation || !assigned.has(partition) || this.committed.get(partition) === position.offset) continue;
      offsets.push({ partition, offset: position.offset });
    }
    return offsets.length === 0 ? null : { memberId, generation, offsets: offsets.sort((a, b) => a.partition - b.partition) };
  }

  committedNow(offsets: readonly PartitionOffset[]): void {
    for (const { partition, offset } of offsets) this.committed.set(partition, offset);
  }

  async close(): Promise<void> {
    await this.consumer.close().catch(() => undefined);
    await this.pending?.catch(() => undefined);
  }

  private forget(): void {
    this.consumed.clear();
    this.committed.clear();
  }
}

/**
 * Members of one consumer group on the topic, with manual commits: each member (process `g1`)
 * records what its iterator hands out as `consume` operations; its committer (`g1-commit`)
 * commits the positions consumed every commitIntervalMs and records each commit; a watcher
 * (`offsets`) reads the group's committed offsets back every offsetsIntervalMs. Every few
 * seconds (seeded) a member leaves without committing what it consumed since its last commit
 * and joins again as a new member: the group rebalances, commits of the old generation are
 * fenced, and the partitions' next owners consume those records again (processed twice). A
 * member whose consumer fails is replaced the same way.
 */
export class GroupMembers {
  private readonly clients: HeraldClient[] = [];
  private readonly offsets: GroupOffsets;
  private readonly current = new Map<string, GroupMember>();
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private draining = false;

  constructor(private readonly options: GroupMembersOptions) {
    this.offsets = new GroupOffsets({ ...options, process: 'offsets', ...(options.offsetsIntervalMs === undefined ? {} : { intervalMs: options.offsetsIntervalMs }) });
  }

  start(): void {
    for (let k = 1; k <= this.options.members; k++) {
      const client = new HeraldClient({ ...this.options.cluster, callTimeoutMs: 5_000 });
      this.clients.push(client);
      this.loops.push(this.memberLoop(client, `g${k}`, createPrng(this.options.seed * 17 + k)), this.commitLoop(client, `g${k}`));
    }
    this.offsets.start();
  }

  /**
   * After the producers stopped: waits until the group's committed offset of every partition
   * has reached its high watermark (reading them back as recorded operations), at most
   * `timeoutMs`. Resolves whether it got there.
   */
  async drain(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    this.draining = true; // members stay: the group settles
    return this.offsets.caughtUp(timeoutMs, signal);
  }

  /** Stops the members (they leave the group) and the committers. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.offsets.stopWatching();
    await Promise.all(this.loops);
    await Promise.allSettled([...this.current.values()].map((member) => member.close()));
    await Promise.allSettled(this.clients.map((client) => client.close()));
  }

  /** Records the final read of the group's committed offsets (GroupOffsets.recordFinal). */
  recordFinal(timeoutMs: number): Promise<boolean> {
    return this.offsets.recordFinal(timeoutMs);
  }

  private async memberLoop(client: HeraldClient, name: string, prng: Prng): Promise<void> {
    const { topic, group, record, clock, counters } = this.options;
    const pollMs = this.options.pollMs ?? 250;
    const restartMsMin = this.options.restartMsMin ?? 5_000;
    const restartMsMax = Math.max(restartMsMin, this.options.restartMsMax ?? 15_000);
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const member = new GroupMember(client, this.options, name);
      this.current.set(name, member);
      const restartAt = restartMsMin === 0 ? Number.POSITIVE_INFINITY : performance.now() + prng.int(restartMsMin, restartMsMax);
      try {
        while (!signal.aborted && !member.done && (performance.now() < restartAt || this.draining)) {
          await record({ time: clock(), type: 'invoke', process: name, f: 'consume', topic, group });
          let records: PolledRecord[];
          try {
            records = await member.poll(pollMs, 2_000, signal);
          } catch (err) {
            await record({ time: clock(), type: 'fail', process: name, f: 'consume', topic, group, error: describeError(err) });
            break;
          }
          counters.groupConsumed += records.length;
          await record({ time: clock(), type: 'ok', process: name, f: 'consume', topic, group, records });
        }
      } finally {
        if (signal.aborted) {
          // stop() closes the members once the committers are done with them.
        } else {
          this.current.delete(name);
          await member.close();
        }
      }
      if (!signal.aborted) await sleep(200, signal);
    }
  }

  /** Commits, one at a time, what the member's current incarnation consumed. */
  private async commitLoop(client: HeraldClient, name: string): Promise<void> {
    const { topic, group, record, clock } = this.options;
    const process = `${name}-commit`;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await sleep(this.options.commitIntervalMs ?? 500, signal);
      if (signal.aborted) return;
      const member = this.current.get(name);
      const commit = member?.toCommit();
      if (member === undefined || commit == null) continue;
      const fields = { process, f: 'commit' as const, topic, group, offsets: commit.offsets };
      await record({ time: clock(), type: 'invoke', ...fields });
      try {
        await client.groups.commit(group, commit.offsets.map((o) => ({ topic, ...o })), { memberId: commit.memberId, generation: commit.generation }, { timeoutMs: 5_000 });
        member.committedNow(commit.offsets);
        await record({ time: clock(), type: 'ok', ...fields });
      } catch (err) {
        await record({ time: clock(), type: refusedBy(commitRefusals, err) ? 'fail' : 'info', ...fields, error: describeError(err) });
      }
    }
  }

}

/** Options of GroupOffsets. */
export interface GroupOffsetsOptions {
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  readonly group: string;
  readonly record: Recorder;
  readonly clock: () => number;
  /** The history process of the reads (one per group: a process has one operation at a time). */
  readonly process: string;
  /** How often the committed offsets are read back while the group runs; 1,000 by default. */
  readonly intervalMs?: number;
}

/**
 * A consumer group's committed offsets of the topic, read back through the Herald SDK as
 * recorded `offsets` operations: every intervalMs while the group runs (the checker holds them
 * to never going back), until they reach the high watermarks after the producers stopped (the
 * drain), and once more as the final read, with the high watermarks. A Kafka consumer group is
 * a Herald consumer group, so this serves the SDK's group and the Kafka clients' group alike.
 */
export class GroupOffsets {
  private readonly admin: HeraldClient;
  private watcher: Promise<void> | null = null;
  private readonly watcherAbort = new AbortController();

  constructor(private readonly options: GroupOffsetsOptions) {
    this.admin = new HeraldClient({ ...options.cluster, callTimeoutMs: 5_000 });
  }

  /** Starts reading the offsets back every intervalMs. */
  start(): void {
    this.watcher = this.watch();
  }

  /** Stops the periodic reads. */
  async stopWatching(): Promise<void> {
    this.watcherAbort.abort();
    await this.watcher;
  }

  /** Stops the periodic reads, then reads until the committed offset of every partition has
   *  reached its high watermark, at most `timeoutMs`; resolves whether it got there. */
  async caughtUp(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    await this.stopWatching();
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !signal.aborted) {
      const ends = await leaderEndOffsets(this.admin, this.options.topic, this.options.partitions, Math.min(deadline, performance.now() + 5_000)).catch(() => null);
      const committed = ends === null ? null : await this.readOffsets();
      if (ends !== null && committed !== null && ends.every((end, partition) => (committed.get(partition) ?? 0) >= end)) return true;
      await sleep(500, signal);
    }
    return false;
  }

  /**
   * Records the final read of the group's committed offsets with the high watermarks taken just
   * before (in the same operation), trying for up to `timeoutMs`; false if no read succeeded.
   * Closes the reader's client.
   */
  async recordFinal(timeoutMs: number): Promise<boolean> {
    const { topic, group, record, clock, process } = this.options;
    const deadline = performance.now() + timeoutMs;
    try {
      while (performance.now() < deadline) {
        const fields = { process, f: 'offsets' as const, topic, group };
        await record({ time: clock(), type: 'invoke', ...fields });
        try {
          const ends = await leaderEndOffsets(this.admin, topic, this.options.partitions, Math.min(deadline, performance.now() + 10_000));
          const offsets = await this.admin.groups.fetchOffsets(group, [topic], { timeoutMs: 5_000 });
          const endOffsets = ends.map((offset, partition) => ({ partition, offset }));
          await record({ time: clock(), type: 'ok', ...fields, offsets: offsetsOf(offsets, topic), final: true, endOffsets });
          return true;
        } catch (err) {
          await record({ time: clock(), type: 'info', ...fields, error: describeError(err) });
          await sleep(500);
        }
      }
      return false;
    } finally {
      await this.close();
    }
  }

  /** Stops the reads and closes the reader's client; safe to call more than once. */
  async close(): Promise<void> {
    await this.stopWatching();
    await this.admin.close();
  }

  private async watch(): Promise<void> {
    const signal = this.watcherAbort.signal;
    while (!signal.aborted) {
      await sleep(this.options.intervalMs ?? 1_000, signal);
      if (!signal.aborted) await this.readOffsets();
    }
  }

  /** One recorded read of the committed offsets; null when it failed. */
  private async readOffsets(): Promise<Map<number, number> | null> {
    const { topic, group, record, clock, process } = this.options;
    const fields = { process, f: 'offsets' as const, topic, group };
    await record({ time: clock(), type: 'invoke', ...fields });
    try {
      const offsets = offsetsOf(await this.admin.groups.fetchOffsets(group, [topic], { timeoutMs: 3_000 }), topic);
      await record({ time: clock(), type: 'ok', ...fields, offsets });
      return new Map(offsets.map((o) => [o.partition, o.offset]));
    } catch (err) {
      // GroupNotFound before the first member joined; anything else: unknown.
      await record({ time: clock(), type: refusedBy(new Set(['GroupNotFound']), err) ? 'fail' : 'info', ...fields, error: describeError(err) });
      return null;
    }
  }
}

const offsetsOf = (offsets: readonly { topic: string; partition: number; offset: number }[], topic: string): PartitionOffset[] =>
  offsets.filter((o) => o.topic === topic).map((o) => ({ partition: o.partition, offset: o.offset })).sort((a, b) => a.partition - b.partition);

/** Options of the queue-subscription workload. */
export interface QueueMembersOptions {
  /** How the clients reach the cluster: the proxies, TLS and the admin (cluster-security.ts). */
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  readonly subscription: string;
  /** Members of the subscription, each with its own client (history processes q1, q2, ...). */
  readonly members: number;
  readonly record: Recorder;
  readonly clock: () => number;
  readonly counters: WorkloadCounters;
  /** Seeds the choice of which deliveries are nacked. */
  readonly seed: number;
  /** The share of deliveries nacked instead of acked; 0.05 by default. */
  readonly nackRate?: number;
  /** How long a nacked record waits before it is delivered again; 200 by default. */
  readonly nackDelayMs?: number;
  /** The lease of a delivery; 5,000 by default, so that unacked records come back quickly. */
  readonly ackTimeoutMs?: number;
}

/**
 * Members of one queue subscription on the topic (from the earliest offset). Each member
 * (process `q1`) records every record it is handed as a `deliver` operation and settles it at
 * once without waiting: it acks most and nacks a seeded share with a short delay, so that
 * redelivery is exercised besides the leases that expire under faults. Each ack or nack is an
 * operation of its own process (`q1-s0`, `q1-s1`, ...: a pool, one settlement at a time each),
 * completed `ok` when the broker applied it, `fail` when it refused it (NotHeld).
 */
export class QueueMembers {
  private readonly clients: HeraldClient[] = [];
  private readonly admin: HeraldClient;
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  /** Resolves with `stopping` once stop() is called, to end a member's wait for a record. */
  private readonly stopped: Promise<typeof stopping>;

  constructor(private readonly options: QueueMembersOptions) {
    this.admin = new HeraldClient({ ...options.cluster, callTimeoutMs: 5_000 });
    this.stopped = new Promise((resolve) => this.abort.signal.addEventListener('abort', () => resolve(stopping), { once: true }));
  }

  start(): void {
    for (let k = 1; k <= this.options.members; k++) {
      const client = new HeraldClient({ ...this.options.cluster, callTimeoutMs: 5_000 });
      this.clients.push(client);
      this.loops.push(this.memberLoop(client, `q${k}`, createPrng(this.options.seed * 31 + k)));
    }
  }

  /**
   * After the producers stopped: waits until every partition of the subscription is settled up
   * to its high watermark (describing it as recorded operations), at most `timeoutMs`.
   */
  async drain(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !signal.aborted) {
      const partitions = await this.describe(false);
      if (partitions !== null && isDrained(partitions, this.options.partitions)) return true;
      await sleep(500, signal);
    }
    return false;
  }

  /** Stops the members: each waits for its settlements in flight, then closes. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    await Promise.allSettled(this.clients.map((client) => client.close()));
  }

  /** Records the final description (trying for up to `timeoutMs`); false if none succeeded. */
  async recordFinal(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    try {
      while (performance.now() < deadline) {
        const partitions = await this.describe(true);
        if (partitions !== null) return true;
        await sleep(500);
      }
      return false;
    } finally {
      await this.admin.close();
    }
  }

  /** One recorded description; null when it failed or missed a partition (then not final). */
  private async describe(final: boolean): Promise<SubscriptionPartition[] | null> {
    const { topic, subscription, record, clock } = this.options;
    const fields = { process: 'describe', f: 'subscription' as const, topic, subscription };
    await record({ time: clock(), type: 'invoke', ...fields });
    try {
      const [described] = await this.admin.describeSubscriptions(topic, subscription, { timeoutMs: 3_000 });
      const partitions = (described?.partitions ?? []).map((p) => ({
        partition: p.partition,
        ackFloor: p.ackFloor,
        highWatermark: p.highWatermark,
        unacked: p.unacked,
        deadLettered: p.deadLettered,
        redelivered: p.redelivered,
      }));
      // A final description must cover every partition: one whose leader did not answer would
      // otherwise pass for a partition with nothing to settle.
      const complete = partitions.length >= this.options.partitions;
      await record({ time: clock(), type: 'ok', ...fields, partitions, ...(final && complete ? { final: true } : {}) });
      return complete ? partitions : null;
    } catch (err) {
      await record({ time: clock(), type: 'info', ...fields, error: describeError(err) });
      return null;
    }
  }

  private async memberLoop(client: HeraldClient, name: string, prng: Prng): Promise<void> {
    const { topic, subscription, record, clock, counters } = this.options;
    const signal = this.abort.signal;
    const settling = new Set<Promise<void>>();
    const free: number[] = [];
    let processes = 0;
    for (let incarnation = 1; !signal.aborted; incarnation++) {
      const consumer = client.queueConsumer({
        topic,
        subscription,
        memberId: `${name}.${incarnation}`,
        from: 'earliest',
        ackTimeoutMs: this.options.ackTimeoutMs ?? 5_000,
        maxInFlight: 50,
        maxWaitMs: 500,
      });
      try {
        while (!signal.aborted) {
          await record({ time: clock(), type: 'invoke', process: name, f: 'deliver', topic, subscription });
          const next = consumer.next();
          let result: IteratorResult<QueueMessage> | typeof stopping;
          try {
            result = await Promise.race([next, this.stopped]);
          } catch (err) {
            await record({ time: clock(), type: 'fail', process: name, f: 'deliver', topic, subscription, error: describeError(err) });
            break; // a new consumer
          }
          if (result === stopping || result.done === true) {
            next.catch(() => undefined); // close() ends it; a record it hands out then is given back
            await record({ time: clock(), type: 'fail', process: name, f: 'deliver', topic, subscription, error: 'stopped' });
            break;
          }
          const message = result.value;
          counters.queueDeliveries += 1;
          await record({
            time: clock(),
            type: 'ok',
            process: name,
            f: 'deliver',
            topic,
            subscription,
            partition: message.partition,
            offset: message.offset,
            deliveryCount: message.deliveryCount,
            value: message.value?.toString() ?? '',
          });
          const slot = free.pop() ?? processes++;
          const settled: Promise<void> = this.settle(message, name, `${name}-s${slot}`, prng.next() < (this.options.nackRate ?? 0.05)).finally(() => {
            free.push(slot);
            settling.delete(settled);
          });
          settling.add(settled);
        }
      } finally {
        // Settlements first: closing gives back (nacks) every record still held.
        await Promise.allSettled([...settling]);
        await consumer.close().catch(() => undefined);
      }
      if (!signal.aborted) await sleep(500, signal);
    }
  }

  private async settle(message: QueueMessage, member: string, process: string, nack: boolean): Promise<void> {
    const { topic, subscription, record, clock, counters } = this.options;
    const delayMs = this.options.nackDelayMs ?? 200;
    const fields = {
      process,
      f: nack ? ('nack' as const) : ('ack' as const),
      topic,
      subscription,
      member,
      partition: message.partition,
      offset: message.offset,
      deliveryCount: message.deliveryCount,
      ...(nack ? { delayMs } : {}),
    };
    const drained = record({ time: clock(), type: 'invoke', ...fields });
    const settled = outcomeOf(nack ? message.nack({ delayMs }) : message.ack());
    await drained;
    const outcome = await settled;
    if (outcome.ok) {
      if (!nack) counters.queueAcks += 1;
      await record({ time: clock(), type: 'ok', ...fields });
    } else {
      await record({ time: clock(), type: refusedBy(settleRefusals, outcome.error) ? 'fail' : 'info', ...fields, error: describeError(outcome.error) });
    }
  }
}

/** Whether every one of `partitions` is settled up to its high watermark. */
function isDrained(described: readonly SubscriptionPartition[], partitions: number): boolean {
  return described.length >= partitions && described.every((p) => p.unacked === 0 && p.ackFloor >= p.highWatermark);
}
