// Original file: proto/herald/v1/admin.proto


export interface TransferLeadershipRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The replica to lead the partition, a member of its ISR. 0 lets the current leader pick
   * the most up-to-date member of the ISR.
   */
  'toNodeId'?: (number);
}

export interface TransferLeadershipRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The replica to lead the partition, a member of its ISR. 0 lets the current leader pick
   * the most up-to-date member of the ISR.
   */
  'toNodeId': (number);
}
