// The compact form of a peer frame's small raft messages (raft.proto, Frame.compact).
//
// A failover of thousands of groups is thousands of votes, vote answers, empty Appends and their
// answers per turn; as protobuf RaftMessages each cost a conversion to a plain object, protobuf's
// fromObject and encode, then decode, toObject and messageFromProto's checks on the other side,
// with several objects allocated at every step (docs/benchmarks.md, "Failover at scale", the
// survivors' profiles). Packed here, each is a few varints written straight into one buffer and
// read straight back into the raft message.
//
// Layout: a sequence of records, one per message of the frame, in order. A record starts with a
// head byte: the kind in its low 4 bits, the kind's flags in its high 4 bits. Kind 0 stands for
// the next message of Frame.messages (one the compact form does not carry: an Append with
// entries, a snapshot). Any other kind is followed by the group (a varint byte length and UTF-8
// bytes), `to`, `term` and the kind's numbers, every number an unsigned varint (protobuf's
// base-128, at most 8 bytes, at most 2^53-1). `from` is the frame's. Kinds and their numbers,
// after `to` and `term`:
//
//   1 Vote              lastIndex lastTerm                      flags: 1 pre, 2 transfer
//   2 VoteResponse      -                                       flags: 1 granted, 2 pre, 4 repairing
//   3 Append (no entries) prevIndex prevTerm commitIndex
//   4 AppendResponse    matchIndex rejectedIndex hintIndex hintTerm  flags: 1 rejected, 2 logLost
//   5 Heartbeat         commitIndex                             flags: 1 quiesce
//   6 HeartbeatResponse -
//   7 TimeoutNow        -
//
// A new kind or flag needs a new bit of Frame.reads: a reader refuses what it does not know.

import { HeraldError } from './errors.js';
import type { GroupRaftMessage, RaftMessage, RaftNodeId } from './raft-codec.js';

/** Frame.reads: the sender reads Frame.compact (this module's form). */
export const FRAME_READS_COMPACT = 1;

const Kind = { Ref: 0, Vote: 1, VoteResponse: 2, Append: 3, AppendResponse: 4, Heartbeat: 5, HeartbeatResponse: 6, TimeoutNow: 7 } as const;

/** Flags each kind may set; any other bit is refused. */
const FLAGS_ALLOWED = [0, 0b11, 0b111, 0, 0b11, 0b1, 0, 0] as const;

/** The longest record besides its group's bytes: a head, a length and 6 numbers of 8 bytes. */
const RECORD_BYTES_MAX = 1 + 5 + 6 * 8;

let scratch = Buffer.allocUnsafe(64 << 10);
let at = 0;

function reserve(bytes: number): void {
  if (at + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + bytes));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

function writeNumber(value: number): void {
  let v = value;
  while (v > 0x7f) {
    scratch[at++] = (v & 0x7f) | 0x80;
    v = v > 0xffffffff ? Math.floor(v / 128) : v >>> 7;
  }
  scratch[at++] = v;
}

function writeGroup(group: string): void {
  const length = group.length;
  let ascii = true;
  for (let i = 0; i < length && ascii; i++) ascii = group.charCodeAt(i) < 0x80;
  if (ascii) {
    reserve(length + RECORD_BYTES_MAX);
    writeNumber(length);
    for (let i = 0; i < length; i++) scratch[at++] = group.charCodeAt(i);
    return;
  }
  const bytes = Buffer.from(group, 'utf8');
  reserve(bytes.length + RECORD_BYTES_MAX);
  writeNumber(bytes.length);
  bytes.copy(scratch, at);
  at += bytes.length;
}

/** Whether the compact form carries `message` whole (otherwise a record refers to it). */
function packs(message: RaftMessage): boolean {
  return message.type !== 'InstallSnapshot' && (message.type !== 'Append' || message.entries.length === 0);
}

/**
 * Packs the messages of a frame: the compact bytes (Frame.compact) and the messages they refer
 * to, in order (Frame.messages). Every message must come from the frame's sender, which the
 * compact form does not repeat.
 */
export function packFrame(messages: readonly GroupRaftMessage[]): { compact: Buffer; rest: GroupRaftMessage[] } {
  const rest: GroupRaftMessage[] = [];
  at = 0;
  for (const item of messages) {
    const m = item.message;
    if (!packs(m)) {
      reserve(1);
      scratch[at++] = Kind.Ref;
      rest.push(item);
      continue;
    }
    reserve(1);
    const head = at++;
    writeGroup(item.group);
    writeNumber(m.to);
    writeNumber(m.term);
    switch (m.type) {
      case 'Vote':
        scratch[head] = Kind.Vote | ((m.pre ? 1 : 0) | (m.transfer ? 2 : 0)) << 4;
        writeNumber(m.lastIndex);
        writeNumber(m.lastTerm);
        break;
      case 'VoteResponse':
        scratch[head] = Kind.VoteResponse | ((m.granted ? 1 : 0) | (m.pre ? 2 : 0) | (m.repairing === true ? 4 : 0)) << 4;
        break;
      case 'Append':
        scratch[head] = Kind.Append;
        writeNumber(m.prevIndex);
        writeNumber(m.prevTerm);
        writeNumber(m.commitIndex);
        break;
      case 'AppendResponse':
        scratch[head] = Kind.AppendResponse | ((m.rejected ? 1 : 0) | (m.logLost === true ? 2 : 0)) << 4;
        writeNumber(m.matchIndex);
        writeNumber(m.rejectedIndex);
        writeNumber(m.hintIndex);
        writeNumber(m.hintTerm);
        break;
      case 'Heartbeat':
        scratch[head] = Kind.Heartbeat | (m.quiesce === true ? 1 : 0) << 4;
        writeNumber(m.commitIndex);
        break;
      case 'HeartbeatResponse':
        scratch[head] = Kind.HeartbeatResponse;
        break;
      case 'TimeoutNow':
        scratch[head] = Kind.TimeoutNow;
        break;
    }
  }
  const compact = Buffer.allocUnsafe(at);
  scratch.copy(compact, 0, 0, at);
  return { compact, rest };
}

