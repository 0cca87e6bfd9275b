import { assert } from './assert.js';
import { RaftLog } from './log.js';
import { encodeMembership, isMember, isVoter, membershipChangeProblem } from './membership.js';
import { Progress, ProgressState } from './progress.js';
import { computeCommitIndex, quorumSize, tallyVotes, VoteResult } from './quorum.js';
import {
  EntryType,
  None,
  Role,
  type Entry,
  type HardState,
  type Logger,
  type Membership,
  type Message,
  type NodeId,
  type PersistedState,
  type ProposeResult,
  type RaftConfig,
  type RaftEvent,
  type RaftStatus,
  type Ready,
  type Snapshot,
} from './types.js';

type MessageOf<T extends Message['type']> = Extract<Message, { type: T }>;
type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from'> : never) : never;

const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/**
 * The furthest ahead of this node's term a message's term may be. A term grows by one per
 * election, and PreVote keeps a cut-off node from inflating it, so a real peer is never anywhere
 * near 2^32 terms ahead (that is a century of elections every second). A message that is comes
 * from a buggy or hostile member: adopting it could push the term to the end of the safe integers,
 * where the next election no longer fits, and the group could never elect again (issue #12). It
 * is dropped and reported instead.
 */
export const TERM_JUMP_MAX = 2 ** 32;
const emptyData = new Uint8Array(0);

/** What ready() handed out, so that advance() acknowledges exactly that. */
interface Handed {
  readonly hardState: HardState | null;
  readonly lastIndex: number;
  readonly lastTerm: number;
  readonly appliedIndex: number;
  readonly snapshot: Snapshot | null;
}

/**
 * One member of one Raft group: a pure state machine. Messages and ticks go in through step()
 * and tick(); everything the host must do comes out through ready(), acknowledged by advance().
 * It reads no clock, starts no timer and does no I/O, so the simulator runs it unchanged.
 *
 * Quiescence (CockroachDB's, on etcd/raft's model; configured by RaftConfig.liveness): a leader
 * whose group is idle (everything committed, durable and applied, every member the node-level
 * detector counts as up holding the whole log, the ISR complete, no transfer) sends quiesce
 * heartbeats instead of heartbeats and stops counting time; a follower holding exactly the
 * leader's log does the same. A quiescent node's tick() does nothing, so the host stops ticking
 * it. Any message, a proposal, campaign(), transferLeadership(), wake(), or the detector's
 * peerDown()/peerUp() wakes it. Failure detection moves to the node: a follower whose leader's
 * node is declared down campaigns (peerDown), and a leader that no longer has a quorum of voters
 * up wakes so that CheckQuorum runs. Only timing changes; no safety rule depends on it.
 *
 * Sources: the Raft paper (§ numbers below), Ongaro's thesis (PreVote §9.6, membership §4.1,
 * leadership transfer §3.10), and etcd/raft's design (progress states, flow control, CheckQuorum).
 */
export class RaftNode {
  readonly id: NodeId;
  private readonly config: RaftConfig;
  private readonly log: Logger;
  private readonly raftLog: RaftLog;

  private role: Role = Role.Follower;
  private term: number;
  private vote: NodeId;
  private leaderId: NodeId = None;
  private appliedIndex: number;

  /** Ticks since the last valid message from a leader (followers) or the last CheckQuorum (leaders). */
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTicks = 0;
  /** Logical time, in ticks, for ISR lag. */
  private nowTick = 0;

  private votes = new Map<NodeId, boolean>();
  /** Voters that answered this election as repairing (see tallyVotes). */
  private repairingVotes = new Set<NodeId>();
  private progress = new Map<NodeId, Progress>();
  private isr: NodeId[] = [];
  private transferee: NodeId = None;
  private transferElapsed = 0;
  /** No voting or campaigning until the log again reaches this index from a leader (storage repair). */
  private repairIndex: number;
  /** The highest commit index a leader told this node (volatile; a lower bound of the group's). */
  private leaderCommitIndex = 0;
  /** Idle: no time is counted and, as leader, no heartbeats are sent (see the class comment). */
  private quiescent = false;
  /** peerDown() deferred a campaign for the host to start (campaignIfPending). */
  private campaignPending = false;

  private messages: Message[] = [];
  private events: RaftEvent[] = [];
  private pendingSnapshot: Snapshot | null = null;
  private persistedHardState: HardState;
  private handed: Handed | null = null;
  private reportedRole: { role: Role; leaderId: NodeId } = { role: Role.Follower, leaderId: None };

