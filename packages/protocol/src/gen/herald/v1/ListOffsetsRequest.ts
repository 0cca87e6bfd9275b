// Original file: proto/herald/v1/consume.proto

import type { StartPosition as _herald_v1_StartPosition, StartPosition__Output as _herald_v1_StartPosition__Output } from '../../herald/v1/StartPosition.js';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsRequest {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * What to look up: START_POSITION_EARLIEST, START_POSITION_LATEST (the default) or
   * START_POSITION_TIMESTAMP. START_POSITION_OFFSET is refused with INVALID_ARGUMENT.
   */
  'position'?: (_herald_v1_StartPosition);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'timestampMs'?: (number | string | Long);
}

export interface ListOffsetsRequest__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * What to look up: START_POSITION_EARLIEST, START_POSITION_LATEST (the default) or
   * START_POSITION_TIMESTAMP. START_POSITION_OFFSET is refused with INVALID_ARGUMENT.
   */
  'position': (_herald_v1_StartPosition__Output);
  /**
   * With START_POSITION_TIMESTAMP: the time, in epoch milliseconds.
   */
  'timestampMs': (number);
}
