// Kafka RecordBatch v2 (KIP-98; DefaultRecordBatch.java) ↔ Herald's batch
// (@herald/protocol batch/format.ts). Both carry the same Kafka v2 records after their header,
// compressed the same way, so a batch crosses by swapping headers: the records are never
// decoded, and the CRC moves from one header to the other without a pass over the payload
// (crc-shift.ts).
//
// Kafka RecordBatch v2, big-endian:
//
//   offset size  field
//        0    8  baseOffset            (a producer sends 0; the broker assigns it)
//        8    4  batchLength           bytes after this field: 49 + records
//       12    4  partitionLeaderEpoch  the leader's epoch when it appended (Herald: the raft term)
//       16    1  magic                 = 2 (0 and 1 are the older message formats)
//       17    4  crc                   CRC-32C of every byte from attributes to the end
//       21    2  attributes            bits 0-2 compression, 3 timestamp type (1: LogAppendTime),
//                                      4 transactional, 5 control, 6 delete horizon
//       23    4  lastOffsetDelta
//       27    8  baseTimestamp
//       35    8  maxTimestamp
//       43    8  producerId            -1 without an idempotent producer
//       51    2  producerEpoch
//       53    4  baseSequence
//       57    4  recordsCount
//       61    …  records

import { BATCH_HEADER_BYTES, BATCH_MAGIC, COMPACTED_FLAG, decodeBatch, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from '@herald/protocol';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { ErrorCode, KafkaProtocolError } from '../errors.js';
import { rebaseCrc } from './crc-shift.js';

/** The bytes of a Kafka v2 batch before its records. */
export const KAFKA_BATCH_HEADER_BYTES = 61;

/** Field offsets in a Kafka v2 batch. */
const K = {
  BaseOffset: 0,
  BatchLength: 8,
  PartitionLeaderEpoch: 12,
  Magic: 16,
  Crc: 17,
  Attributes: 21,
  LastOffsetDelta: 23,
  BaseTimestamp: 27,
  MaxTimestamp: 35,
  ProducerId: 43,
  ProducerEpoch: 51,
  BaseSequence: 53,
  RecordsCount: 57,
} as const;

/** Field offsets in a Herald batch (format.ts HeaderOffset). */
const H = {
  Magic: 0,
  Attributes: 1,
  Crc: 2,
  RecordCount: 6,
  FirstTimestampMs: 10,
  MaxTimestampMs: 18,
  ProducerId: 26,
  ProducerEpoch: 34,
  BaseSequence: 36,
  PayloadLength: 40,
} as const;

/** The bytes of the batch length field and everything before it. */
const LOG_OVERHEAD = 12;
/** Where each format's CRC coverage starts. */
const KAFKA_CRC_START = K.Attributes;
const HERALD_CRC_START = H.RecordCount;

const COMPRESSION_MASK = 0x07;
const COMPRESSION_CODE_MAX = 4; // zstd
const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

const TWO_TO_32 = 0x1_0000_0000;

const LZ4 = 3;
/** The LZ4 frame's magic number, little-endian (KIP-57's format). */
const LZ4_FRAME_MAGIC = 0x184d2204;

function crc32c(bytes: Uint8Array): number {
  return nativeCrc32c(bytes) >>> 0;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function getInt64(v: DataView, offset: number): number {
  return v.getInt32(offset) * TWO_TO_32 + v.getUint32(offset + 4);
}

function setInt64(v: DataView, offset: number, value: number): void {
  const high = Math.floor(value / TWO_TO_32);
  v.setInt32(offset, high);
  v.setUint32(offset + 4, value - high * TWO_TO_32);
}

function invalidRecord(why: string): KafkaProtocolError {
  return new KafkaProtocolError(ErrorCode.InvalidRecord, `record batch: ${why}`);
}

/**
 * Splits the records of one partition of a Produce request into its batches (a producer usually
 * sends one, Kafka's format allows several), checking each entry's framing. Refuses the older
 * message formats (magic 0 and 1) with UNSUPPORTED_FOR_MESSAGE_FORMAT: Herald stores v2 records
 * only.
 */
export function splitBatches(records: Uint8Array): Uint8Array[] {
  const batches: Uint8Array[] = [];
  const v = view(records);
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD + 5) throw invalidRecord(`${records.length - pos} bytes at ${pos} are too few for a batch`);
    const magic = v.getInt8(pos + K.Magic);
    if (magic !== 2) {
      throw new KafkaProtocolError(ErrorCode.UnsupportedForMessageFormat, `record batch: magic ${magic}; only the v2 record format (magic 2, Kafka 0.11+) is served`);
    }
    const batchLength = v.getInt32(pos + K.BatchLength);
    if (batchLength < KAFKA_BATCH_HEADER_BYTES - LOG_OVERHEAD) throw invalidRecord(`batchLength ${batchLength} is shorter than a v2 batch header`);
    const end = pos + LOG_OVERHEAD + batchLength;
    if (end > records.length) throw invalidRecord(`batchLength ${batchLength} runs ${end - records.length} bytes past the records`);
    batches.push(records.subarray(pos, end));
    pos = end;
  }
  if (batches.length === 0) throw invalidRecord('no batch');
  return batches;
}

