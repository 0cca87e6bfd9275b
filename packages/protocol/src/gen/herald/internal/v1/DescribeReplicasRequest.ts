// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The Raft groups of the partitions to describe, by id.
 */
export interface DescribeReplicasRequest {
  'groups'?: (string)[];
  /**
   * Per partition group: an offset whose record's timestamp is wanted (a consumer group's lag
   * in seconds is the age of the record at its committed offset).
   */
  'timestampAtOffset'?: ({[key: string]: number | string | Long});
  /**
   * Per partition group: a time whose first offset at or after it is wanted (a consumer
   * group's reset to a timestamp).
   */
  'offsetAtTimestamp'?: ({[key: string]: number | string | Long});
}

/**
 * The Raft groups of the partitions to describe, by id.
 */
export interface DescribeReplicasRequest__Output {
  'groups': (string)[];
  /**
   * Per partition group: an offset whose record's timestamp is wanted (a consumer group's lag
   * in seconds is the age of the record at its committed offset).
   */
  'timestampAtOffset': ({[key: string]: number});
  /**
   * Per partition group: a time whose first offset at or after it is wanted (a consumer
   * group's reset to a timestamp).
   */
  'offsetAtTimestamp': ({[key: string]: number});
}
