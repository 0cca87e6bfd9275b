// Shows that the checkers have teeth: with each deliberate safety bug of config.mutations, the
// simulator reports a violation. Method, per mutation: (1) a constructed scenario, driven by hand
// on a SimCluster, that must throw the expected SafetyViolation with the bug and run clean
// without it; (2) a search over seeds with a fault-heavy schedule that must find a violation
// within a bounded number of seeds, while the same seeds run clean without the bug.
import { describe, expect, it } from 'vitest';
import { Role, type Mutations } from '../src/index.js';
import { SafetyViolation, SimCluster, Simulation, simulationOptionsFor, type SimulationOptions } from '../src/sim/index.js';

/** The paper's setting: no PreVote, no CheckQuorum, so a campaign() is a real election at once. */
const plainRaft = { preVote: false, checkQuorum: false } as const;

/** Runs `scenario` and returns the SafetyViolation it threw, or null when it ran clean. */
function violationOf(scenario: () => void): SafetyViolation | null {
  try {
    scenario();
  } catch (error) {
    if (error instanceof SafetyViolation) return error;
    throw error;
  }
  return null;
}

/** The first seed in [1, seedsMax] whose faulty phase (no liveness phase: a mutated core may
 *  also be slow) ends in a SafetyViolation, with the violation. */
function searchSeeds(profile: Partial<SimulationOptions>, mutations: Mutations | undefined, seedsMax: number): { seed: number; violation: SafetyViolation } | null {
  for (let seed = 1; seed <= seedsMax; seed++) {
    const violation = violationOf(() => {
      new Simulation(simulationOptionsFor(seed, { ...profile, ...(mutations !== undefined ? { mutations } : {}) })).run({ ticks: 400 });
    });
    if (violation !== null) return { seed, violation };
  }
  return null;
}

/** Fault-heavy schedules for the searches. Three nodes with frequent short crashes and splits,
 *  and no PreVote: two candidates in one term are common, which a forgotten vote turns into two
 *  leaders. */
const stormy3: Partial<SimulationOptions> = {
  nodes: 3, ...plainRaft, crashRate: 0.1, downTicksMin: 1, downTicksMax: 2, partitionRate: 0.2, healRate: 0.3,
};
/** Five nodes, one entry per Append, heavy loss: a new leader often gets an old-term entry onto a
 *  majority before its own no-op, which is the moment Figure 8 needs. */
const stormy5: Partial<SimulationOptions> = {
  nodes: 5, ...plainRaft, maxAppendBytes: 1, dropRate: 0.3, crashRate: 0.1, downTicksMin: 1, downTicksMax: 5,
  partitionRate: 0.2, healRate: 0.3, proposeRate: 1,
};

describe('commitOldTermsByCount (Raft §5.4.2, Figure 8)', () => {
  // Figure 8 of the Raft paper with five nodes. Term 1: n1 leads and gets x to n2 only. Term 2:
  // n5 wins with n3 and n4 and appends its no-op at index 2, then crashes before sending it.
  // Term 3: n1 wins again and replicates x to n3; x is now on a majority. A correct leader does
  // not commit it (it is of term 1); the mutated one does. n1 crashes; term 4: n5 wins with n3
  // and n4 (its last term 2 beats their 1) and would overwrite the committed x.
  function figure8(mutations: Mutations | undefined): SimCluster {
    // maxAppendBytes 0 sends one entry per Append, so x reaches n3 before n1's no-op.
    const c = new SimCluster({ nodes: 5, seed: 8, ...plainRaft, maxAppendBytes: 0, ...(mutations !== undefined ? { mutations } : {}) });
    c.electLeader(1);
    c.partition([[1, 2], [3, 4, 5]]);
    c.propose(1, 'x');
    c.deliverAll();
    c.crash(1);
    c.campaign(5);
    c.deliverUntil(() => c.node(5).role === Role.Leader, { what: 'n5 leads term 2' });
    c.isolate(5); // its no-op, in flight, is lost
    c.deliverAll();
    c.crash(5);
    c.heal();
    c.isolate(4);
    c.restart(1);
    c.campaign(1); // term 2: n3 already voted for n5
    c.deliverAll();
    c.campaign(1); // term 3: n2 and n3 vote for n1
    const matchOf = (id: number) => c.node(1).progress.find((p) => p.id === id)?.matchIndex ?? 0;
    c.deliverUntil(() => matchOf(3) >= 2, { what: 'n3 acknowledged x' });
    c.cutOneWay(1, 3); // its no-op to n3, in flight, is lost
    c.deliverUntil(() => matchOf(2) >= 2, { what: 'n2 acknowledged x' }); // x is on n1, n2, n3
    expect(c.disk(3).entry(2)?.term).toBe(1);
    expect(c.disk(3).lastIndex).toBe(2);
    c.isolate(1);
    c.deliverAll();
    c.crash(1);
    c.heal();
    c.restart(5);
    c.campaign(5); // term 3: n2 and n3 voted for n1
    c.deliverAll();
    c.campaign(5); // term 4: n3 and n4 vote for n5
    c.deliverAll();
    return c;
  }

  it('a constructed Figure 8 violates leader completeness with the mutation', () => {
    const violation = violationOf(() => figure8({ commitOldTermsByCount: true }));
    expect(violation?.message).toMatch(/leader completeness violated .*leader 5 of term 4 lacks committed entry \[1\|normal\|x\] at index 2; it holds \[2\|normal\|\]/);
  });

  it('the same schedule is safe without it: x is overwritten but was never committed', () => {
    const c = figure8(undefined);
    expect(c.node(5).role).toBe(Role.Leader);
    expect(c.history.committed[2]).not.toBe('1|normal|x');
    c.restart(1);
    c.tickUntil(() => c.node(1).commitIndex >= c.node(5).commitIndex && c.node(5).commitIndex >= 3, { ticksMax: 60 });
    expect(c.disk(1).entry(2)?.term).toBe(2);
  });

  it('a seed search finds a violation within 1,000 seeds, and the same seeds are clean without it', () => {
    const found = searchSeeds(stormy5, { commitOldTermsByCount: true }, 1_000);
    expect(found, 'no violation in 1,000 seeds').not.toBeNull();
    expect(found?.violation.property).toMatch(/leader completeness|log matching|committed entries are final|state machine safety|applied prefix/);
    expect(searchSeeds(stormy5, undefined, found?.seed ?? 0)).toBeNull();
  });
});

