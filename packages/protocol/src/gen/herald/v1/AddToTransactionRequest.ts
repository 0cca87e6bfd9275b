// Original file: proto/herald/v1/transactions.proto

import type { TransactionPartition as _herald_v1_TransactionPartition, TransactionPartition__Output as _herald_v1_TransactionPartition__Output } from '../../herald/v1/TransactionPartition.js';
import type { Long } from '@grpc/proto-loader';

export interface AddToTransactionRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'partitions'?: (_herald_v1_TransactionPartition)[];
  /**
   * Consumer groups whose offsets the transaction will commit.
   */
  'groups'?: (string)[];
}

export interface AddToTransactionRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'partitions': (_herald_v1_TransactionPartition__Output)[];
  /**
   * Consumer groups whose offsets the transaction will commit.
   */
  'groups': (string)[];
}
