// Re-replication to replicas that lost their disk (storage repair), on a SimCluster with every
// safety checker running after every step: how much a leader puts in flight to a wiped
// follower, that the leader keeps its leadership meanwhile, and who may be elected while one or
// two of three replicas are repairing (docs/design-notes.md "Storage repair").
import { describe, expect, it } from 'vitest';
import { None, Role, tallyVotes, VoteResult, type NodeId } from '../src/index.js';
import { SimCluster, type SimClusterOptions } from '../src/sim/index.js';

function cluster(nodes: number, options: Partial<SimClusterOptions> = {}): SimCluster {
  return new SimCluster({ nodes, seed: 1, ...options });
}

/** A proposal of exactly `bytes` bytes, numbered. */
function record(i: number, bytes = 100): string {
  return `r${i}`.padEnd(bytes, '.');
}

function awaitApplied(c: SimCluster, index: number, ids: readonly NodeId[], ticksMax = 200): void {
  c.tickUntil(() => ids.every((id) => c.isUp(id) && c.node(id).appliedIndex >= index), { ticksMax, what: `n${ids.join(',n')} applied index ${index}` });
}

function progressOf(c: SimCluster, leader: NodeId, follower: NodeId) {
  const pr = c.node(leader).progress.find((p) => p.id === follower);
  if (pr === undefined) throw new Error(`n${leader} has no progress for n${follower}`);
  return pr;
}


/** 3 nodes with 200 entries of 100 bytes applied everywhere, then n3 wiped, once n1 has restarted
 *  it from an empty log; with the lastIndex it must catch up to. */
function wipedFollower(config: { maxCatchupAppendBytes?: number }): { c: ReturnType<typeof cluster>; lastIndex: number } {
  const c = cluster(3, { maxInflightAppends: 256, maxAppendBytes: 1_000, maxInflightBytes: 4_000, ...config });
  c.electLeader(1);
  for (let i = 0; i < 200; i++) c.propose(1, record(i));
  awaitApplied(c, c.node(1).lastIndex, [1, 2, 3]);
  const lastIndex = c.node(1).lastIndex;
  c.wipe(3);
  c.stepUntil(() => progressOf(c, 1, 3).matchIndex === 0, { ticksMax: 20, what: 'n1 restarted n3 from its empty log' });
  return { c, lastIndex };
}
describe('tallyVotes with repairing voters', () => {
  it.each([
    { what: 'a majority granted', granted: [1, 2], refused: [], repairing: [], expected: VoteResult.Won },
    { what: 'everyone else repairing', granted: [1], refused: [], repairing: [2, 3], expected: VoteResult.Won },
    { what: 'one repairing, one not yet answered', granted: [1], refused: [], repairing: [2], expected: VoteResult.Pending },
    { what: 'one repairing, one refused', granted: [1], refused: [3], repairing: [2], expected: VoteResult.Lost },
    { what: 'five voters, two repairing, the rest granted', granted: [1, 4, 5], refused: [], repairing: [2, 3], expected: VoteResult.Won },
    { what: 'five voters, two repairing, one silent', granted: [1, 4], refused: [], repairing: [2, 3], expected: VoteResult.Pending },
    { what: 'five voters, two repairing, one refused', granted: [1, 4], refused: [5], repairing: [2, 3], expected: VoteResult.Lost },
  ])('$what: $expected', ({ granted, refused, repairing, expected }) => {
    const voters = [1, 2, 3, 4, 5].slice(0, Math.max(...granted, ...refused, ...repairing) > 3 ? 5 : 3);
    const votes = new Map<NodeId, boolean>([...granted.map((id): [NodeId, boolean] => [id, true]), ...refused.map((id): [NodeId, boolean] => [id, false])]);
    expect(tallyVotes(voters, votes, new Set(repairing))).toBe(expected);
  });
});

