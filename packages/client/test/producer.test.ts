// Shows how the producer batches (linger, size), and that its retries never lose, duplicate or
// reorder a partition's records. Method: a Producer over FakeBroker (test/support), a transport
// that applies the broker's idempotence rules and holds each request until the test answers it.

import { HeraldError } from '@herald/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Producer, unreachable } from '../src/index.js';
import { FakeBroker, until } from './support/fake-transport.js';

const fastRetry = { backoffInitialMs: 1, backoffMaxMs: 4 };
const notLeader = () =>
  new HeraldError('NotLeader', 'not the leader', { 'herald-leader-id': '2', 'herald-leader-addr': 'fake:2' });

afterEach(() => {
  vi.useRealTimers();
});

describe('batching', () => {
  it('with nothing in flight, sends the records of one turn at once as one batch, without lingering', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const broker = new FakeBroker();
    const producer = new Producer(broker, { lingerMs: 50 });
    const sent = ['a', 'b', 'c'].map((value) => producer.send('t', { value }));
    // No timer has to fire: the batch goes on the next turn of the event loop.
    await until(() => broker.requests.length === 1, 'the batch to be sent');
    expect(broker.requests[0]!.header.recordCount).toBe(3);
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('with a batch in flight, holds records for lingerMs, then sends them as one batch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 50 });
    const sent = [producer.send('t', { value: 'first' })];
    await until(() => broker.held.length === 1, 'the first batch in flight');
    sent.push(...['a', 'b', 'c'].map((value) => producer.send('t', { value })));
    await until(() => true, 'a turn');
    expect(broker.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(49);
    expect(broker.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => broker.requests.length === 2, 'the lingering batch to be sent');
    expect(broker.requests[1]!.header.recordCount).toBe(3);
    broker.autoAnswer = true;
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2, 3]);
  });

  it('closes a batch when the next record would pass batchBytesMax', async () => {
    const broker = new FakeBroker();
    // Each record counts 16 + 100 bytes: two fit in 250, a third does not.
    const producer = new Producer(broker, { lingerMs: 10_000, batchBytesMax: 250 });
    const sent = Array.from({ length: 5 }, (_, i) => producer.send('t', { value: `${i}`.padEnd(100, '.') }));
    await until(() => broker.requests.length === 2, 'two full batches');
    await producer.flush();
    expect(broker.requests.map((r) => r.header.recordCount)).toEqual([2, 2, 1]);
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps batches within 3/4 of the topic's max.message.bytes when it sets one", async () => {
    const broker = new FakeBroker();
    broker.topicMaxMessageBytes = 400; // batches of at most 300 bytes: two records of 116
    const producer = new Producer(broker, { lingerMs: 10_000 });
    const sent = Array.from({ length: 5 }, (_, i) => producer.send('t', { value: `${i}`.padEnd(100, '.') }));
    await producer.flush();
    await Promise.all(sent);
    expect(broker.requests.map((r) => r.header.recordCount)).toEqual([2, 2, 1]);
  });

  it('sends a record larger than batchBytesMax alone', async () => {
    const broker = new FakeBroker();
    const producer = new Producer(broker, { lingerMs: 10_000, batchBytesMax: 64 });
    await Promise.all([producer.send('t', { value: 'x'.repeat(200) }), producer.flush()]);
    expect(broker.requests.map((r) => r.header.recordCount)).toEqual([1]);
  });

  it('encodes batches with the producer id, epoch 0 and consecutive sequences', async () => {
    const broker = new FakeBroker();
    const producer = new Producer(broker, { lingerMs: 0 });
    await Promise.all(['a', 'b', 'c'].map((value) => producer.send('t', { value })));
    const headers = broker.requests.map((r) => r.header);
    expect(headers.map((h) => h.producerId)).toEqual([producer.producerId, producer.producerId, producer.producerId]);
    expect(headers.map((h) => [h.producerEpoch, h.baseSequence])).toEqual([[0, 0], [0, 1], [0, 2]]);
  });

  it('sends batches without producer fields when not idempotent', async () => {
    const broker = new FakeBroker();
    const producer = new Producer(broker, { lingerMs: 0, idempotent: false });
    await producer.send('t', { value: 'a' });
    expect(broker.requests[0]!.header.producerId).toBe(-1);
    expect(producer.producerId).toBe(-1);
  });

  it('keeps the newest batch open while every send slot is taken, and sends it when one frees', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, maxInFlightPerPartition: 2 });
    const sent = ['a', 'b'].map((value) => producer.send('t', { value }));
    await until(() => broker.held.length === 2, 'a and b in flight');
    // Both slots taken: c, d and e gather in one open batch instead of three queued ones.
    sent.push(...['c', 'd', 'e'].map((value) => producer.send('t', { value })));
    await until(() => true, 'a turn');
    expect(broker.requests).toHaveLength(2);
    await broker.apply(0);
    await until(() => broker.requests.length === 3, 'the open batch sent once a slot freed');
    expect(broker.requests.map((r) => r.header.recordCount)).toEqual([1, 1, 3]);
    broker.autoAnswer = true;
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('holds a batch past its linger while the slots are taken, and it keeps growing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 5, maxInFlightPerPartition: 1 });
    const sent = [producer.send('t', { value: 'a' })];
    await vi.advanceTimersByTimeAsync(5);
    await until(() => broker.held.length === 1, 'a in flight');
    sent.push(producer.send('t', { value: 'b' }));
    await vi.advanceTimersByTimeAsync(50); // b's linger passed long ago
    sent.push(producer.send('t', { value: 'c' }));
    expect(broker.requests).toHaveLength(1);
    await broker.apply(0);
    await until(() => broker.requests.length === 2, 'b and c sent together');
    expect(broker.requests[1]!.header.recordCount).toBe(2);
    await broker.apply(0);
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('refuses more than 5 batches in flight per partition with idempotence', () => {
    expect(() => new Producer(new FakeBroker(), { maxInFlightPerPartition: 6 })).toThrow(/maxInFlightPerPartition/);
  });
});

