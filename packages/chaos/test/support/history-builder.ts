import type { HistoryEvent, PolledRecord } from '../../src/history.js';

type SendOutcome = { type: 'ok'; offset: number } | { type: 'fail' } | { type: 'info' } | { type: 'none' };

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

  poll(consumer: string, records: readonly PolledRecord[], options: { reset?: boolean; final?: boolean; node?: number } = {}): this {
    const base = { process: consumer, f: 'poll' as const, topic: this.topic };
    this.events.push({ time: this.tick(), type: 'invoke', ...base, ...(options.reset ? { reset: true } : {}) });
    this.events.push({
      time: this.tick(),
      type: 'ok',
      ...base,
      records,
      ...(options.final ? { final: true } : {}),
      ...(options.node === undefined ? {} : { node: options.node }),
    });
    return this;
  }

  /** A poll returning `values` of one partition at consecutive offsets from `firstOffset`. */
  pollRun(consumer: string, partition: number, values: readonly string[], firstOffset: number, options: { final?: boolean; reset?: boolean; node?: number } = {}): this {
    return this.poll(consumer, values.map((value, i) => ({ partition, offset: firstOffset + i, value })), options);
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
