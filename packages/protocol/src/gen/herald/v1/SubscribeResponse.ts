// Original file: proto/herald/v1/consume.proto

import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from '../../herald/v1/RecordBatch.js';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeResponse {
  /**
   * The next batches, in offset order, contiguous with those pushed before.
   */
  'batches'?: (_herald_v1_RecordBatch)[];
  /**
   * The partition's high watermark when this message was sent.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * The partition's first stored offset when this message was sent.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * The partition's last stable offset when this message was sent.
   */
  'lastStableOffset'?: (number | string | Long);
}

export interface SubscribeResponse__Output {
  /**
   * The next batches, in offset order, contiguous with those pushed before.
   */
  'batches': (_herald_v1_RecordBatch__Output)[];
  /**
   * The partition's high watermark when this message was sent.
   */
  'highWatermark': (number);
  /**
   * The partition's first stored offset when this message was sent.
   */
  'logStartOffset': (number);
  /**
   * The partition's last stable offset when this message was sent.
   */
  'lastStableOffset': (number);
}
