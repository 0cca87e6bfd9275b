// Original file: proto/herald/v1/consume.proto

/**
 * Where a subscription or an offset lookup starts.
 */
export const StartPosition = {
  /**
   * Not set: START_POSITION_LATEST.
   */
  START_POSITION_UNSPECIFIED: 'START_POSITION_UNSPECIFIED',
  /**
   * From an explicit offset (start_offset).
   */
  START_POSITION_OFFSET: 'START_POSITION_OFFSET',
  /**
   * From the partition's first stored offset (log_start_offset).
   */
  START_POSITION_EARLIEST: 'START_POSITION_EARLIEST',
  /**
   * From the end: the last stable offset when reading committed (the high watermark unless a
   * transaction is open), the high watermark when reading uncommitted.
   */
  START_POSITION_LATEST: 'START_POSITION_LATEST',
  /**
   * From the first record whose timestamp is at or after start_timestamp_ms.
   */
  START_POSITION_TIMESTAMP: 'START_POSITION_TIMESTAMP',
} as const;

/**
 * Where a subscription or an offset lookup starts.
 */
export type StartPosition =
  /**
   * Not set: START_POSITION_LATEST.
   */
  | 'START_POSITION_UNSPECIFIED'
  | 0
  /**
   * From an explicit offset (start_offset).
   */
  | 'START_POSITION_OFFSET'
  | 1
  /**
   * From the partition's first stored offset (log_start_offset).
   */
  | 'START_POSITION_EARLIEST'
  | 2
  /**
   * From the end: the last stable offset when reading committed (the high watermark unless a
   * transaction is open), the high watermark when reading uncommitted.
   */
  | 'START_POSITION_LATEST'
  | 3
  /**
   * From the first record whose timestamp is at or after start_timestamp_ms.
   */
  | 'START_POSITION_TIMESTAMP'
  | 4

/**
 * Where a subscription or an offset lookup starts.
 */
export type StartPosition__Output = typeof StartPosition[keyof typeof StartPosition]
