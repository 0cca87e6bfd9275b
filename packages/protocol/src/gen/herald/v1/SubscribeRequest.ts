// Original file: proto/herald/v1/consume.proto

import type { StartPosition as _herald_v1_StartPosition, StartPosition__Output as _herald_v1_StartPosition__Output } from '../../herald/v1/StartPosition.js';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * Where to start; START_POSITION_UNSPECIFIED means START_POSITION_LATEST.
   */
  'startPosition'?: (_herald_v1_StartPosition);
  /**
   * With START_POSITION_OFFSET: the first offset wanted. Outside [log_start_offset,
   * high_watermark] the call fails with OUT_OF_RANGE, reason OffsetOutOfRange.
   */
  'startOffset'?: (number | string | Long);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'startTimestampMs'?: (number | string | Long);
  /**
   * An upper bound on the bytes of batches in one pushed message; 0 means the broker's
   * default. As in Fetch, a single larger batch is still sent.
   */
  'maxBytes'?: (number);
}

export interface SubscribeRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * Where to start; START_POSITION_UNSPECIFIED means START_POSITION_LATEST.
   */
  'startPosition': (_herald_v1_StartPosition__Output);
  /**
   * With START_POSITION_OFFSET: the first offset wanted. Outside [log_start_offset,
   * high_watermark] the call fails with OUT_OF_RANGE, reason OffsetOutOfRange.
   */
  'startOffset': (number);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'startTimestampMs': (number);
  /**
   * An upper bound on the bytes of batches in one pushed message; 0 means the broker's
   * default. As in Fetch, a single larger batch is still sent.
   */
  'maxBytes': (number);
}
