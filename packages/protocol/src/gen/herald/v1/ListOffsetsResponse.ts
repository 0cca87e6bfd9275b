// Original file: proto/herald/v1/consume.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsResponse {
  /**
   * EARLIEST: log_start_offset. LATEST: last_stable_offset (read committed) or high_watermark
   * (read uncommitted). TIMESTAMP: the offset of the first
   * record whose timestamp is at or after timestamp_ms, or the high watermark when there is
   * none (so that a reader starting there sees only later records).
   */
  'offset'?: (number | string | Long);
  /**
   * TIMESTAMP: the timestamp of the record found, or -1 when there is none; otherwise -1.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * The partition's high watermark at the time of the lookup.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The partition's first stored offset at the time of the lookup.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * The partition's last stable offset at the time of the lookup.
   */
  'lastStableOffset'?: (number | string | Long);
}

export interface ListOffsetsResponse__Output {
  /**
   * EARLIEST: log_start_offset. LATEST: last_stable_offset (read committed) or high_watermark
   * (read uncommitted). TIMESTAMP: the offset of the first
   * record whose timestamp is at or after timestamp_ms, or the high watermark when there is
   * none (so that a reader starting there sees only later records).
   */
  'offset': (number);
  /**
   * TIMESTAMP: the timestamp of the record found, or -1 when there is none; otherwise -1.
   */
  'timestampMs': (number);
  /**
   * The partition's high watermark at the time of the lookup.
   */
  'highWatermark': (number);
  /**
   * The partition's first stored offset at the time of the lookup.
   */
  'logStartOffset': (number);
  /**
   * The partition's last stable offset at the time of the lookup.
   */
  'lastStableOffset': (number);
}
