// Original file: proto/herald/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteRecordsRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * Records below this offset are deleted; at most the high watermark. -1 means the high
   * watermark (every committed record). An offset at or below the log start changes nothing.
   */
  'beforeOffset'?: (number | string | Long);
}

export interface DeleteRecordsRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * Records below this offset are deleted; at most the high watermark. -1 means the high
   * watermark (every committed record). An offset at or below the log start changes nothing.
   */
  'beforeOffset': (number);
}
