// Original file: proto/herald/v1/groups.proto

import type { ResetPosition as _herald_v1_ResetPosition, ResetPosition__Output as _herald_v1_ResetPosition__Output } from '../../herald/v1/ResetPosition.js';
import type { Long } from '@grpc/proto-loader';

export interface ResetOffsetsRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * The topic whose offsets move.
   */
  'topic'?: (string);
  /**
   * Its partitions; empty means all.
   */
  'partitions'?: (number)[];
  /**
   * Where to.
   */
  'position'?: (_herald_v1_ResetPosition);
  /**
   * RESET_POSITION_OFFSET: the offset, at least 0.
   */
  'offset'?: (number | string | Long);
  /**
   * RESET_POSITION_TIMESTAMP: epoch milliseconds, at least 0.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * RESET_POSITION_SHIFT: records to move by, may be negative.
   */
  'shift'?: (number | string | Long);
  /**
   * Compute and answer the new offsets without committing them.
   */
  'dryRun'?: (boolean);
}

export interface ResetOffsetsRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * The topic whose offsets move.
   */
  'topic': (string);
  /**
   * Its partitions; empty means all.
   */
  'partitions': (number)[];
  /**
   * Where to.
   */
  'position': (_herald_v1_ResetPosition__Output);
  /**
   * RESET_POSITION_OFFSET: the offset, at least 0.
   */
  'offset': (number);
  /**
   * RESET_POSITION_TIMESTAMP: epoch milliseconds, at least 0.
   */
  'timestampMs': (number);
  /**
   * RESET_POSITION_SHIFT: records to move by, may be negative.
   */
  'shift': (number);
  /**
   * Compute and answer the new offsets without committing them.
   */
  'dryRun': (boolean);
}
