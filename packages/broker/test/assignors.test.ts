// Shows that each assignment strategy assigns every subscribed partition exactly once, only to a
// member subscribed to its topic, balanced as the strategy promises; that sticky keeps what
// members owned when one leaves; and that every strategy is deterministic. Method: pure calls
// over small hand-made groups plus a sweep of every group shape up to 8 members, 40 partitions
// and 3 topics.
import { describe, expect, it } from 'vitest';
import { rangeAssignor, roundRobinAssignor, stickyAssignor, assignorNamed, registerAssignor, type Assignor, type AssignorMember, type TopicPartitions } from '../src/consumer-groups/assignors.js';

const flat = (a: readonly TopicPartitions[]) => a.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}/${p}`));
const members = (ids: string[], topics: string[], previous: Record<string, TopicPartitions[]> = {}): AssignorMember[] =>
  ids.map((memberId) => ({ memberId, topics, previous: previous[memberId] ?? [] }));

function checkComplete(assignor: Assignor, ms: AssignorMember[], counts: Map<string, number>) {
  const result = assignor.assign(ms, counts);
  const all = [...result.values()].flatMap(flat);
  const wanted = [...new Set(ms.flatMap((m) => m.topics))].filter((t) => counts.has(t)).flatMap((t) => Array.from({ length: counts.get(t)! }, (_, p) => `${t}/${p}`));
  expect(all.sort()).toEqual(wanted.sort());
  for (const m of ms) for (const tp of result.get(m.memberId) ?? []) expect(m.topics).toContain(tp.topic);
  return result;
}

describe('range', () => {
  it('gives contiguous ranges per topic, the first members one more', () => {
    const r = rangeAssignor.assign(members(['a', 'b', 'c'], ['t']), new Map([['t', 7]]));
    expect(r.get('a')).toEqual([{ topic: 't', partitions: [0, 1, 2] }]);
    expect(r.get('b')).toEqual([{ topic: 't', partitions: [3, 4] }]);
    expect(r.get('c')).toEqual([{ topic: 't', partitions: [5, 6] }]);
  });
});

describe('round-robin', () => {
  it('deals partitions of all topics in turn', () => {
    const r = roundRobinAssignor.assign(members(['b', 'a'], ['x', 'y']), new Map([['x', 2], ['y', 2]]));
    expect(flat(r.get('a')!)).toEqual(['x/0', 'y/0']);
    expect(flat(r.get('b')!)).toEqual(['x/1', 'y/1']);
  });

  it('skips members not subscribed to a topic', () => {
    const ms: AssignorMember[] = [{ memberId: 'a', topics: ['x'], previous: [] }, { memberId: 'b', topics: ['x', 'y'], previous: [] }];
    const r = checkComplete(roundRobinAssignor, ms, new Map([['x', 2], ['y', 3]]));
    expect(flat(r.get('a')!)).toEqual(['x/0']);
  });
});

describe('sticky', () => {
  it('keeps the partitions of the members that stay when one leaves', () => {
    const counts = new Map([['t', 6]]);
    const first = stickyAssignor.assign(members(['a', 'b', 'c'], ['t']), counts);
    const second = stickyAssignor.assign(members(['a', 'b'], ['t'], Object.fromEntries(first)), counts);
    for (const id of ['a', 'b']) for (const p of flat(first.get(id)!)) expect(flat(second.get(id)!)).toContain(p);
    expect(flat(second.get('a')!)).toHaveLength(3);
    expect(flat(second.get('b')!)).toHaveLength(3);
  });

  it('moves only the excess to a member that joins', () => {
    const counts = new Map([['t', 6]]);
    const first = stickyAssignor.assign(members(['a', 'b'], ['t']), counts);
    const second = stickyAssignor.assign(members(['a', 'b', 'c'], ['t'], Object.fromEntries(first)), counts);
    let moved = 0;
    for (const id of ['a', 'b']) moved += flat(first.get(id)!).filter((p) => !flat(second.get(id)!).includes(p)).length;
    expect(moved).toBe(2);
    expect(flat(second.get('c')!)).toHaveLength(2);
  });

  it('gives a partition claimed twice to one member only', () => {
    const prev = { a: [{ topic: 't', partitions: [0, 1] }], b: [{ topic: 't', partitions: [1, 2] }] };
    checkComplete(stickyAssignor, members(['a', 'b'], ['t'], prev), new Map([['t', 4]]));
  });
});

describe('every strategy', () => {
  it('assigns every subscribed partition once, to subscribers, balanced within one partition when subscriptions agree, deterministically', () => {
    for (const assignor of [rangeAssignor, roundRobinAssignor, stickyAssignor]) {
      for (let n = 1; n <= 8; n++) {
        for (const partitions of [1, 2, 3, 5, 8, 13, 40]) {
          for (let topicCount = 1; topicCount <= 3; topicCount++) {
            const topics = Array.from({ length: topicCount }, (_, i) => `t${i}`);
            const counts = new Map(topics.map((t) => [t, partitions]));
            const ms = members(Array.from({ length: n }, (_, i) => `m${i}`), topics);
            const result = checkComplete(assignor, ms, counts);
            const sizes = [...result.values()].map((a) => flat(a).length);
            // Range balances per topic; round-robin and sticky over all partitions.
            const slack = assignor === rangeAssignor ? topicCount : 1;
            expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(slack);
            expect(assignor.assign([...ms].reverse(), counts)).toEqual(result);
          }
        }
      }
    }
  });

  it('is pluggable by name', () => {
    registerAssignor({ name: 'all-to-first', assign: (ms, counts) => new Map(ms.map((m, i) => [m.memberId, i === 0 ? [...counts].map(([topic, n]) => ({ topic, partitions: Array.from({ length: n }, (_, p) => p) })) : []])) });
    expect(assignorNamed('all-to-first')).toBeDefined();
    expect(() => registerAssignor({ name: 'Bad Name', assign: () => new Map() })).toThrow(/assignor name/);
  });
});
