import { describe, expect, it } from 'vitest';
import { AFTER_FAULT_MS, anomalies, check, computeTimeline, HistoryError, type Anomaly, type Verdict } from '../src/checker.js';
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
    expect(verdict.groups).toEqual([]);
    expect(verdict.queues).toEqual([]);
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

  // Shows that a node's whole copy covers only the partitions its final read names (those it
  // holds a replica of, after replicas moved): what it lacks of another partition is not
  // lost-on-node, what it lacks of its own is. Method: orders/0 and orders/1 with two values
  // each; node 4's copy names partition 1 only and lacks p2-1 of it.
  it('judges a node\'s copy only on the partitions it holds', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 2), 0)
      .sendAll('p2', 1, values('p2', 2), 0)
      .pollRun('final', 0, values('p1', 2), 0, { reset: true })
      .pollRun('final', 1, values('p2', 2), 0, { final: true })
      .pollRun('final-n4', 1, ['p2-0'], 0, { final: true, reset: true, node: 4, partitions: [1] });
    const verdict = check(h.events);
    expectCounts(verdict, { 'lost-on-node': 1 });
    expect(verdict.examples['lost-on-node'][0]).toMatchObject({ partition: 'orders/1', values: ['p2-1'], process: 'final-n4' });
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
    // The longest stretch without an acknowledgement within 5 s of the kill: on orders/0, from
    // its ack at 400 on; it never acknowledges again, so the stretch counts up to its last
    // send, invoked at 1,001.
    expect(kill!.longestGapMs).toBe(601);
    expect(partition!.longestGapMs).toBeNull();
  });

  // Shows the longest gap: from the fault's start or an acknowledgement during it (or within
  // AFTER_FAULT_MS after its end) to the next acknowledgement, on the worst partition, also when
  // that next one comes well after the fault; acknowledgements before the fault do not count.
  // Method: a pause from 1,000 to 2,000, so the window ends at 7,000; orders/0 acknowledges at
  // 900 (before: not counted), 1,200, 6,500 (a gap of 5,300 that starts inside), 9,000 (one of
  // 2,500 that starts inside and ends outside) and 9,100 (outside); orders/1 acknowledges at
  // 1,100 and 1,300 and has no traffic after.
  it('measures the longest gap without acknowledgements during and just after a fault', () => {
    let offset = 0;
    const h = new HistoryBuilder();
    const ack = (partition: number, invokeAt: number, doneAt: number) =>
      h.send(`p${offset}`, partition, `v${offset}`, { type: 'ok', offset: offset++ }, { invokeAt, doneAt });
    ack(0, 800, 900);
    h.fault('pause', 'start', 1_000, '3');
    ack(0, 1_001, 1_200);
    ack(1, 1_002, 1_100);
    ack(1, 1_101, 1_300);
    ack(0, 1_201, 6_500);
    h.fault('pause', 'end', 2_000, '3');
    ack(0, 6_501, 9_000);
    ack(0, 9_001, 9_100);
    const [pause] = check(h.events).availability.faults;
    expect(pause!.longestGapMs).toBe(5_300);
    expect(AFTER_FAULT_MS).toBe(5_000);
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

describe('consumer group', () => {
  const G = 'billing';

  // Shows that a group whose committed offsets only go up, reach the ends and cover every
  // acknowledged send is clean, and that records consumed twice (a member resuming from the
  // committed offset after a rebalance) are counted, not flagged. Method: two members; g1
  // consumes 0..3 of orders/0 and commits 2; g2 takes over from 2 and consumes 2..3 again; the
  // final read after the drain has committed 4 = the end.
  it('accepts increasing commits that reach the end, and counts records processed twice', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 4), 0)
      .send('p1', 0, 'p1-x', { type: 'info' })
      .consumeRun('g1', G, 0, values('p1', 4), 0)
      .commit('g1-commit', G, [{ partition: 0, offset: 2 }])
      .offsets('offsets', G, [{ partition: 0, offset: 2 }])
      .consumeRun('g2', G, 0, values('p1', 4).slice(2), 2)
      .commit('g2-commit', G, [{ partition: 0, offset: 4 }])
      .offsets('offsets', G, [{ partition: 0, offset: 4 }], { endOffsets: [{ partition: 0, offset: 4 }] });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { unknown: 1, unseen: 4 });
    expect(verdict.groups).toEqual([
      expect.objectContaining({ group: G, topic: 'orders', consumed: 6, distinct: 4, processedTwice: 2, final: { offsets: [{ partition: 0, offset: 4 }], endOffsets: [{ partition: 0, offset: 4 }] } }),
    ]);
    expect(verdict.groups[0]!.commits).toEqual({ invoked: 2, ok: 2, fail: 0, info: 0, pending: 0 });
  });

  // Shows that a committed offset going back is found, whether a read or a commit brings it
  // back, and that only operations ordered in real time are compared. Method: commit 5 of
  // orders/0 completes at 20; a read overlapping it (invoked at 15) sees 3: fine. Then a read
  // invoked at 30 sees 3, a commit invoked at 40 writes 4, and a read of orders/1 sees none
  // after 7 was committed there.
  it('finds a committed offset that went back', () => {
    const h = new HistoryBuilder()
      .commit('g1-commit', G, [{ partition: 0, offset: 3 }, { partition: 1, offset: 7 }], 'ok', { invokeAt: 1, doneAt: 2 })
      .commit('g1-commit', G, [{ partition: 0, offset: 5 }], 'ok', { invokeAt: 10, doneAt: 20 })
      .offsets('offsets', G, [{ partition: 0, offset: 3 }, { partition: 1, offset: 7 }], { invokeAt: 15, doneAt: 16 });
    expectCounts(check(h.events), {});
    h.offsets('offsets', G, [{ partition: 0, offset: 3 }, { partition: 1, offset: 7 }], { invokeAt: 30, doneAt: 31 })
      .commit('g2-commit', G, [{ partition: 0, offset: 4 }], 'ok', { invokeAt: 40, doneAt: 41 })
      .commit('g2-commit', G, [{ partition: 0, offset: 2 }], 'fail', { invokeAt: 42, doneAt: 43 })
      .offsets('offsets', G, [{ partition: 0, offset: 5 }], { invokeAt: 50, doneAt: 51 });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'group-offset-regressed': 3 });
    expect(countsByPartition(verdict, 'group-offset-regressed')).toEqual({ 'orders/0': 2, 'orders/1': 1 });
    expect(verdict.examples['group-offset-regressed'].map((e) => e.offsets)).toEqual([[5, 3], [5, 4], [7, -1]]);
  });

  // Shows the end rules: after the drain, every committed offset must have reached the end and
  // every acknowledged send must have been consumed; without a final read neither is judged.
  // Method: orders/0 has 3 acknowledged sends; the group consumed p1-0 and p1-2 only, and
  // committed 2 of an end of 3.
  it('finds a group behind the end and an acknowledged send never consumed', () => {
    const build = (final: boolean): HistoryBuilder => {
      const h = new HistoryBuilder()
        .sendAll('p1', 0, values('p1', 3), 0)
        .consume('g1', G, [{ partition: 0, offset: 0, value: 'p1-0' }, { partition: 0, offset: 2, value: 'p1-2' }])
        .commit('g1-commit', G, [{ partition: 0, offset: 2 }]);
      return final ? h.offsets('offsets', G, [{ partition: 0, offset: 2 }], { endOffsets: [{ partition: 0, offset: 3 }] }) : h;
    };
    expectCounts(check(build(false).events), { unseen: 3 });
    const verdict = check(build(true).events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { unseen: 3, 'group-behind': 1, 'group-unconsumed': 1 });
    expect(verdict.examples['group-behind'][0]).toMatchObject({ partition: 'orders/0', offsets: [2, 3] });
    expect(verdict.examples['group-unconsumed'][0]).toMatchObject({ partition: 'orders/0', values: ['p1-1'], offsets: [1] });
    expect(verdict.examples['group-unconsumed'][0]!.note).toMatch(/committed past it/);
  });
});

