// Original file: proto/herald/v1/queues.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A subscription on one partition, as that partition's leader knows it.
 */
export interface SubscriptionPartition {
  'partition'?: (number);
  /**
   * Every offset below is settled.
   */
  'ackFloor'?: (number | string | Long);
  /**
   * The partition's high watermark.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * Records between the floor and the high watermark not settled yet.
   */
  'unacked'?: (number | string | Long);
  /**
   * Of those, leased to a member now.
   */
  'leased'?: (number | string | Long);
  /**
   * Counters since the subscription was created.
   */
  'acked'?: (number | string | Long);
  'redelivered'?: (number | string | Long);
  'deadLettered'?: (number | string | Long);
  /**
   * The members holding leases.
   */
  'members'?: (string)[];
}

/**
 * A subscription on one partition, as that partition's leader knows it.
 */
export interface SubscriptionPartition__Output {
  'partition': (number);
  /**
   * Every offset below is settled.
   */
  'ackFloor': (number);
  /**
   * The partition's high watermark.
   */
  'highWatermark': (number);
  /**
   * Records between the floor and the high watermark not settled yet.
   */
  'unacked': (number);
  /**
   * Of those, leased to a member now.
   */
  'leased': (number);
  /**
   * Counters since the subscription was created.
   */
  'acked': (number);
  'redelivered': (number);
  'deadLettered': (number);
  /**
   * The members holding leases.
   */
  'members': (string)[];
}
