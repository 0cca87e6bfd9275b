import { describe, expect, it } from 'vitest';
import { anomalies, check, type Anomaly, type Verdict } from '../src/checker.js';
import { HistoryFormatError, parseHistoryLine, type HistoryEvent, type ListedHalf, type PolledRecord, type ReceivedMessage } from '../src/history.js';

// The MQTT and half-message checks (mqtt-checks.ts, half-checks.ts) on hand-written histories:
// each anomaly found in a history that has it, and nothing in one that does not.

function expectCounts(verdict: Verdict, expected: Partial<Record<Anomaly, number>>): void {
  expect(verdict.counts).toEqual(Object.fromEntries(anomalies.map((name) => [name, expected[name] ?? 0])));
}

/** An event without its time (distributed over the union, so each kind keeps its fields). */
type Untimed<E> = E extends unknown ? Omit<E, 'time'> : never;

/** Builds a history with a clock that moves 10 ms per event. */
class Events {
  readonly events: HistoryEvent[] = [];
  private time = 0;

  /** The time the next event gets. */
  get now(): number {
    return this.time;
  }

  private push(event: Untimed<HistoryEvent>): this {
    this.events.push({ ...event, time: this.time } as HistoryEvent);
    this.time += 10;
    return this;
  }

  publish(process: string, value: string, outcome: 'ok' | 'info'): this {
    const fields = { process, f: 'publish' as const, topic: `t/${process}`, value, qos: 1 };
    return this.push({ type: 'invoke', ...fields }).push({ type: outcome, ...fields });
  }

  receive(values: readonly string[], final = false): this {
    const fields = { process: 'ms', f: 'receive' as const, topic: 't/#' };
    const messages: ReceivedMessage[] = values.map((value) => ({ topic: `t/${value.split('-')[0]}`, value }));
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields, messages, ...(final ? { final: true } : {}) });
  }

  halfSend(value: string, id: string): this {
    const fields = { process: 'h1', f: 'half-send' as const, topic: 'half', partition: 0, value };
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields, id });
  }

  halfEnd(value: string, id: string, commit: boolean): this {
    const fields = { process: 'h1', f: 'half-end' as const, topic: 'half', value, id, commit };
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields });
  }

  halfCheck(value: string, id: string, answer: 'commit' | 'rollback' | 'unknown'): this {
    const fields = { process: `h2-check-${this.events.length}`, f: 'half-check' as const, topic: 'half', value, id, answer };
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields });
  }

  halfRead(records: readonly PolledRecord[], final = false): this {
    const fields = { process: 'half-c1-0', f: 'half-read' as const, topic: 'half' };
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields, records, ...(final ? { final: true } : {}) });
  }

  halfList(halves: readonly ListedHalf[]): this {
    const fields = { process: 'half-list', f: 'half-list' as const, topic: 'half' };
    return this.push({ type: 'invoke', ...fields }).push({ type: 'ok', ...fields, halves, final: true });
  }
}

describe('the MQTT checks', () => {
  // Shows that QoS 1 delivery with a redelivered message is valid and the duplicate counted.
  // Method: two acknowledged publishes, received in order, the first twice, then drained.
  it('passes every acknowledged publish received, counting duplicates', () => {
    const verdict = check(new Events().publish('m1', 'm1-0', 'ok').publish('m1', 'm1-1', 'ok').receive(['m1-0', 'm1-1', 'm1-0'], true).events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, {});
    expect(verdict.mqtt).toEqual({ publishes: { invoked: 2, ok: 2, fail: 0, info: 0, pending: 0 }, received: 3, distinct: 2, duplicates: 1, unknownReceived: 0, drained: true });
  });

  // Shows that an acknowledged publish the drained subscriber never got is lost, and that
  // without the drain it is not judged. Method: m1-1 acknowledged, never received.
  it('finds a lost acknowledged publish only once the subscriber drained', () => {
    const events = new Events().publish('m1', 'm1-0', 'ok').publish('m1', 'm1-1', 'ok').publish('m1', 'm1-2', 'info');
    expectCounts(check([...events.receive(['m1-0']).events]), {});
    const verdict = check(events.receive([], true).events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'mqtt-lost': 1 });
    expect(verdict.examples['mqtt-lost'][0]).toMatchObject({ values: ['m1-1'], partition: 'mqtt:t/m1' });
  });

  // Shows that a message nobody published is unexpected, and that a publish of unknown outcome
  // received is counted, not an anomaly.
  it('finds a message never published', () => {
    const verdict = check(new Events().publish('m1', 'm1-0', 'info').receive(['m1-0', 'm9-4'], true).events);
    expectCounts(verdict, { 'mqtt-unexpected': 1 });
    expect(verdict.mqtt?.unknownReceived).toBe(1);
  });

  // Shows that one publisher's acknowledged messages first received in the other order are
  // reordered. Method: m1-0 then m1-1 acknowledged; m1-1 arrives first.
  it('finds acknowledged publishes first received out of order', () => {
    const verdict = check(new Events().publish('m1', 'm1-0', 'ok').publish('m1', 'm1-1', 'ok').receive(['m1-1', 'm1-0'], true).events);
    expectCounts(verdict, { 'mqtt-reordered': 1 });
  });
});

