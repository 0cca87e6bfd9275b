// Consumer groups over real gRPC on loopback, three in-process nodes, raw generated clients:
// assignment and rebalances (join, leave, a member that dies), commits and fetches fenced by
// generation, committed offsets and generations surviving the kill of the coordinator, resets
// while the group is empty, lag in records and seconds, and refusals of bad input that change
// nothing.
import { status } from '@grpc/grpc-js';
import { encodeBatch } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { atController, TestMember } from '../support/group-member.js';
import { waitFor } from '../support/wait-for.js';

interface CommittedOffset { topic: string; partition: number; offset: number; metadata: string; commitTimestampMs: number }
interface PartitionLag { topic: string; partition: number; memberId: string; committedOffset: number; highWatermark: number; logStartOffset: number; lagRecords: number; lagSeconds: number }
interface Described { group: string; state: string; generation: number; strategy: string; coordinatorId: number; members: { memberId: string; clientId: string; assignment: { topic: string; partitions: number[] }[] }[]; partitions: PartitionLag[] }

const SESSION_MS = 1_500;
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ overrides: { groups: { minSessionTimeoutMs: 300, initialRebalanceDelayMs: 200, lagRefreshMs: 300 } } });
});

afterAll(async () => {
  await cluster?.stop();
});

async function refusal(promise: Promise<unknown>): Promise<{ code: number; reason: string | undefined; details: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toBeDefined();
  return { code: (err as { code: number }).code, reason: reasonOf(err), details: (err as { details: string }).details };
}

const describeGroup = (group: string) => atController<Described>(cluster, 'describeGroup', { group });
const fetchOffsets = (group: string) => atController<{ offsets: CommittedOffset[] }>(cluster, 'fetchOffsets', { group }).then((r) => r.offsets);

async function produce(topic: string, partition: number, count: number, timestampMs = Date.now()): Promise<void> {
  const leader = await cluster.leaderOf(topic, partition);
  const batch = await encodeBatch(Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`r${i}`), timestampMs: timestampMs + i })));
  await call(cluster.client(leader).produce, 'produce', { topic, partition, batch });
}

function members(group: string, topics: string[], n: number, options: Partial<ConstructorParameters<typeof TestMember>[1]> = {}): TestMember[] {
  return Array.from({ length: n }, (_, i) => new TestMember(cluster, { group, topics, clientId: `m${i}`, sessionTimeoutMs: SESSION_MS, ...options }));
}

/** Waits until the running members hold every partition of the topic once, in one generation. */
async function settled(ms: TestMember[], topic: string, partitions: number, timeoutMs = 15_000): Promise<number> {
  return waitFor(
    () => {
      const generations = new Set(ms.map((m) => m.generation));
      const held = ms.flatMap((m) => m.assignment).sort();
      const wanted = Array.from({ length: partitions }, (_, p) => `${topic}/${p}`).sort();
      return generations.size === 1 && JSON.stringify(held) === JSON.stringify(wanted) ? ms[0]!.generation : undefined;
    },
    { timeoutMs, what: `${ms.length} members to share ${topic}'s ${partitions} partitions in one generation` },
  );
}

describe('membership and rebalances', () => {
  it('members joining together get one generation and disjoint partitions covering the topic', async () => {
    await cluster.createTopic('g-orders', 6);
    const ms = members('g-join', ['g-orders'], 3);
    await Promise.all(ms.map((m) => m.start()));
    const generation = await settled(ms, 'g-orders', 6);
    for (const m of ms) expect(m.assignment).toHaveLength(2);
    const d = await describeGroup('g-join');
    expect(d).toMatchObject({ state: 'Stable', generation, strategy: 'range', coordinatorId: await cluster.controller() });
    expect(d.members.map((m) => m.clientId).sort()).toEqual(['m0', 'm1', 'm2']);
    // A member that leaves hands its partitions over at once.
    await ms[2]!.leave();
    await settled(ms.slice(0, 2), 'g-orders', 6);
    for (const m of ms.slice(0, 2)) await m.kill();
  });

  it('moves the partitions of a member that dies within its session timeout plus one heartbeat', async () => {
    await cluster.createTopic('g-dies', 4);
    const ms = members('g-dies', ['g-dies'], 3, { strategies: ['sticky'] });
    await Promise.all(ms.map((m) => m.start()));
    const before = await settled(ms, 'g-dies', 4);
    const kept = ms.slice(0, 2).map((m) => [...m.assignment]);
    const died = Date.now();
    await ms[2]!.kill();
    const after = await settled(ms.slice(0, 2), 'g-dies', 4, 10_000);
    const movedMs = Date.now() - died;
    expect(after).toBeGreaterThan(before);
    // Detection within the session timeout, reassignment at the survivors' next heartbeat.
    expect(movedMs).toBeLessThan(SESSION_MS + SESSION_MS / 3 + 1_500);
    // Sticky: the survivors kept what they had.
    ms.slice(0, 2).forEach((m, i) => expect(m.assignment).toEqual(expect.arrayContaining(kept[i]!)));
    for (const m of ms.slice(0, 2)) await m.kill();
  });
});

