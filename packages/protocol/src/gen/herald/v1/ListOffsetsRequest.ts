// Original file: proto/herald/v1/consume.proto

import type { StartPosition as _herald_v1_StartPosition, StartPosition__Output as _herald_v1_StartPosition__Output } from '../../herald/v1/StartPosition.js';
import type { Isolation as _herald_v1_Isolation, Isolation__Output as _herald_v1_Isolation__Output } from '../../herald/v1/Isolation.js';
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
  /**
   * The reader's isolation, for START_POSITION_LATEST: read committed (the default) finds the
   * last stable offset, so that a reader starting there sees an open transaction whole once it
   * commits; read uncommitted finds the high watermark.
   */
  'isolation'?: (_herald_v1_Isolation);
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
  /**
   * The reader's isolation, for START_POSITION_LATEST: read committed (the default) finds the
   * last stable offset, so that a reader starting there sees an open transaction whole once it
   * commits; read uncommitted finds the high watermark.
   */
  'isolation': (_herald_v1_Isolation__Output);
}
