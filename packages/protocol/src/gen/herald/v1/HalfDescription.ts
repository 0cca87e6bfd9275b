// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One half message as its partition's leader knows it.
 */
export interface HalfDescription {
  'partition'?: (number);
  'id'?: (string);
  'producerGroup'?: (string);
  /**
   * "pending", "committed" or "rolled-back".
   */
  'state'?: (string);
  'recordCount'?: (number);
  'createdMs'?: (number | string | Long);
  /**
   * Check-backs sent so far.
   */
  'checks'?: (number);
  /**
   * When the last check-back was sent; 0 if none was.
   */
  'lastCheckMs'?: (number | string | Long);
  /**
   * Decided only: when, and by whom: "producer" (EndHalf), "check" (EndHalf answering a
   * check-back), "check-max" (rolled back after transaction.check.max checks).
   */
  'decidedMs'?: (number | string | Long);
  'decidedBy'?: (string);
  /**
   * Committed only: the offset of its first record.
   */
  'baseOffset'?: (number | string | Long);
}

/**
 * One half message as its partition's leader knows it.
 */
export interface HalfDescription__Output {
  'partition': (number);
  'id': (string);
  'producerGroup': (string);
  /**
   * "pending", "committed" or "rolled-back".
   */
  'state': (string);
  'recordCount': (number);
  'createdMs': (number);
  /**
   * Check-backs sent so far.
   */
  'checks': (number);
  /**
   * When the last check-back was sent; 0 if none was.
   */
  'lastCheckMs': (number);
  /**
   * Decided only: when, and by whom: "producer" (EndHalf), "check" (EndHalf answering a
   * check-back), "check-max" (rolled back after transaction.check.max checks).
   */
  'decidedMs': (number);
  'decidedBy': (string);
  /**
   * Committed only: the offset of its first record.
   */
  'baseOffset': (number);
}