describe('pipelining and retries', () => {
  it('keeps at most maxInFlightPerPartition batches outstanding', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, maxInFlightPerPartition: 3 });
    const sent = Array.from({ length: 10 }, (_, i) => producer.send('t', { value: `v${i}` }));
    await until(() => broker.held.length === 3, 'three batches in flight');
    await until(() => true, 'a turn');
    expect(broker.held).toHaveLength(3);
    let settled = false;
    void Promise.all(sent).then(() => (settled = true));
    while (!settled) {
      await broker.applyAll();
      await until(() => true, 'a turn');
    }
    expect(broker.maxHeld).toBe(3);
    expect(broker.logs.get(0)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
  });

  it('resends a failed batch and the ones after it in sequence order, each stored once', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    await broker.apply(0);
    await a;
    const sent = ['b', 'c', 'd', 'e'].map((value) => producer.send('t', { value }));
    await until(() => broker.held.length === 4, 'four batches in flight');
    // b is stored but its answer is lost on the way back; c is refused (the node lost
    // leadership); d and e reach the broker after the gap c left and are refused as out of
    // order.
    await broker.applyAndLose(0, unreachable('fake:1', 'connection reset'));
    broker.refuse(0, notLeader());
    await broker.apply(0);
    await broker.apply(0);
    expect(broker.logs.get(0)).toEqual(['a', 'b']);
    // Everything settled: the producer resends b, c, d, e in order with the same bytes.
    const resent = broker.requests.length;
    broker.autoAnswer = true;
    await broker.applyAll();
    const results = await Promise.all(sent);
    expect(broker.requests.slice(resent).map((r) => r.header.baseSequence)).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 4; i++) expect(broker.requests[resent + i]!.request.batch).toEqual(broker.requests[1 + i]!.request.batch);
    expect(broker.logs.get(0)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(results.map((r) => r.offset)).toEqual([1, 2, 3, 4]);
  });

  it("retries an epoch's later batches when they overtake its lost first one, and stores all in order", async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const sent = ['a', 'b', 'c'].map((value) => producer.send('t', { value }));
    await until(() => broker.held.length === 3, 'a, b and c in flight together');
    // a is lost before the broker sees it; b and c arrive first and are refused (no sequence 0).
    broker.refuse(0, unreachable('fake:1', 'connection reset'));
    broker.autoAnswer = true;
    await broker.applyAll();
    expect((await Promise.all(sent)).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(broker.logs.get(0)).toEqual(['a', 'b', 'c']);
  });

  it('answers a resent batch that was stored the first time with its original offset', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const first = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    await broker.applyAndLose(0, unreachable('fake:1', 'connection reset'));
    broker.autoAnswer = true;
    await broker.applyAll();
    expect(await first).toEqual({ topic: 't', partition: 0, offset: 0 });
    expect(broker.requests).toHaveLength(2);
    expect(broker.logs.get(0)).toEqual(['a']);
  });

  it('fails a send refused for good, and the next batches still go (in a new epoch)', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const z = producer.send('t', { value: 'z' });
    await until(() => broker.held.length === 1, 'z in flight');
    await broker.apply(0);
    await z;
    const a = producer.send('t', { value: 'a' });
    const b = producer.send('t', { value: 'b' });
    await until(() => broker.held.length === 2, 'a and b in flight');
    broker.refuse(0, new HeraldError('RecordTooLarge', 'record too large'));
    await expect(a).rejects.toMatchObject({ reason: 'RecordTooLarge' });
    broker.autoAnswer = true;
    await broker.applyAll(); // b: out of order (a left a gap), so resent in a new epoch
    expect(await b).toEqual({ topic: 't', partition: 0, offset: 1 });
    const c = await producer.send('t', { value: 'c' });
    expect(c.offset).toBe(2);
    expect(broker.logs.get(0)).toEqual(['z', 'b', 'c']);
    expect(broker.requests.at(-1)!.header.producerEpoch).toBe(1);
  });

  it('fails a send refused as out of order when no earlier batch is unresolved', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    const producer = new Producer(broker, { lingerMs: 0, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    await until(() => broker.held.length === 1, 'a in flight');
    broker.refuse(0, new HeraldError('OutOfOrderSequence', 'the broker lost track'));
    await expect(a).rejects.toMatchObject({ reason: 'OutOfOrderSequence' });
  });

  it('gives up on a retryable refusal after deliveryTimeoutMs, with that refusal', async () => {
    const broker = new FakeBroker();
    broker.autoAnswer = false;
    // Long enough for the first attempt to leave on a loaded machine (with 50 ms, a suite run at a
    // load average of 20 failed it); the attempts of that second are refused as fast as they come.
    const producer = new Producer(broker, { lingerMs: 0, deliveryTimeoutMs: 1_000, retry: fastRetry });
    const a = producer.send('t', { value: 'a' });
    const refused = (async () => {
      for (;;) {
        await until(() => broker.held.length > 0, 'a (re)sent', 100_000);
        broker.refuse(0, new HeraldError('NotEnoughReplicas', 'only 1 in-sync replica'));
      }
    })();
    void refused.catch(() => {});
    await expect(a).rejects.toMatchObject({ reason: 'NotEnoughReplicas', message: expect.stringMatching(/gave up after/) });
  });

  it('rejects sends to a topic that does not exist', async () => {
    const broker = new FakeBroker();
    broker.loadError = new HeraldError('TopicNotFound', 'topic "nope" does not exist');
    const producer = new Producer(broker);
    await expect(producer.send('nope', { value: 'a' })).rejects.toMatchObject({ reason: 'TopicNotFound' });
  });

  it('rejects sends after close()', async () => {
    const producer = new Producer(new FakeBroker());
    await producer.close();
    await expect(producer.send('t', { value: 'a' })).rejects.toThrow(/closed/);
  });
});
