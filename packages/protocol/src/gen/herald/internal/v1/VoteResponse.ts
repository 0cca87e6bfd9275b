// Original file: proto/herald/internal/v1/raft.proto


/**
 * The answer to a Vote.
 */
export interface VoteResponse {
  /**
   * Whether the vote was granted.
   */
  'granted'?: (boolean);
  /**
   * Whether it answers a pre-vote.
   */
  'pre'?: (boolean);
}

/**
 * The answer to a Vote.
 */
export interface VoteResponse__Output {
  /**
   * Whether the vote was granted.
   */
  'granted': (boolean);
  /**
   * Whether it answers a pre-vote.
   */
  'pre': (boolean);
}
