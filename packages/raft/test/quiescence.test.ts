// Quiescence and node-level failure detection (docs/design-notes.md "Quiescence"), driven step by
// step on SimClusters with `quiesce: true`: every node runs a NodeLivenessTracker that pings its
// peers every 2 ticks over the simulated network and declares a peer down after 10 silent ticks
// (or at once when its connection resets, as on a crash); the simulated host ticks only groups
// that are not quiescent. The safety checkers run after every step of every test. Traces of the
// shorter scenarios are kept in traces/quiesce-*.txt: update them with `vitest -u`, and read the
// diff before committing it.
import { describe, expect, it } from 'vitest';
import { initialState, NodeLivenessTracker, None, RaftNode, Role, type Message, type NodeId, type NodeLiveness, type RaftConfig } from '../src/index.js';
import { SeededPrng, SimCluster, type SimClusterOptions } from '../src/sim/index.js';

/** Election timeout 10..20 ticks, heartbeat every 2, PreVote and CheckQuorum, messages within half
 *  a tick; liveness pings every 2 ticks, a peer down after 10 silent ticks. */
function cluster(nodes: number, options: Partial<SimClusterOptions> = {}): SimCluster {
  return new SimCluster({ nodes, seed: 1, quiesce: true, ...options });
}

const livenessTimeoutTicks = 10;

/** Whether every running node's replica of `group` is quiescent. */
function quiet(c: SimCluster, group = 0): boolean {
  return c.ids.every((id) => !c.isUp(id) || c.isPaused(id) || c.node(id, group).quiescent);
}

function awaitQuiet(c: SimCluster, ticksMax = 20, group = 0): number {
  return c.tickUntil(() => quiet(c, group), { ticksMax, what: `every running replica of group ${group} quiescent` });
}

function awaitApplied(c: SimCluster, index: number, ids: readonly NodeId[] = c.ids, ticksMax = 100): void {
  c.tickUntil(() => ids.every((id) => c.isUp(id) && c.node(id).appliedIndex >= index), { ticksMax, what: `n${ids.join(',n')} applied index ${index}` });
}

/** A 3-node group led by n1 with one entry applied everywhere, quiescent. */
function quiescedGroup(options: Partial<SimClusterOptions> = {}): SimCluster {
  const c = cluster(3, options);
  c.electLeader(1);
  const a = c.propose(1, 'a');
  if (!a.ok) throw new Error('the proposal was refused');
  awaitApplied(c, a.index);
  awaitQuiet(c);
  return c;
}

