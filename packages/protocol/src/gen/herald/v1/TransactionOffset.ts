// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

export interface TransactionOffset {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The next offset the group reads.
   */
  'offset'?: (number | string | Long);
  'metadata'?: (string);
}

export interface TransactionOffset__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The next offset the group reads.
   */
  'offset': (number);
  'metadata': (string);
}
