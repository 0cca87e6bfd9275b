// The record batch: the unit of data everywhere in Herald (client, gRPC message, raft entry,
// storage, fetch). The broker stores and serves a batch's bytes unchanged, so a batch carries
// no offsets: the partition assigns a base offset when it applies the batch and serves it next
// to the bytes. Records inside are Kafka v2 records (KIP-98), so their bytes match Kafka's.
//
// Layout, big-endian:
//
//   offset size  field
//        0    1  magic            = 1
//        1    1  attributes       bits 0-2: compression (0 none, 1 gzip, 2 snappy, 3 lz4,
//                                 4 zstd); bit 3: compacted (see below); bit 4: transactional;
//                                 bit 5: control (a transaction marker); bits 6-7: 0
//        2    4  crc              CRC-32C of every byte after this field
//        6    4  recordCount      u32, at least 1
//       10    8  firstTimestampMs i64, at most the first record's timestamp (the base of every
//                                 record's timestampDelta; Herald writes the first's)
//       18    8  maxTimestampMs   i64, the largest record timestamp
//       26    8  producerId       i64, -1 when not idempotent
//       34    2  producerEpoch    i16, -1 when not idempotent
//       36    4  baseSequence     i32, the first record's sequence number; -1 when not idempotent
//       40    4  payloadLength    u32, the bytes that follow
//       44    …  payload          the records, compressed as attributes say
//
// Each record (varints are zigzag-encoded, as Kafka's):
//   length varint (bytes after it) · attributes i8 (0) · timestampDelta varlong (from
//   firstTimestampMs) · offsetDelta varint (its index in the batch) · keyLength varint (-1: null
//   key) · key · valueLength varint (-1: null value) · value · headerCount varint ·
//   headers: keyLength varint · key (UTF-8) · valueLength varint · value

// A compacted batch (attribute bit 3) is what key compaction leaves of a stored batch: some of
// its records, each with its original offsetDelta and timestamp, under the original header
// (recordCount still counts the offsets the batch spans, firstTimestampMs and maxTimestampMs are
// the original batch's). It may hold no record at all. Only the broker writes one; a producer's
// batch with bit 3 set is refused.

/** The only batch format version. */
export const BATCH_MAGIC = 1;

/** The bytes before the payload. */
export const BATCH_HEADER_BYTES = 44;

/** Field offsets in the batch header. */
export const HeaderOffset = {
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

/** Where the CRC's coverage starts: everything after the crc field. */
export const CRC_START = HeaderOffset.Crc + 4;

/** The compression of a batch's payload. */
export const Compression = {
  None: 'none',
  Gzip: 'gzip',
  Snappy: 'snappy',
  Lz4: 'lz4',
  Zstd: 'zstd',
} as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** Compression by its code in the attributes byte: the index is the code. */
export const COMPRESSION_BY_CODE: readonly Compression[] = [
  Compression.None,
  Compression.Gzip,
  Compression.Snappy,
  Compression.Lz4,
  Compression.Zstd,
];

/** The attributes bits that hold the compression code. */
export const COMPRESSION_MASK = 0x07;

/** The attributes bit of a compacted batch. */
export const COMPACTED_FLAG = 0x08;

/** The attributes bit of a batch written inside a transaction (KIP-98): Kafka's bit 4 too. It
 *  needs a producer id, and the partition stores it only inside an ongoing transaction. */
export const TRANSACTIONAL_FLAG = 0x10;

/** The attributes bit of a control batch: a transaction marker the broker writes (KIP-98),
 *  never a producer; Kafka's bit 5 too. Its one record's key is a version (int16, 0) and a type
 *  (int16: 0 abort, 1 commit), its value a version (int16, 0) and the coordinator epoch (int32),
 *  as Kafka's EndTransactionMarker. Readers never hand it to applications. */
export const CONTROL_FLAG = 0x20;

/** The producerId, producerEpoch and baseSequence of a batch without an idempotent producer. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

/** A header of a record: a UTF-8 key and a byte value. Keys may repeat; order is kept. */
export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array;
}

/** A record to encode. */
export interface RecordInput {
  /** The key: it chooses the partition (partitionForKey) and drives compaction. */
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  /** When the record was created, in epoch milliseconds. */
  readonly timestampMs: number;
}

/** A record decoded from a batch. Its offset is the batch's base offset + offsetDelta. `key`,
 *  `value` and header values are views into the batch (or its decompressed payload), not
 *  copies. */
export interface BatchRecord {
  readonly offsetDelta: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

/** A batch's header, as readBatchHeader() returns it. */
export interface BatchHeader {
  readonly magic: number;
  readonly compression: Compression;
  readonly crc: number;
  readonly recordCount: number;
  readonly firstTimestampMs: number;
  readonly maxTimestampMs: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly payloadLength: number;
  /** Key compaction removed some of its records (COMPACTED_FLAG). */
  readonly compacted: boolean;
  /** Written inside a transaction (TRANSACTIONAL_FLAG). */
  readonly transactional: boolean;
  /** A transaction marker (CONTROL_FLAG). */
  readonly control: boolean;
  /** The whole batch: BATCH_HEADER_BYTES + payloadLength. */
  readonly sizeBytes: number;
}

/** The decompressed payload of one batch may not exceed this unless the caller sets a limit
 *  of its own: a guard against decompression bombs (a small batch that inflates to gigabytes). */
export const UNCOMPRESSED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