describe('re-replicating a wiped follower', () => {
  it('keeps at most maxInflightBytes of entry data in flight to it (plus one Append)', () => {
    // Shows byte-bounded flow control: after a wiped follower says it lost its log, the leader
    // replicates the whole log to it again, but never has more than maxInflightBytes (4,000)
    // unacknowledged, plus the one Append that crossed the limit (1,000); without the byte
    // bound the 256-Append window would put the whole 20,000-byte log in flight at once.
    // Method: 3 nodes, 200 entries of 100 bytes, wipe n3; then deliver one message at a time and
    // check the leader's view of n3 before each.
    const { c, lastIndex } = wipedFollower({});
    let maxInFlightBytes = 0;
    c.stepUntil(() => {
      const pr = progressOf(c, 1, 3);
      if (pr.state === 'replicate') maxInFlightBytes = Math.max(maxInFlightBytes, (pr.nextIndex - 1 - pr.matchIndex) * 100);
      return pr.matchIndex === lastIndex;
    }, { ticksMax: 50, what: 'n3 caught up' });
    expect(maxInFlightBytes).toBeGreaterThan(0);
    expect(maxInFlightBytes).toBeLessThanOrEqual(4_000 + 1_000);
    expect(c.disk(3).lastIndex).toBe(lastIndex);
  });

  it('sends it Appends of at most maxCatchupAppendBytes', () => {
    // Shows the per-message catch-up bound: entries at or below the commit index go to a follower
    // behind in Appends of at most maxCatchupAppendBytes (200: two entries of 100 bytes), not
    // maxAppendBytes (1,000). Method: 3 nodes, 200 entries of 100 bytes, wipe n3 and count the
    // Appends it is sent until it holds the log again: at least 100 (20 with the larger size).
    const { c, lastIndex } = wipedFollower({ maxCatchupAppendBytes: 200 });
    const before = c.sent('Append', 3);
    c.stepUntil(() => progressOf(c, 1, 3).matchIndex === lastIndex, { ticksMax: 200, what: 'n3 caught up' });
    expect(c.sent('Append', 3) - before).toBeGreaterThanOrEqual(100);
    expect(c.disk(3).lastIndex).toBe(lastIndex);
  });

  it('the leader keeps its leadership while its only live follower is a wiped node it re-replicates', () => {
    // Shows that a follower being repaired counts for CheckQuorum whatever its progress state
    // (probe, snapshot, replicate): its heartbeat and append answers keep the leader active, and
    // its status says it repairs until it is repaired.
    // Method: 3 nodes, 100 entries, compact the leader's log (so the wiped node needs the
    // snapshot), crash n2, wipe n3, tick through the whole repair and check n1 stayed leader
    // of its term, and that n3 went through snapshot and probe states and was repaired.
    const c = cluster(3, { maxInflightAppends: 4, maxAppendBytes: 300, maxInflightBytes: 600 });
    c.electLeader(1);
    for (let i = 0; i < 100; i++) c.propose(1, record(i));
    awaitApplied(c, c.node(1).lastIndex, [1, 2, 3]);
    c.compact(1);
    const term = c.node(1).term;
    c.crash(2);
    c.wipe(3);
    // The status says so (metrics and DescribeTopic show it to operators).
    expect(c.raft(3).status().repairing).toBe(true);
    const states = new Set<string>();
    c.stepUntil(() => {
      states.add(progressOf(c, 1, 3).state);
      return !c.raft(3).isRepairing() && c.node(3).appliedIndex === c.node(1).commitIndex;
    }, { ticksMax: 300, what: 'n3 repaired' });
    c.tickFor(100);
    expect(c.node(1).role).toBe(Role.Leader);
    expect(c.node(1).term).toBe(term);
    expect([...states]).toEqual(expect.arrayContaining(['snapshot', 'replicate']));
    expect(c.raft(3).status().repairing).toBe(false);
  });
});