describe('an idle group', () => {
  it('quiesces within a heartbeat interval and then sends nothing and ticks nothing', async () => {
    // Shows the point of quiescence: once everything is committed and applied everywhere, the
    // leader's next heartbeat is a quiesce heartbeat, the followers (holding the whole log) do not
    // answer it, and from then on no raft message is sent and no group is ticked; only the node
    // liveness pings remain, 2 per node every 2 ticks. Method: 3 nodes, one write, tick until all
    // are quiescent, then 200 idle ticks, counting; the same without quiescence for comparison.
    const c = cluster(3);
    c.electLeader(1);
    c.propose(1, 'a');
    const ticks = awaitQuiet(c);
    expect(ticks).toBeLessThanOrEqual(3);
    expect(c.sent('Heartbeat')).toBeGreaterThanOrEqual(2);
    const before = { messages: c.sentTotal(), groupTicks: c.stats.groupTicks, pings: c.stats.pings };
    c.tickFor(200);
    expect(c.sentTotal() - before.messages).toBe(0);
    expect(c.stats.groupTicks - before.groupTicks).toBe(0);
    expect(c.stats.pings - before.pings).toBe(3 * 2 * (200 / 2));
    expect(c.ids.map((id) => [c.node(id).role, c.node(id).leaderId, c.node(id).quiescent])).toEqual([
      [Role.Leader, 1, true], [Role.Follower, 1, true], [Role.Follower, 1, true],
    ]);
    await expect(c.trace()).toMatchFileSnapshot('traces/quiesce-idle.txt');

    const active = new SimCluster({ nodes: 3, seed: 1 });
    active.electLeader(1);
    active.propose(1, 'a');
    active.tickFor(3);
    const activeBefore = { messages: active.sentTotal(), groupTicks: active.stats.groupTicks };
    active.tickFor(200);
    expect(active.sentTotal() - activeBefore.messages).toBe(400); // a heartbeat and its answer, per follower every 2 ticks
    expect(active.stats.groupTicks - activeBefore.groupTicks).toBe(600);
  });

  it('wakes for a proposal, commits it everywhere, and quiesces again', async () => {
    // Shows that a proposal wakes a quiescent leader (its Appends then wake the followers) and
    // that the group goes back to sleep once the entry is applied everywhere. Method: a quiesced
    // group, propose at n1, tick until applied and quiescent, count the messages the write cost.
    const c = quiescedGroup();
    const messages = c.sentTotal();
    const b = c.propose(1, 'b');
    expect(b.ok).toBe(true);
    expect(c.node(1).quiescent).toBe(false);
    if (b.ok) awaitApplied(c, b.index);
    awaitQuiet(c);
    for (const id of c.ids) expect(c.applied(id)).toEqual(['a', 'b']);
    // Appends and their answers, the commit broadcast and its answers, a quiesce heartbeat each.
    expect(c.sentTotal() - messages).toBeLessThanOrEqual(10);
    await expect(c.trace()).toMatchFileSnapshot('traces/quiesce-wake-on-proposal.txt');
  });

  it('a proposal (or wake()) at a follower wakes the follower and its leader, and both sleep again', () => {
    // Shows the follower side of waking: a proposal at a quiescent follower is refused (it is not
    // the leader) but wakes it, and it tells its leader, which wakes too; otherwise the follower
    // would count time alone, time out and campaign. Method: quiesced group, propose at n2.
    const c = quiescedGroup();
    const term = c.node(1).term;
    expect(c.propose(2, 'x')).toMatchObject({ ok: false, reason: 'not-leader', leaderId: 1 });
    expect(c.node(2).quiescent).toBe(false);
    c.deliverAll();
    expect(c.node(1).quiescent).toBe(false);
    awaitQuiet(c);
    // wake() at a follower, the host's own way to want its timers running, does the same.
    c.wake(3);
    c.deliverAll();
    expect([c.node(1).quiescent, c.node(3).quiescent]).toEqual([false, false]);
    awaitQuiet(c);
    expect(c.ids.map((id) => c.node(id).term)).toEqual([term, term, term]);
    expect(c.stats.elections).toBe(1);
  });

  it('is woken by any message, and a follower awake under a quiescent leader is put back to sleep', () => {
    // Shows that a stray message (here a pre-vote from a node that believes the leader gone)
    // wakes the quiescent node it reaches without deposing anyone: the woken follower is inside
    // its leader lease and ignores it, and tells the leader, which quiesces the group again.
    // Method: quiesced group; n3's connection to n1 resets while n1 runs (a network blip), so
    // n3's tracker declares n1 down until its next ping, and n3 campaigns.
    const c = quiescedGroup();
    const term = c.node(1).term;
    c.resetConnection(3, 1);
    expect(c.node(3).role).toBe(Role.PreCandidate);
    awaitQuiet(c);
    expect(c.ids.map((id) => [c.node(id).term, c.node(id).leaderId])).toEqual([[term, 1], [term, 1], [term, 1]]);
  });
});

