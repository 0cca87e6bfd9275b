// Original file: proto/herald/v1/queues.proto

import type { Subscription as _herald_v1_Subscription, Subscription__Output as _herald_v1_Subscription__Output } from '../../herald/v1/Subscription.js';

export interface DescribeSubscriptionsResponse {
  'subscriptions'?: (_herald_v1_Subscription)[];
}

export interface DescribeSubscriptionsResponse__Output {
  'subscriptions': (_herald_v1_Subscription__Output)[];
}
