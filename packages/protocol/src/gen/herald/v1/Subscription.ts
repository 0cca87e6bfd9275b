// Original file: proto/herald/v1/queues.proto

import type { SubscriptionPartition as _herald_v1_SubscriptionPartition, SubscriptionPartition__Output as _herald_v1_SubscriptionPartition__Output } from '../../herald/v1/SubscriptionPartition.js';

export interface Subscription {
  'name'?: (string);
  'orderedByKey'?: (boolean);
  /**
   * Partitions whose leader answered.
   */
  'partitions'?: (_herald_v1_SubscriptionPartition)[];
}

export interface Subscription__Output {
  'name': (string);
  'orderedByKey': (boolean);
  /**
   * Partitions whose leader answered.
   */
  'partitions': (_herald_v1_SubscriptionPartition__Output)[];
}
