// Unit tests of the core's pure pieces, and a smoke test of RaftNode driven by a minimal loop:
// perfect network, every message delivered in order. The simulator (sim.test.ts) does the rest.
import { describe, expect, it } from 'vitest';
import {
  computeCommitIndex,
  decodeMembership,
  encodeMembership,
  initialState,
  membershipChangeProblem,
  RaftNode,
  Role,
  TERM_JUMP_MAX,
  tallyVotes,
  type Entry,
  type Membership,
  type Message,
  type NodeId,
  type RaftConfig,
} from '../src/index.js';

describe('quorum', () => {
  it.each([
    { matchIndexes: [7, 5, 3], expected: 5 },
    { matchIndexes: [9, 2, 1], expected: 2 },
    { matchIndexes: [4], expected: 4 },
    { matchIndexes: [5, 5, 1, 1], expected: 1 },
    { matchIndexes: [8, 6, 6, 2, 1], expected: 6 },
    { matchIndexes: [], expected: 0 },
  ])('commitIndex of $matchIndexes is $expected', ({ matchIndexes, expected }) => {
    expect(computeCommitIndex(matchIndexes)).toBe(expected);
  });

  it.each([
    { votes: [[1, true], [2, true]], expected: 'won' },
    { votes: [[1, true], [2, false]], expected: 'pending' },
    { votes: [[1, true], [2, false], [3, false]], expected: 'lost' },
    { votes: [[1, true], [9, true]], expected: 'pending' }, // 9 is not a voter
  ] as const)('tally of $votes is $expected', ({ votes, expected }) => {
    expect(tallyVotes([1, 2, 3], new Map(votes.map(([id, v]) => [id, v])))).toBe(expected);
  });
});

describe('membership', () => {
  it('round-trips through a Config entry', () => {
    const m: Membership = { voters: [1, 2, 3], learners: [4] };
    expect(decodeMembership(encodeMembership(m))).toEqual(m);
  });

  it('rejects truncated data', () => {
    expect(() => decodeMembership(encodeMembership({ voters: [1, 2], learners: [] }).slice(0, 6))).toThrow(/malformed/);
  });

  it.each([
    { next: { voters: [1, 2, 3, 4], learners: [] }, problem: null },
    { next: { voters: [1, 2], learners: [3] }, problem: null },
    { next: { voters: [1, 2, 3, 4, 5], learners: [] }, problem: /one voter at a time/ },
    { next: { voters: [1, 4], learners: [] }, problem: /one voter at a time/ },
    { next: { voters: [], learners: [1] }, problem: /at least one voter/ },
    { next: { voters: [1, 2, 3], learners: [3] }, problem: /listed twice/ },
  ])('change to $next', ({ next, problem }) => {
    const result = membershipChangeProblem({ voters: [1, 2, 3], learners: [] }, next);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });
});

/** A perfect network: a loop that runs every node's Ready until nothing is left to do. */
class TinyCluster {
  readonly nodes = new Map<NodeId, RaftNode>();
  private readonly configs = new Map<NodeId, RaftConfig>();
  readonly applied = new Map<NodeId, Entry[]>();
  private inbox: Message[] = [];

  constructor(ids: NodeId[]) {
    const membership = { voters: ids, learners: [] };
    let seed = 7;
    for (const id of ids) {
      const config: RaftConfig = {
        id, electionTicksMin: 10, electionTicksMax: 20, heartbeatTicks: 2, preVote: true, checkQuorum: true,
        maxInflightAppends: 8, maxAppendBytes: 1 << 20, maxInflightBytes: 8 << 20, lagTicksMax: 10,
        prng: { nextInt: (min, max) => min + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % (max - min + 1)) },
      };
      this.configs.set(id, config);
      this.nodes.set(id, new RaftNode(config, initialState(membership)));
      this.applied.set(id, []);
    }
  }

  configOf(id: NodeId): RaftConfig {
    return this.configs.get(id)!;
  }

  settle(): void {
    for (let round = 0; round < 1000; round++) {
      let worked = false;
      for (const [id, node] of this.nodes) {
        if (!node.hasReady()) continue;
        worked = true;
        const ready = node.ready();
        this.inbox.push(...ready.messages);
        this.applied.get(id)!.push(...ready.committed);
        node.advance();
      }
      const batch = this.inbox;
      this.inbox = [];
      for (const m of batch) this.nodes.get(m.to)!.step(m);
      if (!worked && batch.length === 0) return;
    }
    throw new Error('cluster did not settle');
  }

  tick(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const node of this.nodes.values()) node.tick();
      this.settle();
    }
  }

  leader(): RaftNode | undefined {
    return [...this.nodes.values()].find((n) => n.status().role === Role.Leader);
  }
}

