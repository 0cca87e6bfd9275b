// Original file: proto/herald/v1/queues.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A receipt that was not applied.
 */
export interface RefusedReceipt {
  'offset'?: (number | string | Long);
  /**
   * Why, e.g. "offset 7 was delivered again since (delivery 3, the receipt names 2)".
   */
  'reason'?: (string);
}

/**
 * A receipt that was not applied.
 */
export interface RefusedReceipt__Output {
  'offset': (number);
  /**
   * Why, e.g. "offset 7 was delivered again since (delivery 3, the receipt names 2)".
   */
  'reason': (string);
}