describe('queue subscription', () => {
  const S = 'workers';

  // Shows a clean subscription: a nacked record comes back with a higher count and is acked,
  // an ack refused (NotHeld) for a lease that expired is fine, every acknowledged send is
  // settled by an ack, and the counts are summed. Method: orders/0 offsets 0..2; offset 1 is
  // nacked by q1, redelivered to q2 (count 2) and acked; offset 2's first lease expires, q2
  // gets count 2 and acks it, and q1's late ack of count 1 is refused. The final description:
  // floor 3 = high watermark.
  it('accepts redeliveries with rising counts and a drained subscription', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, values('p1', 3), 0)
      .deliverAndAckAll('q1', S, 0, 0, 1)
      .deliver('q1', S, 0, 1, 1)
      .ack('q1-s0', 'q1', S, 0, 1, 1, 'ok', { nack: true })
      .deliver('q2', S, 0, 1, 2)
      .ack('q2-s0', 'q2', S, 0, 1, 2)
      .deliver('q1', S, 0, 2, 1)
      .deliver('q2', S, 0, 2, 2)
      .ack('q2-s0', 'q2', S, 0, 2, 2)
      .ack('q1-s0', 'q1', S, 0, 2, 1, 'fail')
      .describe(S, [{ partition: 0, ackFloor: 3, highWatermark: 3, unacked: 0 }], { final: true });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(true);
    expectCounts(verdict, { unseen: 3 });
    expect(verdict.queues).toEqual([
      expect.objectContaining({ subscription: S, topic: 'orders', redeliveries: 2, distinct: 3, deadLettered: 0 }),
    ]);
    expect(verdict.queues[0]!.deliveries.ok).toBe(5);
    expect(verdict.queues[0]!.acks).toEqual({ invoked: 4, ok: 3, fail: 1, info: 0, pending: 0 });
    expect(verdict.queues[0]!.nacks).toEqual({ invoked: 1, ok: 1, fail: 0, info: 0, pending: 0 });
  });

  // Shows that an acked record delivered again is found: with a higher count whenever it was
  // handed out (no lease above the acked count can exist), or with the acked count asked for
  // after the ack resolved; and that an older lease (a lower count) handed out late is not.
  // Method: offset 0 acked at count 1 by q1 (done at 20); q2 is handed count 2 (asked at 10,
  // before the ack even resolved). Offset 1 acked at count 1 (done at 40); q2 asks at 50 and
  // gets count 1 again. Offset 2: q1 gets count 1, q2 count 2 and acks it (done at 70); q3 is
  // then handed count 1: lower than the acked count, so not a redelivery after the ack, but a
  // count handed out twice.
  it('finds an acked record delivered again', () => {
    const h = new HistoryBuilder()
      .deliver('q1', S, 0, 0, 1, { invokeAt: 1, doneAt: 2 })
      .deliver('q2', S, 0, 0, 2, { invokeAt: 10, doneAt: 11 })
      .ack('q1-s0', 'q1', S, 0, 0, 1, 'ok', { invokeAt: 12, doneAt: 20 })
      .deliver('q1', S, 0, 1, 1, { invokeAt: 30, doneAt: 31 })
      .ack('q1-s0', 'q1', S, 0, 1, 1, 'ok', { invokeAt: 32, doneAt: 40 })
      .deliver('q2', S, 0, 1, 1, { invokeAt: 50, doneAt: 51 })
      .deliver('q1', S, 0, 2, 1, { invokeAt: 52, doneAt: 53 })
      .deliver('q2', S, 0, 2, 2, { invokeAt: 60, doneAt: 61 })
      .ack('q2-s0', 'q2', S, 0, 2, 2, 'ok', { invokeAt: 62, doneAt: 70 })
      .deliver('q3', S, 0, 2, 1, { invokeAt: 79, doneAt: 80 });
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    // q3's count-1 copy of offset 2 repeats q1's count 1: that is a duplicate lease.
    expectCounts(verdict, { 'queue-redelivered-after-ack': 2, 'queue-nonmonotonic-delivery': 1 });
    expect(verdict.examples['queue-redelivered-after-ack'].map((e) => [e.offsets[0], e.process])).toEqual([[0, 'q2'], [1, 'q2']]);
    expect(verdict.examples['queue-nonmonotonic-delivery'][0]).toMatchObject({ offsets: [2], process: 'q3' });
  });

  // Shows that an older lease handed out after a newer one was acked is fine. Method: q1 and q2
  // were leased counts 1 and 2 of offset 0; q2 acks count 2 (done at 20); q1 hands out its
  // count-1 copy at 30 (it was buffered) and its ack is refused.
  it('accepts an older lease handed out after the ack of a newer one', () => {
    const h = new HistoryBuilder()
      .deliver('q2', S, 0, 0, 2, { invokeAt: 10, doneAt: 11 })
      .ack('q2-s0', 'q2', S, 0, 0, 2, 'ok', { invokeAt: 12, doneAt: 20 })
      .deliver('q1', S, 0, 0, 1, { invokeAt: 29, doneAt: 30 })
      .ack('q1-s0', 'q1', S, 0, 0, 1, 'fail', { invokeAt: 31, doneAt: 32 });
    expectCounts(check(h.events), {});
  });

  // Shows that delivery counts must rise: one count handed out twice, or a member handed a
  // lower count after a higher one. Method: offset 0 goes to q1 and q2 both at count 1;
  // offset 1 goes to q1 at count 3, then at count 2; offset 2 rises 1, 2, 3 across members.
  it('finds delivery counts that do not rise', () => {
    const h = new HistoryBuilder()
      .deliver('q1', S, 1, 0, 1)
      .deliver('q2', S, 1, 0, 1)
      .deliver('q1', S, 1, 1, 3)
      .deliver('q1', S, 1, 1, 2)
      .deliver('q1', S, 1, 2, 1)
      .deliver('q2', S, 1, 2, 2)
      .deliver('q1', S, 1, 2, 3);
    const verdict = check(h.events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { 'queue-nonmonotonic-delivery': 2 });
    expect(countsByPartition(verdict, 'queue-nonmonotonic-delivery')).toEqual({ 'orders/1': 2 });
    expect(verdict.examples['queue-nonmonotonic-delivery'].map((e) => [e.offsets[0], e.process])).toEqual([[0, 'q2'], [1, 'q1']]);
  });

  // Shows the end rule: after the drain, every acknowledged send must be settled, and settled by
  // an ack that was applied or may have been. Method: four acknowledged sends on orders/0.
  // Offset 0 acked; offset 1's only ack has an unknown outcome (fine); offset 2 was never
  // acked but lies below the floor; offset 3 is above the floor of 3. Without the final
  // description nothing is judged; with dead letters, a settled record needs no ack.
  it('finds acknowledged sends left unsettled or settled without an ack', () => {
    const build = (final: boolean, deadLettered = 0): HistoryBuilder => {
      const h = new HistoryBuilder()
        .sendAll('p1', 0, values('p1', 4), 0)
        .deliverAndAckAll('q1', S, 0, 0, 1)
        .deliver('q1', S, 0, 1, 1)
        .ack('q1-s0', 'q1', S, 0, 1, 1, 'info')
        .deliver('q1', S, 0, 2, 1);
      return h.describe(S, [{ partition: 0, ackFloor: 3, highWatermark: 4, unacked: 1 }], { final, deadLettered });
    };
    expectCounts(check(build(false).events), { unseen: 4 });
    const verdict = check(build(true).events);
    expect(verdict.valid).toBe(false);
    expectCounts(verdict, { unseen: 4, 'queue-unacked': 2 });
    expect(verdict.examples['queue-unacked'].map((e) => e.offsets)).toEqual([[2], [3]]);
    expect(verdict.examples['queue-unacked'][0]!.note).toMatch(/settled .* although no ack/);
    expect(verdict.examples['queue-unacked'][1]!.note).toMatch(/unsettled after the drain/);
    expectCounts(check(build(true, 1).events), { unseen: 4, 'queue-unacked': 1 });
  });

  // Shows that a floor below the high watermark after the drain is found even when every
  // acknowledged send is settled (the rest were sends of unknown outcome). Method: one
  // acknowledged send at 0, acked; an unknown send was written at 1; floor 1 of 2.
  it('finds a partition not drained to its high watermark', () => {
    const h = new HistoryBuilder()
      .sendAll('p1', 0, ['p1-0'], 0)
      .send('p1', 0, 'p1-1', { type: 'info' })
      .deliverAndAckAll('q1', S, 0, 0, 1)
      .describe(S, [{ partition: 0, ackFloor: 1, highWatermark: 2, unacked: 1 }], { final: true });
    const verdict = check(h.events);
    expectCounts(verdict, { unseen: 1, unknown: 1, 'queue-unacked': 1 });
    expect(verdict.examples['queue-unacked'][0]).toMatchObject({ partition: 'orders/0', values: [], offsets: [1, 2] });
  });
});
