// Half messages on one partition, in memory on a fake clock: the real PartitionLog,
// PartitionLeader and HalfLeader over a single-voter Raft group (test/support/memory-group.ts).
// Shows that a half message is invisible until committed, gets the next offsets when committed,
// is never visible once rolled back; that decisions are final (a late commit after a rollback
// is refused, a repeated decision is answered as before); that check-backs are counted in the
// log, repeated at the interval (and due when nextCheckMs says) and end in a rollback after the
// maximum; and that compaction keeps the entries half messages live in, so a restored replica
// agrees.
import { encodeBatch, readBatchHeader, type RecordInput } from '@herald/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Acks } from '../src/partition/partition-leader.js';
import { PartitionLog } from '../src/partition/partition-log.js';
import { Partition } from '../src/partition/partition.js';
import type { HalfCheckNotice } from '../src/transactions/half-leader.js';
import { DecidedBy } from '../src/transactions/half-state.js';
import { FakeClock } from './support/fake-clock.js';
import { MemoryGroup } from './support/memory-group.js';

const text = new TextEncoder();
const record = (value: string, timestampMs = 1_000): RecordInput => ({ key: null, value: text.encode(value), timestampMs });

function partitionInMemory() {
  const clock = new FakeClock();
  const partition = new Partition({ topic: 't', partition: 0, minInsyncReplicas: 1, clock, queue: { maxDeliveries: 0, deadLetter: async () => true, logger: pino({ level: 'silent' }) } });
  const memory = new MemoryGroup(partition.log, clock);
  partition.log.group = memory.group;
  const produce = async (records: RecordInput[]) => {
    const batch = await encodeBatch(records, {});
    return partition.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, 5_000);
  };
  const sendHalf = async (id: string, records: RecordInput[], options: { producerId?: number } = {}) => {
    const batch = await encodeBatch(records, options.producerId === undefined ? {} : { producerId: options.producerId, producerEpoch: 0, baseSequence: 0 });
    return partition.leader.halves.send(id, 'orders-service', batch, readBatchHeader(batch), 5_000);
  };
  const end = (id: string, commit: boolean, by: DecidedBy = DecidedBy.Producer) => partition.leader.halves.end(id, commit, by, 5_000);
  return { clock, partition, memory, produce, sendHalf, end };
}

const offsetsOf = (partition: Partition) => partition.log.fetch(0, 1 << 20).batches.map((b) => [b.baseOffset, b.recordCount]);

