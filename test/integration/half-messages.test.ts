// Half messages (TransactionService) against three in-process nodes over real gRPC: invisible to
// Fetch, consumer groups and queue subscriptions until committed, then visible exactly once;
// never visible after a rollback; a late decision the other way refused with its reason over
// the wire; check-backs answered by another live member of the producer group after the sender
// is gone; rolled back after transaction.check.max checks when no member answers; the
// decisions counted in the metrics; and every bad input refused without changing anything.
import { status } from '@grpc/grpc-js';
import { HeraldClient, type HalfCheck } from '@herald/client';
import { encodeBatch } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
let client: HeraldClient;

/** Check-backs come quickly in these tests: after 300 ms, then every 300 ms, 3 at most. */
const FAST_CHECKS = { 'transaction.check.after.ms': '300', 'transaction.check.interval.ms': '300', 'transaction.check.max': '3' };
/** No check-back during a test, however slow the machine. */
const NO_CHECKS = { 'transaction.check.after.ms': '600000' };

beforeAll(async () => {
  cluster = await TestCluster.start();
  client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`), callTimeoutMs: 15_000 });
});

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

const values = (records: readonly { value: Buffer | null }[]) => records.map((r) => r.value?.toString());

/** The sum of a counter's samples on every node whose labels include `labels`. */
async function counter(name: string, labels: Record<string, string>): Promise<number> {
  let total = 0;
  for (const p of cluster.peers) {
    const metrics = await cluster.node(p.id).node.metrics.registry.getSingleMetric(name)?.get();
    for (const v of metrics?.values ?? []) if (Object.entries(labels).every(([k, x]) => v.labels[k] === x)) total += v.value;
  }
  return total;
}

describe('half messages', () => {
  it('are invisible to Fetch, consumer groups and queue subscriptions until committed, then visible exactly once', async () => {
    await cluster.createTopic('tx-visible', 1, 3, NO_CHECKS);
    const producer = client.producer({ producerGroup: 'orders' });
    await producer.send('tx-visible', { value: 'before' });
    const half = await producer.sendHalf('tx-visible', { key: 'order-1', value: 'paid' });
    expect(half).toMatchObject({ topic: 'tx-visible', partition: 0, recordCount: 1 });
    expect(half.id).toMatch(/^tx-visible\/0\/[0-9a-f-]{36}$/);
    await producer.send('tx-visible', { value: 'after' });
    expect(await client.listHalves('tx-visible')).toEqual([expect.objectContaining({ id: half.id, state: 'pending', producerGroup: 'orders', checks: 0 })]);

    // Readers see the two plain records and stop there: the high watermark did not move for the half message.
    expect(values(await readTopic(client, 'tx-visible', 2))).toEqual(['before', 'after']);
    expect((await client.listOffsets('tx-visible', 0, 'latest')).highWatermark).toBe(2);
    const queue = client.queueConsumer({ topic: 'tx-visible', subscription: 'q', from: 'earliest', maxWaitMs: 200 });
    const group = client.groupConsumer({ topics: ['tx-visible'], group: 'g', autoOffsetReset: 'earliest', maxWaitMs: 200 });
    const queued: string[] = [];
    const grouped: string[] = [];
    const reading = Promise.all([
      (async () => {
        for await (const m of queue) {
          queued.push(m.value!.toString());
          await m.ack();
        }
      })(),
      (async () => {
        for await (const r of group) grouped.push(r.value!.toString());
      })(),
    ]);
    await waitFor(() => queued.length === 2 && grouped.length === 2, { timeoutMs: 20_000, what: 'the queue and the group to read the plain records' });

    const committed = await producer.commit(half.id);
    expect(committed).toEqual({ topic: 'tx-visible', partition: 0, offset: 2 });
    await waitFor(() => queued.length === 3 && grouped.length === 3, { timeoutMs: 20_000, what: 'the queue and the group to read the committed record' });
    expect(queued).toEqual(['before', 'after', 'paid']);
    expect(grouped).toEqual(['before', 'after', 'paid']);
    const all = await readTopic(client, 'tx-visible', 3);
    expect(values(all)).toEqual(['before', 'after', 'paid']);
    expect(all[2]).toMatchObject({ offset: 2, key: Buffer.from('order-1') });
    // A repeated commit is answered as before; nothing more is stored.
    expect(await producer.commit(half.id)).toEqual(committed);
    expect((await client.listOffsets('tx-visible', 0, 'latest')).highWatermark).toBe(3);
    expect(await client.listHalves('tx-visible', { decided: true })).toEqual([expect.objectContaining({ id: half.id, state: 'committed', decidedBy: 'producer', baseOffset: 2 })]);
    await queue.close();
    await group.close();
    await reading;
    await producer.close();
  });

  it('never shows a rolled-back half message, and refuses a late commit with the reason', async () => {
    await cluster.createTopic('tx-rollback', 1);
    const producer = client.producer({ producerGroup: 'orders' });
    const half = await producer.sendHalf('tx-rollback', { value: 'cancelled' });
    await producer.rollback(half.id);
    await producer.rollback(half.id); // repeated: answered as before
    const late = await producer.commit(half.id).catch((e: unknown) => e);
    expect(late).toMatchObject({ reason: 'HalfAlreadyDecided' });
    expect((late as Error).message).toMatch(/was already rolled back \(by producer/);
    await producer.send('tx-rollback', { value: 'plain' });
    expect(values(await readTopic(client, 'tx-rollback', 1))).toEqual(['plain']);
    expect((await client.listOffsets('tx-rollback', 0, 'latest')).highWatermark).toBe(1);
    await expect(producer.rollback('tx-rollback/0/never-sent')).rejects.toMatchObject({ reason: 'HalfNotFound' });
    expect(await counter('herald_txn_half_decisions_total', { topic: 'tx-rollback', decision: 'rollback', by: 'producer' })).toBe(1);
    await producer.close();
  });

  it('checks back with another live member of the producer group once the sender is gone', async () => {
    await cluster.createTopic('tx-check', 1, 3, FAST_CHECKS);
    const sender = client.producer({ producerGroup: 'billing' });
    const half = await sender.sendHalf('tx-check', { value: 'invoice-7' });
    await sender.close(); // the sender is gone before deciding
    const checks: HalfCheck[] = [];
    const other = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
    // Another group's member must never be asked.
    const stranger = other.producer({ producerGroup: 'shipping', onCheck: () => 'rollback' });
    const member = other.producer({
      producerGroup: 'billing',
      onCheck: (check) => {
        checks.push(check);
        return check.records[0]?.value?.toString() === 'invoice-7' ? 'commit' : 'unknown';
      },
    });
    try {
      const records = await readTopic(client, 'tx-check', 1, { timeoutMs: 20_000 });
      expect(values(records)).toEqual(['invoice-7']);
      expect(checks[0]).toMatchObject({ id: half.id, topic: 'tx-check', partition: 0, producerGroup: 'billing', checks: 1 });
      const [described] = await client.listHalves('tx-check', { decided: true });
      expect(described).toMatchObject({ id: half.id, state: 'committed', decidedBy: 'check', checks: 1 });
      expect(await counter('herald_txn_half_checks_total', { topic: 'tx-check', delivered: 'true' })).toBeGreaterThanOrEqual(1);
    } finally {
      await stranger.close();
      await member.close();
      await other.close();
    }
  });

  it('rolls a half message back after transaction.check.max checks when no member answers', async () => {
    await cluster.createTopic('tx-abandoned', 1, 3, FAST_CHECKS);
    const producer = client.producer({ producerGroup: 'nobody-home' });
    const half = await producer.sendHalf('tx-abandoned', { value: 'orphan' });
    const decided = await waitFor(async () => (await client.listHalves('tx-abandoned', { decided: true })).find((h) => h.state !== 'pending'), { timeoutMs: 20_000, what: 'the half message decided by check-max' });
    expect(decided).toMatchObject({ id: half.id, state: 'rolled-back', decidedBy: 'check-max', checks: 3 });
    await expect(producer.commit(half.id)).rejects.toMatchObject({ reason: 'HalfAlreadyDecided' });
    expect(await counter('herald_txn_half_checks_total', { topic: 'tx-abandoned', delivered: 'false' })).toBe(3);
    expect(await counter('herald_txn_half_decisions_total', { topic: 'tx-abandoned', by: 'check-max' })).toBe(1);
    expect((await client.listOffsets('tx-abandoned', 0, 'latest')).highWatermark).toBe(0);
    await producer.close();
  });

  it('refuses bad input with INVALID_ARGUMENT and stores nothing', async () => {
    await cluster.createTopic('tx-bad', 1);
    const leader = await cluster.leaderOf('tx-bad', 0);
    const transactions = cluster.client(leader).transactions;
    const batch = Buffer.from(await encodeBatch([{ key: null, value: Buffer.from('x'), headers: [], timestampMs: 1 }]));
    const good = { topic: 'tx-bad', partition: 0, id: 'h1', producerGroup: 'g', batch };
    const refusals: [object, string][] = [
      [{ ...good, id: '' }, 'id'],
      [{ ...good, id: 'has/slash' }, 'id'],
      [{ ...good, id: 'x'.repeat(129) }, 'id'],
      [{ ...good, producerGroup: '' }, 'producer_group'],
      [{ ...good, producerGroup: 'bad group' }, 'producer_group'],
      [{ ...good, batch: Buffer.alloc(0) }, 'batch'],
      [{ ...good, batch: Buffer.from('not a batch') }, 'batch'],
      [{ ...good, timeoutMs: 400_000 }, 'timeout_ms'],
    ];
    for (const [request, field] of refusals) {
      const err = await call(transactions, 'sendHalf', request).catch((e: unknown) => e);
      expect({ field, code: (err as { code: number }).code, reason: reasonOf(err) }).toEqual({ field, code: status.INVALID_ARGUMENT, reason: 'InvalidArgument' });
    }
    const endErr = await call(transactions, 'endHalf', { topic: 'tx-bad', partition: 0, id: 'h1', decision: 'HALF_DECISION_UNSPECIFIED' }).catch((e: unknown) => e);
    expect(reasonOf(endErr)).toBe('InvalidArgument');
    expect(await client.listHalves('tx-bad', { decided: true })).toEqual([]);
    const configErr = await client.createTopic('tx-bad-config', { partitions: 1, configs: { 'transaction.check.max': '0' } }).catch((e: unknown) => e);
    expect(configErr).toMatchObject({ reason: 'InvalidArgument' });
    const producer = client.producer();
    await expect(producer.sendHalf('tx-bad', { value: 'x' })).rejects.toMatchObject({ reason: 'InvalidArgument' });
    expect(() => client.producer({ onCheck: () => 'commit' })).toThrow(/producerGroup/);
    await expect(producer.commit('not-an-id')).rejects.toMatchObject({ reason: 'InvalidArgument' });
    await producer.close();
  });
});
