// Original file: proto/herald/v1/queues.proto

import type { QueueMessage as _herald_v1_QueueMessage, QueueMessage__Output as _herald_v1_QueueMessage__Output } from '../../herald/v1/QueueMessage.js';

export interface ReceiveResponse {
  /**
   * The records leased, in offset order.
   */
  'messages'?: (_herald_v1_QueueMessage)[];
}

export interface ReceiveResponse__Output {
  /**
   * The records leased, in offset order.
   */
  'messages': (_herald_v1_QueueMessage__Output)[];
}
