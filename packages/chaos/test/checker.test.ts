import { describe, expect, it } from 'vitest';
import { anomalies, check, computeTimeline, HistoryError, type Anomaly, type Verdict } from '../src/checker.js';
import { HistoryBuilder, values } from './support/history-builder.js';

/** Asserts the verdict's total counts are exactly `expected`, every other anomaly zero. */
function expectCounts(verdict: Verdict, expected: Partial<Record<Anomaly, number>>): void {
  const wanted = Object.fromEntries(anomalies.map((name) => [name, expected[name] ?? 0]));
  expect(verdict.counts).toEqual(wanted);
}

/** The partition keys that have a non-zero count of `anomaly`, with the counts. */
function countsByPartition(verdict: Verdict, anomaly: Anomaly): Record<string, number> {
  return Object.fromEntries(
    verdict.partitions.filter((partition) => partition.counts[anomaly] > 0).map((partition) => [partition.key, partition.counts[anomaly]]),
  );
}

describe('check', () => {
  // Shows that a history with no faults in the data is valid. Method: two producers on two
  // partitions, every value acknowledged in order and read once by one consumer.
  it('finds nothing in a clean history', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 5), 0)
      .sendAll('p2', 1, values('p2', 5), 0)
      .pollRun('c1', 0, values('p1', 3), 0)
      .pollRun('c1', 0, values('p1', 5).slice(3), 3)
      .pollRun('c1', 1, values('p2', 5), 0, { final: true });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, {});
    expect(verdict.sends).toEqual({ invoked: 10, ok: 10, fail: 0, info: 0, pending: 0 });
    expect(verdict.partitions.map((p) => p.key)).toEqual(['orders/0', 'orders/1']);
    expect(verdict.recordsRead).toBe(10);
  });

  // Shows that an acknowledged value missing below the highest offset read is lost, in its
  // partition only. Method: p1-2 acknowledged at offset 2 of orders/0; reads return 0, 1, 3.
  it('finds a lost acknowledged send', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 4), 0)
      .sendAll('p2', 1, values('p2', 2), 0)
      .poll('c1', [
        { partition: 0, offset: 0, value: 'p1-0' },
        { partition: 0, offset: 1, value: 'p1-1' },
        { partition: 0, offset: 3, value: 'p1-3' },
      ])
      .pollRun('c2', 1, values('p2', 2), 0);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { lost: 1 });
    expect(countsByPartition(verdict, 'lost')).toEqual({ 'orders/0': 1 });
    expect(verdict.examples.lost[0]).toMatchObject({ partition: 'orders/0', values: ['p1-2'], offsets: [2] });
  });

  // Shows that a replica missing an acknowledged value is lost-on-node, even though the value
  // was read elsewhere (so it is not lost): reads from each node alone, the last one final,
  // name the node. Method: three values acknowledged; node 2's whole copy lacks p1-1, and a
  // reset of node 3's read discards what it read before.
  it('finds an acknowledged value missing from one node\'s whole copy', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 3), 0)
      .pollRun('final', 0, values('p1', 3), 0, { final: true, reset: true })
      .pollRun('final-n1', 0, values('p1', 3), 0, { final: true, reset: true, node: 1 })
      .poll('final-n2', [{ partition: 0, offset: 0, value: 'p1-0' }], { reset: true, node: 2 })
      .poll('final-n2', [{ partition: 0, offset: 2, value: 'p1-2' }], { final: true, node: 2 })
      .pollRun('final-n3', 0, ['p1-1'], 1, { reset: true, node: 3 })
      .pollRun('final-n3', 0, ['p1-0'], 0, { reset: true, node: 3 })
      .pollRun('final-n3', 0, ['p1-1', 'p1-2'], 1, { final: true, node: 3 });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'lost-on-node': 1, 'poll-skip': 1 });
    expect(verdict.examples['lost-on-node'][0]).toMatchObject({ partition: 'orders/0', values: ['p1-1'], offsets: [1], process: 'final-n2' });
  });

  // Shows that a node's read that is not marked final says nothing about what the node lacks.
  it('does not count a partial read of one node', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 2), 0)
      .pollRun('final', 0, values('p1', 2), 0, { final: true })
      .pollRun('final-n1', 0, ['p1-0'], 0, { node: 1 });
    expectCounts(check(h.events), {});
  });

  // Shows that an acknowledged value above every read is unseen (not lost) until a final read
  // covers the log, and lost after one. Method: the same history with and without `final`.
  it('counts an unread value above every read as unseen, and as lost after a final read', () => {
    const build = (final: boolean): HistoryBuilder =>
      new HistoryBuilder().sendAll('p1', 0, values('p1', 3), 0).pollRun('c1', 0, values('p1', 2), 0, { final });
    const open = check(build(false).events);
    expect(open.valid).toBe(true);
    expectCounts(open, { unseen: 1 });
    const closed = check(build(true).events);
    expect(closed.valid).toBe(false);
    expectCounts(closed, { lost: 1 });
  });

  // Shows that one value at two offsets is a duplicate. Method: p1-1 acknowledged at 1 and read
  // at offsets 1 and 2 of orders/1.
  it('finds a duplicated value', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 1, values('p1', 2), 0)
      .poll('c1', [
        { partition: 1, offset: 0, value: 'p1-0' },
        { partition: 1, offset: 1, value: 'p1-1' },
        { partition: 1, offset: 2, value: 'p1-1' },
      ]);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { duplicated: 1 });
    expect(countsByPartition(verdict, 'duplicated')).toEqual({ 'orders/1': 1 });
    expect(verdict.examples.duplicated[0]).toMatchObject({ values: ['p1-1'], offsets: [1, 2] });
  });

  // Shows that a value read but never sent to that partition is unexpected, including a value
  // sent to another partition. Method: orders/0 returns `ghost` and p2-0 (sent to orders/1).
  it('finds values read but never sent', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, ['p1-0'], 0)
      .sendAll('p2', 1, ['p2-0'], 0)
      .pollRun('c1', 0, ['p1-0', 'ghost', 'p2-0'], 0)
      .pollRun('c1', 1, ['p2-0'], 0);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { unexpected: 2 });
    expect(countsByPartition(verdict, 'unexpected')).toEqual({ 'orders/0': 2 });
  });

  // Shows that one producer's values landing out of send order are reordered. Method: p1 sends
  // a, b, c to orders/2, acknowledged at 0, 2, 1; another producer's interleaving is fine.
  it('finds a nonmonotonic send', () => {
    const h = new HistoryBuilder()
      .send('p1', 2, 'p1-a', { type: 'ok', offset: 0 })
      .send('p1', 2, 'p1-b', { type: 'ok', offset: 2 })
      .send('p1', 2, 'p1-c', { type: 'ok', offset: 1 })
      .send('p2', 2, 'p2-a', { type: 'ok', offset: 3 })
      .pollRun('c1', 2, ['p1-a', 'p1-c', 'p1-b', 'p2-a'], 0);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'nonmonotonic-send': 1 });
    expect(countsByPartition(verdict, 'nonmonotonic-send')).toEqual({ 'orders/2': 1 });
    expect(verdict.examples['nonmonotonic-send'][0]).toMatchObject({ values: ['p1-b', 'p1-c'], offsets: [2, 1] });
  });

  // Shows the two kinds of inconsistent offsets. Method: two consumers read different values at
  // offset 1 of orders/0; in orders/1 a value acknowledged at offset 0 is read only at offset 1.
  it('finds inconsistent offsets', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, ['p1-0', 'p1-1'], 0)
      .send('p3', 0, 'p3-0', { type: 'info' })
      .sendAll('p2', 1, ['p2-0'], 0)
      .pollRun('c1', 0, ['p1-0', 'p1-1'], 0)
      .pollRun('c2', 0, ['p1-0', 'p3-0'], 0)
      .pollRun('c1', 1, ['p2-0'], 1);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'inconsistent-offsets': 2, unknown: 1 });
    expect(countsByPartition(verdict, 'inconsistent-offsets')).toEqual({ 'orders/0': 1, 'orders/1': 1 });
    expect(verdict.examples['inconsistent-offsets'].map((e) => e.offsets)).toEqual([[1], [0, 1]]);
  });

  // Shows that a value whose send failed must never be read (G1a). Method: p1-1 fails on
  // orders/0 and is read anyway; p1-2 fails and is not read, which is fine.
  it('finds a failed send that was read (G1a)', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, ['p1-0'], 0)
      .send('p1', 0, 'p1-1', { type: 'fail' })
      .send('p1', 0, 'p1-2', { type: 'fail' })
      .pollRun('c1', 0, ['p1-0', 'p1-1'], 0);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { G1a: 1 });
    expect(countsByPartition(verdict, 'G1a')).toEqual({ 'orders/0': 1 });
    expect(verdict.examples.G1a[0]).toMatchObject({ values: ['p1-1'], offsets: [1] });
  });

  // Shows that sends of unknown outcome are never lost, read or not. Method: two info sends and
  // one never completed, on orders/0; only one info value is read, and a final read covers all.
  it('never counts info sends as lost', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, ['p1-0'], 0)
      .send('p1', 0, 'p1-1', { type: 'info' })
      .send('p1', 0, 'p1-2', { type: 'info' })
      .sendAll('p1', 0, ['p1-3'], 2)
      .pollRun('c1', 0, ['p1-0', 'p1-1', 'p1-3'], 0, { final: true })
      .send('p9', 0, 'p9-0', { type: 'none' });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { unknown: 3 });
    expect(verdict.partitions[0]!.unknownRead).toBe(1);
    expect(verdict.sends).toEqual({ invoked: 5, ok: 2, fail: 0, info: 2, pending: 1 });
  });

  // Shows that a consumer jumping over an offset another consumer read is a poll-skip, while a
  // gap nobody read is not. Method: c2 reads 0..4; c1 reads 0, 1, then 3, then 4 and (after a
  // gap no one saw) 9.
  it('finds a poll skip', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 5), 0)
      .send('p1', 0, 'p1-9', { type: 'ok', offset: 9 })
      .pollRun('c2', 0, values('p1', 5), 0)
      .pollRun('c1', 0, ['p1-0', 'p1-1'], 0)
      .pollRun('c1', 0, ['p1-3', 'p1-4'], 3)
      .pollRun('c1', 0, ['p1-9'], 9);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { 'poll-skip': 1 });
    expect(countsByPartition(verdict, 'poll-skip')).toEqual({ 'orders/0': 1 });
    expect(verdict.examples['poll-skip'][0]).toMatchObject({ process: 'c1', offsets: [1, 3] });
  });

  // Shows that a consumer going back is a nonmonotonic poll unless it reset its position.
  // Method: c1 reads 0..2, then offset 1 again (one step back), then resets and reads from 0
  // without complaint.
  it('finds a nonmonotonic poll, and accepts a reset', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 3), 0)
      .pollRun('c1', 0, values('p1', 3), 0)
      .pollRun('c1', 0, ['p1-1'], 1)
      .pollRun('c1', 0, values('p1', 3), 0, { reset: true });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { 'nonmonotonic-poll': 1 });
    expect(countsByPartition(verdict, 'nonmonotonic-poll')).toEqual({ 'orders/0': 1 });
    expect(verdict.examples['nonmonotonic-poll'][0]).toMatchObject({ process: 'c1', offsets: [2, 1] });
  });

  // Shows that examples are capped while counts are not. Method: 20 lost values, cap 3.
  it('caps examples, not counts', () => {
    const h = new HistoryBuilder().sendAll('p1', 0, values('p1', 21), 0).pollRun('c1', 0, ['p1-20'], 20);
    const verdict = check(h.events, { examplesMax: 3 });
    expect(verdict.counts.lost).toBe(20);
    expect(verdict.examples.lost).toHaveLength(3);
    expect(verdict.partitions[0]!.examples.lost).toHaveLength(3);
  });

  it.each([
    { what: 'a completion without an invoke', events: [{ time: 1, type: 'ok', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'v', producer: 'p1', offset: 0 }] },
    {
      what: 'a second invoke while one is outstanding',
      events: [
        { time: 1, type: 'invoke', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'a', producer: 'p1' },
        { time: 2, type: 'invoke', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'b', producer: 'p1' },
      ],
    },
    {
      what: 'a value sent twice',
      events: [
        { time: 1, type: 'invoke', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'a', producer: 'p1' },
        { time: 2, type: 'fail', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'a', producer: 'p1' },
        { time: 3, type: 'invoke', f: 'send', process: 'p1', topic: 't', partition: 0, value: 'a', producer: 'p1' },
      ],
    },
  ] as const)('rejects a history with $what', ({ events }) => {
    expect(() => check(events as never)).toThrow(HistoryError);
  });
});

