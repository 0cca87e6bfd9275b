/** A node's id within the cluster. Ids are positive; 0 means "none" (no vote, no leader). */
export type NodeId = number;

/** The id that stands for "nobody": no vote cast, no leader known. */
export const None: NodeId = 0;

export const Role = {
  Follower: 'follower',
  PreCandidate: 'pre-candidate',
  Candidate: 'candidate',
  Leader: 'leader',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const EntryType = {
  /** Application data, opaque to raft. An empty Normal entry is the no-op a new leader appends. */
  Normal: 'normal',
  /** A membership change; `data` is an encoded Membership (see membership.ts). */
  Config: 'config',
} as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

/** One log entry. Entries are immutable once created. */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be durable before a node answers anyone: Raft Figure 2's persistent state, plus the
 *  commit index so that a restarted node applies no further than it knew was committed. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commitIndex: number;
  /** Set while the node repairs a log it lost (see RaftNode): it must stay durable like the
   *  vote, or a restart would let the node vote again with a log missing what it acknowledged.
   *  Absent means 0: intact. */
  readonly repairIndex?: number;
}

/** The voters and learners of a group. Learners receive the log but neither vote nor count
 *  towards a quorum. A node is in at most one of the two lists. */
export interface Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** Identifies the state a snapshot captures: everything up to and including `index`. */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly membership: Membership;
}

/** A state-machine snapshot. `data` is opaque to raft: the state machine makes and restores it. */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

type Envelope = { readonly from: NodeId; readonly to: NodeId; readonly term: number };

/** The messages raft nodes exchange. The transport carries them verbatim; the host never
 *  inspects them beyond `to`. */
export type Message = Envelope &
  (
    | {
        readonly type: 'Vote';
        readonly lastIndex: number;
        readonly lastTerm: number;
        /** A PreVote (Raft thesis §9.6): asks "would you vote for me" without raising anyone's term. */
        readonly pre: boolean;
        /** Sent on a leader's TimeoutNow: voters skip their leader-lease check. */
        readonly transfer: boolean;
      }
    | {
        readonly type: 'VoteResponse';
        readonly granted: boolean;
        readonly pre: boolean;
        /** On refusal: this voter lost its log and is repairing, so its vote is not its own to give;
         *  the candidate's log passed its up-to-date check, and it would vote for the candidate if
         *  every voter that is not repairing does (see tallyVotes). */
        readonly repairing?: boolean;
      }
    | {
        readonly type: 'Append';
        readonly prevIndex: number;
        readonly prevTerm: number;
        readonly entries: readonly Entry[];
        readonly commitIndex: number;
      }
    | {
        readonly type: 'AppendResponse';
        /** On success, the index of the last entry the follower now holds that matches the leader. */
        readonly matchIndex: number;
        readonly rejected: boolean;
        /** On rejection: the prevIndex that was rejected, and a hint for fast backtracking: the
         *  follower's last index at or below it whose term is at most `hintTerm`. */
        readonly rejectedIndex: number;
        readonly hintIndex: number;
        readonly hintTerm: number;
        /** On rejection: this follower lost entries it had acknowledged (its disk was lost or
         *  failed its checks) and is repairing; the leader restarts its progress from hintIndex.
         *  Without it the leader would take the rejection for a stale one (at or below match). */
        readonly logLost?: boolean;
      }
    | {
        readonly type: 'Heartbeat';
        readonly commitIndex: number;
        /** The leader quiesces the group (see RaftNode "Quiescence"): sent only to a member known to
         *  hold the leader's whole log, so `commitIndex` is the leader's last index, of its term. A
         *  follower holding exactly that log stops counting election time and does not answer; any
         *  other follower answers as to a plain heartbeat, which wakes the leader. */
        readonly quiesce?: boolean;
      }
    | { readonly type: 'HeartbeatResponse' }
    | { readonly type: 'InstallSnapshot'; readonly snapshot: Snapshot }
    | { readonly type: 'TimeoutNow' }
  );
