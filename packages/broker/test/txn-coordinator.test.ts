// The transaction coordinator's timeouts on a fake clock: the real MetaGroup state machine on a
// single-voter Raft group in memory, markers written at once. An ongoing transaction is aborted
// when its timeout passes, not before, and without a timer while nothing is ongoing (issue #17:
// it polled 10 times a second); a transaction begun later with a nearer timeout brings the check
// forward.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MetaGroup } from '../src/meta/meta-group.js';
import type { MarkerRequest } from '../src/partition/partition-leader.js';
import { TxnCoordinator } from '../src/transactions/txn-coordinator.js';
import { TxnStatus, type TxnPartition } from '../src/transactions/txn-state.js';
import { FakeClock } from './support/fake-clock.js';
import { MemoryGroup } from './support/memory-group.js';

async function controller() {
  const clock = new FakeClock();
  const meta = new MetaGroup(1_000);
  const memory = new MemoryGroup(meta, clock);
  meta.group = memory.group;
  const created = await meta.propose({ type: 'CreateTopic', name: 't', partitions: [{ partition: 0, replicas: [1] }], configs: {} }, 1_000);
  expect(created.ok).toBe(true);
  const markers: (MarkerRequest & TxnPartition)[] = [];
  let nextProducerId = 1_000;
  const coordinator = new TxnCoordinator(
    meta,
    async (partition, marker) => {
      markers.push({ ...partition, ...marker });
    },
    () => nextProducerId++,
    async () => {},
    pino({ level: 'silent' }),
    clock,
  );
  return { clock, meta, coordinator, markers };
}

/** Begins a transaction of `transactionalId` with `timeoutMs` (InitProducerId, then a partition). */
async function begin(coordinator: TxnCoordinator, transactionalId: string, timeoutMs: number) {
  const { producerId, producerEpoch } = await coordinator.initProducerId(transactionalId, timeoutMs);
  await coordinator.addPartitions(transactionalId, producerId, producerEpoch, [{ topic: 't', partition: 0 }]);
  return { producerId, producerEpoch };
}

/** Lets the promises the coordinator started (the abort's proposals, its markers) run. */
const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the transaction coordinator', () => {
  it('sleeps with no transaction ongoing, and aborts one at its timeout, not before', async () => {
    const { clock, meta, coordinator, markers } = await controller();
    clock.advance(1_000);
    expect(clock.pending).toBe(0); // no timer at all: an idle controller does not wake
    const { producerEpoch } = await begin(coordinator, 'tx', 5_000);
    const startedMs = meta.state.txns.get('tx')!.startedMs;
    clock.advance(startedMs + 5_000 - clock.now());
    await flush();
    expect(meta.state.txns.get('tx')!.status).toBe(TxnStatus.Ongoing);
    clock.advance(1);
    await flush();
    await clock.advanceUntil(() => meta.state.txns.get('tx')!.status === TxnStatus.CompleteAbort, { stepMs: 10, maxMs: 1_000 });
    expect(meta.state.txns.get('tx')).toMatchObject({ status: TxnStatus.CompleteAbort, producerEpoch: producerEpoch + 1 });
    expect(markers).toMatchObject([{ topic: 't', partition: 0, commit: false }]);
    clock.advance(1_000);
    expect(clock.pending).toBe(0); // asleep again
    coordinator.close();
  });

  it('brings the check forward for a transaction with a nearer timeout', async () => {
    const { clock, meta, coordinator } = await controller();
    await begin(coordinator, 'long', 60_000);
    clock.advance(500); // the coordinator has checked, and sleeps until the long one's timeout
    await begin(coordinator, 'short', 2_000);
    const dueMs = meta.state.txns.get('short')!.startedMs + 2_000;
    await clock.advanceUntil(() => meta.state.txns.get('short')!.status === TxnStatus.CompleteAbort, { stepMs: 10, maxMs: 3_000 });
    expect(meta.state.txns.get('short')!.status).toBe(TxnStatus.CompleteAbort);
    expect(clock.now()).toBeLessThan(dueMs + 200);
    expect(meta.state.txns.get('long')!.status).toBe(TxnStatus.Ongoing);
    coordinator.close();
  });
});