describe('failure detection moves to the node', () => {
  it('the leader of a quiesced group is killed: its connections reset and a follower is elected at once', async () => {
    // Shows failover of a quiescent group when the leader's process dies: the followers' trackers
    // see its connections reset and declare it down, so they campaign without waiting (a quiescent
    // follower counts no election time, so nothing else would). Method: quiesced group, crash n1.
    const c = quiescedGroup();
    c.crash(1);
    const ticks = c.tickUntil(() => c.leader() !== None && c.leader() !== 1, { ticksMax: 5, what: 'a new leader' });
    expect(ticks).toBeLessThanOrEqual(2);
    awaitQuiet(c);
    expect(c.node(c.leader()).isr).not.toContain(1);
    await expect(c.trace()).toMatchFileSnapshot('traces/quiesce-leader-killed.txt');
  });

  it('the leader of a quiesced group stops silently (SIGSTOP): a follower is elected once its node is declared down', () => {
    // Shows detection by silence: a paused process resets no connection, so the followers learn
    // it is gone only when its liveness pings stop for the timeout; then they campaign, and the
    // paused leader, resumed, follows the new one. Method: quiesced group, pause n1.
    const c = quiescedGroup();
    const term = c.node(2).term;
    c.pause(1);
    const ticks = c.tickUntil(() => [2, 3].includes(c.leader()), { ticksMax: 60, what: 'n2 or n3 leads' });
    expect(ticks).toBeGreaterThanOrEqual(livenessTimeoutTicks - 2); // the last ping may be a tick or two old
    expect(ticks).toBeLessThanOrEqual(livenessTimeoutTicks + 3);
    const leader = c.leader();
    expect(c.node(leader).term).toBe(term + 1);
    c.resume(1);
    awaitQuiet(c, 40);
    expect(c.node(1)).toMatchObject({ role: Role.Follower, leaderId: leader, term: term + 1 });
    expect(c.node(leader).isr).toEqual([1, 2, 3]);
  });

  it('a partitioned quiesced leader wakes when its node loses a quorum, and steps down by CheckQuorum', async () => {
    // Shows the stand-in for CheckQuorum: a quiescent leader runs no CheckQuorum rounds, so a
    // leader cut off from its followers keeps leading until its tracker declares a quorum of its
    // voters down; then it wakes, and CheckQuorum deposes it an election timeout later. On the
    // other side the followers elect a new leader after the same detection delay. After the heal
    // the old leader follows and the group quiesces again. Method: quiesced group, isolate n1.
    const c = quiescedGroup();
    c.isolate(1);
    const isolatedAt = c.ticks;
    c.tickUntil(() => [2, 3].includes(c.leader()), { ticksMax: 40, what: 'n2 or n3 leads' });
    const stepDown = c.tickUntil(() => c.node(1).role !== Role.Leader, { ticksMax: 40, what: 'n1 steps down' });
    expect(c.ticks - isolatedAt).toBeLessThanOrEqual(livenessTimeoutTicks + 2 * 10 + 2);
    expect(stepDown).toBeGreaterThan(0);
    const leader = c.leader();
    c.heal();
    awaitQuiet(c, 40);
    expect(c.node(1)).toMatchObject({ role: Role.Follower, leaderId: leader });
    await expect(c.trace()).toMatchFileSnapshot('traces/quiesce-partitioned-leader.txt');
  });

  it('a follower cut off while the leader writes does not quiesce behind; the leader quiesces without it, then catches it up', () => {
    // Shows that quiescence never leaves a live follower behind: while n3 is cut off but not yet
    // declared down, n1 cannot quiesce (n3 has not acknowledged the new entry) and keeps
    // heartbeating; once n3 is declared down, n1 drops it from the ISR and quiesces without it
    // (no quiesce heartbeat goes to a member lacking the log). n3 itself never quiesces behind.
    // When n3 is heard again, n1 wakes, catches it up, and only then does the whole group sleep.
    // PreVote and the leases keep n3's campaigns from deposing anyone. Method: quiesced group,
    // isolate n3, propose at n1, tick, heal.
    const c = quiescedGroup();
    const term = c.node(1).term;
    c.isolate(3);
    const b = c.propose(1, 'b');
    if (!b.ok) throw new Error('the proposal was refused');
    awaitApplied(c, b.index, [1, 2]);
    c.tickFor(4);
    expect(c.node(1).quiescent).toBe(false); // n3 is still counted up, and lacks 'b'
    c.tickUntil(() => c.node(1).quiescent, { ticksMax: 30, what: 'n1 quiesces without n3' });
    c.deliverAll(); // its quiesce heartbeat to n2
    expect(c.seesLive(1, 3)).toBe(false);
    expect(c.node(1).isr).toEqual([1, 2]);
    expect(c.node(2).quiescent).toBe(true);
    expect(c.node(3).quiescent).toBe(false);
    expect(c.node(3).lastIndex).toBeLessThan(b.index);
    c.heal();
    awaitApplied(c, b.index, c.ids, 40);
    awaitQuiet(c, 40);
    expect(c.node(1).isr).toEqual([1, 2, 3]);
    expect(c.ids.map((id) => [c.node(id).term, c.node(id).leaderId])).toEqual([[term, 1], [term, 1], [term, 1]]);
    expect(c.applied(3)).toEqual(['a', 'b']);
  });
});

