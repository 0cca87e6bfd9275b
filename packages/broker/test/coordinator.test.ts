// The group coordinator and the meta group on a fake clock: the real MetaGroup state machine on
// a single-voter Raft group in memory (test/support/memory-group.ts), the real coordinator
// ticking on the fake clock. Shows the rebalance protocol's timing rules (the first rebalance
// waits for more members, a member silent past its session timeout is removed), generation
// fencing of commits, and what the meta log accepts.
import { InvariantViolation } from '@herald/raft';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GroupCoordinator, type JoinRequest } from '../src/consumer-groups/coordinator.js';
import { metaCommandSchema } from '../src/meta/meta-commands.js';
import { MetaGroup } from '../src/meta/meta-group.js';
import { decodeCommand, encodeCommand, EntryKind } from '../src/store-format.js';
import { FakeClock } from './support/fake-clock.js';
import { MemoryGroup } from './support/memory-group.js';

const settings = { minSessionTimeoutMs: 1_000, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: 300, lagRefreshMs: 60_000 };

async function controller() {
  const clock = new FakeClock();
  const meta = new MetaGroup(10);
  const memory = new MemoryGroup(meta, clock);
  meta.group = memory.group;
  const created = await meta.propose({ type: 'CreateTopic', name: 't', partitions: [0, 1, 2, 3].map((partition) => ({ partition, replicas: [1] })), configs: {} }, 1_000);
  expect(created.ok).toBe(true);
  const coordinator = new GroupCoordinator(meta, settings, async () => new Map(), pino({ level: 'silent' }), clock);
  return { clock, meta, memory, coordinator };
}

const join = (memberId = '', clientId = 'c'): JoinRequest => ({
  group: 'g',
  memberId,
  clientId,
  clientHost: '127.0.0.1',
  topics: ['t'],
  strategies: ['range'],
  sessionTimeoutMs: 3_000,
  rebalanceTimeoutMs: 10_000,
});

/** Moves the fake clock in coordinator ticks until `promise` settles. */
async function settle<T>(clock: FakeClock, promise: Promise<T>, maxMs = 30_000): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => {});
  await clock.advanceUntil(() => done, { stepMs: 50, maxMs });
  return watched;
}

