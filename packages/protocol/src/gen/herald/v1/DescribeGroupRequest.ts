// Original file: proto/herald/v1/groups.proto


export interface DescribeGroupRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
}

export interface DescribeGroupRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
}
