// Original file: proto/herald/v1/queues.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A delivery: a record's offset and its delivery count.
 */
export interface Receipt {
  'offset'?: (number | string | Long);
  'deliveryCount'?: (number);
}

/**
 * A delivery: a record's offset and its delivery count.
 */
export interface Receipt__Output {
  'offset': (number);
  'deliveryCount': (number);
}
