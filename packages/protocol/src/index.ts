// @herald/protocol: Herald's wire contract, shared by the broker and the client. The gRPC
// definitions and their generated types, the record-batch codec, the error catalog, the raft
// message converters and Kafka's key partitioner. Depends on no other Herald package.

export * from './errors.js';
export * from './definitions.js';
export * from './raft-codec.js';
export * from './compact-frame.js';
export * from './partition-for-key.js';
export * from './producer-id.js';
export { ControlRecordType, encodeBatch, encodeTxnMarker, TIMESTAMP_MS_MAX, type EncodeOptions } from './batch/encode.js';
export { compactBatch } from './batch/compact.js';
export {
  decodeBatch,
  readBatchHeader,
  validateBatch,
  type BatchLimits,
  type DecodeOptions,
} from './batch/decode.js';
export { crc32c } from './batch/crc32c.js';
export {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  COMPACTED_FLAG,
  CONTROL_FLAG,
  Compression,
  HeaderOffset,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  TRANSACTIONAL_FLAG,
  UNCOMPRESSED_BYTES_MAX_DEFAULT,
  type BatchHeader,
  type BatchRecord,
  type RecordHeader,
  type RecordInput,
} from './batch/format.js';

/** Every generated type of package herald.v1: messages (`v1.ProduceRequest` to send,
 *  `v1.ProduceRequest__Output` as received), enums (`v1.Acks`), service clients and handlers.
 *  Types only: loading the hundred generated modules would cost every process tens of
 *  milliseconds at start for nothing (the loader, not these modules, builds the messages). */
export type * as v1 from './gen/v1.js';
/** Every generated type of package herald.internal.v1 (the peer transport); types only. */
export type * as internalV1 from './gen/internal-v1.js';
