// Original file: proto/herald/v1/queues.proto


export interface DeleteSubscriptionResponse {
  /**
   * Partitions led here where it existed.
   */
  'partitions'?: (number);
}

export interface DeleteSubscriptionResponse__Output {
  /**
   * Partitions led here where it existed.
   */
  'partitions': (number);
}