describe('learners, transfers and many groups', () => {
  it('a learner quiesces with the voters; down, it is left out; back, it is caught up first', () => {
    // Shows learners under quiescence: a learner holding the log quiesces like a follower; a
    // learner that is down does not keep the group awake (the leader quiesces without it after a
    // write), and when it is heard again the leader wakes and replicates what it missed before
    // the group sleeps again. Method: voters 1..3 and learner 4; crash n4, write, restart n4.
    const c = cluster(4, { voters: [1, 2, 3], learners: [4] });
    c.electLeader(1);
    c.propose(1, 'a');
    awaitQuiet(c);
    c.crash(4);
    const b = c.propose(1, 'b');
    if (!b.ok) throw new Error('the proposal was refused');
    awaitApplied(c, b.index, [1, 2, 3]);
    awaitQuiet(c);
    expect(c.node(1).isr).toEqual([1, 2, 3]);
    c.restart(4);
    awaitApplied(c, b.index, c.ids, 40);
    awaitQuiet(c, 40);
    expect(c.node(1).progress.find((p) => p.id === 4)).toMatchObject({ learner: true, matchIndex: b.index });
    expect(c.applied(4)).toEqual(['a', 'b']);
  });

  it('a leadership transfer wakes a quiesced group, and it quiesces again under the new leader', async () => {
    // Shows that transferLeadership wakes the leader (a transfer needs its timers and messages),
    // the target wins with TimeoutNow, and the group quiesces under it. Method: quiesced group,
    // transfer 1 → 2.
    const c = quiescedGroup();
    const term = c.node(1).term;
    expect(c.transferLeadership(1, 2)).toBe(true);
    c.tickUntil(() => c.leader() === 2, { ticksMax: 10, what: 'n2 leads' });
    awaitQuiet(c);
    expect(c.ids.map((id) => [c.node(id).term, c.node(id).leaderId])).toEqual([[term + 1, 2], [term + 1, 2], [term + 1, 2]]);
    await expect(c.trace()).toMatchFileSnapshot('traces/quiesce-transfer.txt');
  });

  it('a node crash fails over exactly the groups it led; the others stay asleep', () => {
    // Shows failure detection per node with many groups: 12 groups on 3 nodes, each node leading
    // 4, all quiescent. When n1 dies, its peers' trackers declare it down once, and every group n1
    // led elects a new leader at once, while the groups led by n2 and n3 only drop n1 from their
    // ISR and stay quiescent (they still have a quorum): no election, no message. Method: crash n1.
    const groups = 12;
    const c = cluster(3, { groups });
    for (let g = 0; g < groups; g++) {
      c.electLeader(1 + (g % 3), { group: g });
      c.propose(1 + (g % 3), `g${g}`, g);
    }
    for (let g = 0; g < groups; g++) awaitQuiet(c, 20, g);
    const elections = c.stats.elections;
    c.crash(1);
    c.tickFor(3);
    for (let g = 0; g < groups; g++) {
      const leader = c.leader(g);
      if (g % 3 === 0) expect(leader, `group ${g}`).not.toBe(1);
      else expect(leader, `group ${g}`).toBe(1 + (g % 3));
      expect(c.node(leader, g).isr, `group ${g}`).toEqual([2, 3]);
    }
    expect(c.stats.elections - elections).toBe(groups / 3);
    for (let g = 0; g < groups; g++) awaitQuiet(c, 20, g);
  });

  it('a host that defers the campaigns of a verdict spreads them over its ticks, and the survivors share the groups', () => {
    // Shows deferred campaigns (RaftNode.peerDown with deferCampaign): when n1 dies, n2 and n3
    // forget it as the leader of the groups it led at once, but campaign for them one per tick
    // each, in random order, as the broker's host spreads thousands of them over its turns. A
    // group reached first by one survivor is elected with the other's vote (it no longer vouches
    // for n1), which cancels the other's pending campaign: one election per group, every group
    // led within a few ticks, and both survivors lead some. Method: 30 groups on 3 nodes, each
    // node leading 10, all quiescent; crash n1 with campaignsPerTick 1.
    const groups = 30;
    const c = cluster(3, { groups, campaignsPerTick: 1 });
    for (let g = 0; g < groups; g++) {
      c.electLeader(1 + (g % 3), { group: g });
      c.propose(1 + (g % 3), `g${g}`, g);
    }
    for (let g = 0; g < groups; g++) awaitQuiet(c, 20, g);
    const elections = c.stats.elections;
    const led = Array.from({ length: groups }, (_, g) => g).filter((g) => g % 3 === 0);
    c.crash(1);
    c.tick();
    const campaigning = (id: NodeId) => led.filter((g) => c.node(id, g).role !== Role.Follower).length;
    expect(campaigning(2) + campaigning(3)).toBeLessThanOrEqual(2); // one campaign per tick and node
    expect(led.every((g) => c.node(2, g).leaderId === None && c.node(3, g).leaderId === None)).toBe(true);
    c.tickUntil(() => led.every((g) => c.leader(g) !== None && c.leader(g) !== 1), { ticksMax: led.length + 6, what: "a new leader for each group n1 led" });
    expect(c.stats.elections - elections).toBe(led.length);
    const leaders = led.map((g) => c.leader(g));
    expect(leaders).toContain(2);
    expect(leaders).toContain(3);
    for (let g = 0; g < groups; g++) {
      if (g % 3 !== 0) expect(c.leader(g), `group ${g}`).toBe(1 + (g % 3));
      awaitQuiet(c, 20, g);
    }
  });
});