describe('availability', () => {
  // Shows how unavailability is measured: from a fault's start to the first acknowledgement of
  // a send invoked after it, on the worst-hit partition. Method: a kill at 100 ms; orders/0
  // acknowledges a send invoked at 101 at 400, orders/1 one invoked at 102 at 150. A second
  // fault at 1000 after which orders/0 never acknowledges again.
  it('measures unavailability per fault on the worst partition', () => {
    const h = new HistoryBuilder()
      .send('p1', 0, 'p1-0', { type: 'ok', offset: 0 }, { invokeAt: 10, doneAt: 20 })
      .fault('kill', 'start', 100, '2')
      .send('p1', 0, 'p1-1', { type: 'ok', offset: 1 }, { invokeAt: 101, doneAt: 400 })
      .send('p2', 1, 'p2-0', { type: 'ok', offset: 0 }, { invokeAt: 102, doneAt: 150 })
      .fault('kill', 'end', 500, '2')
      .fault('partition', 'start', 1000, '1|2,3')
      .send('p1', 0, 'p1-2', { type: 'info' }, { invokeAt: 1001, doneAt: 2000 })
      .fault('partition', 'end', 2100, '1|2,3');
    const verdict = check(h.events);
    const [kill, partition] = verdict.availability.faults;
    expect(kill).toMatchObject({ name: 'kill', target: '2', startMs: 100, endMs: 500, unavailableMs: 300, recovered: true });
    expect(kill!.partitions).toEqual({ 'orders/0': 300, 'orders/1': 50 });
    expect(partition).toMatchObject({ name: 'partition', unavailableMs: null, recovered: false });
    expect(verdict.availability.unavailableMsMax).toBe(300);
    expect(verdict.availability.unavailableMsMedian).toBe(300);
    expect(verdict.availability.unrecoveredFaults).toBe(1);
  });

  // Shows that leader changes count new leaders and re-elections, not first sightings or "no
  // leader" events. Method: partition 0 goes 1 → none → 2 → 2 (same term) → 2 (new term).
  it('counts leader changes', () => {
    const h = new HistoryBuilder()
      .leader(0, 1, 1)
      .leader(1, 3, 1)
      .leader(0, null, 1)
      .leader(0, 2, 2)
      .leader(0, 2, 2)
      .leader(0, 2, 3);
    expect(check(h.events).availability.leaderChanges).toBe(2);
    expect(computeTimeline(h.events).leaderChanges.map((c) => [c.from, c.to, c.term])).toEqual([[1, 2, 2], [2, 2, 3]]);
  });

  // Shows the timeline's buckets: ok sends counted by ok time, with p50/p99 latency. Method:
  // three sends acknowledged in the first second (latencies 10, 20, 30) and one in the third.
  it('buckets throughput and latency', () => {
    const h = new HistoryBuilder()
      .send('p1', 0, 'a', { type: 'ok', offset: 0 }, { invokeAt: 0, doneAt: 10 })
      .send('p1', 0, 'b', { type: 'ok', offset: 1 }, { invokeAt: 100, doneAt: 120 })
      .send('p1', 0, 'c', { type: 'ok', offset: 2 }, { invokeAt: 200, doneAt: 230 })
      .send('p1', 0, 'd', { type: 'fail' }, { invokeAt: 300, doneAt: 310 })
      .send('p1', 0, 'e', { type: 'ok', offset: 3 }, { invokeAt: 2500, doneAt: 2505 });
    const timeline = computeTimeline(h.events);
    expect(timeline.buckets.map((b) => [b.startMs, b.okSends, b.latencyP50Ms, b.latencyP99Ms])).toEqual([
      [0, 3, 20, 30],
      [1000, 0, null, null],
      [2000, 1, 5, 5],
    ]);
  });
});
