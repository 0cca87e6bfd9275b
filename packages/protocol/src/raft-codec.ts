// Converts raft messages to and from the peer transport's protobuf messages
// (proto/herald/internal/v1/raft.proto).
//
// packages/protocol may not import @herald/raft (the arrows point down: broker → raft and
// broker → protocol), so the raft types are restated here, field for field, from
// packages/raft/src/types.ts. TypeScript types are structural: the broker passes raft's
// Message in and gets a value assignable to it back. If raft's Message changes, change these
// types, raft.proto and the converters together.
//
// What comes in from a peer is checked completely before a message is built: a malformed
// frame throws InvalidArgument naming the field, and never yields a half-filled message.

import { HeraldError } from './errors.js';
import type { Frame, Frame__Output } from './gen/herald/internal/v1/Frame.js';
import type { Entry as EntryProto, Entry__Output as EntryProtoOutput } from './gen/herald/internal/v1/Entry.js';
import type { Membership__Output as MembershipProtoOutput } from './gen/herald/internal/v1/Membership.js';
import type { RaftMessage as RaftMessageProto, RaftMessage__Output as RaftMessageProtoOutput } from './gen/herald/internal/v1/RaftMessage.js';

/** A node's id; 0 means none. (raft: NodeId) */
export type RaftNodeId = number;

/** raft: EntryType. */
export const RaftEntryType = { Normal: 'normal', Config: 'config' } as const;
export type RaftEntryType = (typeof RaftEntryType)[keyof typeof RaftEntryType];

/** raft: Entry. */
export interface RaftEntry {
  readonly index: number;
  readonly term: number;
  readonly type: RaftEntryType;
  readonly data: Uint8Array;
}

/** raft: Membership. */
export interface RaftMembership {
  readonly voters: readonly RaftNodeId[];
  readonly learners: readonly RaftNodeId[];
}

/** raft: SnapshotMeta. */
export interface RaftSnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly membership: RaftMembership;
}

/** raft: Snapshot. */
export interface RaftSnapshot {
  readonly meta: RaftSnapshotMeta;
  readonly data: Uint8Array;
}

type Envelope = { readonly from: RaftNodeId; readonly to: RaftNodeId; readonly term: number };

/** raft: Message. */
export type RaftMessage = Envelope &
  (
    | {
        readonly type: 'Vote';
        readonly lastIndex: number;
        readonly lastTerm: number;
        readonly pre: boolean;
        readonly transfer: boolean;
      }
    | {
        readonly type: 'VoteResponse';
        readonly granted: boolean;
        readonly pre: boolean;
        /** On refusal: the voter is repairing a lost log (a conditional vote). */
        readonly repairing?: boolean;
      }
    | {
        readonly type: 'Append';
        readonly prevIndex: number;
        readonly prevTerm: number;
        readonly entries: readonly RaftEntry[];
        readonly commitIndex: number;
      }
    | {
        readonly type: 'AppendResponse';
        readonly matchIndex: number;
        readonly rejected: boolean;
        readonly rejectedIndex: number;
        readonly hintIndex: number;
        readonly hintTerm: number;
        /** On rejection: the follower lost entries it had acknowledged and is repairing. */
        readonly logLost?: boolean;
      }
    | {
        readonly type: 'Heartbeat';
        readonly commitIndex: number;
        /** The leader quiesces the idle group (raft: Heartbeat.quiesce). */
        readonly quiesce?: boolean;
      }
    | { readonly type: 'HeartbeatResponse' }
    | { readonly type: 'InstallSnapshot'; readonly snapshot: RaftSnapshot }
    | { readonly type: 'TimeoutNow' }
  );
export type RaftMessageType = RaftMessage['type'];

/** A raft message and the group it belongs to: one element of a transport frame. */
export interface GroupRaftMessage {
  readonly group: string;
  readonly message: RaftMessage;
}

const entryTypeToProto = { normal: 'ENTRY_TYPE_NORMAL', config: 'ENTRY_TYPE_CONFIG' } as const;

function entryToProto(entry: RaftEntry): EntryProto {
  return { index: entry.index, term: entry.term, type: entryTypeToProto[entry.type], data: entry.data };
}

/** The protobuf form of a raft message. Byte fields are passed through without copying. */
export function messageToProto(m: RaftMessage): RaftMessageProto {
  const envelope = { from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'Vote':
      return {
        ...envelope,
        vote: { lastIndex: m.lastIndex, lastTerm: m.lastTerm, pre: m.pre, transfer: m.transfer },
      };
    case 'VoteResponse':
      return { ...envelope, voteResponse: { granted: m.granted, pre: m.pre, repairing: m.repairing === true } };
    case 'Append':
      return {
        ...envelope,
        append: {
          prevIndex: m.prevIndex,
          prevTerm: m.prevTerm,
          entries: m.entries.map(entryToProto),
          commitIndex: m.commitIndex,
        },
      };
    case 'AppendResponse':
      return {
        ...envelope,
        appendResponse: {
          matchIndex: m.matchIndex,
          rejected: m.rejected,
          rejectedIndex: m.rejectedIndex,
          hintIndex: m.hintIndex,
          hintTerm: m.hintTerm,
          logLost: m.logLost === true,
        },
      };
    case 'Heartbeat':
      return { ...envelope, heartbeat: { commitIndex: m.commitIndex, quiesce: m.quiesce === true } };
    case 'HeartbeatResponse':
      return { ...envelope, heartbeatResponse: {} };
    case 'InstallSnapshot': {
      const { meta, data } = m.snapshot;
      return {
        ...envelope,
        installSnapshot: {
          snapshot: {
            meta: {
              index: meta.index,
              term: meta.term,
              membership: { voters: [...meta.membership.voters], learners: [...meta.membership.learners] },
            },
            data,
          },
        },
      };
    }
    case 'TimeoutNow':
      return { ...envelope, timeoutNow: {} };
  }
}

