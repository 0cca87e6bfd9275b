// The partition's state machine and leader side, in memory on a fake clock: one replica of a
// single-voter Raft group (test/support/memory-group.ts) under the real PartitionLog and
// PartitionLeader. What crosses the network is covered by the cluster tests; here every answer
// is checked against what the log holds.
import { encodeBatch, HeraldError, readBatchHeader, type RecordInput } from '@herald/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Acks } from '../src/partition/partition-leader.js';
import { PartitionLog } from '../src/partition/partition-log.js';
import { PartitionState } from '../src/partition/partition-state.js';
import { Partition } from '../src/partition/partition.js';
import { FakeClock } from './support/fake-clock.js';
import { MemoryGroup } from './support/memory-group.js';

const text = new TextEncoder();
const record = (value: string, timestampMs = 1_000, key: string | null = null): RecordInput => ({ key: key === null ? null : text.encode(key), value: text.encode(value), timestampMs });

function partitionInMemory(options: { maxDeliveries?: number; writes?: 'sync' | 'async' } = {}) {
  const clock = new FakeClock();
  const deadLetters: number[] = [];
  const partition = new Partition({
    topic: 't',
    partition: 0,
    minInsyncReplicas: 1,
    clock,
    queue: {
      maxDeliveries: options.maxDeliveries ?? 0,
      deadLetter: async (_sub, letters) => {
        deadLetters.push(...letters.map((l) => l.offset));
        return true;
      },
      logger: pino({ level: 'silent' }),
    },
  });
  const memory = new MemoryGroup(partition.log, clock, { writes: options.writes ?? 'sync' });
  partition.log.group = memory.group;
  const produce = async (records: RecordInput[], acks: Acks = Acks.Quorum, idempotence?: { producerId: number; producerEpoch: number; baseSequence: number }) => {
    const batch = await encodeBatch(records, idempotence ?? {});
    return partition.leader.produce(batch, readBatchHeader(batch), acks, 5_000);
  };
  return { clock, partition, memory, produce, deadLetters };
}

