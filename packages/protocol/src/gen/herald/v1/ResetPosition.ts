// Original file: proto/herald/v1/groups.proto

/**
 * Where ResetOffsets moves offsets to.
 */
export const ResetPosition = {
  /**
   * Not set: refused with INVALID_ARGUMENT.
   */
  RESET_POSITION_UNSPECIFIED: 'RESET_POSITION_UNSPECIFIED',
  /**
   * The partition's first stored offset.
   */
  RESET_POSITION_EARLIEST: 'RESET_POSITION_EARLIEST',
  /**
   * The partition's high watermark: only new records are consumed.
   */
  RESET_POSITION_LATEST: 'RESET_POSITION_LATEST',
  /**
   * An explicit offset (`offset`), clamped to [log_start_offset, high_watermark].
   */
  RESET_POSITION_OFFSET: 'RESET_POSITION_OFFSET',
  /**
   * The first record at or after `timestamp_ms`.
   */
  RESET_POSITION_TIMESTAMP: 'RESET_POSITION_TIMESTAMP',
  /**
   * The committed offset moved by `shift` (negative: back), clamped to the partition's range.
   */
  RESET_POSITION_SHIFT: 'RESET_POSITION_SHIFT',
} as const;

/**
 * Where ResetOffsets moves offsets to.
 */
export type ResetPosition =
  /**
   * Not set: refused with INVALID_ARGUMENT.
   */
  | 'RESET_POSITION_UNSPECIFIED'
  | 0
  /**
   * The partition's first stored offset.
   */
  | 'RESET_POSITION_EARLIEST'
  | 1
  /**
   * The partition's high watermark: only new records are consumed.
   */
  | 'RESET_POSITION_LATEST'
  | 2
  /**
   * An explicit offset (`offset`), clamped to [log_start_offset, high_watermark].
   */
  | 'RESET_POSITION_OFFSET'
  | 3
  /**
   * The first record at or after `timestamp_ms`.
   */
  | 'RESET_POSITION_TIMESTAMP'
  | 4
  /**
   * The committed offset moved by `shift` (negative: back), clamped to the partition's range.
   */
  | 'RESET_POSITION_SHIFT'
  | 5

/**
 * Where ResetOffsets moves offsets to.
 */
export type ResetPosition__Output = typeof ResetPosition[keyof typeof ResetPosition]