/** The protobuf form of a frame: everything `from` sends one peer in one turn. */
export function frameToProto(from: RaftNodeId, messages: readonly GroupRaftMessage[]): Frame {
  return { from, messages: messages.map(({ group, message }) => ({ group, message: messageToProto(message) })) };
}

/** Field-by-field checks of what a peer sent, each failure naming the field. */
class Checker {
  constructor(private readonly what: string) {}

  fail(why: string): never {
    throw new HeraldError('InvalidArgument', `${this.what}: ${why}`);
  }

  /** A non-negative integer that survived the uint64 → number conversion exactly. */
  count(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.fail(`${field} must be an integer from 0 to 2^53-1 (got ${String(value)})`);
    }
    return value;
  }

  nodeId(value: unknown, field: string): RaftNodeId {
    const id = this.count(value, field);
    if (id === 0) this.fail(`${field} must be a node id, at least 1`);
    return id;
  }

  bool(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(`${field} must be a boolean (got ${String(value)})`);
    return value;
  }

  bytes(value: unknown, field: string): Uint8Array {
    if (!(value instanceof Uint8Array)) this.fail(`${field} must be bytes`);
    return value;
  }

  present<T>(value: T | null | undefined, field: string): T {
    if (value === null || value === undefined || typeof value !== 'object') this.fail(`${field} is missing`);
    return value;
  }

  nodeIds(value: unknown, field: string): RaftNodeId[] {
    if (!Array.isArray(value)) this.fail(`${field} must be a list of node ids`);
    return value.map((id, i) => this.nodeId(id, `${field}[${i}]`));
  }

  entry(value: EntryProtoOutput | null | undefined, field: string): RaftEntry {
    const e = this.present(value, field);
    let type: RaftEntryType;
    if (e.type === 'ENTRY_TYPE_NORMAL') type = RaftEntryType.Normal;
    else if (e.type === 'ENTRY_TYPE_CONFIG') type = RaftEntryType.Config;
    else this.fail(`${field}.type must be ENTRY_TYPE_NORMAL or ENTRY_TYPE_CONFIG (got ${String(e.type)})`);
    return {
      index: this.count(e.index, `${field}.index`),
      term: this.count(e.term, `${field}.term`),
      type,
      data: this.bytes(e.data, `${field}.data`),
    };
  }

  membership(value: MembershipProtoOutput | null | undefined, field: string): RaftMembership {
    const m = this.present(value, field);
    return { voters: this.nodeIds(m.voters, `${field}.voters`), learners: this.nodeIds(m.learners, `${field}.learners`) };
  }
}

/**
 * The raft message a peer sent, checked completely: the envelope's node ids and term, exactly
 * one body, every field's type and range, entry types, and that an Append's entries are
 * numbered prevIndex + 1, prevIndex + 2, … with terms that never decrease and never exceed the
 * message's term. Throws InvalidArgument naming the field on any violation.
 */