describe('produce and fetch', () => {
  it('assigns dense offsets at apply time, at every acks level, and fetch serves the stored bytes', async () => {
    const { partition, produce } = partitionInMemory();
    expect(await produce([record('a'), record('b')], Acks.Quorum)).toEqual({ baseOffset: 0, recordCount: 2, duplicate: false });
    expect(await produce([record('c')], Acks.None)).toEqual({ baseOffset: 2, recordCount: 1, duplicate: false });
    expect(await produce([record('d')], Acks.Leader)).toEqual({ baseOffset: 3, recordCount: 1, duplicate: false });
    expect(await produce([record('e'), record('f')], Acks.All)).toEqual({ baseOffset: 4, recordCount: 2, duplicate: false });
    expect(partition.log.highWatermark).toBe(6);
    const fetched = partition.log.fetch(3, 1 << 20);
    expect(fetched.batches.map((b) => [b.baseOffset, b.recordCount])).toEqual([
      [3, 1],
      [4, 2],
    ]);
    expect(readBatchHeader(fetched.batches[0]!.bytes).recordCount).toBe(1);
    // Each batch carries the raft term it was appended in (Kafka's partitionLeaderEpoch).
    expect(fetched.batches.map((b) => b.leaderEpoch)).toEqual([partition.group.term(), partition.group.term()]);
    expect(partition.group.term()).toBeGreaterThan(0);
  });

  it('answers a retried idempotent batch with its original offsets, and stores it once', async () => {
    const { partition, produce } = partitionInMemory();
    const producer = { producerId: 7, producerEpoch: 0 };
    await produce([record('x')], Acks.Quorum, { ...producer, baseSequence: 0 });
    const first = await produce([record('a'), record('b')], Acks.Quorum, { ...producer, baseSequence: 1 });
    const retry = await produce([record('a'), record('b')], Acks.Quorum, { ...producer, baseSequence: 1 });
    expect(first).toEqual({ baseOffset: 1, recordCount: 2, duplicate: false });
    expect(retry).toEqual({ baseOffset: 1, recordCount: 2, duplicate: true });
    expect(partition.log.highWatermark).toBe(3);
  });

  it('refuses a batch the state machine would reject before it enters the log', async () => {
    const { partition, produce } = partitionInMemory();
    const producer = { producerId: 7, producerEpoch: 1 };
    await produce([record('x')], Acks.Quorum, { ...producer, baseSequence: 0 });
    const lastIndex = partition.group.status().lastIndex;
    const gap = await produce([record('y')], Acks.Quorum, { ...producer, baseSequence: 5 }).catch((e: unknown) => e);
    expect(gap).toMatchObject({ reason: 'OutOfOrderSequence' });
    const fenced = await produce([record('y')], Acks.Quorum, { producerId: 7, producerEpoch: 0, baseSequence: 1 }).catch((e: unknown) => e);
    expect(fenced).toMatchObject({ reason: 'ProducerFenced' });
    expect(partition.group.status().lastIndex).toBe(lastIndex); // nothing was proposed
    expect((gap as HeraldError).outcome).toBe('not-written');
  });

  it('refuses acks QUORUM and ALL below min.insync.replicas, and answers acks NONE', async () => {
    const clock = new FakeClock();
    const partition = new Partition({ topic: 't', partition: 0, minInsyncReplicas: 2, clock, queue: { maxDeliveries: 0, deadLetter: async () => true, logger: pino({ level: 'silent' }) } });
    partition.log.group = new MemoryGroup(partition.log, clock).group;
    const batch = await encodeBatch([record('a')]);
    await expect(partition.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, 1_000)).rejects.toMatchObject({ reason: 'NotEnoughReplicas', details: { 'herald-limit': '2' } });
    expect(await partition.leader.produce(batch, readBatchHeader(batch), Acks.None, 1_000)).toMatchObject({ baseOffset: 0 });
  });

  it('times a write out as an unknown outcome', async () => {
    const { partition, memory } = partitionInMemory();
    const batch = await encodeBatch([record('a')]);
    memory.paused = true; // the host stops running turns: nothing commits
    const pending = partition.leader.produce(batch, readBatchHeader(batch), Acks.Quorum, 5_000); // proposes at once
    expect(partition.group.status().lastIndex).toBeGreaterThan(partition.log.appliedIndex);
    memory.clock.advance(5_001);
    const err = (await pending.catch((e: unknown) => e)) as HeraldError;
    expect(err.reason).toBe('CommitTimedOut');
    expect(err.outcome).toBe('unknown');
    expect(partition.group.isLeader()).toBe(true);
  });
});

describe('the state machine', () => {
  it('decides a batch without changing anything, and applies it once', () => {
    const state = new PartitionState();
    const facts = { recordCount: 3, maxTimestampMs: 0, producerId: 1, producerEpoch: 0, baseSequence: 0 };
    expect(state.decide(facts)).toEqual({ kind: 'appended', baseOffset: 0, recordCount: 3 });
    expect(state.nextOffset).toBe(0);
    expect(state.applyBatch(facts)).toEqual({ kind: 'appended', baseOffset: 0, recordCount: 3 });
    expect(state.decide(facts)).toEqual({ kind: 'duplicate', baseOffset: 0, recordCount: 3 });
    expect(state.decide({ ...facts, baseSequence: 4 })).toMatchObject({ kind: 'rejected', error: { reason: 'OutOfOrderSequence' } });
    expect(state.decide({ ...facts, producerEpoch: 1, baseSequence: 2 })).toMatchObject({ kind: 'rejected', error: { reason: 'OutOfOrderSequence' } });
    expect(state.decide({ ...facts, producerEpoch: 1, baseSequence: 0 })).toEqual({ kind: 'appended', baseOffset: 3, recordCount: 3 });
  });

  it('trims the log start, compacts the raft log below the first retained batch, and restores from that snapshot', async () => {
    const { partition, memory, produce } = partitionInMemory();
    for (let i = 0; i < 4; i++) await produce([record(`a${i}`), record(`b${i}`)], Acks.Quorum, { producerId: 3, producerEpoch: 0, baseSequence: i * 2 });
    expect(await partition.leader.trim(5, 1_000)).toBe(5);
    expect(partition.log.logStartOffset).toBe(5);
    // The batch holding offset 5 (offsets 4..5) is retained; the raft log below it is compacted.
    const first = partition.log.index.at(0)!;
    expect(first.baseOffset).toBe(4);
    expect(memory.compactions).toEqual([first.raftIndex - 1]);
    // A replica restored from the snapshot (the state at its index: before the two retained
    // batches and the Trim) and then the log after it reaches the same state.
    const snapshot = partition.group.snapshot();
    const restored = new PartitionLog('t/0');
    restored.restore(snapshot);
    expect([restored.highWatermark, restored.logStartOffset]).toEqual([4, 0]);
    for (let i = snapshot.meta.index + 1; i <= partition.group.status().appliedIndex; i++) {
      const entry = partition.group.entry(i)!;
      if (entry.data.byteLength > 0) restored.apply(entry);
    }
    expect([restored.highWatermark, restored.logStartOffset]).toEqual([8, 5]);
    expect(restored.state.toJSON()).toEqual(partition.log.state.toJSON());
  });

  it('finds what retention removes by age and by size', async () => {
    const { partition, produce } = partitionInMemory();
    await produce([record('old', 1_000)]);
    await produce([record('newer', 5_000)]);
    await produce([record('newest', 9_000)]);
    expect(partition.log.retentionTarget(10_000, 6_000, -1)).toBe(1);
    expect(partition.log.retentionTarget(10_000, -1, -1)).toBe(0);
    const oneBatch = partition.log.index.at(2)!.bytes;
    expect(partition.log.retentionTarget(10_000, -1, oneBatch)).toBe(2);
  });
});

