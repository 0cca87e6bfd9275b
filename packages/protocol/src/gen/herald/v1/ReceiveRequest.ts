// Original file: proto/herald/v1/queues.proto

import type { StartPosition as _herald_v1_StartPosition, StartPosition__Output as _herald_v1_StartPosition__Output } from '../../herald/v1/StartPosition.js';

export interface ReceiveRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The subscription's name (1 to 249 of a-z, A-Z, 0-9, ".", "_", "-").
   */
  'subscription'?: (string);
  /**
   * Who receives (any text up to 512 bytes; shown by DescribeSubscriptions).
   */
  'memberId'?: (string);
  /**
   * At most this many records; 0 means 100. At most 10,000.
   */
  'maxRecords'?: (number);
  /**
   * How long the member holds the records before they are delivered again; 0 means 30,000.
   * From 100 ms to 12 hours.
   */
  'ackTimeoutMs'?: (number);
  /**
   * How long to wait when no record is available; 0 answers at once.
   */
  'maxWaitMs'?: (number);
  /**
   * For a new subscription: START_POSITION_EARLIEST or START_POSITION_LATEST (the default).
   */
  'startPosition'?: (_herald_v1_StartPosition);
  /**
   * For a new subscription: at most one record per key is out at a time, in offset order.
   * Records without a key are not ordered.
   */
  'orderedByKey'?: (boolean);
}

export interface ReceiveRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The subscription's name (1 to 249 of a-z, A-Z, 0-9, ".", "_", "-").
   */
  'subscription': (string);
  /**
   * Who receives (any text up to 512 bytes; shown by DescribeSubscriptions).
   */
  'memberId': (string);
  /**
   * At most this many records; 0 means 100. At most 10,000.
   */
  'maxRecords': (number);
  /**
   * How long the member holds the records before they are delivered again; 0 means 30,000.
   * From 100 ms to 12 hours.
   */
  'ackTimeoutMs': (number);
  /**
   * How long to wait when no record is available; 0 answers at once.
   */
  'maxWaitMs': (number);
  /**
   * For a new subscription: START_POSITION_EARLIEST or START_POSITION_LATEST (the default).
   */
  'startPosition': (_herald_v1_StartPosition__Output);
  /**
   * For a new subscription: at most one record per key is out at a time, in offset order.
   * Records without a key are not ordered.
   */
  'orderedByKey': (boolean);
}
