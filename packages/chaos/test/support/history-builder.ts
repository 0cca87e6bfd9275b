import type { HistoryEvent, PartitionOffset, PolledRecord, SubscriptionPartition } from '../../src/history.js';

type SendOutcome = { type: 'ok'; offset: number } | { type: 'fail' } | { type: 'info' } | { type: 'none' };
/** How a commit, ack or nack completed; `none`: it never did. */
type Outcome = 'ok' | 'fail' | 'info' | 'none';
/** Explicit times of an operation's invoke and completion. */
type Times = { invokeAt?: number; doneAt?: number };

/**
 * Builds synthetic histories for checker tests. Each call appends an invoke and its completion;
 * time advances by one millisecond per event unless given.
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private clock = 0;

  constructor(readonly topic = 'orders') {}

  /** The next event time, or `at` when given (which also moves the clock). */
  private tick(at?: number): number {
    this.clock = at ?? this.clock + 1;
    return this.clock;
  }

  send(
    producer: string,
    partition: number,
    value: string,
    outcome: SendOutcome,
    times: { invokeAt?: number; doneAt?: number } = {},
  ): this {
    const fields = { process: producer, f: 'send' as const, topic: this.topic, partition, value, producer };
    this.events.push({ time: this.tick(times.invokeAt), type: 'invoke', ...fields });
    const time = this.tick(times.doneAt);
    if (outcome.type === 'ok') this.events.push({ time, type: 'ok', ...fields, offset: outcome.offset });
    else if (outcome.type === 'fail') this.events.push({ time, type: 'fail', ...fields, error: 'NotEnoughReplicas' });
    else if (outcome.type === 'info') this.events.push({ time, type: 'info', ...fields, error: 'DEADLINE_EXCEEDED' });
    return this;
  }

  /** Acknowledged sends of `values` by one producer at consecutive offsets from `firstOffset`. */
  sendAll(producer: string, partition: number, values: readonly string[], firstOffset: number): this {
    values.forEach((value, i) => this.send(producer, partition, value, { type: 'ok', offset: firstOffset + i }));
    return this;
  }

  poll(consumer: string, records: readonly PolledRecord[], options: { reset?: boolean; final?: boolean; node?: number; partitions?: readonly number[] } = {}): this {
    const base = { process: consumer, f: 'poll' as const, topic: this.topic };
    this.events.push({ time: this.tick(), type: 'invoke', ...base, ...(options.reset ? { reset: true } : {}) });
    this.events.push({
      time: this.tick(),
      type: 'ok',
      ...base,
      records,
      ...(options.final ? { final: true } : {}),
      ...(options.node === undefined ? {} : { node: options.node }),
      ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    });
    return this;
  }

  /** A poll returning `values` of one partition at consecutive offsets from `firstOffset`. */
  pollRun(consumer: string, partition: number, values: readonly string[], firstOffset: number, options: { final?: boolean; reset?: boolean; node?: number; partitions?: readonly number[] } = {}): this {
    return this.poll(consumer, values.map((value, i) => ({ partition, offset: firstOffset + i, value })), options);
  }

  /** A consume by group member `member`: the records its iterator handed out. */
  consume(member: string, group: string, records: readonly PolledRecord[], times: Times = {}): this {
    const base = { process: member, f: 'consume' as const, topic: this.topic, group };
    this.events.push({ time: this.tick(times.invokeAt), type: 'invoke', ...base });
    this.events.push({ time: this.tick(times.doneAt), type: 'ok', ...base, records });
    return this;
  }

  /** A consume of `values` of one partition at consecutive offsets from `firstOffset`. */
  consumeRun(member: string, group: string, partition: number, values: readonly string[], firstOffset: number, times: Times = {}): this {
    return this.consume(member, group, values.map((value, i) => ({ partition, offset: firstOffset + i, value })), times);
  }

  /** A commit of `offsets` by `process`. */
  commit(process: string, group: string, offsets: readonly PartitionOffset[], outcome: Outcome = 'ok', times: Times = {}): this {
    const base = { process, f: 'commit' as const, topic: this.topic, group, offsets };
    this.events.push({ time: this.tick(times.invokeAt), type: 'invoke', ...base });
    if (outcome === 'ok') this.events.push({ time: this.tick(times.doneAt), type: 'ok', ...base });
    else if (outcome !== 'none') this.events.push({ time: this.tick(times.doneAt), type: outcome, ...base, error: 'FencedGeneration' });
    return this;
  }

  /** A read of the group's committed offsets; with `endOffsets`, the final one after the drain. */
  offsets(process: string, group: string, offsets: readonly PartitionOffset[], options: Times & { endOffsets?: readonly PartitionOffset[] } = {}): this {
    const base = { process, f: 'offsets' as const, topic: this.topic, group };
    this.events.push({ time: this.tick(options.invokeAt), type: 'invoke', ...base });
    const final = options.endOffsets === undefined ? {} : { final: true, endOffsets: options.endOffsets };
    this.events.push({ time: this.tick(options.doneAt), type: 'ok', ...base, offsets, ...final });
    return this;
  }

  /** Queue member `member` handed delivery `deliveryCount` of a record. */
  deliver(member: string, subscription: string, partition: number, offset: number, deliveryCount: number, times: Times = {}): this {
    const base = { process: member, f: 'deliver' as const, topic: this.topic, subscription };
    this.events.push({ time: this.tick(times.invokeAt), type: 'invoke', ...base });
    this.events.push({ time: this.tick(times.doneAt), type: 'ok', ...base, partition, offset, deliveryCount, value: `v${partition}-${offset}` });
    return this;
  }

  /** An ack (or nack) of one delivery by `process`, on behalf of `member`. */
  ack(process: string, member: string, subscription: string, partition: number, offset: number, deliveryCount: number, outcome: Outcome = 'ok', times: Times & { nack?: boolean } = {}): this {
    const base = {
      process,
      f: times.nack === true ? ('nack' as const) : ('ack' as const),
      topic: this.topic,
      subscription,
      member,
      partition,
      offset,
      deliveryCount,
      ...(times.nack === true ? { delayMs: 100 } : {}),
    };
    this.events.push({ time: this.tick(times.invokeAt), type: 'invoke', ...base });
    if (outcome === 'ok') this.events.push({ time: this.tick(times.doneAt), type: 'ok', ...base });
    else if (outcome !== 'none') this.events.push({ time: this.tick(times.doneAt), type: outcome, ...base, error: 'NotHeld' });
    return this;
  }

  /** Deliveries of offsets `from`..`to - 1` of one partition to `member` (first deliveries),
   *  each acked by `member-s0`. */
  deliverAndAckAll(member: string, subscription: string, partition: number, from: number, to: number): this {
    for (let offset = from; offset < to; offset++) {
      this.deliver(member, subscription, partition, offset, 1).ack(`${member}-s0`, member, subscription, partition, offset, 1);
    }
    return this;
  }

  /** The subscription described; `final` after the drain. */
  describe(subscription: string, partitions: readonly Omit<SubscriptionPartition, 'deadLettered' | 'redelivered'>[], options: { final?: boolean; deadLettered?: number } = {}): this {
    const base = { process: 'describe', f: 'subscription' as const, topic: this.topic, subscription };
    this.events.push({ time: this.tick(), type: 'invoke', ...base });
    this.events.push({
      time: this.tick(),
      type: 'ok',
      ...base,
      partitions: partitions.map((p) => ({ ...p, deadLettered: options.deadLettered ?? 0, redelivered: 0 })),
      ...(options.final === true ? { final: true } : {}),
    });
    return this;
  }

  fault(name: string, phase: 'start' | 'end', at: number, target?: string): this {
    this.events.push({ time: this.tick(at), type: 'fault', name, phase, ...(target === undefined ? {} : { target }) });
    return this;
  }

  leader(partition: number, leader: number | null, term: number, at?: number): this {
    this.events.push({ time: this.tick(at), type: 'leader', topic: this.topic, partition, leader, term });
    return this;
  }
}

/** `prefix-0` … `prefix-(n-1)`. */
export const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
