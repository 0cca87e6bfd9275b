// Original file: proto/herald/internal/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One transaction's marker for one partition.
 */
export interface WriteTxnMarkerRequest {
  /**
   * The partition's Raft group id.
   */
  'group'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  /**
   * The transaction's number for its transactional id (1, 2, ...).
   */
  'txn'?: (number | string | Long);
  /**
   * true: commit; false: abort.
   */
  'commit'?: (boolean);
  /**
   * The coordinator's clock, epoch milliseconds: the marker record's timestamp.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * How long the leader may take to apply it.
   */
  'timeoutMs'?: (number);
}

/**
 * One transaction's marker for one partition.
 */
export interface WriteTxnMarkerRequest__Output {
  /**
   * The partition's Raft group id.
   */
  'group': (string);
  'producerId': (number);
  'producerEpoch': (number);
  /**
   * The transaction's number for its transactional id (1, 2, ...).
   */
  'txn': (number);
  /**
   * true: commit; false: abort.
   */
  'commit': (boolean);
  /**
   * The coordinator's clock, epoch milliseconds: the marker record's timestamp.
   */
  'timestampMs': (number);
  /**
   * How long the leader may take to apply it.
   */
  'timeoutMs': (number);
}