/**
 * A Kafka v2 batch from a producer as a Herald batch: the records copied after a Herald header
 * (a copy, so that the stored batch does not pin the whole request frame in memory), the CRC
 * rebased. Checks what the header alone can tell: the Kafka CRC, the attributes a producer may
 * set (no LogAppendTime, control or delete-horizon bits; the transactional bit exactly when the
 * request names a transactional id, and only with a producer id), a
 * known compression (Herald reads every one Kafka writes: lz4 frames, raw and xerial-framed
 * snappy, gzip, zstd), and that lastOffsetDelta matches the record count. The broker validates the records themselves.
 * A batch without a producer id gets -1 for its epoch and sequence too (kafkajs sends 0s).
 */
export function kafkaToHerald(batch: Uint8Array, transactional = false): Uint8Array {
  const v = view(batch);
  const crc = v.getUint32(K.Crc);
  const computed = crc32c(batch.subarray(KAFKA_CRC_START));
  if (crc !== computed) {
    throw new KafkaProtocolError(ErrorCode.CorruptMessage, `record batch: CRC-32C mismatch (stored ${crc.toString(16)}, computed ${computed.toString(16)})`);
  }
  const attributes = v.getInt16(K.Attributes);
  const compression = attributes & COMPRESSION_MASK;
  if (compression > COMPRESSION_CODE_MAX) throw new KafkaProtocolError(ErrorCode.UnsupportedCompressionType, `record batch: unknown compression code ${compression}`);
  if (((attributes & TRANSACTIONAL_FLAG) !== 0) !== transactional) {
    throw new KafkaProtocolError(
      ErrorCode.InvalidTxnState,
      transactional ? 'record batch: a transactional producer sends transactional batches (attributes bit 4)' : 'record batch: a transactional batch (attributes bit 4) needs the transactional id in the Produce request',
    );
  }
  if ((attributes & CONTROL_FLAG) !== 0) throw invalidRecord('control batches are written by brokers, not producers');
  if ((attributes & TIMESTAMP_TYPE_FLAG) !== 0) throw invalidRecord('the LogAppendTime timestamp type is set by brokers, not producers');
  if ((attributes & ~(COMPRESSION_MASK | TRANSACTIONAL_FLAG) & 0xffff) !== 0) throw invalidRecord(`attributes 0x${attributes.toString(16)} set reserved bits`);
  const recordsCount = v.getInt32(K.RecordsCount);
  if (recordsCount < 1) throw invalidRecord(`recordsCount is ${recordsCount}; a batch holds at least one record`);
  const lastOffsetDelta = v.getInt32(K.LastOffsetDelta);
  if (lastOffsetDelta !== recordsCount - 1) throw invalidRecord(`lastOffsetDelta ${lastOffsetDelta} does not match ${recordsCount} records`);
  const baseTimestamp = getInt64(v, K.BaseTimestamp);
  const maxTimestamp = getInt64(v, K.MaxTimestamp);
  const producerId = getInt64(v, K.ProducerId);
  if (!Number.isSafeInteger(baseTimestamp) || !Number.isSafeInteger(maxTimestamp) || !Number.isSafeInteger(producerId)) {
    throw invalidRecord('a timestamp or the producer id is beyond ±2^53, more than Herald supports');
  }
  const idempotent = producerId !== NO_PRODUCER_ID;
  if (transactional && !idempotent) throw new KafkaProtocolError(ErrorCode.InvalidTxnState, 'record batch: a transactional batch needs a producer id');

  const payloadLength = batch.length - KAFKA_BATCH_HEADER_BYTES;
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payloadLength);
  out.set(batch.subarray(KAFKA_BATCH_HEADER_BYTES), BATCH_HEADER_BYTES);
  const h = view(out);
  h.setUint8(H.Magic, BATCH_MAGIC);
  h.setUint8(H.Attributes, compression | (attributes & TRANSACTIONAL_FLAG));
  h.setUint32(H.RecordCount, recordsCount);
  setInt64(h, H.FirstTimestampMs, baseTimestamp);
  setInt64(h, H.MaxTimestampMs, maxTimestamp);
  setInt64(h, H.ProducerId, producerId);
  h.setInt16(H.ProducerEpoch, idempotent ? v.getInt16(K.ProducerEpoch) : NO_PRODUCER_EPOCH);
  h.setInt32(H.BaseSequence, idempotent ? v.getInt32(K.BaseSequence) : NO_SEQUENCE);
  h.setUint32(H.PayloadLength, payloadLength);
  const kafkaHeaderCrc = crc32c(batch.subarray(KAFKA_CRC_START, KAFKA_BATCH_HEADER_BYTES));
  const heraldHeaderCrc = crc32c(out.subarray(HERALD_CRC_START, BATCH_HEADER_BYTES));
  h.setUint32(H.Crc, rebaseCrc(crc, kafkaHeaderCrc, heraldHeaderCrc, payloadLength));
  return out;
}

