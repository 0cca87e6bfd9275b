// Shows that half messages and their decisions survive the loss of the partition's leader.
// Method: three real `herald` processes; a reader follows the partition from the start the whole
// time. Three half messages are stored; one is committed before the leader is killed; the
// leader is killed with SIGKILL between the sends and the other decisions; the producer then
// commits one and rolls the other back (its calls follow the new leader), and repeats both.
// The killed node is restarted, then the new leader is killed too and restarted. Checked: the
// reader never saw a half message before its commit, sees each committed one exactly once,
// never the rolled-back ones; a late decision the other way is refused on the new leader; the
// check counts of an undecided half message carry over to the new leader; and a member of the
// producer group decides the last half message when the restarted first node, made leader again,
// checks it back (the member's stream to that node had to reconnect).
import { HeraldClient, type ConsumedRecord } from '@herald/client';
import { afterAll, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: ProcessCluster | undefined;
let client: HeraldClient | undefined;
let passed = false;
afterAll(async () => {
  await client?.close();
  if (cluster !== undefined && !passed) console.error(`logs of the failed run: ${cluster.keepLogs('half-failover')}`);
  await cluster?.destroy();
});

const leaderOf = () => waitFor(async () => (await client!.describeTopic('orders')).partitions[0]!.leaderId || undefined, { timeoutMs: 20_000, what: 'a leader of orders/0' });

it('keeps half messages and their decisions across leader SIGKILLs: visible exactly once after commit, never after rollback', async () => {
  cluster = await ProcessCluster.start(3);
  await cluster.ready();
  client = new HeraldClient({ brokers: cluster.brokers, callTimeoutMs: 30_000 });
  // Check-backs start 1 s after a send, every 1 s, up to 100 (so that none rolls back here).
  await client.createTopic('orders', { partitions: 1, replicationFactor: 3, configs: { 'transaction.check.after.ms': '1000', 'transaction.check.interval.ms': '1000', 'transaction.check.max': '100' } });
  const firstLeader = await leaderOf();

  const seen: ConsumedRecord[] = [];
  const reader = client.consumer({ topic: 'orders', from: 'earliest', maxWaitMs: 200 });
  const reading = (async () => {
    for await (const r of reader) seen.push(r);
  })();
  const seenValues = () => seen.map((r) => r.value!.toString());

  const producer = client.producer({ producerGroup: 'orders-service', deliveryTimeoutMs: 60_000 });
  // Another member of the group answers check-backs: 'unknown' until told, then 'rollback'. Its
  // streams must come back to the restarted nodes for the last check-back to reach it.
  let answer: 'unknown' | 'rollback' = 'unknown';
  const asked: string[] = [];
  const memberClient = new HeraldClient({ brokers: cluster.brokers });
  const member = memberClient.producer({ producerGroup: 'orders-service', onCheck: (check) => (asked.push(check.id), answer) });
  await producer.send('orders', { value: 'plain-1' });
  const early = await producer.sendHalf('orders', { value: 'early' });
  const paid = await producer.sendHalf('orders', { value: 'paid' });
  const cancelled = await producer.sendHalf('orders', { value: 'cancelled' });
  const pending = await producer.sendHalf('orders', { value: 'pending' });
  expect((await producer.commit(early.id)).offset).toBe(1);
  await waitFor(() => seen.length === 2, { timeoutMs: 20_000, what: 'the reader at the first commit' });
  // The undecided half message is checked back (no member answers) before the kill.
  await waitFor(async () => ((await client!.listHalves('orders')).find((h) => h.id === pending.id)?.checks ?? 0) >= 1, { timeoutMs: 20_000, what: 'a check-back of the pending half message' });
  const checksBefore = (await client.listHalves('orders')).find((h) => h.id === pending.id)!.checks;

  await cluster.kill(firstLeader);
  const committed = await producer.commit(paid.id);
  await producer.rollback(cancelled.id);
  expect(await producer.commit(paid.id)).toEqual(committed);
  await producer.rollback(cancelled.id);
  await expect(producer.commit(cancelled.id)).rejects.toMatchObject({ reason: 'HalfAlreadyDecided' });
  await expect(producer.rollback(paid.id)).rejects.toMatchObject({ reason: 'HalfAlreadyDecided' });
  const secondLeader = await leaderOf();
  expect(secondLeader).not.toBe(firstLeader);
  // The new leader carries on counting where the old one stopped.
  const after = await waitFor(async () => (await client!.listHalves('orders')).find((h) => h.id === pending.id && h.checks > checksBefore), { timeoutMs: 20_000, what: 'a check-back by the new leader' });
  expect(after.state).toBe('pending');

  cluster.startNode(firstLeader);
  await cluster.ready();
  await producer.send('orders', { value: 'plain-2' });
  await cluster.kill(secondLeader);
  cluster.startNode(secondLeader);
  await cluster.ready();
  await producer.send('orders', { value: 'plain-3' });
  // The undecided half message is decided by the member at a check-back of the first node, made
  // leader again: the member's stream to it had to reconnect after its restart.
  await waitFor(() => asked.includes(pending.id), { timeoutMs: 20_000, what: 'the member asked about the pending half message' });
  await client.transferLeadership('orders', 0, firstLeader);
  answer = 'rollback';
  const byCheck = await waitFor(async () => (await client!.listHalves('orders', { decided: true })).find((h) => h.id === pending.id && h.state !== 'pending'), { timeoutMs: 30_000, what: 'a check-back answered after the restarts' });
  expect(byCheck).toMatchObject({ state: 'rolled-back', decidedBy: 'check' });

  await waitFor(() => seen.length >= 5, { timeoutMs: 30_000, what: 'the reader at plain-3' });
  expect(seenValues()).toEqual(['plain-1', 'early', 'paid', 'plain-2', 'plain-3']);
  expect(seen.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  expect(committed.offset).toBe(2);
  const decided = await client.listHalves('orders', { decided: true });
  expect(decided.map((h) => [h.id, h.state])).toEqual([
    [early.id, 'committed'],
    [paid.id, 'committed'],
    [cancelled.id, 'rolled-back'],
    [pending.id, 'rolled-back'],
  ]);
  await producer.close();
  await member.close();
  await memberClient.close();
  await reader.close();
  await reading;
  passed = true;
});
