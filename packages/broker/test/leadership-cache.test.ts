// The leadership cache behind Kafka's Metadata: answers from the node's own replicas at once,
// asks the peers only for what it knows nothing of (waiting) or what is older than a second (in
// the background), and believes the newest term. Method: a fake clock and scripted peers.
import { describe, expect, it } from 'vitest';
import { LEADERSHIP_MAX_AGE_MS, LeadershipCache } from '../src/leadership-cache.js';
import type { ReplicaState } from '../src/transport/peer-transport.js';
import { FakeClock } from './support/fake-clock.js';

const state = (group: string, leaderId: number, term: number, isLeader: boolean): ReplicaState => ({ group, leaderId, term, isLeader, isr: isLeader ? [leaderId] : [], highWatermark: 0, logStartOffset: 0 });

function setup() {
  const clock = new FakeClock();
  let local: ReplicaState[] = [];
  let peers: ReplicaState[] = [];
  const asked: string[][] = [];
  const cache = new LeadershipCache({
    clock,
    local: (groups) => local.filter((s) => groups.includes(s.group)),
    ask: async (groups) => {
      asked.push([...groups]);
      return peers.filter((s) => groups.includes(s.group));
    },
  });
  return { clock, cache, asked, setLocal: (s: ReplicaState[]) => (local = s), setPeers: (s: ReplicaState[]) => (peers = s) };
}

describe('LeadershipCache', () => {
  it('answers partitions led here without asking anyone', async () => {
    const { cache, asked, setLocal } = setup();
    setLocal([state('a', 1, 3, true)]);
    expect((await cache.states(['a'])).get('a')).toMatchObject({ leaderId: 1, isr: [1] });
    expect(asked).toEqual([]);
  });

  it('waits for the peers on a partition it knows nothing of, then serves their answer for a second and refreshes in the background', async () => {
    const { clock, cache, asked, setPeers } = setup();
    setPeers([state('b', 2, 5, true), state('b', 3, 5, false)]);
    expect((await cache.states(['b'])).get('b')).toMatchObject({ leaderId: 2, isLeader: true, isr: [2] });
    expect(asked).toHaveLength(1);
    await cache.states(['b']);
    expect(asked).toHaveLength(1);
    clock.advance(LEADERSHIP_MAX_AGE_MS + 1);
    setPeers([state('b', 3, 6, true)]);
    expect((await cache.states(['b'])).get('b')).toMatchObject({ leaderId: 2 }); // served stale, refreshed behind
    await Promise.resolve();
    expect(asked).toHaveLength(2);
    expect((await cache.states(['b'])).get('b')).toMatchObject({ leaderId: 3, term: 6 });
  });

  it('believes a local follower that saw a newer term over an older cached leader', async () => {
    const { cache, setLocal, setPeers } = setup();
    setPeers([state('c', 2, 5, true)]);
    await cache.states(['c']);
    setLocal([state('c', 3, 6, false)]);
    expect((await cache.states(['c'])).get('c')).toMatchObject({ leaderId: 3, term: 6 });
  });

  it('leaves out partitions no replica answered for', async () => {
    const { cache } = setup();
    expect((await cache.states(['d'])).has('d')).toBe(false);
  });
});
