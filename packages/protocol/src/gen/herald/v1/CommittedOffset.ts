// Original file: proto/herald/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A committed offset.
 */
export interface CommittedOffset {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The next offset to consume.
   */
  'offset'?: (number | string | Long);
  /**
   * The metadata committed with it.
   */
  'metadata'?: (string);
  /**
   * When it was committed, in epoch milliseconds (the coordinator's clock).
   */
  'commitTimestampMs'?: (number | string | Long);
}

/**
 * A committed offset.
 */
export interface CommittedOffset__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The next offset to consume.
   */
  'offset': (number);
  /**
   * The metadata committed with it.
   */
  'metadata': (string);
  /**
   * When it was committed, in epoch milliseconds (the coordinator's clock).
   */
  'commitTimestampMs': (number);
}
