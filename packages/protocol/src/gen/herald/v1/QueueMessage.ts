// Original file: proto/herald/v1/queues.proto

import type { QueueHeader as _herald_v1_QueueHeader, QueueHeader__Output as _herald_v1_QueueHeader__Output } from '../../herald/v1/QueueHeader.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A leased record.
 */
export interface QueueMessage {
  /**
   * Its offset in the partition.
   */
  'offset'?: (number | string | Long);
  /**
   * Its timestamp, epoch milliseconds.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * Its key, absent for a record without one.
   */
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Its value, absent for a null value (a tombstone).
   */
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_herald_v1_QueueHeader)[];
  /**
   * The number of times it was leased, this time included (1 on the first delivery).
   */
  'deliveryCount'?: (number);
  /**
   * When its lease ends, epoch milliseconds (the leader's clock).
   */
  'ackDeadlineMs'?: (number | string | Long);
  '_key'?: "key";
  '_value'?: "value";
}

/**
 * A leased record.
 */
export interface QueueMessage__Output {
  /**
   * Its offset in the partition.
   */
  'offset': (number);
  /**
   * Its timestamp, epoch milliseconds.
   */
  'timestampMs': (number);
  /**
   * Its key, absent for a record without one.
   */
  'key'?: (Buffer);
  /**
   * Its value, absent for a null value (a tombstone).
   */
  'value'?: (Buffer);
  'headers': (_herald_v1_QueueHeader__Output)[];
  /**
   * The number of times it was leased, this time included (1 on the first delivery).
   */
  'deliveryCount': (number);
  /**
   * When its lease ends, epoch milliseconds (the leader's clock).
   */
  'ackDeadlineMs': (number);
  '_key'?: "key";
  '_value'?: "value";
}