/** Reads one compact form, failing with InvalidArgument at the first thing out of place. */
class Reader {
  private pos = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly from: RaftNodeId,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  fail(why: string): never {
    throw new HeraldError('InvalidArgument', `compact raft frame from node ${this.from}, byte ${this.pos}: ${why}`);
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail('ends inside a record');
    return this.bytes[this.pos++]!;
  }

  /** An unsigned varint of at most 8 bytes whose value is at most 2^53-1. */
  count(field: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) break;
      if (i === 7) this.fail(`${field} is longer than 8 bytes`);
      scale *= 128;
    }
    if (value > Number.MAX_SAFE_INTEGER) this.fail(`${field} must be at most 2^53-1`);
    return value;
  }

  nodeId(field: string): RaftNodeId {
    const id = this.count(field);
    if (id === 0) this.fail(`${field} must be a node id, at least 1`);
    return id;
  }

  group(): string {
    const length = this.count('group length');
    if (length === 0) this.fail('group must be a non-empty string');
    const end = this.pos + length;
    if (end > this.bytes.length) this.fail('ends inside a group');
    const group = this.bytes.toString('utf8', this.pos, end);
    this.pos = end;
    return group;
  }
}

/**
 * The messages of a frame whose Frame.compact is `compact`, in order: those packed, checked
 * field by field as messageFromProto checks theirs (node ids at least 1, numbers from 0 to
 * 2^53-1, only the flags a kind has), with `from` the frame's sender; and for each reference,
 * next(), which gives the next message of Frame.messages (null for one refused on its own, which
 * is left out). Throws InvalidArgument on the first fault, or when the references and
 * Frame.messages differ in number (`messages` of them): nothing of a bad form is returned.
 */
export function unpackFrame(compact: Uint8Array, from: RaftNodeId, messages: number, next: () => GroupRaftMessage | null): GroupRaftMessage[] {
  const bytes = Buffer.isBuffer(compact) ? compact : Buffer.from(compact.buffer, compact.byteOffset, compact.byteLength);
  const r = new Reader(bytes, from);
  const out: GroupRaftMessage[] = [];
  let refs = 0;
  while (!r.done) {
    const head = r.byte();
    const kind = head & 0x0f;
    const flags = head >> 4;
    if (kind > Kind.TimeoutNow) r.fail(`unknown record kind ${kind}`);
    if ((flags & ~FLAGS_ALLOWED[kind as 0]) !== 0) r.fail(`flags ${flags} not defined for record kind ${kind}`);
    if (kind === Kind.Ref) {
      if (++refs > messages) r.fail(`refers to more messages than the frame's ${messages}`);
      const message = next();
      if (message !== null) out.push(message);
      continue;
    }
    const group = r.group();
    const to = r.nodeId('to');
    const term = r.count('term');
    let message: RaftMessage;
    switch (kind) {
      case Kind.Vote:
        message = { type: 'Vote', from, to, term, lastIndex: r.count('lastIndex'), lastTerm: r.count('lastTerm'), pre: (flags & 1) !== 0, transfer: (flags & 2) !== 0 };
        break;
      case Kind.VoteResponse:
        message = (flags & 4) !== 0 ? { type: 'VoteResponse', from, to, term, granted: (flags & 1) !== 0, pre: (flags & 2) !== 0, repairing: true } : { type: 'VoteResponse', from, to, term, granted: (flags & 1) !== 0, pre: (flags & 2) !== 0 };
        break;
      case Kind.Append:
        message = { type: 'Append', from, to, term, prevIndex: r.count('prevIndex'), prevTerm: r.count('prevTerm'), entries: [], commitIndex: r.count('commitIndex') };
        break;
      case Kind.AppendResponse: {
        const matchIndex = r.count('matchIndex');
        const rejectedIndex = r.count('rejectedIndex');
        const hintIndex = r.count('hintIndex');
        const hintTerm = r.count('hintTerm');
        const rejected = (flags & 1) !== 0;
        message = (flags & 2) !== 0 ? { type: 'AppendResponse', from, to, term, matchIndex, rejected, rejectedIndex, hintIndex, hintTerm, logLost: true } : { type: 'AppendResponse', from, to, term, matchIndex, rejected, rejectedIndex, hintIndex, hintTerm };
        break;
      }
      case Kind.Heartbeat:
        message = (flags & 1) !== 0 ? { type: 'Heartbeat', from, to, term, commitIndex: r.count('commitIndex'), quiesce: true } : { type: 'Heartbeat', from, to, term, commitIndex: r.count('commitIndex') };
        break;
      case Kind.HeartbeatResponse:
        message = { type: 'HeartbeatResponse', from, to, term };
        break;
      default:
        message = { type: 'TimeoutNow', from, to, term };
        break;
    }
    out.push({ group, message });
  }
  if (refs !== messages) r.fail(`refers to ${refs} of the frame's ${messages} messages`);
  return out;
}
