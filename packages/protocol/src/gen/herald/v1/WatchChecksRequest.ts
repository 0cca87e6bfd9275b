// Original file: proto/herald/v1/transactions.proto


export interface WatchChecksRequest {
  /**
   * The producer group whose check-backs this stream receives.
   */
  'producerGroup'?: (string);
}

export interface WatchChecksRequest__Output {
  /**
   * The producer group whose check-backs this stream receives.
   */
  'producerGroup': (string);
}