describe('RaftNode on a perfect network', () => {
  it('elects one leader and replicates a proposal to every node', () => {
    const c = new TinyCluster([1, 2, 3]);
    c.tick(25);
    const leader = c.leader();
    expect(leader).toBeDefined();
    const result = leader!.propose(new Uint8Array([42]));
    expect(result.ok).toBe(true);
    c.settle();
    c.tick(3);
    for (const id of [1, 2, 3]) {
      const data = c.applied.get(id)!.filter((e) => e.data.length > 0).map((e) => [...e.data]);
      expect(data).toEqual([[42]]);
    }
    expect([...c.nodes.values()].filter((n) => n.status().role === Role.Leader)).toHaveLength(1);
  });

  it('drops a message whose term jumps past TERM_JUMP_MAX, so no member can make the group unelectable', () => {
    // Shows issue #12's forged vote, sent by (or in the name of) a member: a transfer vote of
    // term 2^53-1 would make every node adopt it, and the next term would not fit a safe integer.
    const c = new TinyCluster([1, 2, 3]);
    c.tick(25);
    const leader = c.leader()!;
    const term = leader.status().term;
    for (const node of c.nodes.values()) {
      node.step({ type: 'Vote', from: leader.id === 1 ? 2 : 1, to: node.id, term: Number.MAX_SAFE_INTEGER, lastIndex: 1e9, lastTerm: 1e9, pre: false, transfer: true });
    }
    const events = [...c.nodes.values()].flatMap((n) => n.ready().events);
    for (const node of c.nodes.values()) node.advance();
    expect(events.filter((e) => e.type === 'MessageRefused')).toHaveLength(3);
    expect([...c.nodes.values()].map((n) => n.status().term)).toEqual([term, term, term]);
    // A jump within the bound is ordinary Raft: the group moves to that term and elects again.
    const follower = [...c.nodes.values()].find((n) => n.id !== leader.id)!;
    follower.step({ type: 'Vote', from: leader.id, to: follower.id, term: term + TERM_JUMP_MAX, lastIndex: 0, lastTerm: 0, pre: false, transfer: true });
    c.settle();
    c.tick(60);
    expect(c.leader()).toBeDefined();
    expect(c.leader()!.status().term).toBeGreaterThan(term + TERM_JUMP_MAX);
  });

  it('a follower refuses proposals and names the leader', () => {
    const c = new TinyCluster([1, 2, 3]);
    c.tick(25);
    const leaderId = c.leader()!.id;
    const follower = [...c.nodes.values()].find((n) => n.id !== leaderId)!;
    expect(follower.propose(new Uint8Array([1]))).toEqual({ ok: false, leaderId, reason: 'not-leader' });
  });

  it('a single-node group commits on its own', () => {
    const c = new TinyCluster([1]);
    c.tick(25);
    expect(c.leader()?.id).toBe(1);
    c.leader()!.propose(new Uint8Array([7]));
    c.settle();
    expect(c.applied.get(1)!.some((e) => e.data[0] === 7)).toBe(true);
  });

  it('a node that lost its disk neither votes nor campaigns until it holds a leader-term commit', () => {
    // Shows the repair rule for a wiped node: restarted empty with an unknown repair index, it
    // must not vote (its old vote is gone) until the leader's log up to a commit of the leader's
    // own term is in its log. Method: 3 nodes, commit, replace node 3 by an empty repairing node,
    // check it refuses a vote request, let it catch up, check it grants one.
    const c = new TinyCluster([1, 2, 3]);
    c.tick(25);
    const leader = c.leader()!;
    leader.propose(new Uint8Array([1]));
    c.settle();
    const wiped = [1, 2, 3].find((id) => id !== leader.id)!;
    const fresh = new RaftNode(c.configOf(wiped), { ...initialState({ voters: [1, 2, 3], learners: [] }), repairIndex: Number.MAX_SAFE_INTEGER });
    const voteRequest = (term: number): Message => ({ type: 'Vote', from: 9, to: wiped, term, lastIndex: 0, lastTerm: 0, pre: false, transfer: false });
    fresh.step(voteRequest(1));
    expect(fresh.ready().messages).toContainEqual(expect.objectContaining({ type: 'VoteResponse', granted: false }));
    fresh.advance();
    for (let i = 0; i < 100; i++) fresh.tick();
    expect(fresh.status().role).toBe(Role.Follower); // never campaigned
    c.nodes.set(wiped, fresh);
    c.tick(5); // heartbeats, probing, catch-up, and a commit broadcast
    leader.propose(new Uint8Array([2]));
    c.settle();
    expect(fresh.status().lastIndex).toBe(leader.status().lastIndex);
    const term = fresh.status().term + 1;
    fresh.step({ ...voteRequest(term), lastIndex: 100, lastTerm: term, transfer: true }); // past the leader lease
    expect(fresh.ready().messages).toContainEqual(expect.objectContaining({ type: 'VoteResponse', granted: true }));
  });

  it('a node restarted before its repair finished goes on repairing (the repair index is durable)', () => {
    const c = new TinyCluster([1, 2, 3]);
    const node = new RaftNode(c.configOf(1), { ...initialState({ voters: [1, 2, 3], learners: [] }), repairIndex: Number.MAX_SAFE_INTEGER });
    const ready = node.ready();
    expect(ready.hardState?.repairIndex).toBe(Number.MAX_SAFE_INTEGER); // written before anything is sent
    node.advance();
    // Restart from exactly what was persisted, without being told about the repair again.
    const restarted = new RaftNode(c.configOf(1), { ...initialState({ voters: [1, 2, 3], learners: [] }), hardState: ready.hardState! });
    restarted.step({ type: 'Vote', from: 2, to: 1, term: 5, lastIndex: 0, lastTerm: 0, pre: false, transfer: false });
    expect(restarted.ready().messages).toContainEqual(expect.objectContaining({ type: 'VoteResponse', granted: false }));
  });

  it('a repairing node answers "repairing" only while its host allows it (a group whose membership may have changed)', () => {
    // Shows RaftConfig.repairingAnswers (design-notes "two of three replicas repairing", item 5):
    // the same vote request gets a repairing answer, then a plain refusal once the host says no.
    const c = new TinyCluster([1, 2, 3]);
    let allowed = true;
    const node = new RaftNode({ ...c.configOf(1), repairingAnswers: () => allowed }, { ...initialState({ voters: [1, 2, 3], learners: [] }), repairIndex: Number.MAX_SAFE_INTEGER });
    node.ready();
    node.advance();
    node.step({ type: 'Vote', from: 2, to: 1, term: 5, lastIndex: 0, lastTerm: 0, pre: true, transfer: false });
    expect(node.ready().messages).toContainEqual(expect.objectContaining({ type: 'VoteResponse', granted: false, repairing: true }));
    node.advance();
    allowed = false;
    node.step({ type: 'Vote', from: 3, to: 1, term: 5, lastIndex: 0, lastTerm: 0, pre: true, transfer: false });
    const answer = node.ready().messages.find((m) => m.type === 'VoteResponse' && m.to === 3);
    expect(answer).toMatchObject({ granted: false });
    expect(answer).not.toHaveProperty('repairing');
  });

  it('hands leadership to a named follower', () => {
    const c = new TinyCluster([1, 2, 3]);
    c.tick(25);
    const old = c.leader()!;
    const to = [1, 2, 3].find((id) => id !== old.id)!;
    expect(old.transferLeadership(to)).toBe(true);
    c.settle();
    expect(c.leader()?.id).toBe(to);
  });
});
