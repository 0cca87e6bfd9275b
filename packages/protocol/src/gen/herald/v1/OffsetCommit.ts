// Original file: proto/herald/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An offset to commit: the next offset the group will consume (the last processed + 1).
 */
export interface OffsetCommit {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The next offset to consume, at least 0.
   */
  'offset'?: (number | string | Long);
  /**
   * Free text stored with the offset (at most 4096 bytes), e.g. who committed it.
   */
  'metadata'?: (string);
}

/**
 * An offset to commit: the next offset the group will consume (the last processed + 1).
 */
export interface OffsetCommit__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The next offset to consume, at least 0.
   */
  'offset': (number);
  /**
   * Free text stored with the offset (at most 4096 bytes), e.g. who committed it.
   */
  'metadata': (string);
}