export type MessageType = Message['type'];

/** Something a host may want to log, count or react to. Not needed for correctness. */
export type RaftEvent =
  | { readonly type: 'RoleChanged'; readonly role: Role; readonly term: number; readonly leaderId: NodeId }
  | { readonly type: 'IsrShrunk'; readonly nodeId: NodeId; readonly isr: readonly NodeId[] }
  | { readonly type: 'IsrExpanded'; readonly nodeId: NodeId; readonly isr: readonly NodeId[] }
  | { readonly type: 'SnapshotSent'; readonly to: NodeId; readonly index: number }
  | { readonly type: 'ElectionStarted'; readonly term: number; readonly pre: boolean }
  /** The group went quiet here: tick() does nothing until it wakes, so the host may stop ticking it. */
  | { readonly type: 'Quiesced' }
  /** The group woke from quiescence: the host must tick it again. */
  | { readonly type: 'Woke' }
  /** A message was dropped for a term no honest member could have reached (see TERM_JUMP_MAX). */
  | { readonly type: 'MessageRefused'; readonly from: NodeId; readonly term: number; readonly reason: 'term-jump' };

/** Everything the host must do, in order, before calling advance(). */
export interface Ready {
  /** 1. Persist, together with `entries` and `snapshot`, in one durable write. */
  readonly hardState: HardState | null;
  /** 1. Persist. The first entry's index may be at or below the last persisted index: the
   *  entries from there on replace the persisted tail. */
  readonly entries: readonly Entry[];
  /** 1. Persist, then restore the state machine from it. Received from a leader; every log
   *  entry at or below its index is obsolete. */
  readonly snapshot: Snapshot | null;
  /** 2. Send, only after step 1 is durable. Exception (Raft thesis §10.2.1): a leader's Append,
   *  Heartbeat, InstallSnapshot and TimeoutNow may be sent while step 1 is being written, since
   *  the leader counts itself towards commit only from advance() on. */
  readonly messages: readonly Message[];
  /** 3. Apply to the state machine, in order. Every entry here is committed and persisted. */
  readonly committed: readonly Entry[];
  /** Informational events since the last Ready. */
  readonly events: readonly RaftEvent[];
}

/** A seeded source of randomness; raft uses it only for election timeouts. */
export interface Prng {
  /** A uniformly distributed integer in [min, max], both inclusive. */
  nextInt(min: number, max: number): number;
}

/** The subset of pino's interface raft logs through. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a node finds on its disk when it starts. A brand-new node passes its initial
 *  membership as a snapshot at index 0. */
export interface PersistedState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot;
  /** The log after the snapshot, contiguous from snapshot.meta.index + 1. */
  readonly entries: readonly Entry[];
}

/** Deliberate safety bugs, for showing that the simulator's checkers catch them. Never set
 *  outside tests. */
export interface Mutations {
  /** Commit entries of earlier terms by counting replicas (Raft §5.4.2 / Figure 8). */
  readonly commitOldTermsByCount?: boolean;
  /** Leave the vote out of the persisted hard state, so a restarted node may vote twice. */
  readonly forgetVoteOnRestart?: boolean;
  /** Grant votes without the up-to-date log check (§5.4.1). */
  readonly skipLogUpToDateCheck?: boolean;
}

/**
 * The host's node-level failure detector, shared by every group of the node: whether a peer node
 * is up as this node last heard (see NodeLivenessTracker). It stands in for the per-group timers
 * of quiescent groups, so it must be backed by traffic of its own (a liveness ping per peer every
 * few ticks), not by the groups' heartbeats.
 */
export interface NodeLiveness {
  /** Whether node `id` is up. Called for peers only. */
  isLive(id: NodeId): boolean;
}