describe('queue subscriptions on the partition leader', () => {
  const receive = (partition: Partition, member: string, ackTimeoutMs = 1_000) =>
    partition.leader.queues.receive({ subscription: 's', member, maxRecords: 10, ackTimeoutMs, maxWaitMs: 0, start: 'earliest', orderedByKey: false });

  it('refuses an ack that arrives after its lease expired and the record was delivered again and acked (the chaos race)', async () => {
    // Method: the chaos run of issue #18, step by step. Member q2 gets delivery 1 of offset 0
    // and sends its ack, which is delayed (a slow link). Its lease expires; q1 gets delivery 2
    // and acks it. Then q2's ack arrives: it must be refused, since the record was delivered
    // again after q2 sent it; a retried ack of delivery 2 still succeeds.
    const { clock, partition, produce } = partitionInMemory();
    await produce([record('job')]);
    const [first] = await receive(partition, 'q2');
    expect(first).toMatchObject({ offset: 0, deliveryCount: 1 });
    clock.advance(1_001);
    const [second] = await receive(partition, 'q1');
    expect(second).toMatchObject({ offset: 0, deliveryCount: 2 });
    expect((await partition.leader.queues.ack('s', [[0, 2]])).refused).toEqual([]);
    const late = await partition.leader.queues.ack('s', [[0, 1]]);
    expect(late.applied).toEqual([]);
    expect(late.refused).toEqual([{ offset: 0, deliveries: 1, why: 'offset 0 was delivered again since and acked by delivery 2 (the receipt names 1)' }]);
    expect((await partition.leader.queues.ack('s', [[0, 2]])).refused).toEqual([]);
    expect(partition.leader.queues.describe()[0]).toMatchObject({ ackFloor: 1, acked: 1, redelivered: 1 });
  });

  it('refuses a late ack of a record that went to the dead-letter topic', async () => {
    const { clock, partition, produce, deadLetters } = partitionInMemory({ maxDeliveries: 1 });
    await produce([record('poison')]);
    const [leased] = await receive(partition, 'm');
    expect(leased).toMatchObject({ offset: 0, deliveryCount: 1 });
    clock.advance(1_001);
    await partition.leader.queues.sweep();
    await partition.group.waitUntil(() => partition.leader.queues.describe()[0]?.deadLettered === 1, 5_000);
    expect(deadLetters).toEqual([0]);
    expect((await partition.leader.queues.ack('s', [[0, 1]])).refused).toEqual([{ offset: 0, deliveries: 1, why: 'offset 0 went to the dead-letter topic' }]);
  });

  it('gives an unacked record back after its lease, with a higher delivery count, and never an acked one', async () => {
    const { clock, partition, produce } = partitionInMemory();
    await produce([record('a'), record('b')]);
    const leased = await receive(partition, 'm1');
    expect(leased.map((r) => [r.offset, r.deliveryCount])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    await partition.leader.queues.ack('s', [[0, 1]]);
    expect(await receive(partition, 'm2')).toEqual([]);
    clock.advance(1_001);
    expect((await receive(partition, 'm2')).map((r) => [r.offset, r.deliveryCount])).toEqual([[1, 2]]);
  });

  describe('shared between members waiting at the leader, whenever the records are applied', () => {
    /** Turns the event loop (the fake clock stands still) until `done` holds, at most 200 times. */
    const until = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
      if (!done()) throw new Error(`never: ${what}`);
    };
    /** A Receive of `member` that waits (the clock stands still), and what it got once answered. */
    const waiting = (partition: Partition, member: string, maxRecords = 10) => {
      const call = { member, got: null as number[] | null };
      void partition.leader.queues.receive({ subscription: 's', member, maxRecords, ackTimeoutMs: 60_000, maxWaitMs: 60_000, start: 'latest', orderedByKey: false }).then((records) => (call.got = records.map((r) => r.offset)));
      return call;
    };
    /** A setup where every commit is applied before the turn's write, as the host does it. */
    const twoMembersWaiting = async () => {
      const setup = partitionInMemory({ writes: 'async' });
      const a = waiting(setup.partition, 'a');
      const b = waiting(setup.partition, 'b');
      // The first Receives create the subscription; then both wait for records.
      await until(() => setup.partition.leader.queues.describe().length === 1 && !setup.memory.busy(), 'the subscription');
      return { ...setup, a, b };
    };

    it('a record applied before the write goes to a member already waiting', async () => {
      // Method: the host applies what is committed and durable before its turn's write
      // (RaftGroup.applyDurable); raft counts the entries applied only when the turn ends. A
      // Receive woken by that apply asked whether the node was a current leader by raft's count:
      // not yet, so it slept again, through every such apply; only a member whose next Receive
      // arrived between turns got records (gateway.test.ts: all 40 to one member).
      const { produce, a, b } = await twoMembersWaiting();
      await produce([record('r0')]);
      await until(() => a.got !== null || b.got !== null, 'a member dealt r0');
      expect([a.got, b.got].filter((got) => got !== null)).toEqual([[0]]);
    });

    it('deals one record at a time to each member in turn, starting with the one dealt to least recently', async () => {
      const { partition, produce, a, b } = await twoMembersWaiting();
      await produce([record('r0')]);
      await until(() => a.got !== null, 'a dealt r0 (it came first)');
      expect(a.got).toEqual([0]);
      // a asks again at once: it waits behind b, which was never dealt to.
      const a2 = waiting(partition, 'a');
      await produce([record('r1')]);
      await until(() => b.got !== null, 'b dealt r1');
      expect(b.got).toEqual([1]);
      expect(a2.got).toBeNull();
      // A burst is shared, whoever wakes first: a (dealt least recently) gets 2, 4; b 3, 5.
      const b2 = waiting(partition, 'b');
      await produce([record('r2'), record('r3'), record('r4'), record('r5')]);
      await until(() => a2.got !== null && b2.got !== null, 'both dealt');
      expect(a2.got).toEqual([2, 4]);
      expect(b2.got).toEqual([3, 5]);
    });

    it('deals a member no more than it asked for, and the rest to the others', async () => {
      const { partition, produce } = partitionInMemory({ writes: 'async' });
      const small = waiting(partition, 'small', 1);
      const large = waiting(partition, 'large', 10);
      await until(() => partition.leader.queues.describe().length === 1, 'the subscription');
      await produce([record('r0'), record('r1'), record('r2'), record('r3')]);
      await until(() => small.got !== null && large.got !== null, 'both dealt');
      expect(small.got).toEqual([0]);
      expect(large.got).toEqual([1, 2, 3]);
    });
  });
});
