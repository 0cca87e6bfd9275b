// Shows what a producer reports when attempts of a batch fail in different ways (an unknown
// outcome is sticky: a batch an earlier attempt may have stored never fails as definitely not
// written), how it leaves a leader that stopped answering once the cluster names another, and
// that it retries at once where waiting cannot help. Method: a Producer over FakeBroker
// (test/support), which applies the broker's idempotence rules to one shared log, holds each
// request until the test answers it, and routes to the leader named by the last hint.

import { HeraldError } from '@herald/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOutcomeUnknown, mayHaveBeenWritten, outcomeUnknown, Producer, unreachable } from '../src/index.js';
import { FakeBroker, until } from './support/fake-transport.js';

const fastRetry = { backoffInitialMs: 1, backoffMaxMs: 4 };
/** A policy whose backoff would outlast any test: a retry that happens at once did not wait. */
const slowRetry = { backoffInitialMs: 60_000, backoffMaxMs: 60_000 };
const notLeader = (id: number) =>
  new HeraldError('NotLeader', 'not the leader', { 'herald-leader-id': String(id), 'herald-leader-addr': `fake:${id}` });

afterEach(() => {
  vi.useRealTimers();
});

describe('which failed attempts may have stored their batch', () => {
  it.each([
    { err: new HeraldError('TopicNotFound', 'x'), maybe: false },
    { err: new HeraldError('PartitionNotFound', 'x'), maybe: false },
    { err: new HeraldError('InvalidArgument', 'x'), maybe: false },
    { err: new HeraldError('RecordTooLarge', 'x'), maybe: false },
    { err: new HeraldError('NotEnoughReplicas', 'x'), maybe: false },
    { err: new HeraldError('OutOfOrderSequence', 'x'), maybe: false },
    { err: new HeraldError('ProducerFenced', 'x'), maybe: false },
    { err: new HeraldError('CommitTimedOut', 'x'), maybe: true },
    // A leader that steps down fails the batches it had proposed with LeadershipLost; a new
    // leader may still commit them (broker/src/host/raft-group.ts). The others are refusals
    // made before proposing anything.
    { err: new HeraldError('LeadershipLost', 'x'), maybe: true },
    { err: new HeraldError('NotLeader', 'x'), maybe: false },
    { err: new HeraldError('NoLeader', 'x'), maybe: false },
    { err: new HeraldError('ShuttingDown', 'x'), maybe: false },
    { err: new HeraldError('Unknown', 'internal error'), maybe: true },
    { err: unreachable('a:1', 'connection dropped'), maybe: true },
    { err: unreachable('a:1', 'connection refused', { sent: false }), maybe: false },
  ])('$err.reason ($err.message): $maybe', ({ err, maybe }) => {
    expect(mayHaveBeenWritten(err)).toBe(maybe);
  });

  it('wraps the last refusal as CommitTimedOut, marked unknown, keeping it as the cause', () => {
    const last = new HeraldError('TopicNotFound', 'topic "t" does not exist');
    const err = outcomeUnknown(last, 2, 120);
    expect(err.reason).toBe('CommitTimedOut');
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(err.message).toMatch(/TopicNotFound: topic "t" does not exist/);
    expect(err.cause).toBe(last);
  });
});

describe('an unknown outcome is sticky', () => {
  it('reports a batch whose first attempt may be stored as unknown when a later one is refused for good', async () => {
    // The chaos finding: the first attempt was stored but its answer lost; the retry went to a
    // node that was still recovering and said TopicNotFound, and the cluster then agreed (here:
    // the topic was deleted meanwhile). Reporting TopicNotFound would claim "not written".
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    await broker.applyAndLose(0, unreachable('fake:1', 'connection dropped'));
    await until(() => broker.held.length === 1, 'a resent');
    broker.loadError = new HeraldError('TopicNotFound', 'topic "t" does not exist');
    broker.refuse(0, new HeraldError('TopicNotFound', 'topic "t" does not exist'));
    const err = (await a.catch((e: unknown) => e)) as HeraldError;
    expect(err).toBeInstanceOf(HeraldError);
    expect(err.reason).toBe('CommitTimedOut');
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(broker.logs.get(0)).toEqual(['a']); // it was stored: "unknown" was the truth
  });

  it('retries a TopicNotFound from one node while the cluster still knows the topic, and stores the batch once', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    await broker.applyAndLose(0, unreachable('fake:1', 'connection dropped'));
    await until(() => broker.held.length === 1, 'a resent');
    broker.refuse(0, new HeraldError('TopicNotFound', 'topic "t" does not exist (node still loading)'));
    broker.autoAnswer = true;
    await broker.applyAll();
    expect(await a).toEqual({ topic: 't', partition: 0, offset: 0 });
    expect(broker.logs.get(0)).toEqual(['a']);
  });

  it('reports unknown when a retry after CommitTimedOut is refused for good', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    broker.refuse(0, new HeraldError('CommitTimedOut', 'not committed within 5,000 ms'));
    await until(() => broker.held.length === 1, 'a resent after the timeout (idempotent)');
    broker.refuse(0, new HeraldError('RecordTooLarge', 'record too large'));
    await expect(a).rejects.toMatchObject({ reason: 'CommitTimedOut', details: { outcome: 'unknown' } });
  });

  it('reports unknown when it gives up after LeadershipLost refusals (a leader stepping down answers so for batches it proposed)', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, deliveryTimeoutMs: 50, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    const refused = (async () => {
      for (;;) {
        await until(() => broker.held.length > 0, 'a (re)sent', 100_000);
        broker.refuse(0, new HeraldError('LeadershipLost', 'the leader stepped down'));
      }
    })();
    void refused.catch(() => {});
    const err = (await a.catch((e: unknown) => e)) as HeraldError;
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(err.message).toMatch(/LeadershipLost/);
  });

  it('keeps a definite refusal definite when no attempt can have been stored', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    broker.refuse(0, unreachable('fake:1', 'No connection established', { sent: false }));
    await until(() => broker.held.length === 1, 'a resent');
    broker.refuse(0, new HeraldError('NotEnoughReplicas', 'only 1 in-sync replica'));
    await until(() => broker.held.length === 1, 'a resent again');
    broker.refuse(0, new HeraldError('RecordTooLarge', 'record too large'));
    await expect(a).rejects.toMatchObject({ reason: 'RecordTooLarge' });
  });
});

