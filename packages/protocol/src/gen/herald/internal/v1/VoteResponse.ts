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
  /**
   * On refusal: the voter lost its log and is repairing; the candidate's log passed its
   * up-to-date check, and it counts for the candidate only if every voter that is not
   * repairing grants (see packages/raft/src/quorum.ts tallyVotes).
   */
  'repairing'?: (boolean);
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
  /**
   * On refusal: the voter lost its log and is repairing; the candidate's log passed its
   * up-to-date check, and it counts for the candidate only if every voter that is not
   * repairing grants (see packages/raft/src/quorum.ts tallyVotes).
   */
  'repairing': (boolean);
}
