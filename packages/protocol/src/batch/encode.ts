import { assert } from '../assert.js';
import { invalidArgument, requestTooLarge } from '../errors.js';
import { compress } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  BATCH_HEADER_BYTES,
  BATCH_MAGIC,
  COMPACTED_FLAG,
  COMPRESSION_BY_CODE,
  CONTROL_FLAG,
  CRC_START,
  Compression,
  HeaderOffset,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  TRANSACTIONAL_FLAG,
  type RecordInput,
} from './format.js';
import { varintBytes, varlongBytes, writeVarint, writeVarlong } from './varint.js';

/** How a batch is encoded. Without a producerId the batch is not idempotent. */
export interface EncodeOptions {
  readonly compression?: Compression;
  /** The idempotent producer's id, from 0; -1 (the default) for none. */
  readonly producerId?: number;
  /** The producer's epoch, 0 to 32767, with a producerId; -1 without. */
  readonly producerEpoch?: number;
  /** The sequence number of the batch's first record, 0 to 2^31-1, with a producerId; -1
   *  without. Record i has sequence baseSequence + i. */
  readonly baseSequence?: number;
  /** A batch of a transaction (TRANSACTIONAL_FLAG); needs a producerId. */
  readonly transactional?: boolean;
  /** A transaction marker (CONTROL_FLAG): written by the broker only (encodeTxnMarker). */
  readonly control?: boolean;
}

/** Timestamps are epoch milliseconds below 2^52, so that every delta between two of them fits
 *  a varlong (see varint.ts). */
export const TIMESTAMP_MS_MAX = 2 ** 52 - 1;

/** The largest batch the format holds: payloadLength is a u32, and Buffers stop at 2^31-1 on
 *  some platforms. */
const BATCH_BYTES_MAX = 0x7fff_ffff;

const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fff_ffff;

/** Whether a header key has a lone surrogate, which UTF-8 cannot carry (it would come back as
 *  U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes records into one record batch (layout in format.ts). The batch carries no offsets;
 * the partition assigns them when it applies the batch. Refuses, with InvalidArgument, an
 * empty list, a timestamp that is not an integer in [0, 2^52), a header key that is not valid
 * Unicode, and producer fields that are out of range or only partly set.
 */
export function encodeBatch(records: readonly RecordInput[], options: EncodeOptions = {}): Promise<Uint8Array> {
  return writeBatch(records, options);
}

/** What a compacted batch keeps of the batch it was made from (see format.ts). */
export interface CompactedLayout {
  /** The offsetDelta of each record kept, ascending. */
  readonly offsetDeltas: readonly number[];
  readonly recordCount: number;
  readonly firstTimestampMs: number;
  readonly maxTimestampMs: number;
}

