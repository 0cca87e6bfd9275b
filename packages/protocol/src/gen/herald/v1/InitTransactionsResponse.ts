// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

export interface InitTransactionsResponse {
  'producerId'?: (number | string | Long);
  'producerEpoch'?: (number);
}

export interface InitTransactionsResponse__Output {
  'producerId': (number);
  'producerEpoch': (number);
}