describe('the group coordinator', () => {
  it('holds the first rebalance of an empty group for initialRebalanceDelayMs, so members starting together get one generation', async () => {
    const { clock, coordinator, meta } = await controller();
    const a = coordinator.join(join('', 'a'));
    clock.advance(100);
    const b = coordinator.join(join('', 'b'));
    const [ra, rb] = await settle(clock, Promise.all([a, b]));
    expect(ra.generation).toBe(1);
    expect(rb.generation).toBe(1);
    expect([...ra.assignment.flatMap((tp) => tp.partitions), ...rb.assignment.flatMap((tp) => tp.partitions)].sort()).toEqual([0, 1, 2, 3]);
    expect(meta.state.groups.get('g')?.members).toHaveLength(2);
  });

  it('removes a member silent past its session timeout; the others must rejoin, and an old generation is fenced', async () => {
    const { clock, coordinator, meta } = await controller();
    const [a, b] = await settle(clock, Promise.all([coordinator.join(join('', 'a')), coordinator.join(join('', 'b'))]));
    // a heartbeats every second; b goes silent.
    let rebalancing = false;
    for (let ms = 0; ms < 3_500 && !rebalancing; ms += 500) {
      await clock.advanceUntil(() => false, { stepMs: 50, maxMs: 450 });
      try {
        coordinator.heartbeat('g', a.memberId, a.generation);
      } catch (err) {
        expect(err).toMatchObject({ reason: 'RebalanceInProgress' });
        rebalancing = true;
      }
    }
    expect(rebalancing).toBe(true);
    const again = await settle(clock, coordinator.join(join(a.memberId, 'a')));
    expect(again.generation).toBe(2);
    expect(again.assignment.flatMap((tp) => tp.partitions).sort()).toEqual([0, 1, 2, 3]);
    expect(meta.state.groups.get('g')?.members.map((m) => m.memberId)).toEqual([a.memberId]);
    await expect(coordinator.commit('g', b.memberId, 1, [{ topic: 't', partition: 0, offset: 5, metadata: '' }])).rejects.toMatchObject({ reason: 'UnknownMember' });
    await expect(coordinator.commit('g', a.memberId, 1, [{ topic: 't', partition: 0, offset: 5, metadata: '' }])).rejects.toMatchObject({ reason: 'FencedGeneration' });
    await settle(clock, coordinator.commit('g', a.memberId, 2, [{ topic: 't', partition: 0, offset: 5, metadata: '' }]));
    const [committed] = coordinator.fetchOffsets('g', ['t']);
    expect(committed).toMatchObject({ topic: 't', partition: 0, offset: 5 });
    expect(committed!.commitTimestampMs).toBeLessThanOrEqual(clock.now());
  });

  it('leaves the group Empty once its last member leaves', async () => {
    const { clock, coordinator } = await controller();
    const a = await settle(clock, coordinator.join(join('', 'a')));
    await settle(clock, coordinator.leave('g', a.memberId));
    expect(coordinator.list()).toMatchObject([{ group: 'g', state: 'Empty', memberCount: 0, generation: 2 }]);
  });

  it('sleeps while no group has members or lag to report, wakes for a join, and still times out a silent member', async () => {
    const { clock, coordinator } = await controller();
    clock.advance(1_000);
    expect(clock.pending).toBe(0); // no timer at all: an idle controller does not wake (issue #17)
    const a = await settle(clock, coordinator.join(join('', 'a')));
    expect(clock.pending).toBeGreaterThan(0); // a member: its session timeout is watched
    clock.advance(2_900);
    expect(coordinator.list()).toMatchObject([{ group: 'g', memberCount: 1 }]);
    await clock.advanceUntil(() => coordinator.list()[0]?.memberCount === 0, { stepMs: 10, maxMs: 500 });
    expect(coordinator.list()).toMatchObject([{ group: 'g', state: 'Empty', memberCount: 0 }]);
    expect(() => coordinator.heartbeat('g', a.memberId, a.generation)).toThrow();
    clock.advance(1_000);
    expect(clock.pending).toBe(0); // asleep again
  });

  it("answers a member its assignment as a heartbeat would be answered (what Kafka's SyncGroup reads)", async () => {
    const { clock, coordinator } = await controller();
    const [a, b] = await settle(clock, Promise.all([coordinator.join(join('', 'a')), coordinator.join(join('', 'b'))]));
    expect(coordinator.assignment('g', a.memberId, a.generation)).toEqual(a.assignment);
    expect(coordinator.assignment('g', b.memberId, b.generation)).toEqual(b.assignment);
    expect(() => coordinator.assignment('g', a.memberId, a.generation - 1)).toThrow(expect.objectContaining({ reason: 'FencedGeneration' }));
    expect(() => coordinator.assignment('g', 'nobody', a.generation)).toThrow(expect.objectContaining({ reason: 'UnknownMember' }));
    const c = coordinator.join(join('', 'c'));
    c.catch(() => {});
    expect(() => coordinator.assignment('g', a.memberId, a.generation)).toThrow(expect.objectContaining({ reason: 'RebalanceInProgress' }));
  });

  it.each([999, 60_001])('refuses a session timeout of %i ms naming the field', async (sessionTimeoutMs) => {
    const { coordinator } = await controller();
    expect(() => coordinator.join({ ...join(), sessionTimeoutMs })).toThrow(
      expect.objectContaining({ reason: 'InvalidArgument', details: { 'herald-field': 'session_timeout_ms' } }),
    );
  });
});

describe('the meta log', () => {
  it('snapshots the metadata every compactEntries applied commands', async () => {
    const { memory, meta } = await controller();
    for (let i = 0; i < 10; i++) await meta.propose({ type: 'CreateTopic', name: `t${i}`, partitions: [{ partition: 0, replicas: [1] }], configs: {} }, 1_000);
    expect(memory.compactions).toHaveLength(1);
    const restored = new MetaGroup();
    restored.restore(memory.group.snapshot());
    expect(restored.state.allTopics().map((t) => t.name)).toContain('t8');
  });

  it('reads store format 1 (bare JSON) and format 2 entries alike, and stops at a committed entry it cannot read', () => {
    const command = { type: 'DeleteTopic', name: 'orders' } as const;
    const legacy = new TextEncoder().encode(JSON.stringify(command));
    expect(decodeCommand(legacy, EntryKind.MetaCommand, metaCommandSchema, 'meta')).toEqual(command);
    expect(decodeCommand(encodeCommand(EntryKind.MetaCommand, command), EntryKind.MetaCommand, metaCommandSchema, 'meta')).toEqual(command);
    const wrongShape = encodeCommand(EntryKind.MetaCommand, { type: 'DeleteTopic', name: 7 });
    expect(() => decodeCommand(wrongShape, EntryKind.MetaCommand, metaCommandSchema, 'meta')).toThrow(InvariantViolation);
    const partitionCommand = encodeCommand(EntryKind.PartitionCommand, { type: 'Trim', logStartOffset: 1 });
    expect(() => decodeCommand(partitionCommand, EntryKind.MetaCommand, metaCommandSchema, 'meta')).toThrow(/an entry of kind 0x10/);
  });
});
