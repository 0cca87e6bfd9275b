import { describe, expect, it } from 'vitest';
import { PartitionState } from '../src/partition/partition-state.js';
import { QueueState, type QueueCommand } from '../src/queue/queue-state.js';

const lease = (offsets: number[], nowMs = 1_000, untilMs = nowMs + 30_000, member = 'm1'): QueueCommand => ({ type: 'QueueLease', sub: 's', start: 0, orderedByKey: false, nowMs, untilMs, member, offsets });

describe('QueueState', () => {
  it('leases each record to one member at a time and counts deliveries', () => {
    const q = new QueueState();
    expect(q.apply(lease([0, 1, 2]), 10, 0).applied).toEqual([[0, 1], [1, 1], [2, 1]]);
    // Still leased: a second lease of the same offsets before the deadline applies to none.
    expect(q.apply(lease([1, 2, 3], 2_000, 40_000, 'm2'), 10, 0).applied).toEqual([[3, 1]]);
    // After the deadline the record may go to another member, as its second delivery.
    expect(q.apply(lease([1], 31_001, 60_000, 'm2'), 10, 0).applied).toEqual([[1, 2]]);
    expect(q.subscriptions.get('s')!.redelivered).toBe(1);
  });

  it('never leases a record that is not committed yet or below the floor', () => {
    const q = new QueueState();
    expect(q.apply(lease([4, 5]), 5, 0).applied).toEqual([[4, 1]]);
    q.apply({ type: 'QueueAck', sub: 's', receipts: [[4, 1]] }, 5, 0);
    expect(q.apply(lease([4]), 5, 0).applied).toEqual([]);
  });

  it('settles an ack of the current delivery only, and moves the floor over settled records', () => {
    const q = new QueueState();
    q.apply(lease([0, 1, 2]), 10, 0);
    q.apply(lease([0], 40_000, 70_000, 'm2'), 10, 0); // offset 0 delivered again
    const outcome = q.apply({ type: 'QueueAck', sub: 's', receipts: [[0, 1], [1, 1], [2, 1]] }, 10, 0);
    expect(outcome.applied).toEqual([[1, 1], [2, 1]]);
    expect(outcome.refused).toEqual([{ offset: 0, deliveries: 1, why: expect.stringContaining('delivered again since') }]);
    const sub = q.subscriptions.get('s')!;
    expect(sub.floor).toBe(0);
    q.apply({ type: 'QueueAck', sub: 's', receipts: [[0, 2]] }, 10, 0);
    expect(sub.floor).toBe(3);
    expect(sub.records.size).toBe(0);
    expect(sub.acked).toBe(3);
    // A retried ack of a settled record succeeds and changes nothing; a nack of one is refused.
    expect(q.apply({ type: 'QueueAck', sub: 's', receipts: [[1, 1]] }, 10, 0)).toEqual({ applied: [[1, 1]], refused: [] });
    expect(sub.acked).toBe(3);
    expect(q.apply({ type: 'QueueNack', sub: 's', receipts: [[1, 1]], nowMs: 0, delayMs: 0, reject: false }, 10, 0).refused).toHaveLength(1);
  });

  it('a nack makes a record available after its delay; a rejected one waits for the dead-letter topic', () => {
    const q = new QueueState();
    q.apply(lease([0, 1]), 10, 0);
    q.apply({ type: 'QueueNack', sub: 's', receipts: [[0, 1]], nowMs: 2_000, delayMs: 5_000, reject: false }, 10, 0);
    expect(q.apply(lease([0], 6_999), 10, 0).applied).toEqual([]);
    expect(q.apply(lease([0], 7_000), 10, 0).applied).toEqual([[0, 2]]);
    q.apply({ type: 'QueueNack', sub: 's', receipts: [[1, 1]], nowMs: 2_000, delayMs: 0, reject: true }, 10, 0);
    const sub = q.subscriptions.get('s')!;
    expect(sub.records.get(1)).toMatchObject({ state: 'available', rejected: true });
    // A nack of a record given back already is refused.
    expect(q.apply({ type: 'QueueNack', sub: 's', receipts: [[1, 1]], nowMs: 2_000, delayMs: 0, reject: false }, 10, 0).refused).toHaveLength(1);
    q.apply({ type: 'QueueDeadLettered', sub: 's', receipts: [[1, 1]] }, 10, 0);
    expect(sub.deadLettered).toBe(1);
    expect(sub.records.get(1)?.state).toBe('settled');
  });

  it('extends only a held lease', () => {
    const q = new QueueState();
    q.apply(lease([0]), 10, 0);
    expect(q.apply({ type: 'QueueExtend', sub: 's', receipts: [[0, 1]], nowMs: 20_000, untilMs: 90_000 }, 10, 0).applied).toHaveLength(1);
    expect(q.apply(lease([0], 60_000), 10, 0).applied).toEqual([]);
    expect(q.apply({ type: 'QueueExtend', sub: 's', receipts: [[0, 7]], nowMs: 20_000, untilMs: 90_000 }, 10, 0).refused).toHaveLength(1);
  });

  it('refuses receipts of an unknown subscription', () => {
    const q = new QueueState();
    const outcome = q.apply({ type: 'QueueAck', sub: 'nope', receipts: [[0, 1]] }, 10, 0);
    expect(outcome.refused[0]!.why).toMatch(/does not exist/);
  });

  it('retention moving the log start drops what it removed', () => {
    const state = new PartitionState();
    state.applyBatch({ recordCount: 10, maxTimestampMs: 0, producerId: -1, producerEpoch: -1, baseSequence: -1 });
    state.applyCommand(lease([2, 3]));
    state.applyCommand({ type: 'Trim', logStartOffset: 3 });
    const sub = state.queues.subscriptions.get('s')!;
    expect(sub.floor).toBe(3);
    expect([...sub.records.keys()]).toEqual([3]);
    expect(state.queues.lowestFloor()).toBe(3);
  });

  it('survives a snapshot round trip with its leases, counts and floor', () => {
    const state = new PartitionState();
    state.applyBatch({ recordCount: 10, maxTimestampMs: 0, producerId: -1, producerEpoch: -1, baseSequence: -1 });
    state.applyCommand(lease([0, 1, 5]));
    state.applyCommand({ type: 'QueueAck', sub: 's', receipts: [[0, 1]] });
    const copy = PartitionState.fromJSON(JSON.parse(JSON.stringify(state.toJSON())));
    expect(copy.queues.toJSON()).toEqual(state.queues.toJSON());
    // The copy is independent.
    copy.applyCommand({ type: 'QueueAck', sub: 's', receipts: [[1, 1]] });
    expect(state.queues.subscriptions.get('s')!.floor).toBe(1);
    expect(copy.queues.subscriptions.get('s')!.floor).toBe(2);
  });

  it('keeps delivered records in offset order when a lower offset is leased later', () => {
    const q = new QueueState();
    q.apply(lease([5, 6]), 10, 0);
    q.apply(lease([2]), 10, 0);
    expect([...q.subscriptions.get('s')!.records.keys()]).toEqual([2, 5, 6]);
  });
});
