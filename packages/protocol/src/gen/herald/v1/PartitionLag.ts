// Original file: proto/herald/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One partition a group consumes or committed for, with its lag.
 */
export interface PartitionLag {
  /**
   * The topic's name.
   */
  'topic'?: (string);
  /**
   * The partition.
   */
  'partition'?: (number);
  /**
   * The member consuming it in this generation; empty when none.
   */
  'memberId'?: (string);
  /**
   * The committed offset; -1 when nothing is committed.
   */
  'committedOffset'?: (number | string | Long);
  /**
   * The partition's high watermark (-1 when no replica answered).
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The partition's first stored offset (-1 when no replica answered).
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * Records not consumed yet: high_watermark − max(committed_offset, log_start_offset); -1
   * when unknown (no committed offset, or no replica answered).
   */
  'lagRecords'?: (number | string | Long);
  /**
   * The age of the oldest record not consumed yet (the record at the committed offset), in
   * seconds; 0 when caught up; -1 when unknown.
   */
  'lagSeconds'?: (number | string);
}

/**
 * One partition a group consumes or committed for, with its lag.
 */
export interface PartitionLag__Output {
  /**
   * The topic's name.
   */
  'topic': (string);
  /**
   * The partition.
   */
  'partition': (number);
  /**
   * The member consuming it in this generation; empty when none.
   */
  'memberId': (string);
  /**
   * The committed offset; -1 when nothing is committed.
   */
  'committedOffset': (number);
  /**
   * The partition's high watermark (-1 when no replica answered).
   */
  'highWatermark': (number);
  /**
   * The partition's first stored offset (-1 when no replica answered).
   */
  'logStartOffset': (number);
  /**
   * Records not consumed yet: high_watermark − max(committed_offset, log_start_offset); -1
   * when unknown (no committed offset, or no replica answered).
   */
  'lagRecords': (number);
  /**
   * The age of the oldest record not consumed yet (the record at the committed offset), in
   * seconds; 0 when caught up; -1 when unknown.
   */
  'lagSeconds': (number);
}
