// Original file: proto/herald/v1/transactions.proto

import type { TransactionPartition as _herald_v1_TransactionPartition, TransactionPartition__Output as _herald_v1_TransactionPartition__Output } from '../../herald/v1/TransactionPartition.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A transactional id and its current (or last) transaction.
 */
export interface TransactionDescription {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  /**
   * Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit or CompleteAbort.
   */
  'status'?: (string);
  /**
   * The transaction's number for its id (1, 2, ...); 0 before the first.
   */
  'txn'?: (number | string | Long);
  'partitions'?: (_herald_v1_TransactionPartition)[];
  'groups'?: (string)[];
  /**
   * When the transaction began (the controller's clock), epoch milliseconds.
   */
  'startedMs'?: (number | string | Long);
  'timeoutMs'?: (number);
}

/**
 * A transactional id and its current (or last) transaction.
 */
export interface TransactionDescription__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  /**
   * Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit or CompleteAbort.
   */
  'status': (string);
  /**
   * The transaction's number for its id (1, 2, ...); 0 before the first.
   */
  'txn': (number);
  'partitions': (_herald_v1_TransactionPartition__Output)[];
  'groups': (string)[];
  /**
   * When the transaction began (the controller's clock), epoch milliseconds.
   */
  'startedMs': (number);
  'timeoutMs': (number);
}
