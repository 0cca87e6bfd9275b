// The transaction coordinator's replicated state (transactions/txn-state.ts) as the meta group
// applies it: a transaction begins at its first add, an older epoch or another producer id is
// refused, a decision is final and made once, a commit's group offsets are applied when it
// completes (not before, and never for an abort), a new InitProducerId waits for the last
// transaction to end, and the state survives a meta snapshot.
import { describe, expect, it } from 'vitest';
import { MetaState } from '../src/meta/meta-state.js';
import type { TxnCommand } from '../src/transactions/txn-state.js';

const id = 'tx-1';
const P = 900;

function meta(): MetaState {
  const state = new MetaState();
  state.apply({ type: 'CreateTopic', name: 'out', partitions: [{ partition: 0, replicas: [1] }], configs: {} });
  state.apply({ type: 'CreateTopic', name: 'in', partitions: [{ partition: 0, replicas: [1] }], configs: {} });
  return state;
}

const init = (producerEpoch: number): TxnCommand => ({ type: 'TxnInit', transactionalId: id, producerId: P, producerEpoch, timeoutMs: 60_000, nowMs: 1 });
const add = (producerEpoch: number): TxnCommand => ({ type: 'TxnAdd', transactionalId: id, producerId: P, producerEpoch, partitions: [{ topic: 'out', partition: 0 }], groups: ['g'], nowMs: 2 });
const offsets = (producerEpoch: number): TxnCommand => ({ type: 'TxnOffsets', transactionalId: id, producerId: P, producerEpoch, group: 'g', offsets: [{ topic: 'in', partition: 0, offset: 7, metadata: '' }], nowMs: 3 });
const prepare = (commit: boolean, txn = 1, producerEpoch = 0): TxnCommand => ({ type: 'TxnPrepare', transactionalId: id, producerId: P, producerEpoch, txn, commit, nowMs: 4 });
const complete = (txn = 1): TxnCommand => ({ type: 'TxnComplete', transactionalId: id, txn, nowMs: 5 });

describe('the transaction coordinator state', () => {
  it('commits a transaction: begins at the first add, applies the offsets at completion only', () => {
    const state = meta();
    expect(state.apply(add(0))).toMatchObject({ ok: false, reason: 'InvalidProducerIdMapping' });
    expect(state.apply(init(0))).toMatchObject({ ok: true });
    expect(state.apply(add(0))).toMatchObject({ ok: true, record: { status: 'Ongoing', txn: 1 } });
    expect(state.apply(offsets(0))).toMatchObject({ ok: true });
    expect(state.apply(prepare(true))).toMatchObject({ ok: true, record: { status: 'PrepareCommit' } });
    expect(state.groups.get('g')).toBeUndefined();
    expect(state.apply(prepare(false))).toMatchObject({ ok: false, reason: 'InvalidTxnState' });
    expect(state.apply(init(1))).toMatchObject({ ok: false, reason: 'ConcurrentTransactions' });
    expect(state.apply(complete())).toMatchObject({ ok: true, record: { status: 'CompleteCommit' } });
    expect(state.groups.get('g')?.offsets.get('in')?.get(0)).toMatchObject({ offset: 7 });
    expect(state.apply(add(0))).toMatchObject({ ok: true, record: { status: 'Ongoing', txn: 2, partitions: [{ topic: 'out', partition: 0 }] } });
  });

  it('never applies an aborted transaction’s offsets; fences older epochs and other producer ids', () => {
    const state = meta();
    state.apply(init(0));
    state.apply(add(0));
    state.apply(offsets(0));
    expect(state.apply(prepare(false, 1, 1))).toMatchObject({ ok: true, record: { status: 'PrepareAbort', producerEpoch: 1 } });
    expect(state.apply(complete())).toMatchObject({ ok: true, record: { status: 'CompleteAbort' } });
    expect(state.groups.get('g')).toBeUndefined();
    expect(state.apply(add(0))).toMatchObject({ ok: false, reason: 'ProducerFenced' });
    expect(state.apply({ ...add(1), producerId: P + 1 } as TxnCommand)).toMatchObject({ ok: false, reason: 'InvalidProducerIdMapping' });
    expect(state.apply(init(1))).toMatchObject({ ok: false, reason: 'ProducerFenced' });
    expect(state.apply(init(2))).toMatchObject({ ok: true, record: { producerEpoch: 2, status: 'Empty', txn: 1 } });
  });

  it('survives a meta snapshot', () => {
    const state = meta();
    state.apply(init(0));
    state.apply(add(0));
    const restored = MetaState.fromJSON(JSON.parse(JSON.stringify(state.toJSON())));
    expect(restored.txns.get(id)).toEqual(state.txns.get(id));
    expect(restored.txns.ofProducer(P)?.transactionalId).toBe(id);
  });
});