export interface RaftConfig {
  readonly id: NodeId;
  /** Election timeouts are drawn uniformly from [electionTicksMin, electionTicksMax]. */
  readonly electionTicksMin: number;
  readonly electionTicksMax: number;
  /** A leader sends heartbeats every heartbeatTicks; must be well below electionTicksMin. */
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Appends in flight to one follower before the leader waits for responses. */
  readonly maxInflightAppends: number;
  /** Bytes of entry data in one Append (at least one entry is always sent). */
  readonly maxAppendBytes: number;
  /** Bytes of entry data in one Append to a follower that is behind (isCatchupAppend: its entries
   *  start at or below the commit index); absent, maxAppendBytes. Small catch-up Appends let the
   *  host spread a catch-up over many short turns, on the leader and on the follower (etcd's
   *  MaxSizePerMsg; CockroachDB sends 32 KiB per message). */
  readonly maxCatchupAppendBytes?: number;
  /** Bytes of entry data in flight to one follower before the leader waits for responses (a soft
   *  limit: one Append may cross it). Bounds what a catch-up puts on the wire and on the
   *  follower's next write at once, so heartbeats and their answers are never stuck behind it. */
  readonly maxInflightBytes: number;
  /** A follower stays in the ISR while it matched the leader's last index within this many ticks. */
  readonly lagTicksMax: number;
  readonly prng: Prng;
  readonly logger?: Logger;
  readonly mutations?: Mutations;
  /** The node-level failure detector. Setting it turns quiescence on: an idle group stops ticking
   *  and heartbeating, and the host must then call peerDown() and peerUp() on every group as the
   *  detector's verdicts change (docs/design-notes.md, "Quiescence"). Absent, groups never
   *  quiesce and rely on their own election timers alone. */
  readonly liveness?: NodeLiveness;
  /** Whether this replica, while repairing, may answer a vote request with `repairing` (asked at
   *  each request; absent: always). A host says no for a group whose membership changed, since a
   *  candidate that has not seen a change adding a voter could win with repairing answers while
   *  that voter alone holds a committed entry (docs/design-notes.md, "two of three replicas
   *  repairing", item 5). Then a repairing replica refuses, as under the strict rule. */
  readonly repairingAnswers?: () => boolean;
}

/** The result of a proposal. A follower does not accept proposals: it names the leader it knows. */
export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly leaderId: NodeId; readonly reason: 'not-leader' | 'transferring' | 'config-pending' };

/** Replication state of one peer, as the leader sees it. */
export interface PeerProgress {
  readonly id: NodeId;
  readonly matchIndex: number;
  readonly nextIndex: number;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly learner: boolean;
  readonly inSync: boolean;
  /** Ticks since the peer last matched the leader's last index. */
  readonly lagTicks: number;
  readonly recentActive: boolean;
}

/** A read-only view of a node, for the host, metrics and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: number;
  readonly vote: NodeId;
  readonly leaderId: NodeId;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly membership: Membership;
  /** Leader only: every peer's progress; empty elsewhere. */
  readonly progress: readonly PeerProgress[];
  /** Leader only: the in-sync replicas, the leader included; empty elsewhere. */
  readonly isr: readonly NodeId[];
  readonly transferee: NodeId;
  /** Quiescent: the group is idle here and tick() does nothing (see RaftNode "Quiescence"). */
  readonly quiescent: boolean;
  /** Repairing a log it lost (RaftNode.isRepairing): it neither votes nor campaigns until a
   *  leader has resent what it lost (docs/design-notes.md, "Storage repair"). */
  readonly repairing: boolean;
}

/**
 * Whether an Append carries a follower's catch-up: its entries start at or below the commit
 * index it carries, so a quorum held them before it was sent, and the follower is behind. A
 * caught-up follower gets each entry before it commits. Hosts send and step such Appends within
 * a byte budget per turn, behind heartbeats, votes and the Appends of caught-up followers.
 */
export function isCatchupAppend(message: Message): boolean {
  return message.type === 'Append' && message.entries.length > 0 && message.entries[0]!.index <= message.commitIndex;
}