describe('half messages', () => {
  it('are invisible until committed, then get the next offsets; the fetched bytes are the batch sent', async () => {
    const { partition, produce, sendHalf, end } = partitionInMemory();
    await produce([record('a')]);
    expect(await sendHalf('h1', [record('x'), record('y')])).toEqual({ recordCount: 2, duplicate: false });
    await produce([record('b')]);
    expect(partition.log.highWatermark).toBe(2);
    expect(offsetsOf(partition)).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(await partition.log.decodedBatchAt(2)).toBeUndefined();
    expect(await end('h1', true)).toEqual({ committed: true, baseOffset: 2, recordCount: 2, duplicate: false });
    expect(partition.log.highWatermark).toBe(4);
    const fetched = partition.log.fetch(2, 1 << 20).batches;
    expect(fetched.map((b) => [b.baseOffset, b.recordCount])).toEqual([[2, 2]]);
    expect(readBatchHeader(fetched[0]!.bytes).recordCount).toBe(2);
    expect((await partition.log.decodedBatchAt(3))?.records.map((r) => new TextDecoder().decode(r.value!))).toEqual(['x', 'y']);
    // A batch produced after the commit comes after it.
    expect(await produce([record('c')])).toMatchObject({ baseOffset: 4 });
  });

  it('never shows a rolled-back half message; decisions are final and a repeated one is answered as before', async () => {
    const { partition, produce, sendHalf, end } = partitionInMemory();
    await sendHalf('h1', [record('x')]);
    expect(await end('h1', false)).toEqual({ committed: false, baseOffset: -1, recordCount: 0, duplicate: false });
    expect(await end('h1', false)).toMatchObject({ committed: false, duplicate: true });
    const late = await end('h1', true).catch((e: unknown) => e);
    expect(late).toMatchObject({ reason: 'HalfAlreadyDecided' });
    expect((late as Error).message).toMatch(/already rolled back \(by producer/);
    await produce([record('a')]);
    expect(offsetsOf(partition)).toEqual([[0, 1]]);

    await sendHalf('h2', [record('y')]);
    await end('h2', true);
    expect(await end('h2', true)).toEqual({ committed: true, baseOffset: 1, recordCount: 1, duplicate: true });
    await expect(end('h2', false)).rejects.toMatchObject({ reason: 'HalfAlreadyDecided' });
    await expect(end('never-sent', true)).rejects.toMatchObject({ reason: 'HalfNotFound' });
    expect(partition.log.highWatermark).toBe(2);
  });

  it('stores a retried half message once, and refuses a batch with a producer id before writing it', async () => {
    const { partition, sendHalf } = partitionInMemory();
    await sendHalf('h1', [record('x')]);
    const lastIndex = partition.group.status().lastIndex;
    expect(await sendHalf('h1', [record('x')])).toEqual({ recordCount: 1, duplicate: true });
    await expect(sendHalf('h2', [record('x')], { producerId: 9 })).rejects.toMatchObject({ reason: 'InvalidArgument' });
    expect(partition.group.status().lastIndex).toBe(lastIndex);
    expect(partition.log.state.halves.pending.size).toBe(1);
  });

  it('checks back after checkAfterMs, then every checkIntervalMs, counting each check in the log, and rolls back after the maximum', async () => {
    const { clock, partition, sendHalf, end } = partitionInMemory();
    const settings = { afterMs: 6_000, intervalMs: 60_000, max: 2 };
    const notices: HalfCheckNotice[] = [];
    const sweep = () => partition.leader.halves.sweep(clock.now(), settings, (n) => (notices.push(n), 1), 5_000);
    const nextCheckMs = () => partition.leader.halves.nextCheckMs(settings);
    expect(nextCheckMs()).toBe(Number.POSITIVE_INFINITY); // nothing undecided: the node's sweep sleeps
    const sentMs = clock.now();
    await sendHalf('h1', [record('x')]);
    await sendHalf('h2', [record('y')]);
    expect(nextCheckMs()).toBe(sentMs + 6_000);
    expect((await sweep()).checks).toEqual([]);
    clock.advance(6_000);
    expect((await sweep()).checks).toEqual([
      { id: 'h1', delivered: 1 },
      { id: 'h2', delivered: 1 },
    ]);
    expect(notices[0]).toMatchObject({ id: 'h1', producerGroup: 'orders-service', checks: 1 });
    expect(readBatchHeader(notices[0]!.batch).recordCount).toBe(1);
    // The producer answers the check of h2: commit.
    await end('h2', true, DecidedBy.Check);
    expect(nextCheckMs()).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    expect((await sweep()).checks).toEqual([]);
    clock.advance(1);
    expect((await sweep()).checks).toEqual([{ id: 'h1', delivered: 1 }]);
    expect(partition.log.state.halves.pending.get('h1')).toMatchObject({ checks: 2, lastCheckMs: clock.now() });
    clock.advance(60_000);
    expect(await sweep()).toEqual({ checks: [], rolledBack: 1 });
    expect(partition.log.state.halves.decided.get('h1')).toMatchObject({ committed: false, by: 'check-max', checks: 2 });
    expect(nextCheckMs()).toBe(Number.POSITIVE_INFINITY);
    expect(partition.log.state.halves.decided.get('h2')).toMatchObject({ committed: true, by: 'check', baseOffset: 0 });
    await expect(end('h1', true)).rejects.toMatchObject({ reason: 'HalfAlreadyDecided' });
    expect(partition.log.highWatermark).toBe(1);
  });

  it('keeps the raft entries of undecided and committed half messages when retention compacts, and a restored replica agrees', async () => {
    const { partition, memory, produce, sendHalf, end } = partitionInMemory();
    await produce([record('a')]);
    await sendHalf('pending', [record('p')]);
    await sendHalf('committed', [record('c')]);
    await produce([record('b')]);
    await end('committed', true); // offset 2, its batch in an entry before b's
    await produce([record('d')]);
    const pendingIndex = partition.log.state.halves.pending.get('pending')!.raftIndex;
    expect(await partition.leader.trim(2, 5_000)).toBe(2);
    expect(memory.compactions).toEqual([pendingIndex - 1]);
    expect(partition.log.fetch(2, 1 << 20).batches.map((b) => [b.baseOffset, b.recordCount])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    const snapshot = partition.group.snapshot();
    const restored = new PartitionLog('t/0');
    restored.restore(snapshot);
    for (let i = snapshot.meta.index + 1; i <= partition.group.status().appliedIndex; i++) {
      const entry = partition.group.entry(i)!;
      if (entry.data.byteLength > 0) restored.apply(entry);
    }
    expect(restored.state.toJSON()).toEqual(partition.log.state.toJSON());
    expect(await end('pending', true)).toMatchObject({ baseOffset: 4 });
    expect((await partition.log.decodedBatchAt(4))?.records).toHaveLength(1);
  });

  it('keeps the entry of a half message retention removed while its commit comes after the compaction point', async () => {
    // Method: h1 is stored before h2 but committed after it was stored; the trim removes h1's
    // records and keeps h2's. A replica restored from the snapshot replays h1's commit (which
    // indexes h1's entry) before the trim, so h1's entry must still be there.
    const { partition, memory, produce, sendHalf, end } = partitionInMemory();
    await produce([record('a')]); // offset 0
    await sendHalf('h1', [record('x')]);
    const h1Entry = partition.log.state.halves.pending.get('h1')!.raftIndex;
    await produce([record('b')]); // offset 1
    await sendHalf('h2', [record('y')]);
    await end('h1', true); // offset 2
    await produce([record('c')]); // offset 3
    await end('h2', true); // offset 4
    expect(await partition.leader.trim(3, 5_000)).toBe(3);
    expect(memory.compactions).toEqual([h1Entry - 1]);
    const snapshot = partition.group.snapshot();
    const restored = new PartitionLog('t/0');
    restored.restore(snapshot);
    for (let i = snapshot.meta.index + 1; i <= partition.group.status().appliedIndex; i++) {
      const entry = partition.group.entry(i);
      expect(entry, `entry ${i} after the snapshot`).toBeDefined();
      if (entry!.data.byteLength > 0) {
        restored.apply(entry!);
        // Every batch the restored replica indexes is still in the log.
        for (let position = 0; restored.index.at(position) !== undefined; position++) expect(partition.group.entry(restored.index.at(position)!.raftIndex)).toBeDefined();
      }
    }
    expect(restored.state.toJSON()).toEqual(partition.log.state.toJSON());
  });
});
