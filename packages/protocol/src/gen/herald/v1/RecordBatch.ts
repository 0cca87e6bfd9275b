// Original file: proto/herald/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One stored record batch, exactly as the producer encoded it (see
 * packages/protocol/src/batch). A batch carries no offsets: the broker assigns them when the
 * partition applies the batch and sends `base_offset` next to the unchanged bytes.
 */
export interface RecordBatch {
  /**
   * The offset of the batch's first record. Record i of the batch has offset base_offset + i.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * The number of records in the batch (also in the batch header; repeated here so that a
   * reader can skip a batch without parsing it).
   */
  'recordCount'?: (number);
  /**
   * The encoded batch: header, CRC-32C and (possibly compressed) records.
   */
  'batch'?: (Buffer | Uint8Array | string);
}

/**
 * One stored record batch, exactly as the producer encoded it (see
 * packages/protocol/src/batch). A batch carries no offsets: the broker assigns them when the
 * partition applies the batch and sends `base_offset` next to the unchanged bytes.
 */
export interface RecordBatch__Output {
  /**
   * The offset of the batch's first record. Record i of the batch has offset base_offset + i.
   */
  'baseOffset': (number);
  /**
   * The number of records in the batch (also in the batch header; repeated here so that a
   * reader can skip a batch without parsing it).
   */
  'recordCount': (number);
  /**
   * The encoded batch: header, CRC-32C and (possibly compressed) records.
   */
  'batch': (Buffer);
}
