import { isUtf8 } from 'node:buffer';
import { HeraldError, MetadataKey, formatCount, recordTooLarge, requestTooLarge } from '../errors.js';
import { asBuffer, decompress, type DecompressLimit } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  COMPACTED_FLAG,
  COMPRESSION_BY_CODE,
  CONTROL_FLAG,
  COMPRESSION_MASK,
  CRC_START,
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
} from './format.js';
import { VarintReader } from './varint.js';

const WHAT = 'record batch';

function malformed(why: string): HeraldError {
  return new HeraldError('InvalidArgument', `${WHAT}: ${why}`);
}

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Reads and checks a batch's header: the magic, the attributes, that the payload length
 * matches the bytes given, the CRC-32C over everything after it, and that the fields are
 * consistent. Cheap and synchronous: nothing is decompressed and no record is parsed. Throws
 * InvalidArgument naming what is wrong.
 */
export function readBatchHeader(bytes: Uint8Array): BatchHeader {
  if (bytes.length < BATCH_HEADER_BYTES) {
    throw malformed(`${bytes.length} bytes is shorter than the ${BATCH_HEADER_BYTES}-byte batch header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint8(HeaderOffset.Magic);
  if (magic !== BATCH_MAGIC) throw malformed(`magic is ${magic}, expected ${BATCH_MAGIC}`);
  const payloadLength = view.getUint32(HeaderOffset.PayloadLength);
  const present = bytes.length - BATCH_HEADER_BYTES;
  if (payloadLength !== present) {
    throw malformed(
      payloadLength > present
        ? `truncated: payloadLength is ${payloadLength} but ${present} bytes follow the header`
        : `${present - payloadLength} bytes after the payload of ${payloadLength} bytes`,
    );
  }
  const crc = view.getUint32(HeaderOffset.Crc);
  const computed = crc32c(bytes.subarray(CRC_START));
  if (crc !== computed) {
    throw malformed(`CRC-32C mismatch (stored ${hex(crc)}, computed ${hex(computed)}): the batch is corrupt`);
  }
  // Past the CRC, a bad field means the producer's encoder is wrong, not the transport.
  const attributes = view.getUint8(HeaderOffset.Attributes);
  const compression = COMPRESSION_BY_CODE[attributes & COMPRESSION_MASK];
  if (compression === undefined) throw malformed(`unknown compression code ${attributes & COMPRESSION_MASK}`);
  if ((attributes & ~(COMPRESSION_MASK | COMPACTED_FLAG | TRANSACTIONAL_FLAG | CONTROL_FLAG)) !== 0) throw malformed(`attributes ${attributes} set reserved bits 6-7`);
  const recordCount = view.getUint32(HeaderOffset.RecordCount);
  if (recordCount === 0) throw malformed('recordCount is 0; a batch holds at least one record');
  const firstTimestampMs = readInt64(view, HeaderOffset.FirstTimestampMs, 'firstTimestampMs');
  const maxTimestampMs = readInt64(view, HeaderOffset.MaxTimestampMs, 'maxTimestampMs');
  if (firstTimestampMs < 0) throw malformed(`firstTimestampMs is negative (${firstTimestampMs})`);
  if (maxTimestampMs < firstTimestampMs) {
    throw malformed(`maxTimestampMs ${maxTimestampMs} is before firstTimestampMs ${firstTimestampMs}`);
  }
  const producerId = readInt64(view, HeaderOffset.ProducerId, 'producerId');
  const producerEpoch = view.getInt16(HeaderOffset.ProducerEpoch);
  const baseSequence = view.getInt32(HeaderOffset.BaseSequence);
  if (producerId === NO_PRODUCER_ID) {
    if (producerEpoch !== NO_PRODUCER_EPOCH || baseSequence !== NO_SEQUENCE) {
      throw malformed(`producerEpoch ${producerEpoch} and baseSequence ${baseSequence} must be -1 without a producerId`);
    }
  } else if (producerId < 0 || producerEpoch < 0 || baseSequence < 0) {
    throw malformed(
      `producerId ${producerId}, producerEpoch ${producerEpoch}, baseSequence ${baseSequence}: all -1 or none negative`,
    );
  }
  const transactional = (attributes & TRANSACTIONAL_FLAG) !== 0;
  if (transactional && producerId === NO_PRODUCER_ID) throw malformed('a transactional batch (attributes bit 4) needs a producerId');
  return {
    magic,
    compression,
    crc,
    recordCount,
    firstTimestampMs,
    maxTimestampMs,
    producerId,
    producerEpoch,
    baseSequence,
    payloadLength,
    compacted: (attributes & COMPACTED_FLAG) !== 0,
    transactional,
    control: (attributes & CONTROL_FLAG) !== 0,
    sizeBytes: bytes.length,
  };
}

function readInt64(view: DataView, offset: number, field: string): number {
  const value = view.getBigInt64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw malformed(`${field} ${value} is beyond ±2^53, more than Herald supports`);
  }
  return Number(value);
}

/** Limits a leader enforces before it accepts a batch. */
export interface BatchLimits {
  /** The largest record, counted as its encoded size (length prefix included), uncompressed. */
  readonly recordBytesMax: number;
  /** The largest batch, counted as the bytes received (compressed, header included). */
  readonly batchBytesMax: number;
  /** The largest decompressed payload; UNCOMPRESSED_BYTES_MAX_DEFAULT if not given. */
  readonly uncompressedBytesMax?: number;
  /** Setting names quoted in refusals; "max.message.bytes" and "max.batch.bytes" by default. */
  readonly recordBytesSetting?: string;
  readonly batchBytesSetting?: string;
}

/**
 * Fully checks a batch the way a leader must before accepting it: its size, its header and CRC
 * (readBatchHeader), that its payload decompresses within bounds, that every record parses and
 * fits recordBytesMax, that there are exactly recordCount records with offset deltas 0, 1, …
 * and that the header's timestamps match the records'. Returns the header.
 *
 * Refusals: RequestTooLarge for a batch over batchBytesMax (or inflating past
 * uncompressedBytesMax), RecordTooLarge for a record over recordBytesMax, InvalidArgument for
 * anything malformed.
 */
export async function validateBatch(bytes: Uint8Array, limits: BatchLimits): Promise<BatchHeader> {
  const batchSetting = limits.batchBytesSetting ?? 'max.batch.bytes';
  if (bytes.length > limits.batchBytesMax) {
    throw requestTooLarge('batch', bytes.length, limits.batchBytesMax, batchSetting);
  }
  const header = readBatchHeader(bytes);
  if (header.compacted) throw malformed('attributes set bit 3 (compacted): only the broker compacts batches');
  if (header.control) throw malformed('attributes set bit 5 (control): only the broker writes transaction markers');
  await decodeRecords(bytes, header, limits, false);
  return header;
}

/** Options of decodeBatch(). */
export interface DecodeOptions {
  /** The largest decompressed payload; UNCOMPRESSED_BYTES_MAX_DEFAULT if not given. */
  readonly uncompressedBytesMax?: number;
}

/**
 * Decodes a batch's records, checking it as validateBatch() does except for the size limits.
 * Record offsets are the batch's base offset (served next to it) + offsetDelta.
 */
export async function decodeBatch(bytes: Uint8Array, options: DecodeOptions = {}): Promise<BatchRecord[]> {
  const header = readBatchHeader(bytes);
  return (await decodeRecords(bytes, header, options, true)) as BatchRecord[];
}

async function decodeRecords(
  bytes: Uint8Array,
  header: BatchHeader,
  limits: Partial<BatchLimits>,
  keep: boolean,
): Promise<BatchRecord[] | null> {
  const recordBytesMax = limits.recordBytesMax ?? Number.POSITIVE_INFINITY;
  const recordSetting = limits.recordBytesSetting ?? 'max.message.bytes';
  // Every record is at most recordBytesMax, so the payload of recordCount of them is too. An
  // uncompressed payload is already in memory (and bounded by batchBytesMax): its records are
  // checked one by one below, with exact sizes in the refusal.
  const uncompressed = header.compression === Compression.None;
  const byRecords = uncompressed ? Number.POSITIVE_INFINITY : header.recordCount * recordBytesMax;
  const uncompressedBytesMax = uncompressed
    ? Number.POSITIVE_INFINITY
    : (limits.uncompressedBytesMax ?? UNCOMPRESSED_BYTES_MAX_DEFAULT);
  const limit: DecompressLimit =
    byRecords < uncompressedBytesMax
      ? {
          bytesMax: byRecords,
          tooLarge: (n) =>
            new HeraldError(
              'RecordTooLarge',
              `${WHAT} of ${formatCount(header.recordCount)} records inflates to at least ${formatCount(n)} bytes, so a record exceeds ${recordSetting} ${formatCount(recordBytesMax)}`,
              { [MetadataKey.Limit]: String(recordBytesMax) },
            ),
        }
      : {
          bytesMax: uncompressedBytesMax,
          tooLarge: (n) =>
            requestTooLarge('batch payload inflating to at least', n, uncompressedBytesMax, 'the inflated payload limit'),
        };
  const payload = await decompress(header.compression, bytes.subarray(BATCH_HEADER_BYTES), limit);
  const buf = asBuffer(payload);
  // A compacted batch holds some of the offsets it spans, in order; any other holds them all.
  const records: BatchRecord[] | null = keep ? [] : null;
  // Where an error is: built only when one is thrown.
  const at = { record: 0, header: -1 };
  const where = () =>
    `${WHAT}: record ${at.record} of ${header.recordCount}${at.header >= 0 ? `: header ${at.header}` : ''}`;
  const reader = new VarintReader(buf, 0, buf.length, where);
  let maxTimestampMs = header.firstTimestampMs;
  let previousDelta = -1;
  for (let i = 0; header.compacted ? reader.pos < buf.length : i < header.recordCount; i++) {
    at.record = i;
    at.header = -1;
    reader.end = buf.length;
    if (reader.pos >= buf.length) throw malformed(`holds ${i} records but its header says ${header.recordCount}`);
    const recordStart = reader.pos;
    const bodyBytes = reader.readVarint('length');
    if (bodyBytes < 0) throw reader.fail(`negative length ${bodyBytes}`);
    const recordBytes = reader.pos - recordStart + bodyBytes;
    if (recordBytes > recordBytesMax) throw recordTooLarge(recordBytes, recordBytesMax, recordSetting);
    const end = reader.pos + bodyBytes;
    if (end > buf.length) throw reader.fail(`truncated (length ${bodyBytes}, ${buf.length - reader.pos} bytes left)`);
    reader.end = end;
    const attributes = reader.readByte('attributes');
    if (attributes !== 0) throw reader.fail(`attributes must be 0 (got ${attributes})`);
    const timestampDelta = reader.readVarlong('timestampDelta');
    // firstTimestampMs is at most the first record's timestamp: Kafka producers set it to the
    // first record's (the Java client, librdkafka) or to the smallest of the batch (kafkajs).
    if (i === 0 && timestampDelta < 0 && !header.compacted) {
      throw reader.fail(`timestampDelta must be at least 0, since firstTimestampMs is at most its timestamp (got ${timestampDelta})`);
    }
    const timestampMs = header.firstTimestampMs + timestampDelta;
    if (timestampMs < 0) throw reader.fail(`timestamp ${timestampMs} is negative`);
    if (timestampMs > maxTimestampMs) maxTimestampMs = timestampMs;
    const offsetDelta = reader.readVarint('offsetDelta');
    if (header.compacted) {
      if (offsetDelta <= previousDelta || offsetDelta >= header.recordCount) throw reader.fail(`offsetDelta ${offsetDelta} is not after ${previousDelta} and below ${header.recordCount}`);
      previousDelta = offsetDelta;
    } else if (offsetDelta !== i) {
      throw reader.fail(`offsetDelta is ${offsetDelta}, expected ${i}`);
    }
    const key = readBytes(reader, 'key', keep);
    const value = readBytes(reader, 'value', keep);
    const headerCount = reader.readVarint('header count');
    if (headerCount < 0) throw reader.fail(`negative header count ${headerCount}`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      at.header = h;
      const keyLength = reader.readLength('key');
      if (keyLength === -1) throw reader.fail('null key');
      const keyStart = reader.pos;
      reader.pos += keyLength;
      if (!isUtf8Range(buf, keyStart, reader.pos)) throw reader.fail('key is not valid UTF-8');
      const headerValue = readBytes(reader, 'value', keep);
      if (headerValue === null) throw reader.fail('null value');
      if (keep) headers.push({ key: buf.toString('utf8', keyStart, keyStart + keyLength), value: headerValue });
    }
    at.header = -1;
    if (reader.pos !== end) throw reader.fail(`${end - reader.pos} bytes after its last field`);
    if (records !== null) records.push({ offsetDelta, timestampMs, key, value, headers });
  }
  if (reader.pos !== buf.length) {
    throw malformed(`${buf.length - reader.pos} bytes after the last of ${header.recordCount} records`);
  }
  if (header.compacted ? maxTimestampMs > header.maxTimestampMs : maxTimestampMs !== header.maxTimestampMs) {
    throw malformed(`maxTimestampMs is ${header.maxTimestampMs} but the records' largest timestamp is ${maxTimestampMs}`);
  }
  return records;
}

/** Stands for a field that validation skipped without making a view of it. */
const SKIPPED = new Uint8Array(0);

/** A length-prefixed field: null for length -1, else a view into the payload (or SKIPPED when
 *  the caller does not keep records). */
function readBytes(reader: VarintReader, field: string, keep: boolean): Uint8Array | null {
  const length = reader.readLength(field);
  if (length === -1) return null;
  const start = reader.pos;
  reader.pos += length;
  return keep ? reader.buf.subarray(start, start + length) : SKIPPED;
}

/** Whether buf[start, end) is valid UTF-8; header keys are short and mostly ASCII, so check
 *  that first, without making a view. */
function isUtf8Range(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return isUtf8(buf.subarray(start, end));
  }
  return true;
}
