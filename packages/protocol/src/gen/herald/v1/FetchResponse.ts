// Original file: proto/herald/v1/consume.proto

import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from '../../herald/v1/RecordBatch.js';
import type { Long } from '@grpc/proto-loader';

export interface FetchResponse {
  /**
   * The batches, in offset order, contiguous, all below high_watermark.
   */
  'batches'?: (_herald_v1_RecordBatch)[];
  /**
   * The offset after the last committed record: the next offset to be assigned that readers
   * cannot see yet.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The partition's first offset still stored (older ones were removed by retention).
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * The first offset of the oldest open transaction on the partition, else high_watermark: a
   * read-committed read stops there.
   */
  'lastStableOffset'?: (number | string | Long);
}

export interface FetchResponse__Output {
  /**
   * The batches, in offset order, contiguous, all below high_watermark.
   */
  'batches': (_herald_v1_RecordBatch__Output)[];
  /**
   * The offset after the last committed record: the next offset to be assigned that readers
   * cannot see yet.
   */
  'highWatermark': (number);
  /**
   * The partition's first offset still stored (older ones were removed by retention).
   */
  'logStartOffset': (number);
  /**
   * The first offset of the oldest open transaction on the partition, else high_watermark: a
   * read-committed read stops there.
   */
  'lastStableOffset': (number);
}