describe('RaftNode, by hand', () => {
  const everyoneLive = { isLive: () => true };
  function node(id: NodeId, entries: number, liveness: NodeLiveness = everyoneLive): RaftNode {
    const config: RaftConfig = {
      id, electionTicksMin: 10, electionTicksMax: 20, heartbeatTicks: 2, preVote: true, checkQuorum: true, maxInflightAppends: 4,
      maxAppendBytes: 1 << 20, maxInflightBytes: 1 << 20, lagTicksMax: 20, prng: new SeededPrng(id), liveness,
    };
    const base = initialState({ voters: [1, 2, 3], learners: [] });
    const log = Array.from({ length: entries }, (_, i) => ({ index: i + 1, term: 1, type: 'normal' as const, data: new Uint8Array([i]) }));
    return new RaftNode(config, { ...base, hardState: { term: 1, vote: 1, commitIndex: 0 }, entries: log });
  }
  const quiesce = (commitIndex: number): Message => ({ type: 'Heartbeat', from: 1, to: 2, term: 1, commitIndex, quiesce: true });

  it('a follower holding exactly the leader log quiesces without answering; tick() then does nothing', () => {
    const follower = node(2, 5);
    follower.step(quiesce(5));
    const ready = follower.ready();
    expect(ready.messages).toEqual([]);
    expect(ready.events).toContainEqual({ type: 'Quiesced' });
    follower.advance();
    for (let i = 0; i < 100; i++) follower.tick();
    expect(follower.status()).toMatchObject({ role: Role.Follower, leaderId: 1, commitIndex: 5, quiescent: true });
    expect(follower.hasReady()).toBe(false);
  });

  it.each([
    { what: 'lacks the last entry', entries: 4 },
    { what: 'holds an entry more', entries: 6 },
  ])('a follower that $what answers the quiesce heartbeat like a heartbeat and stays awake', ({ entries }) => {
    const follower = node(2, entries);
    follower.step(quiesce(5));
    expect(follower.ready().messages).toEqual([{ type: 'HeartbeatResponse', from: 2, to: 1, term: 1 }]);
    follower.advance();
    expect(follower.isQuiescent()).toBe(false);
  });

  it('a quiescent follower woken by a stranger tells its leader; one woken by its leader does not need to', () => {
    const stray = node(2, 5);
    stray.step(quiesce(5));
    stray.ready();
    stray.advance();
    stray.step({ type: 'Vote', from: 3, to: 2, term: 2, lastIndex: 5, lastTerm: 1, pre: true, transfer: false });
    expect(stray.ready().messages).toEqual([{ type: 'HeartbeatResponse', from: 2, to: 1, term: 1 }]); // the pre-vote is ignored: leader lease
    const woken = node(2, 5);
    woken.step(quiesce(5));
    woken.ready();
    woken.advance();
    woken.step({ type: 'Heartbeat', from: 1, to: 2, term: 1, commitIndex: 5 });
    expect(woken.ready().messages).toEqual([{ type: 'HeartbeatResponse', from: 2, to: 1, term: 1 }]); // the answer alone
  });

  it('peerDown with a deferred campaign forgets the leader at once; the campaign runs later unless another candidate got the vote', () => {
    const dead = { isLive: (id: NodeId) => id !== 1 };
    const deferred = () => {
      const follower = node(2, 5, dead);
      follower.step(quiesce(5));
      follower.ready();
      follower.advance();
      expect(follower.peerDown(3, true)).toBe(false); // not its leader: nothing to do
      expect(follower.peerDown(1, true)).toBe(true);
      expect(follower.status()).toMatchObject({ role: Role.Follower, leaderId: None, quiescent: true });
      const ready = follower.ready();
      expect(ready.messages).toEqual([]);
      follower.advance();
      return follower;
    };
    // Nobody else campaigned: the host's call runs the pre-vote.
    const alone = deferred();
    expect(alone.campaignIfPending()).toBe(true);
    expect(alone.status().role).toBe(Role.PreCandidate);
    expect(alone.ready().messages.filter((m) => m.type === 'Vote').map((m) => m.to)).toEqual([1, 3]);
    alone.advance();
    expect(alone.campaignIfPending()).toBe(false); // once
    // n3 campaigned first: no lease holds n2 back, it grants, and its own campaign is dropped.
    const voter = deferred();
    voter.step({ type: 'Vote', from: 3, to: 2, term: 2, lastIndex: 5, lastTerm: 1, pre: true, transfer: false });
    expect(voter.ready().messages).toEqual([{ type: 'VoteResponse', from: 2, to: 3, term: 2, granted: true, pre: true }]);
    voter.advance();
    expect(voter.campaignIfPending()).toBe(false);
    expect(voter.status().role).toBe(Role.Follower);
  });

  it('a follower without a node-level detector never quiesces', () => {
    const config: RaftConfig = {
      id: 2, electionTicksMin: 10, electionTicksMax: 20, heartbeatTicks: 2, preVote: true, checkQuorum: true, maxInflightAppends: 4,
      maxAppendBytes: 1 << 20, maxInflightBytes: 1 << 20, lagTicksMax: 20, prng: new SeededPrng(2),
    };
    const follower = new RaftNode(config, initialState({ voters: [1, 2, 3], learners: [] }));
    follower.step({ type: 'Heartbeat', from: 1, to: 2, term: 1, commitIndex: 0, quiesce: true });
    expect(follower.isQuiescent()).toBe(false);
    expect(follower.ready().messages).toEqual([{ type: 'HeartbeatResponse', from: 2, to: 1, term: 1 }]);
  });
});