describe('a leader that stops answering', () => {
  it('gives up the requests a paused leader holds once the cluster names another, and resends the same bytes there', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, leaderCheckMs: 10, retry: slowRetry });
    const sent = ['a', 'b'].map((value) => producer.send('t', { value }));
    await until(() => broker.held.length === 2, 'a and b in flight at node 1');
    // Node 1 is paused: no answer. The others elect node 2.
    broker.leaderSeenElsewhere = { id: 2, address: 'fake:2' };
    await until(() => broker.requests.length === 4, 'a and b resent', 100_000);
    const [resentA, resentB] = broker.requests.slice(2);
    expect([resentA!.address, resentB!.address]).toEqual(['fake:2', 'fake:2']);
    expect(resentA!.request.batch).toEqual(broker.requests[0]!.request.batch);
    expect(resentB!.request.batch).toEqual(broker.requests[1]!.request.batch);
    expect(broker.abandoned.map((r) => r.address)).toEqual(['fake:1', 'fake:1']);
    // Node 1 wakes up and stores what it held before it learns it was deposed: the resends
    // carry the same producer id, epoch and sequences, so they are answered as duplicates.
    await broker.apply(broker.held.indexOf(broker.abandoned[0]!));
    await broker.apply(broker.held.indexOf(broker.abandoned[1]!));
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1]);
    expect(broker.logs.get(0)).toEqual(['a', 'b']);
  });

  it('keeps waiting for a slow leader as long as the cluster names no other', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, leaderCheckMs: 5 });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    await until(() => broker.leaderChecks >= 2, 'the leader checked twice', 100_000);
    expect(broker.requests).toHaveLength(1);
    await broker.apply(0);
    expect(await a).toEqual({ topic: 't', partition: 0, offset: 0 });
  });

  it('reports unknown when a batch given up at a paused leader is then refused for good', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, leaderCheckMs: 10, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight at node 1');
    broker.leaderSeenElsewhere = { id: 2, address: 'fake:2' };
    await until(() => broker.requests.length === 2, 'a resent to node 2', 100_000);
    broker.refuse(broker.held.indexOf(broker.requests[1]!), new HeraldError('RecordTooLarge', 'node 2 has a smaller max.message.bytes'));
    await expect(a).rejects.toMatchObject({ reason: 'CommitTimedOut', details: { outcome: 'unknown' } });
  });
});

describe('failover without waiting', () => {
  it('follows a NotLeader hint at once, without backing off', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: slowRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    broker.refuse(0, notLeader(3));
    await until(() => broker.held.length === 1, 'a resent at once', 100_000);
    expect(broker.held[0]!.address).toBe('fake:3');
    await broker.apply(0);
    expect((await a).offset).toBe(0);
  });

  it('moves off a node that went away at once, without backing off', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: slowRetry });
    const sent = ['a', 'b', 'c'].map((value) => producer.send('t', { value }));
    await until(() => broker.held.length === 3, 'three batches in flight');
    for (let i = 0; i < 3; i++) broker.refuse(0, unreachable('fake:1', 'Connection dropped'));
    await until(() => broker.held.length === 3, 'all three resent at once', 100_000);
    broker.autoAnswer = true;
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('waits one backoff step per round of NoLeader refusals, however many batches it had in flight', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    // Round 1 waits 25-50 ms and round 2 50-100 ms; had each of the five refusals of a round
    // counted as a step, round 2 would wait 800-1,600 ms (the sixth step).
    const producer = new Producer(broker, { lingerMs: 0, retry: { backoffInitialMs: 50, backoffMaxMs: 10_000 } });
    const sent = ['a', 'b', 'c', 'd', 'e'].map((value) => producer.send('t', { value }));
    for (const waitMs of [51, 101]) {
      await until(() => broker.held.length === 5, 'five batches in flight', 100_000);
      for (let i = 0; i < 5; i++) broker.refuse(0, new HeraldError('NoLeader', 'no leader yet'));
      await vi.advanceTimersByTimeAsync(waitMs);
    }
    await until(() => broker.held.length === 5, 'all five resent after two short steps', 100_000);
    broker.autoAnswer = true;
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });
});