/** @internal encodeBatch(), and compactBatch() with a layout. */
export async function writeBatch(records: readonly RecordInput[], options: EncodeOptions, layout?: CompactedLayout): Promise<Uint8Array> {
  const compression = options.compression ?? Compression.None;
  const code = COMPRESSION_BY_CODE.indexOf(compression);
  if (code < 0) throw invalidArgument('compression', `unknown codec ${JSON.stringify(compression)}`);
  const attributes = (layout === undefined ? code : code | COMPACTED_FLAG) | (options.transactional === true ? TRANSACTIONAL_FLAG : 0) | (options.control === true ? CONTROL_FLAG : 0);
  const producerId = options.producerId ?? NO_PRODUCER_ID;
  const producerEpoch = options.producerEpoch ?? NO_PRODUCER_EPOCH;
  const baseSequence = options.baseSequence ?? NO_SEQUENCE;
  checkProducer(producerId, producerEpoch, baseSequence);
  if (options.transactional === true && producerId === NO_PRODUCER_ID) throw invalidArgument('transactional', 'a transactional batch needs a producerId');

  const first = records[0];
  if (first === undefined && layout === undefined) throw invalidArgument('records', 'a batch needs at least one record');
  const firstTimestampMs = layout?.firstTimestampMs ?? first!.timestampMs;
  let maxTimestampMs = firstTimestampMs;
  const offsetDelta = (i: number) => layout?.offsetDeltas[i] ?? i;
  // Pass 1: every record's body size, so the payload is written into one allocation.
  const bodyBytes = new Array<number>(records.length);
  let payloadLength = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as RecordInput;
    const timestampMs = record.timestampMs;
    if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > TIMESTAMP_MS_MAX) {
      throw invalidArgument(`records[${i}].timestampMs`, `must be an integer from 0 to 2^52-1 (got ${timestampMs})`);
    }
    if (timestampMs > maxTimestampMs) maxTimestampMs = timestampMs;
    let size = 1 + varlongBytes(timestampMs - firstTimestampMs) + varintBytes(offsetDelta(i));
    size += record.key === null ? 1 : varintBytes(record.key.length) + record.key.length;
    size += record.value === null ? 1 : varintBytes(record.value.length) + record.value.length;
    const headers = record.headers ?? [];
    size += varintBytes(headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      if (LONE_SURROGATE.test(header.key)) {
        throw invalidArgument(`records[${i}].headers[${h}].key`, 'has a lone UTF-16 surrogate, which UTF-8 cannot encode');
      }
      const keyBytes = Buffer.byteLength(header.key, 'utf8');
      size += varintBytes(keyBytes) + keyBytes + varintBytes(header.value.length) + header.value.length;
    }
    if (size > BATCH_BYTES_MAX) throw requestTooLarge(`records[${i}]`, size, BATCH_BYTES_MAX, 'the batch format limit');
    bodyBytes[i] = size;
    payloadLength += varintBytes(size) + size;
    if (payloadLength > BATCH_BYTES_MAX - BATCH_HEADER_BYTES) {
      throw requestTooLarge('batch', payloadLength, BATCH_BYTES_MAX - BATCH_HEADER_BYTES, 'the batch format limit');
    }
  }

  // Pass 2: the records. Uncompressed, they go straight into the batch after its header.
  const uncompressed = compression === Compression.None;
  const target = Buffer.allocUnsafe(uncompressed ? BATCH_HEADER_BYTES + payloadLength : payloadLength);
  const start = uncompressed ? BATCH_HEADER_BYTES : 0;
  let pos = start;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as RecordInput;
    pos = writeVarint(target, pos, bodyBytes[i]!);
    target[pos++] = 0; // attributes: unused by Kafka v2 records
    pos = writeVarlong(target, pos, record.timestampMs - firstTimestampMs);
    pos = writeVarint(target, pos, offsetDelta(i));
    pos = writeBytes(target, pos, record.key);
    pos = writeBytes(target, pos, record.value);
    const headers = record.headers ?? [];
    pos = writeVarint(target, pos, headers.length);
    for (const header of headers) {
      const keyBytes = Buffer.byteLength(header.key, 'utf8');
      pos = writeVarint(target, pos, keyBytes);
      pos += target.write(header.key, pos, keyBytes, 'utf8');
      pos = writeBytes(target, pos, header.value);
    }
  }
  assert(pos === start + payloadLength, 'encodeBatch wrote exactly the payload length it computed');

  let batch: Buffer;
  if (uncompressed) {
    batch = target;
  } else {
    const payload = await compress(compression, target);
    if (payload.length > BATCH_BYTES_MAX - BATCH_HEADER_BYTES) {
      throw requestTooLarge('compressed batch', payload.length, BATCH_BYTES_MAX, 'the batch format limit');
    }
    batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length);
    batch.set(payload, BATCH_HEADER_BYTES);
  }

  batch.writeUInt8(BATCH_MAGIC, HeaderOffset.Magic);
  batch.writeUInt8(attributes, HeaderOffset.Attributes);
  batch.writeUInt32BE(layout?.recordCount ?? records.length, HeaderOffset.RecordCount);
  batch.writeBigInt64BE(BigInt(firstTimestampMs), HeaderOffset.FirstTimestampMs);
  batch.writeBigInt64BE(BigInt(layout?.maxTimestampMs ?? maxTimestampMs), HeaderOffset.MaxTimestampMs);
  batch.writeBigInt64BE(BigInt(producerId), HeaderOffset.ProducerId);
  batch.writeInt16BE(producerEpoch, HeaderOffset.ProducerEpoch);
  batch.writeInt32BE(baseSequence, HeaderOffset.BaseSequence);
  batch.writeUInt32BE(batch.length - BATCH_HEADER_BYTES, HeaderOffset.PayloadLength);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_START)), HeaderOffset.Crc);
  return batch;
}

function writeBytes(target: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(target, pos, -1);
  pos = writeVarint(target, pos, bytes.length);
  target.set(bytes, pos);
  return pos + bytes.length;
}

/** Producer fields are all unset (-1) or all set and in range, as Kafka's idempotent producer
 *  requires. */
function checkProducer(producerId: number, producerEpoch: number, baseSequence: number): void {
  if (producerId === NO_PRODUCER_ID) {
    if (producerEpoch !== NO_PRODUCER_EPOCH || baseSequence !== NO_SEQUENCE) {
      throw invalidArgument('producerEpoch, baseSequence', 'must be -1 without a producerId');
    }
    return;
  }
  if (!Number.isSafeInteger(producerId) || producerId < 0) {
    throw invalidArgument('producerId', `must be -1 or an integer from 0 to 2^53-1 (got ${producerId})`);
  }
  if (!Number.isInteger(producerEpoch) || producerEpoch < 0 || producerEpoch > INT16_MAX) {
    throw invalidArgument('producerEpoch', `must be from 0 to ${INT16_MAX} with a producerId (got ${producerEpoch})`);
  }
  if (!Number.isInteger(baseSequence) || baseSequence < 0 || baseSequence > INT32_MAX) {
    throw invalidArgument('baseSequence', `must be from 0 to ${INT32_MAX} with a producerId (got ${baseSequence})`);
  }
}

/** The control record types of a transaction marker (Kafka's ControlRecordType). */
export const ControlRecordType = { Abort: 0, Commit: 1 } as const;

/**
 * A transaction marker (KIP-98's control batch, as Kafka writes it): one record whose key is the
 * control record version 0 and type (0 abort, 1 commit) and whose value is the marker version 0
 * and the coordinator epoch, in a batch with the transactional and control bits set, under the
 * transaction's producer id and epoch (sequence -1 is not allowed with a producer id: 0, which
 * no reader checks on a control batch).
 */
export function encodeTxnMarker(marker: { producerId: number; producerEpoch: number; commit: boolean; coordinatorEpoch: number; timestampMs: number }): Promise<Uint8Array> {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return writeBatch([{ key, value, timestampMs: marker.timestampMs }], {
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: 0,
    transactional: true,
    control: true,
  });
}