describe('two of three replicas repairing', () => {
  it('an intact leader keeps leading, re-replicates both, and both vote again once repaired', () => {
    // Method: 3 nodes, leader n1 commits 30 entries; wipe n2 and n3 at once; n1 must keep its
    // term and bring both back; then crash n1: the two repaired nodes elect one of them, which
    // holds everything (the checkers verify leader completeness at every step).
    const c = cluster(3);
    c.electLeader(1);
    for (let i = 0; i < 30; i++) c.propose(1, record(i, 10));
    awaitApplied(c, c.node(1).lastIndex, [1, 2, 3]);
    const term = c.node(1).term;
    c.wipe(2);
    c.wipe(3);
    c.propose(1, 'after-wipe');
    c.tickUntil(() => [2, 3].every((id) => !c.raft(id).isRepairing()), { ticksMax: 200, what: 'n2 and n3 repaired' });
    expect(c.node(1).term).toBe(term);
    expect(c.node(1).role).toBe(Role.Leader);
    awaitApplied(c, c.node(1).commitIndex, [1, 2, 3]);
    c.crash(1);
    c.campaign(2);
    c.tickUntil(() => [2, 3].some((id) => c.node(id).role === Role.Leader), { ticksMax: 100, what: 'n2 or n3 leads' });
    const leader = c.leader();
    c.propose(leader, 'after-crash');
    awaitApplied(c, c.node(leader).lastIndex, [2, 3]);
    expect(c.applied(leader)).toContain('after-wipe');
  });

  it('when the leader is one of the two wiped, the intact replica is elected with their repairing answers', () => {
    // Shows the liveness rule for a majority of wiped replicas: the one replica that kept its log
    // wins an election in which every other voter answered "repairing" (none refused), then
    // re-replicates the log to both, which vote again. Without it no leader is ever elected: a
    // repairing node never votes, and the intact one cannot win alone. Method: 3 nodes, n1
    // leads and commits 30 entries; wipe n1 and n2; tick until someone leads.
    const c = cluster(3);
    c.electLeader(1);
    for (let i = 0; i < 30; i++) c.propose(1, record(i, 10));
    awaitApplied(c, c.node(1).lastIndex, [1, 2, 3]);
    const committed = c.node(3).commitIndex;
    c.wipe(1);
    c.wipe(2);
    c.tickUntil(() => c.leader() !== None, { ticksMax: 200, what: 'a leader' });
    expect(c.leader()).toBe(3);
    c.propose(3, 'after-wipe');
    c.tickUntil(() => [1, 2].every((id) => !c.raft(id).isRepairing()), { ticksMax: 200, what: 'n1 and n2 repaired' });
    awaitApplied(c, c.node(3).lastIndex, [1, 2, 3]);
    expect(c.node(1).appliedIndex).toBeGreaterThan(committed);
    expect(c.applied(1)).toContain('after-wipe');
  });

  it('repairing answers never elect a candidate while an intact replica that holds more is silent or refuses', () => {
    // Shows the safety side of the same rule: n3 missed 20 committed entries (held by n1 and n2);
    // n2 is wiped and n1 is down. n3's election gets only n2's repairing answer, with n1 silent,
    // so n3 must not win (it would lose the 20 entries n1 still holds). Once n1 is back it refuses
    // n3 and is elected itself. Method: isolate n3, commit 20 entries, heal, wipe n2, crash n1,
    // let n3 campaign for 100 ticks; restart n1 and tick until a leader; the checkers verify
    // leader completeness.
    const c = cluster(3);
    c.electLeader(1);
    c.isolate(3);
    for (let i = 0; i < 20; i++) c.propose(1, record(i, 10));
    awaitApplied(c, c.node(1).lastIndex, [1, 2]);
    c.crash(1);
    c.heal();
    c.wipe(2);
    c.campaign(3);
    c.tickFor(100);
    expect(c.node(3).role).not.toBe(Role.Leader);
    c.restart(1);
    c.tickUntil(() => c.leader() !== None, { ticksMax: 200, what: 'a leader' });
    expect(c.leader()).toBe(1);
    c.propose(1, 'after-restart');
    awaitApplied(c, c.node(1).lastIndex, [1, 2, 3]);
    expect(c.applied(3)).toEqual(expect.arrayContaining([record(19, 10), 'after-restart']));
  });

  it('with five replicas, two repairing do not keep the three intact ones from electing a leader', () => {
    // Method: 5 nodes, n1 leads; wipe n1 and n2; n3..n5 elect a leader among them.
    const c = cluster(5);
    c.electLeader(1);
    for (let i = 0; i < 10; i++) c.propose(1, record(i, 10));
    awaitApplied(c, c.node(1).lastIndex, [1, 2, 3, 4, 5]);
    c.wipe(1);
    c.wipe(2);
    c.tickUntil(() => [3, 4, 5].includes(c.leader()), { ticksMax: 200, what: 'n3, n4 or n5 leads' });
    const leader = c.leader();
    c.propose(leader, 'after-wipe');
    awaitApplied(c, c.node(leader).lastIndex, [1, 2, 3, 4, 5]);
  });
});
