// Original file: proto/herald/internal/v1/raft.proto

import type { GroupMessage as _herald_internal_v1_GroupMessage, GroupMessage__Output as _herald_internal_v1_GroupMessage__Output } from '../../../herald/internal/v1/GroupMessage.js';

/**
 * Everything one node sends another in one host turn.
 */
export interface Frame {
  /**
   * The sending node's id.
   */
  'from'?: (number);
  /**
   * The messages, in the order the groups produced them (with `compact`: those it does not
   * carry, in the order it names them).
   */
  'messages'?: (_herald_internal_v1_GroupMessage)[];
  /**
   * The frame encodings the sender reads besides `messages`, a bit set: 1 = `compact`. Unset
   * (0) in frames of releases before it. A node packs messages into `compact` only for a peer
   * whose latest frame set the bit: a node of an earlier release ignores the field, so a mixed
   * cluster during a rolling upgrade keeps sending it `messages` alone.
   */
  'reads'?: (number);
  /**
   * When set: every message of the frame, in order, packed as packages/protocol/src/
   * compact-frame.ts describes. Votes, their answers, Appends without entries, their answers,
   * heartbeats and theirs are packed there whole (the bulk of a failover's traffic: one
   * protobuf RaftMessage each cost its encoding, decoding and conversion); any other message
   * is a reference to the next one of `messages`.
   */
  'compact'?: (Buffer | Uint8Array | string);
}

/**
 * Everything one node sends another in one host turn.
 */
export interface Frame__Output {
  /**
   * The sending node's id.
   */
  'from': (number);
  /**
   * The messages, in the order the groups produced them (with `compact`: those it does not
   * carry, in the order it names them).
   */
  'messages': (_herald_internal_v1_GroupMessage__Output)[];
  /**
   * The frame encodings the sender reads besides `messages`, a bit set: 1 = `compact`. Unset
   * (0) in frames of releases before it. A node packs messages into `compact` only for a peer
   * whose latest frame set the bit: a node of an earlier release ignores the field, so a mixed
   * cluster during a rolling upgrade keeps sending it `messages` alone.
   */
  'reads': (number);
  /**
   * When set: every message of the frame, in order, packed as packages/protocol/src/
   * compact-frame.ts describes. Votes, their answers, Appends without entries, their answers,
   * heartbeats and theirs are packed there whole (the bulk of a failover's traffic: one
   * protobuf RaftMessage each cost its encoding, decoding and conversion); any other message
   * is a reference to the next one of `messages`.
   */
  'compact': (Buffer);
}