describe('forgetVoteOnRestart (Raft Figure 2: votedFor is persistent)', () => {
  // Three nodes; n3 leads term 1; n1 and n2 cannot hear each other. n1 wins term 2 with n3's
  // vote (and its no-op to n3 is lost, so n2's log stays as good as n3's). n3 restarts; with the
  // mutation it forgot that vote and gives n2 a second one in term 2: two leaders.
  function doubleVote(mutations: Mutations | undefined): SimCluster {
    const c = new SimCluster({ nodes: 3, seed: 2, ...plainRaft, ...(mutations !== undefined ? { mutations } : {}) });
    c.electLeader(3);
    c.partition([[1], [2]]); // n3 still talks to both
    c.campaign(1);
    c.deliverUntil(() => c.node(1).role === Role.Leader, { what: 'n1 leads term 2' });
    c.cutOneWay(1, 3);
    c.deliverAll();
    expect(c.node(1)).toMatchObject({ role: Role.Leader, term: 2 });
    c.crash(3);
    c.restart(3);
    c.campaign(2);
    c.deliverAll();
    return c;
  }

  it('a restarted voter votes twice in one term: two leaders', () => {
    const violation = violationOf(() => doubleVote({ forgetVoteOnRestart: true }));
    expect(violation?.message).toMatch(/election safety violated .*nodes 1 and 2 are both leaders of term 2/);
  });

  it('without it, the restarted voter remembers its vote and n2 loses', () => {
    const c = doubleVote(undefined);
    expect(c.disk(3).hardState).toMatchObject({ term: 2, vote: 1 });
    expect(c.node(2).role).not.toBe(Role.Leader);
  });

  it('a seed search finds a violation within 1,000 seeds, and the same seeds are clean without it', () => {
    const found = searchSeeds(stormy3, { forgetVoteOnRestart: true }, 1_000);
    expect(found, 'no violation in 1,000 seeds').not.toBeNull();
    expect(found?.violation.property).toMatch(/election safety|log matching/);
    expect(searchSeeds(stormy3, undefined, found?.seed ?? 0)).toBeNull();
  });
});

describe('skipLogUpToDateCheck (Raft §5.4.1)', () => {
  // n1 commits x with n2 while n3 is cut off. Then n3, which lacks x, asks n2 for its vote. A
  // correct n2 refuses (n3's log is behind); the mutated one grants it, and n3 leads without x.
  function staleCandidate(mutations: Mutations | undefined): SimCluster {
    const c = new SimCluster({ nodes: 3, seed: 3, ...plainRaft, ...(mutations !== undefined ? { mutations } : {}) });
    c.electLeader(1);
    c.isolate(3);
    c.propose(1, 'x');
    c.deliverAll();
    expect(c.node(1).commitIndex).toBe(2);
    c.heal();
    c.isolate(1);
    c.campaign(3);
    c.deliverAll();
    return c;
  }

  it('a candidate without a committed entry wins with the mutation', () => {
    const violation = violationOf(() => staleCandidate({ skipLogUpToDateCheck: true }));
    expect(violation?.message).toMatch(/leader completeness violated .*leader 3 of term 2 lacks committed entry \[1\|normal\|x\] at index 2/);
  });

  it('without it, the stale candidate loses', () => {
    expect(staleCandidate(undefined).node(3).role).not.toBe(Role.Leader);
  });

  it('the default sweep finds a violation within 20 seeds', () => {
    const found = searchSeeds({}, { skipLogUpToDateCheck: true }, 20);
    expect(found, 'no violation in 20 seeds').not.toBeNull();
    expect(searchSeeds({}, undefined, found?.seed ?? 0)).toBeNull();
  });
});
