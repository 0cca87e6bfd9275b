// Original file: proto/herald/v1/admin.proto


export interface DescribeTopicRequest {
  /**
   * The topic's name.
   */
  'name'?: (string);
}

export interface DescribeTopicRequest__Output {
  /**
   * The topic's name.
   */
  'name': (string);
}