  /** `repairIndex`: 0 for an intact log; otherwise the node neither votes nor campaigns until
   *  repaired (see onAppend). A node whose disk was lost starts with Number.MAX_SAFE_INTEGER. */
  constructor(config: RaftConfig, persisted: PersistedState & { readonly repairIndex?: number }) {
    assert(config.id > 0, 'node ids are positive');
    assert(config.electionTicksMin > config.heartbeatTicks, 'election timeout exceeds the heartbeat interval');
    assert(config.electionTicksMax >= config.electionTicksMin, 'electionTicksMax >= electionTicksMin');
    assert(config.maxInflightAppends >= 1, 'at least one Append in flight');
    assert(config.maxInflightBytes > 0, 'some bytes in flight');
    assert((config.maxCatchupAppendBytes ?? 1) > 0, 'some bytes per catch-up Append');
    this.id = config.id;
    this.config = config;
    this.log = config.logger ?? silentLogger;
    const { hardState, snapshot, entries } = persisted;
    this.raftLog = new RaftLog(snapshot, entries, hardState.commitIndex);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.persistedHardState = hardState;
    this.appliedIndex = snapshot.meta.index;
    this.repairIndex = Math.max(persisted.repairIndex ?? 0, hardState.repairIndex ?? 0);
    this.resetElectionTimer();
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /** One unit of logical time. Does nothing while quiescent. */
  tick(): void {
    if (this.quiescent) return;
    this.nowTick++;
    if (this.role === Role.Leader) this.tickLeader();
    else this.tickElection();
  }

  /** Handles one message addressed to this node. Stale messages are dropped with a debug line. */
  step(m: Message): void {
    assert(m.to === this.id, 'message delivered to its addressee');
    if (m.term > this.term + TERM_JUMP_MAX) {
      this.log.warn({ from: m.from, term: m.term, ourTerm: this.term }, 'dropped a message whose term jumps too far ahead');
      this.events.push({ type: 'MessageRefused', from: m.from, term: m.term, reason: 'term-jump' });
      return;
    }
    if (this.quiescent && !(m.type === 'Heartbeat' && m.quiesce === true)) {
      // Any message wakes a quiescent node. A follower tells its leader unless the message gets an
      // answer that reaches the leader anyway (or, for TimeoutNow, a vote request).
      const answered = m.from === this.leaderId && m.term === this.term &&
        (m.type === 'Append' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot' || m.type === 'TimeoutNow');
      this.unquiesce(!answered);
    }
    if (m.term > this.term) {
      if (m.type === 'Vote' && !m.transfer && this.inLease()) {
        // CheckQuorum's lease (thesis §4.2.3): we heard from a live leader less than a minimum
        // election timeout ago, so a rejoining node with a higher term cannot depose it.
        this.log.debug({ from: m.from, term: m.term }, 'ignored vote request inside leader lease');
        return;
      }
      const isPreVoteTraffic = (m.type === 'Vote' && m.pre) || (m.type === 'VoteResponse' && m.pre && (m.granted || m.repairing === true));
      if (!isPreVoteTraffic) {
        const fromLeader = m.type === 'Append' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : None);
      }
    } else if (m.term < this.term) {
      this.stepStale(m);
      return;
    }

    switch (m.type) {
      case 'Vote':
        this.onVote(m);
        return;
      case 'VoteResponse':
        this.onVoteResponse(m);
        return;
      case 'Append':
      case 'Heartbeat':
      case 'InstallSnapshot':
        assert(this.role !== Role.Leader, 'at most one leader per term (Election Safety)');
        if (this.role !== Role.Follower) this.becomeFollower(this.term, m.from);
        this.electionElapsed = 0;
        this.setLeader(m.from);
        if (m.type === 'Append') this.onAppend(m);
        else if (m.type === 'Heartbeat') this.onHeartbeat(m);
        else this.onInstallSnapshot(m);
        return;
      case 'AppendResponse':
        if (this.role === Role.Leader) this.onAppendResponse(m);
        return;
      case 'HeartbeatResponse':
        if (this.role === Role.Leader) this.onHeartbeatResponse(m);
        return;
      case 'TimeoutNow':
        this.onTimeoutNow(m);
        return;
    }
  }

  /** Proposes application data. Only a leader accepts; a follower names the leader it knows. */
  propose(data: Uint8Array): ProposeResult {
    return this.proposeEntry(EntryType.Normal, data);
  }

  /** Proposes a membership change: one voter added or removed (thesis §4.1), learners freely.
   *  Only one change may be uncommitted at a time. Throws on an invalid change (a caller bug). */
  proposeMembership(next: Membership): ProposeResult {
    const problem = membershipChangeProblem(this.raftLog.membership(), next);
    if (problem !== null) throw new Error(`invalid membership change: ${problem}`);
    if (this.role === Role.Leader && this.raftLog.lastConfigIndex() > this.raftLog.commitIndex) {
      return { ok: false, leaderId: this.id, reason: 'config-pending' };
    }
    return this.proposeEntry(EntryType.Config, encodeMembership(next));
  }

  /** Starts handing leadership to `to` (thesis §3.10): catch it up, then tell it to campaign.
   *  Proposals are refused meanwhile. Returns false if this node cannot start the transfer. */
  transferLeadership(to: NodeId): boolean {
    if (this.role !== Role.Leader || to === this.id) return false;
    if (!isVoter(this.raftLog.membership(), to)) return false;
    const pr = this.progress.get(to);
    if (pr === undefined) return false;
    this.unquiesce(false);
    this.transferee = to;
    this.transferElapsed = 0;
    this.log.info({ to }, 'started leadership transfer');
    if (pr.matchIndex === this.raftLog.lastIndex()) this.send({ type: 'TimeoutNow', to, term: this.term });
    else this.sendAppend(to);
    return true;
  }

  /** Starts an election now instead of waiting for the timeout: the host calls this when the
   *  leader's connection reset (a killed process resets its sockets at once). */
  campaign(): void {
    if (this.role === Role.Leader) return;
    this.unquiesce(false);
    this.setLeader(None); // we no longer vouch for the old leader, so our lease no longer holds
    this.startElection(false);
  }

  /**
   * The host's node-level detector declared `peer` down (its connection reset, or nothing came
   * from it for the detector's timeout). A node following it campaigns at once (as campaign()),
   * or, with `deferCampaign`, forgets it as leader at once and campaigns when the host calls
   * campaignIfPending(); returns whether such a campaign is pending. A leader drops it from the
   * ISR at once, as Kafka's controller does for a broker it declares dead (it rejoins once it
   * answers holding the whole log), and a quiescent leader whose voters still up are no longer a
   * quorum wakes: its CheckQuorum then runs as in an active group, and steps it down within an
   * election timeout unless a quorum answers.
   *
   * Why defer: one verdict on a node that led thousands of groups would start thousands of
   * elections in one host turn on every survivor, and every later step of them (pre-votes, votes,
   * first Appends) in the same few turns, each turn then taking seconds (test/bench/scale.ts). A
   * host that defers spreads the campaigns over its turns, in random order. Meanwhile the
   * follower no longer vouches for the dead leader (no lease, no leader), so it votes for
   * whichever survivor campaigns first, and drops its own pending campaign when it grants a vote
   * or pre-vote, hears a leader, or campaigns by its election timer (docs/design-notes.md,
   * "Quiescence", item 11).
   */
  peerDown(peer: NodeId, deferCampaign = false): boolean {
    if (peer === this.id) return false;
    if (this.role !== Role.Leader) {
      if (peer !== this.leaderId) return false;
      if (!deferCampaign) {
        this.campaign();
        return false;
      }
      this.setLeader(None);
      this.campaignPending = true;
      return true;
    }
    const pr = this.progress.get(peer);
    if (pr === undefined) return false;
    this.dropFromIsr(pr);
    this.updateIsr();
    if (this.quiescent && !this.liveQuorum()) this.unquiesce(false);
    return false;
  }

  /** Runs the campaign peerDown() deferred, unless something since made it moot (see there).
   *  Returns whether it campaigned. */
  campaignIfPending(): boolean {
    if (!this.campaignPending) return false;
    this.campaign();
    return true;
  }

  /** The host's node-level detector hears `peer` again. A quiescent leader of a group it belongs
   *  to wakes, so that its heartbeats bring the peer back into the ISR (and its answers, if it
   *  lost entries, get them resent). */
  peerUp(peer: NodeId): void {
    if (this.role === Role.Leader && peer !== this.id && this.progress.has(peer)) this.unquiesce(false);
  }

  /** Wakes a quiescent node (nothing otherwise); a follower also tells its leader, which wakes
   *  too. For the host's own reasons to want the group's timers running again. */
  wake(): void {
    this.unquiesce(true);
  }

  /** Whether the group is quiescent here: tick() does nothing, so the host need not call it. */
  isQuiescent(): boolean {
    return this.quiescent;
  }

  /** The state machine made a snapshot at `index` (applied): drop the log up to it. */
  compact(index: number, data: Uint8Array): void {
    assert(index <= this.appliedIndex, 'snapshot only what was applied');
    if (index <= this.raftLog.snapshotIndex) return;
    const term = this.raftLog.term(index);
    assert(term !== undefined, 'compaction index is in the log');
    this.raftLog.compact({ meta: { index, term, membership: this.raftLog.membershipAt(index) }, data });
  }

  // ---------------------------------------------------------------------------------------------
  // Outputs

  hasReady(): boolean {
    return (
      this.messages.length > 0 ||
      this.events.length > 0 ||
      this.roleChanged() ||
      this.pendingSnapshot !== null ||
      this.raftLog.stableIndex < this.raftLog.lastIndex() ||
      this.hardStateChanged() ||
      this.appliedIndex < Math.min(this.raftLog.commitIndex, this.raftLog.lastIndex())
    );
  }

  /** Everything the host must do now, in order: persist, send, apply; then call advance(). */
  ready(): Ready {
    assert(this.handed === null, 'advance() called before the next ready()');
    this.noteRoleChange();
    const hardState = this.hardStateChanged() ? this.currentHardState() : null;
    const entries = this.raftLog.unstableEntries();
    const snapshot = this.pendingSnapshot;
    const applyFrom = Math.max(this.appliedIndex, snapshot?.meta.index ?? 0) + 1;
    const applyTo = Math.min(this.raftLog.commitIndex, this.raftLog.lastIndex());
    const committed = applyFrom <= applyTo ? this.raftLog.slice(applyFrom, applyTo) : [];
    const ready: Ready = {
      hardState: hardState === null ? null : this.persistable(hardState),
      entries,
      snapshot,
      messages: this.messages,
      committed,
      events: this.events,
    };
    this.handed = {
      hardState,
      lastIndex: this.raftLog.lastIndex(),
      lastTerm: this.raftLog.lastTerm(),
      appliedIndex: committed.length > 0 ? committed[committed.length - 1]!.index : applyFrom - 1,
      snapshot,
    };
    this.messages = [];
    this.events = [];
    this.pendingSnapshot = null;
    return ready;
  }

  /** The host did everything the last Ready asked. */
  advance(): void {
    const handed = this.handed;
    assert(handed !== null, 'advance() follows ready()');
    this.handed = null;
    if (handed.hardState !== null) this.persistedHardState = handed.hardState;
    // Entries handed out are durable now, unless a later step replaced them meanwhile: then the
    // replacement is in the next Ready and only the common prefix counts as stable.
    if (this.raftLog.matchTerm(handed.lastIndex, handed.lastTerm)) {
      this.raftLog.stableIndex = Math.max(this.raftLog.stableIndex, handed.lastIndex);
    }
    this.appliedIndex = Math.max(this.appliedIndex, handed.appliedIndex);
    if (this.role === Role.Leader) {
      // The leader counts itself towards a quorum only for entries durable on its own disk.
      const self = this.progress.get(this.id);
      if (self !== undefined && self.maybeUpdate(this.raftLog.stableIndex)) this.maybeCommitAndBroadcast();
    }
  }

  status(): RaftStatus {
    const leader = this.role === Role.Leader;
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      leaderId: this.leaderId,
      commitIndex: this.raftLog.commitIndex,
      appliedIndex: this.appliedIndex,
      firstIndex: this.raftLog.firstIndex(),
      lastIndex: this.raftLog.lastIndex(),
      snapshotIndex: this.raftLog.snapshotIndex,
      membership: this.raftLog.membership(),
      progress: leader
        ? [...this.progress.values()].map((pr) => ({
            id: pr.id,
            matchIndex: pr.matchIndex,
            nextIndex: pr.nextIndex,
            state: pr.state,
            learner: pr.learner,
            inSync: pr.id === this.id || this.isr.includes(pr.id),
            lagTicks: pr.id === this.id ? 0 : this.nowTick - pr.lastCaughtUpTick,
            recentActive: pr.recentActive,
          }))
        : [],
      isr: leader ? [...this.isr] : [],
      transferee: this.transferee,
      quiescent: this.quiescent,
      repairing: this.repairIndex > 0,
    };
  }