describe('NodeLivenessTracker', () => {
  it('pings every pingTicks and declares a silent peer down after timeoutTicks, once', () => {
    const t = new NodeLivenessTracker({ self: 1, peers: [1, 2, 3], pingTicks: 2, timeoutTicks: 5 });
    const pings: number[] = [];
    const downs: string[] = [];
    for (let tick = 1; tick <= 12; tick++) {
      if (tick <= 6) t.heard(3); // n3 is heard before each of ticks 1..6, then falls silent
      const { down, ping } = t.tick();
      if (ping) pings.push(tick);
      for (const peer of down) downs.push(`t${tick} n${peer}`);
    }
    expect(pings).toEqual([2, 4, 6, 8, 10, 12]);
    expect(downs).toEqual(['t5 n2', 't10 n3']); // silent through ticks 6..10
    expect([t.isLive(1), t.isLive(2), t.isLive(3)]).toEqual([true, false, false]);
  });

  it('a reset connection declares the peer down at once; anything heard brings it back up', () => {
    const t = new NodeLivenessTracker({ self: 1, peers: [2, 3], pingTicks: 2, timeoutTicks: 10 });
    expect(t.connectionLost(2)).toBe(true);
    expect(t.connectionLost(2)).toBe(false); // already down
    expect(t.isLive(2)).toBe(false);
    expect(t.heard(3)).toBe(false); // up all along: no change to report
    expect(t.heard(2)).toBe(true);
    expect(t.isLive(2)).toBe(true);
    expect(t.tick().down).toEqual([]);
    expect(t.heard(4)).toBe(false); // a peer first heard later is tracked from then on
    for (let i = 0; i < 8; i++) expect(t.tick().down).toEqual([]);
    expect(t.tick().down).toEqual([2, 3]); // 10 ticks after they were last heard
    expect(t.tick().down).toEqual([4]);
  });

  it('tells how many ticks may pass before the next ping or verdict is due', () => {
    const t = new NodeLivenessTracker({ self: 1, peers: [2, 3], pingTicks: 4, timeoutTicks: 6 });
    const steps: string[] = [];
    for (let tick = 1; tick <= 8; tick++) {
      if (tick === 1) t.heard(2);
      if (tick === 3) t.heard(3);
      const due = t.ticksUntilDue();
      const { down, ping } = t.tick();
      steps.push(`${due}${ping ? ' ping' : ''}${down.length > 0 ? ` down ${down.join(',')}` : ''}`);
    }
    // Ping at ticks 4 and 8; n2 (heard before tick 1) down at tick 6, n3 (before tick 3) at 8.
    expect(steps).toEqual(['4', '3', '2', '1 ping', '2', '1 down 2', '2', '1 ping down 3']);
    t.heard(2);
    t.heard(3);
    expect(t.ticksUntilDue()).toBe(4); // the next ping, at tick 12, comes before any verdict (14)
  });

  it('refuses a timeout that does not span a ping interval', () => {
    expect(() => new NodeLivenessTracker({ self: 1, peers: [2], pingTicks: 5, timeoutTicks: 5 })).toThrow(/spans more than one ping/);
  });
});