describe('fencing', () => {
  it('refuses commits, heartbeats and fetches of an older generation after a rebalance', async () => {
    await cluster.createTopic('g-fence', 2);
    const [a, b] = members('g-fence', ['g-fence'], 2);
    await a!.start();
    const old = a!.generation;
    await a!.commit([{ topic: 'g-fence', partition: 0, offset: 1 }]);
    // A zombie: a keeps generation `old` while b's join moves the group on.
    await a!.kill();
    const zombie = { group: 'g-fence', memberId: a!.memberId, generation: old };
    const joined = b!.join();
    await waitFor(async () => (await describeGroup('g-fence')).state === 'PreparingRebalance', { timeoutMs: 5_000, what: 'a rebalance' });
    // During the rebalance the current generation may still commit (before rejoining).
    await a!.commit([{ topic: 'g-fence', partition: 0, offset: 2 }]);
    const rejoined = a!.join();
    await Promise.all([joined, rejoined]);
    expect(a!.generation).toBe(old + 1);
    const stale = await refusal(atController(cluster, 'commitOffsets', { ...zombie, offsets: [{ topic: 'g-fence', partition: 0, offset: 99 }] }));
    expect(stale).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'FencedGeneration' });
    expect(stale.details).toMatch(/generation \d+ .* fenced/);
    expect((await refusal(atController(cluster, 'heartbeat', zombie))).reason).toBe('FencedGeneration');
    // Every replica fences a fetch of the zombie's generation once it applied the new one.
    const leader = await cluster.leaderOf('g-fence', 0);
    await waitFor(async () => {
      const r = await refusal(call(cluster.client(leader).consume, 'fetch', { topic: 'g-fence', partition: 0, offset: 0, ...zombie }));
      return r.code === status.FAILED_PRECONDITION && r.reason === 'FencedGeneration';
    }, { timeoutMs: 5_000, what: 'a fenced fetch' });
    // The current owner fetches; a member fetching a partition it does not own is fenced.
    const owner = a!.assignment.includes('g-fence/0') ? a! : b!;
    const other = owner === a ? b! : a!;
    await call(cluster.client(leader).consume, 'fetch', { topic: 'g-fence', partition: 0, offset: 0, group: 'g-fence', memberId: owner.memberId, generation: owner.generation });
    expect((await refusal(call(cluster.client(leader).consume, 'fetch', { topic: 'g-fence', partition: 0, offset: 0, group: 'g-fence', memberId: other.memberId, generation: other.generation }))).reason).toBe('FencedGeneration');
    // A subscription of the zombie's generation is refused too.
    const stream = cluster.client(leader).consume.subscribe({ topic: 'g-fence', partition: 0, startPosition: 'START_POSITION_EARLIEST', ...zombie });
    const ended = await new Promise<unknown>((resolve) => {
      stream.on('error', resolve);
      stream.on('data', () => {});
    });
    expect(reasonOf(ended)).toBe('FencedGeneration');
    expect((await fetchOffsets('g-fence')).find((o) => o.partition === 0)?.offset).toBe(2);
    await a!.leave();
    await b!.leave();
  });
});