export function messageFromProto(p: RaftMessageProtoOutput, what = 'raft message'): RaftMessage {
  const c = new Checker(what);
  if (p === null || typeof p !== 'object') c.fail('is not a message');
  const from = c.nodeId(p.from, 'from');
  const to = c.nodeId(p.to, 'to');
  const term = c.count(p.term, 'term');
  const envelope = { from, to, term };
  const bodies = BODY_FIELDS.filter((field) => p[field] !== null && p[field] !== undefined);
  if (bodies.length !== 1) c.fail(`must carry exactly one body, found ${bodies.length === 0 ? 'none' : bodies.join(', ')}`);
  if (p.body !== undefined && p.body !== bodies[0]) c.fail(`body says ${p.body} but ${bodies[0]} is set`);
  switch (bodies[0]) {
    case 'vote': {
      const b = c.present(p.vote, 'vote');
      return {
        ...envelope,
        type: 'Vote',
        lastIndex: c.count(b.lastIndex, 'vote.lastIndex'),
        lastTerm: c.count(b.lastTerm, 'vote.lastTerm'),
        pre: c.bool(b.pre, 'vote.pre'),
        transfer: c.bool(b.transfer, 'vote.transfer'),
      };
    }
    case 'voteResponse': {
      const b = c.present(p.voteResponse, 'voteResponse');
      return {
        ...envelope,
        type: 'VoteResponse',
        granted: c.bool(b.granted, 'voteResponse.granted'),
        pre: c.bool(b.pre, 'voteResponse.pre'),
        ...(c.bool(b.repairing, 'voteResponse.repairing') ? { repairing: true } : {}),
      };
    }
    case 'append': {
      const b = c.present(p.append, 'append');
      const prevIndex = c.count(b.prevIndex, 'append.prevIndex');
      const prevTerm = c.count(b.prevTerm, 'append.prevTerm');
      if (!Array.isArray(b.entries)) c.fail('append.entries must be a list');
      let lastTerm = prevTerm;
      const entries = b.entries.map((raw, i) => {
        const entry = c.entry(raw, `append.entries[${i}]`);
        if (entry.index !== prevIndex + 1 + i) {
          c.fail(`append.entries[${i}].index is ${entry.index}, expected ${prevIndex + 1 + i} (prevIndex + ${1 + i})`);
        }
        if (entry.term < lastTerm) c.fail(`append.entries[${i}].term ${entry.term} is below the term before it, ${lastTerm}`);
        if (entry.term > term) c.fail(`append.entries[${i}].term ${entry.term} is above the message's term ${term}`);
        lastTerm = entry.term;
        return entry;
      });
      return {
        ...envelope,
        type: 'Append',
        prevIndex,
        prevTerm,
        entries,
        commitIndex: c.count(b.commitIndex, 'append.commitIndex'),
      };
    }
    case 'appendResponse': {
      const b = c.present(p.appendResponse, 'appendResponse');
      return {
        ...envelope,
        type: 'AppendResponse',
        matchIndex: c.count(b.matchIndex, 'appendResponse.matchIndex'),
        rejected: c.bool(b.rejected, 'appendResponse.rejected'),
        rejectedIndex: c.count(b.rejectedIndex, 'appendResponse.rejectedIndex'),
        hintIndex: c.count(b.hintIndex, 'appendResponse.hintIndex'),
        hintTerm: c.count(b.hintTerm, 'appendResponse.hintTerm'),
        ...(c.bool(b.logLost, 'appendResponse.logLost') ? { logLost: true } : {}),
      };
    }
    case 'heartbeat': {
      const b = c.present(p.heartbeat, 'heartbeat');
      return {
        ...envelope,
        type: 'Heartbeat',
        commitIndex: c.count(b.commitIndex, 'heartbeat.commitIndex'),
        ...(c.bool(b.quiesce, 'heartbeat.quiesce') ? { quiesce: true } : {}),
      };
    }
    case 'heartbeatResponse':
      return { ...envelope, type: 'HeartbeatResponse' };
    case 'installSnapshot': {
      const b = c.present(p.installSnapshot, 'installSnapshot');
      const snapshot = c.present(b.snapshot, 'installSnapshot.snapshot');
      const meta = c.present(snapshot.meta, 'installSnapshot.snapshot.meta');
      return {
        ...envelope,
        type: 'InstallSnapshot',
        snapshot: {
          meta: {
            index: c.count(meta.index, 'installSnapshot.snapshot.meta.index'),
            term: c.count(meta.term, 'installSnapshot.snapshot.meta.term'),
            membership: c.membership(meta.membership, 'installSnapshot.snapshot.meta.membership'),
          },
          data: c.bytes(snapshot.data, 'installSnapshot.snapshot.data'),
        },
      };
    }
    case 'timeoutNow':
      return { ...envelope, type: 'TimeoutNow' };
    default:
      return c.fail('has no known body');
  }
}

const BODY_FIELDS = [
  'vote',
  'voteResponse',
  'append',
  'appendResponse',
  'heartbeat',
  'heartbeatResponse',
  'installSnapshot',
  'timeoutNow',
] as const satisfies readonly NonNullable<RaftMessageProtoOutput['body']>[];

/**
 * The messages of a frame a peer sent, each checked as messageFromProto() does, plus: the
 * frame names its sender, every message comes from that sender, and every message names a
 * group. Throws InvalidArgument on the first violation; nothing of a bad frame is returned.
 */
export function frameFromProto(p: Frame__Output): { from: RaftNodeId; messages: GroupRaftMessage[] } {
  const c = new Checker('raft frame');
  if (p === null || typeof p !== 'object') c.fail('is not a frame');
  const from = c.nodeId(p.from, 'from');
  if (!Array.isArray(p.messages)) c.fail('messages must be a list');
  const messages = p.messages.map((gm, i) => {
    const at = `raft frame from node ${from}: messages[${i}]`;
    const item = new Checker(at).present(gm, 'message');
    if (typeof item.group !== 'string' || item.group === '') new Checker(at).fail('group must be a non-empty string');
    const message = messageFromProto(new Checker(at).present(item.message, 'message'), `${at} (group ${item.group})`);
    if (message.from !== from) new Checker(at).fail(`message.from is ${message.from}, but the frame is from ${from}`);
    return { group: item.group, message };
  });
  return { from, messages };
}
