// Original file: proto/herald/v1/transactions.proto

import type { TransactionOffset as _herald_v1_TransactionOffset, TransactionOffset__Output as _herald_v1_TransactionOffset__Output } from '../../herald/v1/TransactionOffset.js';
import type { Long } from '@grpc/proto-loader';

export interface CommitTransactionOffsetsRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  'group'?: (string);
  'offsets'?: (_herald_v1_TransactionOffset)[];
}

export interface CommitTransactionOffsetsRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  'group': (string);
  'offsets': (_herald_v1_TransactionOffset__Output)[];
}