describe('failover', () => {
  it('committed offsets and the generation survive the kill of the coordinator; members carry on without a rebalance', async () => {
    await cluster.createTopic('g-failover', 3);
    const ms = members('g-failover', ['g-failover'], 3, { sessionTimeoutMs: 3_000 });
    await Promise.all(ms.map((m) => m.start()));
    const generation = await settled(ms, 'g-failover', 3);
    for (const m of ms) {
      const partition = Number(m.assignment[0]!.split('/')[1]);
      await m.commit([{ topic: 'g-failover', partition, offset: 10 + partition }]);
    }
    const controller = await cluster.controller();
    await cluster.stopNode(controller);
    try {
      const next = await cluster.controller();
      expect(next).not.toBe(controller);
      const offsets = await fetchOffsets('g-failover');
      expect(offsets.map((o) => [o.partition, o.offset])).toEqual([[0, 10], [1, 11], [2, 12]]);
      // The new coordinator knows the generation: heartbeats go on, nobody is fenced.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(ms.every((m) => m.generation === generation)).toBe(true);
      const d = await describeGroup('g-failover');
      expect(d).toMatchObject({ state: 'Stable', generation, coordinatorId: next });
      expect(d.members).toHaveLength(3);
    } finally {
      await cluster.startNode(controller);
      for (const m of ms) await m.leave();
    }
  });
});

describe('offsets', () => {
  it('resets offsets only while the group is empty: earliest, latest, offset, timestamp, shift, dry run', async () => {
    await cluster.createTopic('g-reset', 2);
    const t0 = 1_700_000_000_000;
    await produce('g-reset', 0, 10, t0);
    await produce('g-reset', 1, 4, t0 + 100);
    const [m] = members('g-reset', ['g-reset'], 1);
    await m!.start();
    const reset = (fields: object) => atController<{ offsets: CommittedOffset[] }>(cluster, 'resetOffsets', { group: 'g-reset', topic: 'g-reset', ...fields }).then((r) => r.offsets.map((o) => [o.partition, o.offset]));
    const busy = await refusal(reset({ position: 'RESET_POSITION_EARLIEST' }));
    expect(busy).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'GroupNotEmpty' });
    expect((await refusal(atController(cluster, 'deleteGroup', { group: 'g-reset' }))).reason).toBe('GroupNotEmpty');
    await m!.leave();
    await waitFor(async () => (await describeGroup('g-reset')).state === 'Empty', { timeoutMs: 5_000, what: 'an empty group' });
    expect(await reset({ position: 'RESET_POSITION_LATEST' })).toEqual([[0, 10], [1, 4]]);
    expect(await reset({ position: 'RESET_POSITION_EARLIEST', partitions: [1] })).toEqual([[1, 0]]);
    expect(await reset({ position: 'RESET_POSITION_SHIFT', shift: -3 })).toEqual([[0, 7], [1, 0]]);
    expect(await reset({ position: 'RESET_POSITION_SHIFT', shift: 2, dryRun: true })).toEqual([[0, 9], [1, 2]]);
    expect((await fetchOffsets('g-reset')).map((o) => [o.partition, o.offset])).toEqual([[0, 7], [1, 0]]);
    expect(await reset({ position: 'RESET_POSITION_OFFSET', offset: 5 })).toEqual([[0, 5], [1, 4]]);
    expect(await reset({ position: 'RESET_POSITION_TIMESTAMP', timestampMs: t0 + 3, partitions: [0] })).toEqual([[0, 3]]);
    await atController(cluster, 'deleteGroup', { group: 'g-reset' });
    expect((await refusal(describeGroup('g-reset'))).reason).toBe('GroupNotFound');
  });

  it('describes lag per partition in records and in seconds (the age of the oldest unconsumed record)', async () => {
    await cluster.createTopic('g-lag', 2);
    const oldest = Date.now() - 60_000;
    await produce('g-lag', 0, 10, oldest);
    await atController(cluster, 'commitOffsets', { group: 'g-lag', offsets: [{ topic: 'g-lag', partition: 0, offset: 4 }, { topic: 'g-lag', partition: 1, offset: 0 }] });
    const d = await describeGroup('g-lag');
    expect(d.state).toBe('Empty');
    const [p0, p1] = d.partitions;
    expect(p0).toMatchObject({ topic: 'g-lag', partition: 0, committedOffset: 4, highWatermark: 10, logStartOffset: 0, lagRecords: 6 });
    // The record at offset 4 was stamped oldest + 4 ms.
    expect(p0!.lagSeconds).toBeGreaterThanOrEqual(60 - 0.004);
    expect(p0!.lagSeconds).toBeLessThan(70);
    expect(p1).toMatchObject({ committedOffset: 0, highWatermark: 0, lagRecords: 0, lagSeconds: 0 });
    // The same figures feed the lag gauges, from the controller only.
    const controller = cluster.node(await cluster.controller()).node;
    const lag = await waitFor(() => controller.groups.lag().find((l) => l.group === 'g-lag' && l.partition === 0), { timeoutMs: 5_000, what: 'lag gauges' });
    expect(lag).toMatchObject({ topic: 'g-lag', records: 6 });
    expect(lag.seconds).toBeGreaterThan(59);
  });
});

