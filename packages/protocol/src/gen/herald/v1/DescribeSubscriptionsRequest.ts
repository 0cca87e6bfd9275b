// Original file: proto/herald/v1/queues.proto


export interface DescribeSubscriptionsRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * One subscription; empty for all of them.
   */
  'subscription'?: (string);
}

export interface DescribeSubscriptionsRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * One subscription; empty for all of them.
   */
  'subscription': (string);
}
