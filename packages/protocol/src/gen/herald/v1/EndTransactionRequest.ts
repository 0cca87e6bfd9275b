// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

export interface EndTransactionRequest {
  'transactionalId'?: (string);
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
  /**
   * true: commit; false: abort.
   */
  'commit'?: (boolean);
}

export interface EndTransactionRequest__Output {
  'transactionalId': (string);
  'producerId': (number);
  'producerEpoch': (number);
  /**
   * true: commit; false: abort.
   */
  'commit': (boolean);
}
