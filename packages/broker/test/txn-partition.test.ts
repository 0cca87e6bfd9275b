// A partition's share of transactions across partitions (KIP-98 with KIP-890 part 1), in memory:
// one replica of a single-voter Raft group (test/support/memory-group.ts) under the real
// PartitionLog and PartitionLeader, with the coordinator's answer (transactionOf) stubbed. Shows
// that a transactional batch is refused (and nothing written) unless the coordinator added the
// partition; that the leader writes the begin before the first batch; that an open transaction
// holds the last stable offset back and read-committed fetches stop there; that an abort's
// batches are left out of read-committed fetches (its marker served) but not of
// read-uncommitted ones; that a write delayed past its transaction's marker is refused; that a
// marker written twice is applied once; that a replica restored from a snapshot agrees; and that
// a partition without transactions keeps txns null.
import { encodeBatch, invalidTxnState, readBatchHeader, type RecordInput } from '@herald/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Acks } from '../src/partition/partition-leader.js';
import { Isolation, PartitionLog } from '../src/partition/partition-log.js';
import { Partition } from '../src/partition/partition.js';
import { FakeClock } from './support/fake-clock.js';
import { MemoryGroup } from './support/memory-group.js';

const text = new TextEncoder();
const record = (value: string): RecordInput => ({ key: null, value: text.encode(value), timestampMs: 1_000 });
const PRODUCER = 42;

function partitionInMemory() {
  const clock = new FakeClock();
  // The coordinator's state as the stub has it: the ongoing transaction's number and epoch.
  const coordinator = { txn: 1, producerEpoch: 0, added: true };
  const partition = new Partition({
    topic: 't',
    partition: 0,
    minInsyncReplicas: 1,
    clock,
    queue: { maxDeliveries: 0, deadLetter: async () => true, logger: pino({ level: 'silent' }) },
    transactionOf: (producerId, producerEpoch) => {
      if (!coordinator.added || producerEpoch !== coordinator.producerEpoch) throw invalidTxnState('not added to the transaction');
      return coordinator.txn;
    },
  });
  const memory = new MemoryGroup(partition.log, clock);
  partition.log.group = memory.group;
  let sequence = 0;
  const send = async (values: string[], options: { transactional?: boolean; producerEpoch?: number } = {}) => {
    const batch = await encodeBatch(values.map(record), { producerId: PRODUCER, producerEpoch: options.producerEpoch ?? coordinator.producerEpoch, baseSequence: sequence, transactional: options.transactional ?? true });
    const result = await partition.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, 5_000);
    sequence += values.length;
    return result;
  };
  const plain = async (values: string[]) => {
    const batch = await encodeBatch(values.map(record));
    return partition.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, 5_000);
  };
  const end = (commit: boolean, txn = coordinator.txn) => partition.leader.writeMarker({ producerId: PRODUCER, producerEpoch: coordinator.producerEpoch, txn, commit, timestampMs: 2_000 }, 5_000);
  const read = (offset: number, isolation: Isolation = Isolation.ReadCommitted) => partition.log.fetch(offset, 1 << 20, isolation).batches.map((b) => [b.baseOffset, b.recordCount, readBatchHeader(b.bytes).control]);
  return { partition, memory, coordinator, send, plain, end, read };
}

describe('transactions on a partition', () => {
  it('does nothing extra for a partition no transaction touched', async () => {
    const { partition, plain } = partitionInMemory();
    await plain(['a', 'b']);
    expect(partition.log.state.txns).toBeNull();
    expect(partition.log.lastStableOffset).toBe(2);
  });

  it('refuses a transactional batch for a partition not added to an ongoing transaction, writing nothing', async () => {
    const { partition, coordinator, send } = partitionInMemory();
    coordinator.added = false;
    const lastIndex = partition.group.status().lastIndex;
    await expect(send(['x'])).rejects.toMatchObject({ reason: 'InvalidTxnState' });
    expect(partition.group.status().lastIndex).toBe(lastIndex);
    expect(partition.log.state.txns).toBeNull();
  });

  it('begins before the first batch, holds the last stable offset until the commit marker, then serves the records', async () => {
    const { partition, send, plain, end, read } = partitionInMemory();
    await plain(['before']);
    expect(await send(['t0', 't1'])).toMatchObject({ baseOffset: 1, recordCount: 2 });
    await send(['t2']);
    await plain(['after']);
    expect([partition.log.lastStableOffset, partition.log.highWatermark]).toEqual([1, 5]);
    expect(read(0)).toEqual([[0, 1, false]]);
    expect(read(0, Isolation.ReadUncommitted).map((b) => b[0])).toEqual([0, 1, 3, 4]);
    await end(true);
    expect([partition.log.lastStableOffset, partition.log.highWatermark]).toEqual([6, 6]);
    expect(read(0)).toEqual([
      [0, 1, false],
      [1, 2, false],
      [3, 1, false],
      [4, 1, false],
      [5, 1, true],
    ]);
    // A write of the ended transaction that arrives late is refused: no marker would close it.
    await expect(send(['late'])).rejects.toMatchObject({ reason: 'InvalidTxnState' });
    // The marker again (a coordinator's retry) is answered without a second one.
    await end(true);
    expect(partition.log.highWatermark).toBe(6);
  });

  it('leaves an aborted transaction out of read-committed fetches, with its range listed', async () => {
    const { partition, coordinator, send, end, read } = partitionInMemory();
    await send(['a0', 'a1']);
    await end(false);
    coordinator.txn = 2;
    await send(['c0']);
    await end(true);
    expect(read(0)).toEqual([
      [2, 1, true],
      [3, 1, false],
      [4, 1, true],
    ]);
    expect(partition.log.fetch(0, 1 << 20).aborted).toEqual([{ producerId: PRODUCER, firstOffset: 0, lastOffset: 2 }]);
    expect(read(0, Isolation.ReadUncommitted).map((b) => b[0])).toEqual([0, 2, 3, 4]);
  });

  it('fences an older epoch once a marker carried a newer one (an abort by the coordinator)', async () => {
    const { coordinator, send, end } = partitionInMemory();
    await send(['a']);
    coordinator.producerEpoch = 1; // the coordinator aborted with a bumped epoch
    await end(false);
    coordinator.producerEpoch = 0;
    coordinator.txn = 2;
    await expect(send(['zombie'], { producerEpoch: 0 })).rejects.toMatchObject({ reason: 'ProducerFenced' });
  });

  it('carries open transactions and aborted ranges in snapshots', async () => {
    const { partition, coordinator, send, end } = partitionInMemory();
    await send(['a']);
    await end(false);
    coordinator.txn = 2;
    await send(['b']);
    const restored = new PartitionLog('t/0');
    restored.restore({ meta: { index: partition.log.appliedIndex, term: partition.group.term(), voters: [], learners: [] }, data: text.encode(JSON.stringify(partition.log.state.toJSON())) } as never);
    expect(restored.lastStableOffset).toBe(2);
    expect(restored.state.txns?.abortedIn(0, 10)).toEqual([{ producerId: PRODUCER, firstOffset: 0, lastOffset: 1 }]);
    expect(restored.state.txns?.isOpen(PRODUCER, 0)).toBe(true);
  });
});
