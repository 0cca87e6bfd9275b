// Original file: proto/herald/v1/queues.proto

import type { Receipt as _herald_v1_Receipt, Receipt__Output as _herald_v1_Receipt__Output } from '../../herald/v1/Receipt.js';

export interface SettleRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The subscription's name.
   */
  'subscription'?: (string);
  /**
   * The deliveries to settle, at most 10,000.
   */
  'receipts'?: (_herald_v1_Receipt)[];
  /**
   * Nack: deliver again no sooner than this; 0: at once. At most 7 days.
   */
  'delayMs'?: (number);
  /**
   * Nack: send to the dead-letter topic instead of delivering again.
   */
  'reject'?: (boolean);
  /**
   * Extend: the new deadline is now + ack_timeout_ms; 0 means 30,000.
   */
  'ackTimeoutMs'?: (number);
}

export interface SettleRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The subscription's name.
   */
  'subscription': (string);
  /**
   * The deliveries to settle, at most 10,000.
   */
  'receipts': (_herald_v1_Receipt__Output)[];
  /**
   * Nack: deliver again no sooner than this; 0: at once. At most 7 days.
   */
  'delayMs': (number);
  /**
   * Nack: send to the dead-letter topic instead of delivering again.
   */
  'reject': (boolean);
  /**
   * Extend: the new deadline is now + ack_timeout_ms; 0 means 30,000.
   */
  'ackTimeoutMs': (number);
}
