// Original file: proto/herald/v1/produce.proto

import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  /**
   * The offset assigned to the batch's first record; -1 with ACKS_NONE.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * The offset of the batch's last record: base_offset + record_count - 1; -1 with ACKS_NONE.
   */
  'lastOffset'?: (number | string | Long);
  /**
   * The number of records in the batch.
   */
  'recordCount'?: (number);
  /**
   * True when an idempotent retry was answered with the offsets the batch got the first time;
   * nothing was appended this time.
   */
  'duplicate'?: (boolean);
}

export interface ProduceResponse__Output {
  /**
   * The offset assigned to the batch's first record; -1 with ACKS_NONE.
   */
  'baseOffset': (number);
  /**
   * The offset of the batch's last record: base_offset + record_count - 1; -1 with ACKS_NONE.
   */
  'lastOffset': (number);
  /**
   * The number of records in the batch.
   */
  'recordCount': (number);
  /**
   * True when an idempotent retry was answered with the offsets the batch got the first time;
   * nothing was appended this time.
   */
  'duplicate': (boolean);
}
