// Original file: proto/herald/internal/v1/raft.proto


/**
 * The groups to describe, by id.
 */
export interface DescribeGroupsRequest {
  'groups'?: (string)[];
}

/**
 * The groups to describe, by id.
 */
export interface DescribeGroupsRequest__Output {
  'groups': (string)[];
}
