// Original file: proto/herald/v1/transactions.proto


export interface ListHalvesRequest {
  'topic'?: (string);
  /**
   * Also list the decisions the partitions remember (the last 10,000 per partition).
   */
  'includeDecided'?: (boolean);
}

export interface ListHalvesRequest__Output {
  'topic': (string);
  /**
   * Also list the decisions the partitions remember (the last 10,000 per partition).
   */
  'includeDecided': (boolean);
}