describe('the half-message checks', () => {
  // Shows that a half message read after its commit, once, and listed committed is valid.
  it('passes a commit seen once after it was asked', () => {
    const verdict = check(
      new Events()
        .halfSend('h1-0', 'half/0/a')
        .halfRead([])
        .halfEnd('h1-0', 'half/0/a', true)
        .halfRead([{ partition: 0, offset: 0, value: 'h1-0' }])
        .halfRead([{ partition: 0, offset: 0, value: 'h1-0' }], true)
        .halfList([{ id: 'half/0/a', state: 'committed', decidedBy: 'producer' }]).events,
    );
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, {});
    expect(verdict.halves).toMatchObject({ visible: 1, finalRead: true, listed: { 'committed by producer': 1 } });
  });

  // Shows that a record read before any commit was asked is premature. Method: the read
  // completes before the producer's commit is invoked.
  it('finds a half message visible before its commit was asked', () => {
    const verdict = check(
      new Events()
        .halfSend('h1-0', 'half/0/a')
        .halfRead([{ partition: 0, offset: 0, value: 'h1-0' }])
        .halfEnd('h1-0', 'half/0/a', true)
        .halfRead([], true).events,
    );
    expectCounts(verdict, { 'half-visible-before-commit': 1 });
  });

  // Shows that a rolled-back half message read is visible after rollback (and, since no commit
  // was asked, premature too), and one listed as rolled back by check-max likewise.
  it('finds a rolled-back half message visible', () => {
    const verdict = check(
      new Events()
        .halfSend('h1-0', 'half/0/a')
        .halfEnd('h1-0', 'half/0/a', false)
        .halfSend('h1-1', 'half/0/b')
        .halfRead([{ partition: 0, offset: 0, value: 'h1-0' }, { partition: 0, offset: 1, value: 'h1-1' }], true)
        .halfList([{ id: 'half/0/a', state: 'rolled-back', decidedBy: 'producer' }, { id: 'half/0/b', state: 'rolled-back', decidedBy: 'check-max' }]).events,
    );
    expectCounts(verdict, { 'half-visible-after-rollback': 2, 'half-visible-before-commit': 2 });
  });

  // Shows that an acknowledged commit missing from the final read is lost, and one read at two
  // offsets duplicated.
  it('finds a lost commit and a duplicated one', () => {
    const verdict = check(
      new Events()
        .halfSend('h1-0', 'half/0/a')
        .halfEnd('h1-0', 'half/0/a', true)
        .halfSend('h1-1', 'half/0/b')
        .halfEnd('h1-1', 'half/0/b', true)
        .halfRead([{ partition: 0, offset: 0, value: 'h1-1' }, { partition: 0, offset: 1, value: 'h1-1' }], true).events,
    );
    expectCounts(verdict, { 'half-lost-commit': 1, 'half-duplicated': 1 });
  });

  // Shows that a half message its producer abandoned, committed by a check-back answer and read
  // after that answer, is valid; one still pending at the end is reported, not invalidating.
  it('passes a commit by check-back and reports one left undecided', () => {
    const verdict = check(
      new Events()
        .halfSend('h1-0', 'half/0/a')
        .halfSend('h1-1', 'half/0/b')
        .halfCheck('h1-0', 'half/0/a', 'commit')
        .halfRead([{ partition: 0, offset: 0, value: 'h1-0' }], true)
        .halfList([{ id: 'half/0/a', state: 'committed', decidedBy: 'check' }, { id: 'half/0/b', state: 'pending', decidedBy: '' }]).events,
    );
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { 'half-undecided': 1 });
    expect(verdict.halves?.checkAnswers).toEqual({ commit: 1, rollback: 0, unknown: 0 });
  });
});

describe('the history format of these operations', () => {
  // Shows that malformed MQTT and half-message events are refused with the field named.
  it.each([
    [{ time: 0, type: 'invoke', process: 'm1', f: 'publish', topic: 't', value: 'v' }, 'qos'],
    [{ time: 0, type: 'ok', process: 'ms', f: 'receive', topic: 't/#' }, 'messages'],
    [{ time: 0, type: 'ok', process: 'h1', f: 'half-send', topic: 'half', partition: 0, value: 'v' }, 'id'],
    [{ time: 0, type: 'invoke', process: 'h1', f: 'half-end', topic: 'half', value: 'v', id: 'x' }, 'commit'],
    [{ time: 0, type: 'invoke', process: 'h1', f: 'half-check', topic: 'half', value: 'v', id: 'x', answer: 'maybe' }, 'answer'],
    [{ time: 0, type: 'ok', process: 'l', f: 'half-list', topic: 'half', halves: [{ id: 'x', state: 'gone', decidedBy: '' }] }, 'state'],
  ])('refuses %j', (event, field) => {
    expect(() => parseHistoryLine(JSON.stringify(event), 1)).toThrow(HistoryFormatError);
    expect(() => parseHistoryLine(JSON.stringify(event), 1)).toThrow(field);
  });
});
