// Original file: proto/herald/v1/transactions.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A partition's leader asks what became of a half message.
 */
export interface HalfCheck {
  'topic'?: (string);
  'partition'?: (number);
  'id'?: (string);
  'producerGroup'?: (string);
  /**
   * This is check number `checks` (1 for the first).
   */
  'checks'?: (number);
  /**
   * When the half message was stored (the leader's clock).
   */
  'createdMs'?: (number | string | Long);
  /**
   * The half message's records, the batch as the producer sent it.
   */
  'batch'?: (Buffer | Uint8Array | string);
}

/**
 * A partition's leader asks what became of a half message.
 */
export interface HalfCheck__Output {
  'topic': (string);
  'partition': (number);
  'id': (string);
  'producerGroup': (string);
  /**
   * This is check number `checks` (1 for the first).
   */
  'checks': (number);
  /**
   * When the half message was stored (the leader's clock).
   */
  'createdMs': (number);
  /**
   * The half message's records, the batch as the producer sent it.
   */
  'batch': (Buffer);
}
