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
  /**
   * The refused receipt's delivery count: one call may carry two receipts of one offset (a
   * record delivered again to the same member before its first ack left), and only one of
   * them may be refused. 0 from servers before this field: match by offset alone.
   */
  'deliveryCount'?: (number);
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
  /**
   * The refused receipt's delivery count: one call may carry two receipts of one offset (a
   * record delivered again to the same member before its first ack left), and only one of
   * them may be refused. 0 from servers before this field: match by offset alone.
   */
  'deliveryCount': (number);
}
