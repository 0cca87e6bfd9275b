// Original file: proto/herald/internal/v1/raft.proto


/**
 * The voters and learners of a group.
 */
export interface Membership {
  /**
   * The voting members.
   */
  'voters'?: (number)[];
  /**
   * Members that receive the log but neither vote nor count towards a quorum.
   */
  'learners'?: (number)[];
}

/**
 * The voters and learners of a group.
 */
export interface Membership__Output {
  /**
   * The voting members.
   */
  'voters': (number)[];
  /**
   * Members that receive the log but neither vote nor count towards a quorum.
   */
  'learners': (number)[];
}