  /** The group's membership: the latest Config entry's, committed or not (thesis §4.1: a
   *  server uses the latest configuration in its log). Cheap, unlike status(). */
  membership(): Membership {
    return this.raftLog.membership();
  }

  /** Whether the latest membership change is not committed yet (only one may be pending). */
  isMembershipPending(): boolean {
    return this.raftLog.lastConfigIndex() > this.raftLog.commitIndex;
  }

  /** Whether this node is repairing a log it lost (see the constructor): it neither votes nor
   *  campaigns, and its state machine may lack committed entries a leader has not yet resent. */
  isRepairing(): boolean {
    return this.repairIndex > 0;
  }

  /** The highest commit index this node knows the group reached: its own as leader, else the
   *  highest a leader told it since it started. A follower that applied less is behind. */
  knownCommitIndex(): number {
    return Math.max(this.leaderCommitIndex, this.raftLog.commitIndex);
  }

  /** The entry at `index`, if it is in the in-memory log (for serving reads of the log). */
  entry(index: number): Entry | undefined {
    return this.raftLog.entry(index);
  }

  /**
   * Replaces the data of an applied entry with a rewritten form of it that the state machine
   * considers equivalent (key compaction removes records a later one supersedes), keeping its
   * index, term and type; returns the new entry for the host to store. Raft compares entries by
   * index and term only, so replicas and followers catching up may hold either form.
   */
  rewriteEntry(index: number, data: Uint8Array): Entry {
    assert(index <= this.appliedIndex, 'only applied entries are rewritten');
    return this.raftLog.replaceData(index, data);
  }

