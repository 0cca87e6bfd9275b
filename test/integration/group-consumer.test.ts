// The SDK's group consumer against three in-process nodes: members sharing a topic with every
// record consumed and its offset committed, rebalance callbacks, manual commits and resuming from
// the committed offset, and the group admin calls. Delivery is at least once; the tests say where
// a record may come twice and count it.
import { HeraldClient, type ConsumedRecord, type GroupConsumer, type TopicPartitions } from '@herald/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
let client: HeraldClient;

beforeAll(async () => {
  cluster = await TestCluster.start({ overrides: { groups: { minSessionTimeoutMs: 300, initialRebalanceDelayMs: 300 } } });
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`), callTimeoutMs: 15_000 });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

async function produce(topic: string, count: number): Promise<void> {
  const producer = client.producer();
  await Promise.all(Array.from({ length: count }, (_, i) => producer.send(topic, { key: `k${i}`, value: `v${i}` })));
  await producer.close();
}

/** Reads from `consumer` into `into` until `stop` says so; returns when it does or the consumer ends. */
async function drain(consumer: GroupConsumer, into: ConsumedRecord[], stop: () => boolean): Promise<void> {
  for await (const record of consumer) {
    into.push(record);
    if (stop()) return;
  }
}

const flat = (a: TopicPartitions[]) => a.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}/${p}`));

describe('group consumer', () => {
  it('three members share a topic: every record is consumed, and closing commits every offset', async () => {
    await cluster.createTopic('gc-share', 6);
    await produce('gc-share', 300);
    const seen: ConsumedRecord[] = [];
    const distinct = () => new Set(seen.map((r) => `${r.partition}/${r.offset}`)).size;
    const consumers = Array.from({ length: 3 }, (_, i) => client.groupConsumer({ group: 'gc-share', topics: ['gc-share'], clientId: `c${i}`, autoOffsetReset: 'earliest', sessionTimeoutMs: 3_000 }));
    const done = Promise.all(consumers.map((c) => drain(c, seen, () => distinct() >= 300)));
    await waitFor(() => distinct() >= 300, { timeoutMs: 30_000, what: '300 distinct records' });
    await Promise.all(consumers.map((c) => c.close()));
    await done;
    const duplicates = seen.length - distinct();
    // A record handed out but not yet processed when its partition moves is delivered again.
    expect(duplicates).toBeLessThanOrEqual(6);
    const offsets = await client.groups.fetchOffsets('gc-share');
    const described = await client.describeTopic('gc-share');
    expect(offsets.map((o) => [o.partition, o.offset])).toEqual(described.partitions.map((p) => [p.id, p.highWatermark]));
    const group = await client.groups.describe('gc-share');
    expect(group.state).toBe('Empty');
    expect(group.partitions.every((p) => p.lagRecords === 0 && p.lagSeconds === 0)).toBe(true);
  });

  it('calls onRevoked and onAssigned around a rebalance', async () => {
    await cluster.createTopic('gc-callbacks', 4);
    const events: string[] = [];
    const make = (name: string) =>
      client.groupConsumer({
        group: 'gc-callbacks',
        topics: ['gc-callbacks'],
        sessionTimeoutMs: 1_500,
        onAssigned: (p) => void events.push(`${name} assigned ${flat(p).length}`),
        onRevoked: (p) => void events.push(`${name} revoked ${flat(p).length}`),
      });
    const first = make('first');
    const firstRead = drain(first, [], () => false);
    await waitFor(() => first.assignment().length > 0 && flat(first.assignment()).length === 4, { timeoutMs: 10_000, what: 'first member assigned' });
    const second = make('second');
    const secondRead = drain(second, [], () => false);
    await waitFor(() => events.length === 4, { timeoutMs: 10_000, what: 'two members with two partitions each' });
    expect(events).toEqual(['first assigned 4', 'first revoked 4', expect.stringMatching(/assigned 2$/), expect.stringMatching(/assigned 2$/)]);
    expect(new Set([...flat(first.assignment()), ...flat(second.assignment())]).size).toBe(4);
    await Promise.all([first.close(), second.close()]);
    await Promise.all([firstRead, secondRead]);
  });

  it('commits manually, and a new member resumes from the committed offset', async () => {
    await cluster.createTopic('gc-resume', 1);
    await produce('gc-resume', 20);
    const one = client.groupConsumer({ group: 'gc-resume', topics: ['gc-resume'], autoCommit: false, autoOffsetReset: 'earliest' });
    const read: ConsumedRecord[] = [];
    // next() by hand: leaving a for-await loop closes the consumer.
    while (read.length < 10) read.push((await one.next()).value as ConsumedRecord);
    await one.commit();
    await one.close(); // no auto-commit: nothing more is committed
    expect((await client.groups.fetchOffsets('gc-resume')).map((o) => o.offset)).toEqual([10]);
    const two = client.groupConsumer({ group: 'gc-resume', topics: ['gc-resume'], autoOffsetReset: 'earliest' });
    const next: ConsumedRecord[] = [];
    await drain(two, next, () => next.length === 10);
    await two.close();
    expect(next.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    expect((await client.groups.fetchOffsets('gc-resume')).map((o) => o.offset)).toEqual([20]);
    // Admin: list, reset (the group is empty now), delete.
    expect((await client.groups.list()).find((g) => g.group === 'gc-resume')).toMatchObject({ state: 'Empty', memberCount: 0 });
    expect((await client.groups.resetOffsets('gc-resume', 'gc-resume', { shift: -5 })).map((o) => o.offset)).toEqual([15]);
    await client.groups.delete('gc-resume');
    await expect(client.groups.describe('gc-resume')).rejects.toMatchObject({ reason: 'GroupNotFound' });
  });
});
