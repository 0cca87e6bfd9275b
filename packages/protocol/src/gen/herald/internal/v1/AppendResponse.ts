// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A follower's answer to an Append.
 */
export interface AppendResponse {
  /**
   * On success, the index of the last entry the follower holds that matches the leader.
   */
  'matchIndex'?: (number | string | Long);
  /**
   * Whether the append was rejected (the log did not match at prev_index).
   */
  'rejected'?: (boolean);
  /**
   * On rejection: the prev_index that was rejected.
   */
  'rejectedIndex'?: (number | string | Long);
  /**
   * On rejection, for fast backtracking: the follower's last index at or below
   * rejected_index whose term is at most hint_term.
   */
  'hintIndex'?: (number | string | Long);
  /**
   * On rejection: the term of the entry at hint_index.
   */
  'hintTerm'?: (number | string | Long);
  /**
   * On rejection: the follower lost entries it had acknowledged (its disk was lost or failed its
   * checks) and is repairing; the leader restarts its progress from hint_index.
   */
  'logLost'?: (boolean);
}

/**
 * A follower's answer to an Append.
 */
export interface AppendResponse__Output {
  /**
   * On success, the index of the last entry the follower holds that matches the leader.
   */
  'matchIndex': (number);
  /**
   * Whether the append was rejected (the log did not match at prev_index).
   */
  'rejected': (boolean);
  /**
   * On rejection: the prev_index that was rejected.
   */
  'rejectedIndex': (number);
  /**
   * On rejection, for fast backtracking: the follower's last index at or below
   * rejected_index whose term is at most hint_term.
   */
  'hintIndex': (number);
  /**
   * On rejection: the term of the entry at hint_index.
   */
  'hintTerm': (number);
  /**
   * On rejection: the follower lost entries it had acknowledged (its disk was lost or failed its
   * checks) and is repairing; the leader restarts its progress from hint_index.
   */
  'logLost': (boolean);
}