  /** The latest snapshot (made by compact() or received from a leader). */
  snapshot(): Snapshot {
    return this.raftLog.snapshot;
  }

  // ---------------------------------------------------------------------------------------------
  // Elections

  private tickElection(): void {
    this.electionElapsed++;
    // Only a node that may campaign restarts its timer (etcd: promotable()). Sim finding (seed
    // 517 of a chaos profile, and scenarios.test.ts "a learner that lost its leader still votes"):
    // a learner, or a voter that has not yet seen its promotion, reset electionElapsed here every
    // timeout without campaigning, so inLease() stayed true forever for the leader it last heard
    // and it ignored every vote request; when its vote was needed, no leader was ever elected.
    if (this.electionElapsed >= this.randomizedElectionTicks && this.canCampaign()) {
      this.electionElapsed = 0;
      this.startElection(false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.transferee !== None && ++this.transferElapsed >= this.config.electionTicksMin) {
      this.log.info({ to: this.transferee }, 'abandoned leadership transfer');
      this.transferee = None;
    }
    if (this.electionElapsed >= this.config.electionTicksMin) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum && !this.quorumActive()) {
        this.log.info({ term: this.term }, 'stepped down: no quorum heard within an election timeout');
        this.becomeFollower(this.term, None);
        return;
      }
      for (const pr of this.progress.values()) if (pr.id !== this.id) pr.recentActive = false;
    }
    this.updateIsr();
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      if (this.mayQuiesce()) this.quiesce();
      else this.broadcastHeartbeat();
    }
  }

  /**
   * Whether the group is idle (CockroachDB's shouldReplicaQuiesce): every entry committed,
   * durable here and applied; no leadership transfer; every member the node-level detector counts
   * as up has acknowledged the whole log (so nothing is in flight to it) in Replicate and was told
   * the commit index by an Append; and the voters up are all in the ISR and make a quorum. A
   * committed last entry also means that no membership change is pending. Members counted down
   * are left out, or a dead node would keep every group it belongs to awake; peerUp() wakes the
   * group when one comes back.
   */
  private mayQuiesce(): boolean {
    const liveness = this.config.liveness;
    if (liveness === undefined || this.transferee !== None) return false;
    const lastIndex = this.raftLog.lastIndex();
    if (this.raftLog.commitIndex !== lastIndex || this.raftLog.stableIndex !== lastIndex || this.appliedIndex !== lastIndex) return false;
    for (const pr of this.progress.values()) {
      if (pr.id === this.id || !liveness.isLive(pr.id)) continue;
      if (pr.matchIndex !== lastIndex || pr.state !== ProgressState.Replicate || pr.commitSent !== lastIndex) return false;
    }
    for (const id of this.raftLog.membership().voters) {
      if ((id === this.id || liveness.isLive(id)) && !this.isr.includes(id)) return false;
    }
    return this.liveQuorum();
  }

  /** Sends quiesce heartbeats and stops counting time. They go only to members holding the whole
   *  log: the commit index they carry needs no cap, and a member counted down that is behind
   *  hears nothing, so cannot quiesce behind (peerUp() wakes the group for it). */
  private quiesce(): void {
    const commitIndex = this.raftLog.commitIndex;
    assert(this.raftLog.lastTerm() === this.term, "a leader's last entry is of its own term (its no-op at least)");
    this.setQuiescent(true);
    this.log.debug({ term: this.term, commitIndex }, 'quiesced');
    for (const pr of this.progress.values()) {
      if (pr.id !== this.id && pr.matchIndex === commitIndex) this.send({ type: 'Heartbeat', to: pr.id, term: this.term, commitIndex, quiesce: true });
    }
  }

  /** Whether the voters the node-level detector counts as up (this node included) are a quorum. */
  private liveQuorum(): boolean {
    const liveness = this.config.liveness;
    const voters = this.raftLog.membership().voters;
    let live = 0;
    for (const id of voters) if (id === this.id || liveness === undefined || liveness.isLive(id)) live++;
    return live >= quorumSize(voters.length);
  }

  /**
   * Leaves quiescence. A leader decides at its next tick whether to heartbeat or quiesce again,
   * and starts a fresh CheckQuorum round. A follower counts election time from now (its leader's
   * node was up all along, or the detector would have had it campaign) and, when `pingLeader`,
   * tells its leader with a HeartbeatResponse: a follower awake under a quiescent leader would
   * hear nothing, time out and campaign.
   */
  private unquiesce(pingLeader: boolean): void {
    if (!this.quiescent) return;
    this.setQuiescent(false);
    this.electionElapsed = 0;
    if (this.role === Role.Leader) {
      this.heartbeatElapsed = this.config.heartbeatTicks;
      for (const pr of this.progress.values()) if (pr.id !== this.id) pr.recentActive = false;
    } else if (pingLeader && this.leaderId !== None) {
      this.send({ type: 'HeartbeatResponse', to: this.leaderId, term: this.term });
    }
  }

  private setQuiescent(quiescent: boolean): void {
    this.quiescent = quiescent;
    this.events.push({ type: quiescent ? 'Quiesced' : 'Woke' });
  }

  private inLease(): boolean {
    return this.config.checkQuorum && this.leaderId !== None && this.electionElapsed < this.config.electionTicksMin;
  }

  private canCampaign(): boolean {
    return isVoter(this.raftLog.membership(), this.id) && this.repairIndex === 0 && this.pendingSnapshot === null;
  }

  /** Starts a PreVote (unless disabled or `force`d by a transfer), or a real election. */
  private startElection(force: boolean): void {
    this.campaignPending = false;
    if (!this.canCampaign()) return;
    const pre = this.config.preVote && !force;
    this.votes = new Map([[this.id, true]]);
    this.repairingVotes = new Set();
    if (pre) {
      this.role = Role.PreCandidate;
      this.setLeader(None);
    } else {
      this.term++;
      this.vote = this.id;
      this.role = Role.Candidate;
      this.setLeader(None);
    }
    this.resetElectionTimer();
    this.events.push({ type: 'ElectionStarted', term: pre ? this.term + 1 : this.term, pre });
    this.log.debug({ term: this.term, pre }, 'started election');
    if (tallyVotes(this.raftLog.membership().voters, this.votes, this.repairingVotes) === VoteResult.Won) {
      this.wonElection(pre);
      return;
    }
    for (const to of this.raftLog.membership().voters) {
      if (to === this.id) continue;
      this.send({
        type: 'Vote',
        to,
        term: pre ? this.term + 1 : this.term,
        lastIndex: this.raftLog.lastIndex(),
        lastTerm: this.raftLog.lastTerm(),
        pre,
        transfer: force,
      });
    }
  }

  private wonElection(pre: boolean): void {
    if (pre) this.startElection(true);
    else this.becomeLeader();
  }

  private onVote(m: MessageOf<'Vote'>): void {
    // We may vote for a candidate we already voted for, or anyone if we have no vote and no leader
    // this term; a PreVote for a future term is granted on the log check alone (thesis §9.6).
    const canVote =
      this.vote === m.from || (this.vote === None && this.leaderId === None) || (m.pre && m.term > this.term);
    const logOk = this.config.mutations?.skipLogUpToDateCheck === true || this.raftLog.isUpToDate(m.lastIndex, m.lastTerm);
    const granted = canVote && logOk && this.repairIndex === 0 && !this.outranks(m);
    // A repairing node may have acknowledged entries it lost, so its vote is not its own to give:
    // it answers that it is repairing (when it would otherwise grant), and the candidate counts
    // that only if every voter still holding its log granted (tallyVotes; design-notes.md
    // "Storage repair"). It keeps the vote like a granted one, so it answers so once per term.
    const repairing = !granted && this.repairIndex > 0 && canVote && logOk && (this.config.repairingAnswers?.() ?? true);
    if ((granted || repairing) && !m.pre) {
      this.vote = m.from;
      this.electionElapsed = 0;
    }
    // Another node campaigns and has our support: a campaign of our own would only compete.
    if (granted) this.campaignPending = false;
    if (granted && m.pre && this.role === Role.PreCandidate) this.becomeFollower(this.term, None); // see outranks()
    this.log.debug({ from: m.from, term: m.term, pre: m.pre, granted, repairing }, 'answered vote request');
    // A granted vote is answered in the candidate's term so the candidate counts it; a refusal
    // carries our term, which tells a stale candidate to step down.
    this.send({ type: 'VoteResponse', to: m.from, term: granted || repairing ? m.term : this.term, granted, pre: m.pre, ...(repairing ? { repairing: true } : {}) });
  }

  /** Sim finding (scenarios.test.ts, "campaign() after the leader is gone"): when a leader dies,
   *  every follower's host sees the connection reset and calls campaign() at about the same
   *  moment. Pre-candidates granted each other's pre-votes, all became candidates of the same
   *  term, split the vote, and the group waited out an election timeout (median 11 ticks of
   *  10..20 over 300 seeds). So a pre-candidate grants a pre-vote only to a log more up to date
   *  than its own or, with an equal log, to a lower id; having granted one, it stands down. Only
   *  liveness is at stake: a pre-vote changes no term and no vote. */
  private outranks(m: MessageOf<'Vote'>): boolean {
    if (!m.pre || this.role !== Role.PreCandidate) return false;
    const tie = m.lastTerm === this.raftLog.lastTerm() && m.lastIndex === this.raftLog.lastIndex();
    return tie && this.id < m.from;
  }

  private onVoteResponse(m: MessageOf<'VoteResponse'>): void {
    const expecting = (m.pre && this.role === Role.PreCandidate) || (!m.pre && this.role === Role.Candidate);
    if (!expecting) return;
    if (!m.granted && m.repairing === true) this.repairingVotes.add(m.from);
    else this.votes.set(m.from, m.granted);
    const voters = this.raftLog.membership().voters;
    const result = tallyVotes(voters, this.votes, this.repairingVotes);
    if (result === VoteResult.Won && !m.pre && tallyVotes(voters, this.votes) !== VoteResult.Won) {
      this.log.warn({ term: this.term, repairing: [...this.repairingVotes] }, 'won an election with repairing voters: every voter that kept its log granted');
    }
    if (result === VoteResult.Won) this.wonElection(m.pre);
    else if (result === VoteResult.Lost) this.becomeFollower(this.term, None);
  }

  private onTimeoutNow(m: MessageOf<'TimeoutNow'>): void {
    if (this.role === Role.Leader) return;
    this.log.info({ from: m.from, term: this.term }, 'received TimeoutNow; campaigning');
    this.startElection(true);
  }

  private becomeFollower(term: number, leaderId: NodeId): void {
    if (this.quiescent) this.setQuiescent(false);
    if (term !== this.term) {
      this.term = term;
      this.vote = None;
    }
    this.role = Role.Follower;
    this.setLeader(leaderId);
    this.progress.clear();
    this.isr = [];
    this.transferee = None;
    this.votes.clear();
    this.repairingVotes.clear();
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetElectionTimer();
  }

  private becomeLeader(): void {
    assert(this.role === Role.Candidate, 'only a candidate becomes leader');
    this.role = Role.Leader;
    this.setLeader(this.id);
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.transferee = None;
    this.progress.clear();
    const membership = this.raftLog.membership();
    for (const id of [...membership.voters, ...membership.learners]) this.addProgress(id, membership);
    this.isr = this.computeIsr();
    this.log.info({ term: this.term, lastIndex: this.raftLog.lastIndex() }, 'became leader');
    // Raft §8: a no-op entry of the new term lets the leader commit everything before it.
    this.appendOwn(EntryType.Normal, emptyData);
    this.broadcastAppend();
  }

  private setLeader(leaderId: NodeId): void {
    this.leaderId = leaderId;
    if (leaderId !== None) this.campaignPending = false;
  }

  private roleChanged(): boolean {
    return this.reportedRole.role !== this.role || this.reportedRole.leaderId !== this.leaderId;
  }

  /** Reports a role or leader change once, as an event of the next Ready. */
  private noteRoleChange(): void {
    if (!this.roleChanged()) return;
    this.reportedRole = { role: this.role, leaderId: this.leaderId };
    this.events.push({ type: 'RoleChanged', role: this.role, term: this.term, leaderId: this.leaderId });
  }

  private resetElectionTimer(): void {
    this.randomizedElectionTicks = this.config.prng.nextInt(this.config.electionTicksMin, this.config.electionTicksMax);
  }

  private quorumActive(): boolean {
    const voters = this.raftLog.membership().voters;
    const active = new Map<NodeId, boolean>();
    for (const id of voters) active.set(id, id === this.id || this.progress.get(id)?.recentActive === true);
    return tallyVotes(voters, active) === VoteResult.Won;
  }

  // ---------------------------------------------------------------------------------------------
  // Replication, leader side

  private proposeEntry(type: EntryType, data: Uint8Array): ProposeResult {
    // A proposal wakes the group; at a follower it wakes the leader too, which also makes a
    // follower whose leader is silently gone find out (it times out and campaigns).
    this.unquiesce(true);
    if (this.role !== Role.Leader) return { ok: false, leaderId: this.leaderId, reason: 'not-leader' };
    if (this.transferee !== None) return { ok: false, leaderId: this.id, reason: 'transferring' };
    const entry = this.appendOwn(type, data);
    this.broadcastAppend();
    return { ok: true, index: entry.index, term: entry.term };
  }

  private appendOwn(type: EntryType, data: Uint8Array): Entry {
    const entry: Entry = { index: this.raftLog.lastIndex() + 1, term: this.term, type, data };
    this.raftLog.append(entry);
    if (type === EntryType.Config) this.onMembershipChanged();
    return entry;
  }

  /** A Config entry was appended (by us as leader, or received): membership changes at once. */
  private onMembershipChanged(): void {
    if (this.role !== Role.Leader) return;
    const membership = this.raftLog.membership();
    for (const id of [...this.progress.keys()]) if (!isMember(membership, id)) this.progress.delete(id);
    for (const id of [...membership.voters, ...membership.learners]) {
      const pr = this.progress.get(id);
      if (pr === undefined) this.addProgress(id, membership);
      else if (pr.learner !== !isVoter(membership, id)) {
        const promoted = new Progress(id, this.raftLog.lastIndex(), !isVoter(membership, id), this.nowTick, this.config.maxInflightAppends, this.config.maxInflightBytes);
        promoted.matchIndex = pr.matchIndex;
        promoted.nextIndex = pr.nextIndex;
        promoted.state = pr.state === ProgressState.Snapshot ? ProgressState.Snapshot : ProgressState.Probe;
        promoted.pendingSnapshotIndex = pr.pendingSnapshotIndex;
        this.progress.set(id, promoted);
      }
    }
    if (this.transferee !== None && !isVoter(membership, this.transferee)) this.transferee = None;
  }

  private addProgress(id: NodeId, membership: Membership): void {
    const pr = new Progress(id, this.raftLog.lastIndex(), !isVoter(membership, id), this.nowTick, this.config.maxInflightAppends, this.config.maxInflightBytes);
    if (id === this.id) {
      pr.matchIndex = this.raftLog.stableIndex;
      pr.becomeReplicate();
      pr.recentActive = true;
    } else if (this.config.liveness?.isLive(id) === false) {
      // A new leader must not count a node that is down in sync (it may quiesce at once).
      this.dropFromIsr(pr);
    }
    this.progress.set(id, pr);
  }

  /** Makes a follower's last caught-up time too old for the ISR: it rejoins once it answers
   *  holding the whole log. */
  private dropFromIsr(pr: Progress): void {
    pr.lastCaughtUpTick = Math.min(pr.lastCaughtUpTick, this.nowTick - this.config.lagTicksMax - 1);
  }

  private broadcastAppend(): void {
    for (const id of this.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private broadcastHeartbeat(): void {
    for (const pr of this.progress.values()) {
      if (pr.id === this.id) continue;
      // Never tell a follower to commit past what it is known to hold (etcd).
      this.send({ type: 'Heartbeat', to: pr.id, term: this.term, commitIndex: Math.min(pr.matchIndex, this.raftLog.commitIndex) });
    }
  }

  /** Sends the next Append (or the snapshot) to one follower, if flow control allows. */
  private sendAppend(to: NodeId, allowEmpty = true): boolean {
    const pr = this.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.nextIndex - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) {
      // The entries it needs were compacted away: send the snapshot instead (Raft §7).
      const snapshot = this.raftLog.snapshot;
      pr.becomeSnapshot(snapshot.meta.index, this.nowTick);
      this.send({ type: 'InstallSnapshot', to, term: this.term, snapshot });
      this.events.push({ type: 'SnapshotSent', to, index: snapshot.meta.index });
      this.log.info({ to, index: snapshot.meta.index }, 'sent snapshot');
      return true;
    }
    const lastIndex = this.raftLog.lastIndex();
    // A follower behind gets smaller Appends (isCatchupAppend's rule: from the commit index down).
    const maxBytes = pr.nextIndex <= this.raftLog.commitIndex ? (this.config.maxCatchupAppendBytes ?? this.config.maxAppendBytes) : this.config.maxAppendBytes;
    const entries = pr.nextIndex <= lastIndex ? this.raftLog.slice(pr.nextIndex, lastIndex, maxBytes) : [];
    if (entries.length === 0 && !allowEmpty) return false;
    const sentLast = prevIndex + entries.length;
    if (sentLast === lastIndex && sentLast > pr.caughtUpProbeIndex) {
      pr.caughtUpProbeIndex = sentLast;
      pr.caughtUpProbeTick = this.nowTick;
    }
    let bytes = 0;
    for (const entry of entries) bytes += entry.data.byteLength;
    pr.sentEntries(sentLast, entries.length, bytes);
    pr.commitSent = this.raftLog.commitIndex;
    this.send({ type: 'Append', to, term: this.term, prevIndex, prevTerm, entries, commitIndex: this.raftLog.commitIndex });
    return true;
  }

  private onAppendResponse(m: MessageOf<'AppendResponse'>): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.rejected && m.logLost === true) {
      if (pr.restartFrom(Math.min(m.hintIndex, this.raftLog.lastIndex()))) {
        this.log.warn({ from: m.from, hintIndex: m.hintIndex }, 'follower lost acknowledged entries; replicating its log again');
        this.sendAppend(m.from);
      }
      return;
    }
    if (m.rejected) {
      // Fast backtracking: skip the follower's whole conflicting term at once, not one entry.
      const hint = m.hintTerm > 0 ? this.raftLog.findConflictByTerm(m.hintIndex, m.hintTerm).index : m.hintIndex;
      if (pr.maybeDecrTo(m.rejectedIndex, hint)) {
        this.log.debug({ from: m.from, rejected: m.rejectedIndex, next: pr.nextIndex }, 'follower rejected append');
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (pr.maybeUpdate(m.matchIndex)) {
      if (pr.state === ProgressState.Probe) pr.becomeReplicate();
      else if (pr.state === ProgressState.Snapshot && pr.matchIndex >= pr.pendingSnapshotIndex) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      if (pr.matchIndex >= pr.caughtUpProbeIndex && pr.caughtUpProbeIndex > 0) pr.lastCaughtUpTick = Math.max(pr.lastCaughtUpTick, pr.caughtUpProbeTick);
      if (pr.matchIndex >= this.raftLog.lastIndex()) pr.lastCaughtUpTick = this.nowTick;
      this.maybeCommitAndBroadcast();
      // Keep the pipeline full.
      while (this.sendAppend(m.from, false));
      this.sendCommitIndex(pr);
      if (m.from === this.transferee && pr.matchIndex === this.raftLog.lastIndex()) {
        this.log.info({ to: m.from }, 'transferee caught up; sent TimeoutNow');
        this.send({ type: 'TimeoutNow', to: m.from, term: this.term });
      }
      this.updateIsr();
    } else if (wasPaused && !pr.isPaused()) {
      while (this.sendAppend(m.from, false));
    }
  }

  private onHeartbeatResponse(m: MessageOf<'HeartbeatResponse'>): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.matchIndex >= this.raftLog.lastIndex()) pr.lastCaughtUpTick = this.nowTick;
    // A full pipeline whose Appends were all lost would wait forever. etcd frees a slot here, which
    // puts one more Append of new data in flight per heartbeat answer; a follower busy writing a
    // catch-up answers a burst of heartbeats at once, and the window overflowed (a wiped node got
    // 16 MB in one write with a 4 MB window; test/bench/rejoin-catchup.ts). Send an empty Append
    // after the last one sent instead: a follower holding all that was sent acknowledges it; one
    // that missed an Append rejects it, and the leader probes again from its match index.
    if (pr.state === ProgressState.Replicate && pr.isPaused()) this.sendEmptyAppend(pr);
    // A snapshot may have been lost: after an election timeout without its ack, probe again.
    if (pr.state === ProgressState.Snapshot && this.nowTick - pr.snapshotSentTick >= this.config.electionTicksMax) pr.becomeProbe();
    if (pr.matchIndex < this.raftLog.lastIndex() || pr.state === ProgressState.Probe) this.sendAppend(m.from);
    else this.sendCommitIndex(pr);
  }

  /** Sends an Append without entries after the last entry sent to `pr`, whatever the flow
   *  control says: it adds nothing in flight. */
  private sendEmptyAppend(pr: Progress): void {
    const prevIndex = pr.nextIndex - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) {
      // Compacted away since it was sent: whatever was lost, the follower needs the snapshot.
      pr.becomeProbe();
      this.sendAppend(pr.id);
      return;
    }
    pr.commitSent = this.raftLog.commitIndex;
    this.send({ type: 'Append', to: pr.id, term: this.term, prevIndex, prevTerm, entries: [], commitIndex: this.raftLog.commitIndex });
  }

  /**
   * Sends an Append, empty if need be, to a follower that no Append has told the current commit
   * index since it was (re)probed. Heartbeats carry the commit index too, but capped at what the
   * follower is known to hold, so they cannot tell it the group's commit index; and a repairing
   * follower votes again only once an Append told it a commit index it holds (onAppend). Sim
   * finding (repair.test.ts): a wiped node restored from a snapshot, or caught up by a probe sent
   * before the leader's no-op committed, stayed repairing, voteless, in an idle group until the
   * next proposal (the commit broadcast skips followers paused in probe or snapshot).
   */
  private sendCommitIndex(pr: Progress): void {
    if (pr.commitSent < this.raftLog.commitIndex && pr.matchIndex >= this.raftLog.commitIndex) this.sendAppend(pr.id);
  }

  /** Raft §5.3/§5.4.2: commit the highest index a majority of voters hold, but only by counting
   *  replicas for an entry of the current term; older entries commit with it (Figure 8). */
  private maybeCommitAndBroadcast(): void {
    const membership = this.raftLog.membership();
    const matches = membership.voters.map((id) => this.progress.get(id)?.matchIndex ?? 0);
    const candidate = computeCommitIndex(matches);
    if (candidate <= this.raftLog.commitIndex) return;
    if (this.config.mutations?.commitOldTermsByCount !== true && this.raftLog.term(candidate) !== this.term) return;
    this.raftLog.commitTo(candidate);
    // A leader that removed itself steps down once the change is committed (thesis §4.2.2).
    if (!isVoter(membership, this.id) && this.raftLog.lastConfigIndex() <= candidate) {
      this.log.info({ term: this.term }, 'stepped down: removed from the group');
      this.becomeFollower(this.term, None);
      return;
    }
    // Tell followers the new commit index now, so their state machines (and acks ALL) follow.
    for (const id of this.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private updateIsr(): void {
    if (this.role !== Role.Leader) return;
    // A follower's caught-up time moves only when it answers (Kafka: when it fetches); a stopped
    // follower holding the whole log must still fall out of the ISR once lagTicksMax passes.
    const self = this.progress.get(this.id);
    if (self !== undefined) self.lastCaughtUpTick = this.nowTick;
    const next = this.computeIsr();
    const before = new Set(this.isr);
    const after = new Set(next);
    for (const id of next) if (!before.has(id)) this.events.push({ type: 'IsrExpanded', nodeId: id, isr: next });
    for (const id of this.isr) if (!after.has(id)) this.events.push({ type: 'IsrShrunk', nodeId: id, isr: next });
    this.isr = next;
  }

  /** Kafka's ISR: the leader, plus every voter that held the leader's whole log at some moment
   *  within the last lagTicksMax ticks. */
  private computeIsr(): NodeId[] {
    const out: NodeId[] = [];
    for (const id of this.raftLog.membership().voters) {
      const pr = this.progress.get(id);
      if (id === this.id || (pr !== undefined && this.nowTick - pr.lastCaughtUpTick <= this.config.lagTicksMax)) out.push(id);
    }
    return out.sort((a, b) => a - b);
  }

  // ---------------------------------------------------------------------------------------------
  // Replication, follower side

  private onAppend(m: MessageOf<'Append'>): void {
    this.leaderCommitIndex = Math.max(this.leaderCommitIndex, m.commitIndex);
    if (m.prevIndex < this.raftLog.commitIndex) {
      // Everything up to our commit index matches any leader's log (Leader Completeness).
      this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: this.raftLog.commitIndex, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (!this.raftLog.matchTerm(m.prevIndex, m.prevTerm)) {
      const hint = this.raftLog.findConflictByTerm(Math.min(m.prevIndex, this.raftLog.lastIndex()), m.prevTerm);
      this.log.debug({ from: m.from, prevIndex: m.prevIndex, hint: hint.index }, 'rejected append');
      this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: 0, rejected: true, rejectedIndex: m.prevIndex, hintIndex: hint.index, hintTerm: hint.term, ...(this.repairIndex > 0 ? { logLost: true } : {}) });
      return;
    }
    const before = this.raftLog.lastConfigIndex();
    const lastNew = this.raftLog.appendAfter(m.prevIndex, m.entries);
    if (this.raftLog.lastConfigIndex() !== before) this.onMembershipChanged();
    this.raftLog.commitTo(Math.min(m.commitIndex, lastNew));
    // Repaired once we hold what we may have acknowledged, or once we hold the leader's log
    // through its commit index and that entry is of the leader's own term: then every committed
    // entry is in our log (Leader Completeness), which is all our vote must protect. The second
    // rule is what lets a node that lost its whole disk (repairIndex unknown) vote again.
    const holdsLeaderCommit = m.commitIndex > 0 && lastNew >= m.commitIndex && this.raftLog.term(m.commitIndex) === m.term;
    if (this.repairIndex > 0 && (lastNew >= this.repairIndex || holdsLeaderCommit)) {
      this.log.info({ repairIndex: this.repairIndex }, 'log repaired from the leader; voting again');
      this.repairIndex = 0;
    }
    this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: lastNew, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 });
  }

  private onHeartbeat(m: MessageOf<'Heartbeat'>): void {
    this.leaderCommitIndex = Math.max(this.leaderCommitIndex, m.commitIndex);
    if (m.quiesce === true) {
      if (this.mayQuiesceAsFollower(m)) {
        // No answer: it would wake the leader.
        this.raftLog.commitTo(m.commitIndex);
        if (!this.quiescent) this.setQuiescent(true);
        return;
      }
      // Answered below as a plain heartbeat, which wakes the leader.
      this.unquiesce(false);
    }
    if (this.repairIndex > 0 && m.commitIndex > this.raftLog.lastIndex()) {
      // The leader believes we hold entries we lost: say so, or it would never resend them.
      const lastIndex = this.raftLog.lastIndex();
      this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: 0, rejected: true, rejectedIndex: m.commitIndex, hintIndex: lastIndex, hintTerm: this.raftLog.lastTerm(), logLost: true });
    }
    this.raftLog.commitTo(Math.min(m.commitIndex, this.raftLog.lastIndex()));
    this.send({ type: 'HeartbeatResponse', to: m.from, term: this.term });
  }

  /** A follower quiesces only when it holds exactly the leader's log (the quiesce heartbeat's
   *  commit index is the leader's last index, of its term), is not repairing, and has a node-level
   *  detector to stand in for its election timer. */
  private mayQuiesceAsFollower(m: MessageOf<'Heartbeat'>): boolean {
    return this.config.liveness !== undefined && this.repairIndex === 0 &&
      this.raftLog.lastIndex() === m.commitIndex && this.raftLog.lastTerm() === m.term;
  }

  private onInstallSnapshot(m: MessageOf<'InstallSnapshot'>): void {
    const { meta } = m.snapshot;
    if (meta.index <= this.raftLog.commitIndex) {
      this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: this.raftLog.commitIndex, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (this.raftLog.matchTerm(meta.index, meta.term)) {
      // We already hold the snapshot's last entry: everything up to it is committed; keep the rest.
      this.raftLog.commitTo(meta.index);
    } else {
      this.log.info({ index: meta.index, term: meta.term }, 'restored snapshot from leader');
      this.raftLog.restore(m.snapshot);
      this.pendingSnapshot = m.snapshot;
    }
    if (this.repairIndex > 0 && meta.index >= this.repairIndex) this.repairIndex = 0;
    this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: meta.index, rejected: false, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 });
  }

  /** A message from an older term. */
  private stepStale(m: Message): void {
    if ((this.config.checkQuorum || this.config.preVote) && (m.type === 'Append' || m.type === 'Heartbeat')) {
      // A leader cut off behind a partition may never hear a higher term otherwise (with PreVote
      // nobody campaigns against it); answering tells it to step down (etcd).
      this.send({ type: 'AppendResponse', to: m.from, term: this.term, matchIndex: 0, rejected: true, rejectedIndex: 0, hintIndex: 0, hintTerm: 0 });
    } else if (m.type === 'Vote' && m.pre) {
      // Tell a pre-candidate with a stale term that it lost, so it catches up.
      this.send({ type: 'VoteResponse', to: m.from, term: this.term, granted: false, pre: true });
    } else {
      this.log.debug({ from: m.from, type: m.type, term: m.term }, 'ignored message from an older term');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private send(m: Outgoing): void {
    this.messages.push({ ...m, from: this.id } as Message);
  }

  private currentHardState(): HardState {
    const hardState = { term: this.term, vote: this.vote, commitIndex: this.raftLog.commitIndex };
    return this.repairIndex > 0 ? { ...hardState, repairIndex: this.repairIndex } : hardState;
  }

  private hardStateChanged(): boolean {
    const p = this.persistedHardState;
    return p.term !== this.term || p.vote !== this.vote || p.commitIndex !== this.raftLog.commitIndex || (p.repairIndex ?? 0) !== this.repairIndex;
  }

  /** The hard state as written to disk; a test mutation may drop the vote from it. */
  private persistable(hardState: HardState): HardState {
    return this.config.mutations?.forgetVoteOnRestart === true ? { ...hardState, vote: None } : hardState;
  }
}