/** A stored Herald batch as the broker serves it. */
export interface StoredBatchRef {
  /** The offset of the batch's first offset. */
  readonly baseOffset: number;
  /** The raft term of the entry that carries it: Kafka's partitionLeaderEpoch. */
  readonly leaderEpoch: number;
  /** The Herald batch, header included. */
  readonly bytes: Uint8Array;
}

/**
 * A stored Herald batch as a Kafka v2 batch: a 61-byte header to send before the batch's
 * payload (returned as the second chunk, a view of the stored bytes, not a copy). The CRC is
 * rebased from the stored one, so a batch damaged in storage stays detectably damaged.
 *
 * A compacted batch (format.ts) spans recordCount offsets but holds only some records, with
 * their original offset deltas: Kafka allows such gaps (its own compaction leaves them), so
 * lastOffsetDelta still covers the span, while recordsCount is the records present, counted by
 * decoding the batch (compaction is rare; plain batches are never decoded). An lz4 batch the
 * Herald SDK wrote before lz4 meant the frame format (a size-prefixed block) is refused with
 * UNSUPPORTED_COMPRESSION_TYPE: Kafka clients could not read it.
 */
export async function heraldToKafka(stored: StoredBatchRef): Promise<[Uint8Array, Uint8Array]> {
  const bytes = stored.bytes;
  if (bytes.length < BATCH_HEADER_BYTES || bytes[H.Magic] !== BATCH_MAGIC) throw new Error(`stored batch at offset ${stored.baseOffset} is not a Herald batch`);
  const h = view(bytes);
  const attributes = h.getUint8(H.Attributes);
  if ((attributes & COMPRESSION_MASK) === LZ4 && h.getUint32(BATCH_HEADER_BYTES, true) !== LZ4_FRAME_MAGIC) {
    throw new KafkaProtocolError(ErrorCode.UnsupportedCompressionType, `record batch at offset ${stored.baseOffset}: lz4 in Herald's old block format, which Kafka clients cannot read`);
  }
  const span = h.getUint32(H.RecordCount);
  const recordsCount = (attributes & COMPACTED_FLAG) !== 0 ? (await decodeBatch(bytes)).length : span;
  const payloadLength = bytes.length - BATCH_HEADER_BYTES;

  const header = Buffer.allocUnsafe(KAFKA_BATCH_HEADER_BYTES);
  const k = view(header);
  setInt64(k, K.BaseOffset, stored.baseOffset);
  k.setInt32(K.BatchLength, KAFKA_BATCH_HEADER_BYTES - LOG_OVERHEAD + payloadLength);
  k.setInt32(K.PartitionLeaderEpoch, stored.leaderEpoch);
  k.setInt8(K.Magic, 2);
  // Compression, and the transactional and control bits (the same bits in both formats).
  k.setInt16(K.Attributes, attributes & (COMPRESSION_MASK | TRANSACTIONAL_FLAG | CONTROL_FLAG));
  k.setInt32(K.LastOffsetDelta, span - 1);
  header.set(bytes.subarray(H.FirstTimestampMs, H.PayloadLength), K.BaseTimestamp); // timestamps, producer id, epoch, sequence
  k.setInt32(K.RecordsCount, recordsCount);
  const heraldHeaderCrc = crc32c(bytes.subarray(HERALD_CRC_START, BATCH_HEADER_BYTES));
  const kafkaHeaderCrc = crc32c(header.subarray(KAFKA_CRC_START));
  k.setUint32(K.Crc, rebaseCrc(h.getUint32(H.Crc), heraldHeaderCrc, kafkaHeaderCrc, payloadLength));
  return [header, bytes.subarray(BATCH_HEADER_BYTES)];
}