describe('bad input', () => {
  it('refuses unknown groups and members, negative offsets, stale or bad fields, and non-controllers, changing nothing', async () => {
    await cluster.createTopic('g-bad', 1);
    const notFound = ['describeGroup', 'fetchOffsets', 'deleteGroup'].map((method) => refusal(atController(cluster, method, { group: 'no-such-group' })));
    notFound.push(refusal(atController(cluster, 'heartbeat', { group: 'no-such-group', memberId: 'x', generation: 1 })));
    notFound.push(refusal(atController(cluster, 'resetOffsets', { group: 'no-such-group', topic: 'g-bad', position: 'RESET_POSITION_EARLIEST' })));
    notFound.push(refusal(atController(cluster, 'commitOffsets', { group: 'no-such-group', memberId: 'x', generation: 1, offsets: [{ topic: 'g-bad', partition: 0, offset: 1 }] })));
    for (const r of await Promise.all(notFound)) expect(r).toMatchObject({ code: status.NOT_FOUND, reason: 'GroupNotFound' });

    const invalid = async (method: string, request: object, field: RegExp) => {
      const r = await refusal(atController(cluster, method, request));
      expect(r, JSON.stringify(request)).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'InvalidArgument' });
      expect(r.details).toMatch(field);
    };
    await invalid('commitOffsets', { group: 'g-bad', offsets: [{ topic: 'g-bad', partition: 0, offset: -1 }] }, /offsets\[0\]\.offset/);
    await invalid('commitOffsets', { group: 'g-bad', offsets: [] }, /^offsets/);
    await invalid('commitOffsets', { group: 'g-bad', memberId: 'x', offsets: [{ topic: 'g-bad', partition: 0, offset: 1 }] }, /generation/);
    await invalid('commitOffsets', { group: 'g bad', offsets: [{ topic: 'g-bad', partition: 0, offset: 1 }] }, /^group/);
    await invalid('joinGroup', { group: 'g-bad', topics: [] }, /^topics/);
    await invalid('joinGroup', { group: 'g-bad', topics: ['g-bad'], strategies: ['fastest'] }, /strategies\[0\].*range/);
    await invalid('joinGroup', { group: 'g-bad', topics: ['g-bad'], sessionTimeoutMs: 10 }, /session_timeout_ms/);
    await invalid('heartbeat', { group: 'g-bad', memberId: 'x', generation: -1 }, /generation/);
    await invalid('resetOffsets', { group: 'g-bad', topic: 'g-bad' }, /position/);
    await invalid('resetOffsets', { group: 'g-bad', topic: 'g-bad', position: 'RESET_POSITION_OFFSET', offset: -5 }, /offset/);

    expect((await refusal(atController(cluster, 'commitOffsets', { group: 'g-bad', offsets: [{ topic: 'nope', partition: 0, offset: 1 }] }))).reason).toBe('TopicNotFound');
    expect((await refusal(atController(cluster, 'commitOffsets', { group: 'g-bad', offsets: [{ topic: 'g-bad', partition: 3, offset: 1 }] }))).reason).toBe('PartitionNotFound');
    await atController(cluster, 'commitOffsets', { group: 'g-bad', offsets: [{ topic: 'g-bad', partition: 0, offset: 1 }] });
    expect((await refusal(atController(cluster, 'heartbeat', { group: 'g-bad', memberId: 'ghost', generation: 0 }))).reason).toBe('UnknownMember');
    expect((await refusal(atController(cluster, 'joinGroup', { group: 'g-bad', memberId: 'ghost', topics: ['g-bad'] }))).reason).toBe('UnknownMember');
    expect((await fetchOffsets('g-bad')).map((o) => o.offset)).toEqual([1]);

    // A node that is not the controller names it.
    const controller = await cluster.controller();
    const other = [1, 2, 3].find((id) => id !== controller)!;
    const err = await call(cluster.client(other).groups, 'listGroups', {}).catch((e: unknown) => e);
    expect(reasonOf(err)).toBe('NotLeader');
    expect(String((err as { metadata: { get(k: string): unknown[] } }).metadata.get('herald-leader-id')[0])).toBe(String(controller));
  });
});
