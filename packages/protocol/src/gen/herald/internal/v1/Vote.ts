// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A request for a vote (or, with pre, a pre-vote).
 */
export interface Vote {
  /**
   * The index of the candidate's last log entry.
   */
  'lastIndex'?: (number | string | Long);
  /**
   * The term of the candidate's last log entry.
   */
  'lastTerm'?: (number | string | Long);
  /**
   * A PreVote (Raft thesis §9.6): asks "would you vote for me" without raising any term.
   */
  'pre'?: (boolean);
  /**
   * Sent after the leader's TimeoutNow: voters skip their leader-lease check.
   */
  'transfer'?: (boolean);
}

/**
 * A request for a vote (or, with pre, a pre-vote).
 */
export interface Vote__Output {
  /**
   * The index of the candidate's last log entry.
   */
  'lastIndex': (number);
  /**
   * The term of the candidate's last log entry.
   */
  'lastTerm': (number);
  /**
   * A PreVote (Raft thesis §9.6): asks "would you vote for me" without raising any term.
   */
  'pre': (boolean);
  /**
   * Sent after the leader's TimeoutNow: voters skip their leader-lease check.
   */
  'transfer': (boolean);
}
