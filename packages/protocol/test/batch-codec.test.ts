// Shows that the record-batch codec round-trips any records under every compression, that it
// refuses batches whose CRC is right but whose content is not (an encoder bug on the producer's
// side), and that it enforces size limits, including against decompression bombs, before
// allocating the inflated payload. Method: seeded fast-check properties, then tables of
// hand-made batches with a recomputed CRC.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { compress as zstdCompress } from '@mongodb-js/zstd';
import { compress as lz4Compress, compressFrame as lz4CompressFrame } from 'lz4-napi';
import { compress as snappyCompress } from 'snappy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lz4FrameDecompressedBytesBound, zstdDecompressedBytesBound } from '../src/batch/compression.js';
import { writeVarint, writeVarlong } from '../src/batch/varint.js';
import {
  BATCH_HEADER_BYTES,
  Compression,
  crc32c,
  decodeBatch,
  encodeBatch,
  readBatchHeader,
  validateBatch,
  type EncodeOptions,
  type RecordInput,
} from '../src/index.js';
import { SEED, expectRefusal } from './support.js';

const text = (s: string) => new TextEncoder().encode(s);
const MiB = 1024 * 1024;
const generous = { recordBytesMax: 16 * MiB, batchBytesMax: 16 * MiB };

describe('crc32c', () => {
  it('matches the CRC-32C check value: crc32c("123456789") = 0xE3069283', () => {
    expect(crc32c(text('123456789'))).toBe(0xe3069283);
  });

  it('of nothing is 0', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

const bytesArb = fc.uint8Array({ maxLength: 300 });
const recordArb = fc.record({
  key: fc.option(bytesArb, { nil: null }),
  value: fc.option(bytesArb, { nil: null }),
  headers: fc.array(fc.record({ key: fc.string({ unit: 'binary', maxLength: 12 }), value: fc.uint8Array({ maxLength: 20 }) }), {
    maxLength: 4,
  }),
  timestampMs: fc.oneof(
    fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
    fc.constantFrom(0, 2 ** 52 - 1),
  ),
});
const optionsArb: fc.Arbitrary<EncodeOptions> = fc.oneof(
  fc.record({ compression: fc.constantFrom(...Object.values(Compression)) }),
  fc.record({
    compression: fc.constantFrom(...Object.values(Compression)),
    producerId: fc.oneof(fc.constant(0), fc.maxSafeNat()),
    producerEpoch: fc.integer({ min: 0, max: 0x7fff }),
    baseSequence: fc.integer({ min: 0, max: 0x7fff_ffff }),
  }),
);

describe('round trips', () => {
  it('decodeBatch(encodeBatch(records)) gives the records back, for any records and options', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 30 }), optionsArb, async (records, options) => {
        const bytes = await encodeBatch(records, options);
        const header = await validateBatch(bytes, generous);
        expect(header.recordCount).toBe(records.length);
        expect(header.compression).toBe(options.compression ?? 'none');
        expect(header.producerId).toBe(options.producerId ?? -1);
        expect(header.firstTimestampMs).toBe(records[0]!.timestampMs);
        expect(header.maxTimestampMs).toBe(Math.max(...records.map((r) => r.timestampMs)));
        const decoded = await decodeBatch(bytes);
        expect(decoded).toHaveLength(records.length);
        decoded.forEach((r, i) => {
          const original = records[i]!;
          expect(r.offsetDelta).toBe(i);
          expect(r.timestampMs).toBe(original.timestampMs);
          expect(r.key === null ? null : Array.from(r.key)).toEqual(original.key === null ? null : Array.from(original.key));
          expect(r.value === null ? null : Array.from(r.value)).toEqual(original.value === null ? null : Array.from(original.value));
          expect(r.headers.map((h) => [h.key, Array.from(h.value)])).toEqual(original.headers.map((h) => [h.key, Array.from(h.value)]));
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a batch larger than one compression block (1 MiB of text) round-trips under every compression', async () => {
    const value = text('the quick brown fox jumps over the lazy dog '.repeat(24_000));
    for (const compression of Object.values(Compression)) {
      const bytes = await encodeBatch([{ key: null, value, timestampMs: 1 }], { compression });
      const [record] = await decodeBatch(bytes);
      expect(Buffer.from(record!.value!).equals(Buffer.from(value)), compression).toBe(true);
    }
  });
});

describe('encodeBatch refuses bad input with InvalidArgument', () => {
  const one: RecordInput[] = [{ key: null, value: text('v'), timestampMs: 1 }];
  it.each([
    { name: 'no records', records: [], options: {}, message: /records: a batch needs at least one record/ },
    { name: 'a negative timestamp', records: [{ key: null, value: null, timestampMs: -1 }], options: {}, message: /records\[0\]\.timestampMs/ },
    { name: 'a fractional timestamp', records: [{ key: null, value: null, timestampMs: 1.5 }], options: {}, message: /timestampMs/ },
    { name: 'a timestamp of 2^52', records: [{ key: null, value: null, timestampMs: 2 ** 52 }], options: {}, message: /timestampMs/ },
    {
      name: 'a lone surrogate in a header key',
      records: [{ key: null, value: null, headers: [{ key: 'a\uD800', value: text('') }], timestampMs: 1 }],
      options: {},
      message: /headers\[0\]\.key: has a lone UTF-16 surrogate/,
    },
    { name: 'an epoch without a producer id', records: one, options: { producerEpoch: 1 }, message: /must be -1 without a producerId/ },
    { name: 'a producer id without epoch', records: one, options: { producerId: 5 }, message: /producerEpoch: must be from 0 to 32767/ },
    {
      name: 'an epoch above 32767',
      records: one,
      options: { producerId: 5, producerEpoch: 32768, baseSequence: 0 },
      message: /producerEpoch/,
    },
    {
      name: 'a negative sequence',
      records: one,
      options: { producerId: 5, producerEpoch: 0, baseSequence: -2 },
      message: /baseSequence/,
    },
    { name: 'a producer id below -1', records: one, options: { producerId: -2 }, message: /producerId/ },
    { name: 'an unknown compression', records: one, options: { compression: 'brotli' as Compression }, message: /compression: unknown codec "brotli"/ },
  ])('$name', async ({ records, options, message }) => {
    await expectRefusal(() => encodeBatch(records as RecordInput[], options as EncodeOptions), 'InvalidArgument', message);
  });
});

/** A batch header (layout in src/batch/format.ts) around `payload`, with a correct CRC. */
function rawBatch(payload: Uint8Array, fields: Partial<{ attributes: number; recordCount: number; first: number; max: number; producerId: number; epoch: number; sequence: number }> = {}): Uint8Array {
  const b = Buffer.alloc(BATCH_HEADER_BYTES + payload.length);
  b.writeUInt8(1, 0);
  b.writeUInt8(fields.attributes ?? 0, 1);
  b.writeUInt32BE(fields.recordCount ?? 1, 6);
  b.writeBigInt64BE(BigInt(fields.first ?? 100), 10);
  b.writeBigInt64BE(BigInt(fields.max ?? fields.first ?? 100), 18);
  b.writeBigInt64BE(BigInt(fields.producerId ?? -1), 26);
  b.writeInt16BE(fields.epoch ?? -1, 34);
  b.writeInt32BE(fields.sequence ?? -1, 36);
  b.writeUInt32BE(payload.length, 40);
  b.set(payload, BATCH_HEADER_BYTES);
  b.writeUInt32BE(crc32c(b.subarray(6)), 2);
  return b;
}

/** One record's bytes from its fields, each a list of varints/bytes; `length` overrides the
 *  computed length prefix. */
function rawRecord(fields: { attributes?: number; timestampDelta?: number; offsetDelta?: number; key?: number[] | null; value?: number[] | null; headerCount?: number; headers?: Uint8Array; length?: number; trailing?: number[] }): Uint8Array {
  const body = Buffer.alloc(1024);
  let pos = 0;
  body[pos++] = fields.attributes ?? 0;
  pos = writeVarlong(body, pos, fields.timestampDelta ?? 0);
  pos = writeVarint(body, pos, fields.offsetDelta ?? 0);
  for (const bytes of [fields.key === undefined ? null : fields.key, fields.value === undefined ? [1] : fields.value]) {
    if (bytes === null) {
      pos = writeVarint(body, pos, -1);
    } else {
      pos = writeVarint(body, pos, bytes.length);
      body.set(bytes, pos);
      pos += bytes.length;
    }
  }
  pos = writeVarint(body, pos, fields.headerCount ?? 0);
  if (fields.headers) {
    body.set(fields.headers, pos);
    pos += fields.headers.length;
  }
  for (const b of fields.trailing ?? []) body[pos++] = b;
  const out = Buffer.alloc(5 + pos);
  const start = writeVarint(out, 0, fields.length ?? pos);
  out.set(body.subarray(0, pos), start);
  return out.subarray(0, start + pos);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function varints(...values: number[]): Uint8Array {
  const b = Buffer.alloc(5 * values.length);
  let pos = 0;
  for (const v of values) pos = writeVarint(b, pos, v);
  return b.subarray(0, pos);
}

describe('batches with a correct CRC but wrong content are refused with InvalidArgument', () => {
  it.each([
    { name: 'compression code 5', batch: () => rawBatch(rawRecord({}), { attributes: 5 }), message: /unknown compression code 5/ },
    { name: 'a reserved attributes bit', batch: () => rawBatch(rawRecord({}), { attributes: 0x40 }), message: /reserved bits/ },
    { name: 'a transactional batch without a producer id', batch: () => rawBatch(rawRecord({}), { attributes: 0x10 }), message: /transactional batch \(attributes bit 4\) needs a producerId/ },
    { name: 'recordCount 0', batch: () => rawBatch(new Uint8Array(0), { recordCount: 0 }), message: /recordCount is 0/ },
    { name: 'maxTimestamp before firstTimestamp', batch: () => rawBatch(rawRecord({}), { first: 100, max: 99 }), message: /maxTimestampMs 99 is before firstTimestampMs 100/ },
    { name: 'a negative firstTimestamp', batch: () => rawBatch(rawRecord({}), { first: -5, max: 0 }), message: /firstTimestampMs is negative/ },
    { name: 'a timestamp beyond 2^53', batch: () => rawBatch(rawRecord({}), { first: 0, max: 2 ** 60 }), message: /maxTimestampMs .* beyond ±2\^53/ },
    { name: 'an epoch without producer id', batch: () => rawBatch(rawRecord({}), { epoch: 3 }), message: /must be -1 without a producerId/ },
    { name: 'a producer id with sequence -1', batch: () => rawBatch(rawRecord({}), { producerId: 7, epoch: 0, sequence: -1 }), message: /all -1 or none negative/ },
    { name: 'fewer records than recordCount', batch: () => rawBatch(rawRecord({}), { recordCount: 2 }), message: /holds 1 records but its header says 2/ },
    { name: 'more records than recordCount', batch: () => rawBatch(concat(rawRecord({}), rawRecord({ offsetDelta: 1 }))), message: /bytes after the last of 1 records/ },
    { name: 'a wrong offsetDelta', batch: () => rawBatch(concat(rawRecord({}), rawRecord({ offsetDelta: 5 })), { recordCount: 2 }), message: /record 1 of 2: offsetDelta is 5, expected 1/ },
    { name: 'record attributes set', batch: () => rawBatch(rawRecord({ attributes: 1 })), message: /record 0 of 1: attributes must be 0/ },
    { name: 'a first record before firstTimestampMs', batch: () => rawBatch(rawRecord({ timestampDelta: -3 }), { max: 100 }), message: /record 0 of 1: timestampDelta must be at least 0/ },
    { name: 'a maxTimestamp the records do not reach', batch: () => rawBatch(rawRecord({}), { first: 100, max: 200 }), message: /maxTimestampMs is 200 but the records' largest timestamp is 100/ },
    { name: 'a record timestamp before 0', batch: () => rawBatch(concat(rawRecord({}), rawRecord({ offsetDelta: 1, timestampDelta: -101 })), { recordCount: 2 }), message: /record 1 of 2: timestamp -1 is negative/ },
    { name: 'a record length past the payload', batch: () => rawBatch(rawRecord({ length: 50 })), message: /record 0 of 1: truncated \(length 50, 7 bytes left\)/ },
    { name: 'a negative record length', batch: () => rawBatch(varints(-2)), message: /negative length -2/ },
    { name: 'bytes after the last field', batch: () => rawBatch(rawRecord({ trailing: [0] })), message: /record 0 of 1: 1 bytes after its last field/ },
    { name: 'a record length shorter than its fields', batch: () => rawBatch(concat(rawRecord({ length: 4 }), new Uint8Array(0))), message: /record 0 of 1: truncated in value length/ },
    { name: 'a key length of -2', batch: () => rawBatch(concat(varints(4), Uint8Array.of(0, 0, 0), varints(-2))), message: /key length is -2/ },
    { name: 'a key longer than the record', batch: () => rawBatch(concat(varints(5), Uint8Array.of(0, 0, 0), varints(100), Uint8Array.of(0))), message: /truncated in key/ },
    { name: 'a negative header count', batch: () => rawBatch(rawRecord({ headerCount: -3 })), message: /negative header count -3/ },
    { name: 'a header with a null key', batch: () => rawBatch(rawRecord({ headerCount: 1, headers: varints(-1, 0) })), message: /record 0 of 1: header 0: null key/ },
    { name: 'a header with a null value', batch: () => rawBatch(rawRecord({ headerCount: 1, headers: varints(0, -1) })), message: /record 0 of 1: header 0: null value/ },
    { name: 'a header key that is not UTF-8', batch: () => rawBatch(rawRecord({ headerCount: 1, headers: concat(varints(2), Uint8Array.of(0xc3, 0x28), varints(0)) })), message: /record 0 of 1: header 0: key is not valid UTF-8/ },
    { name: 'a 6-byte varint', batch: () => rawBatch(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)), message: /length is a varint longer than 5 bytes/ },
    { name: 'a varint past 32 bits', batch: () => rawBatch(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)), message: /length is a varint longer than 5 bytes/ },
    { name: 'a varint cut off', batch: () => rawBatch(Uint8Array.of(0x80)), message: /truncated in length/ },
    { name: 'gzip garbage', batch: () => rawBatch(Uint8Array.of(1, 2, 3, 4), { attributes: 1 }), message: /gzip payload does not decompress/ },
    { name: 'snappy garbage', batch: () => rawBatch(Uint8Array.of(4, 0xff, 0xff, 0xff), { attributes: 2 }), message: /snappy payload does not decompress/ },
    { name: 'lz4 garbage', batch: () => rawBatch(Uint8Array.of(4, 0, 0, 0, 0xff), { attributes: 3 }), message: /lz4 payload/ },
    { name: 'lz4 without its size prefix', batch: () => rawBatch(Uint8Array.of(4, 0), { attributes: 3 }), message: /lz4 payload is malformed: shorter than its 4-byte size prefix/ },
    { name: 'zstd garbage', batch: () => rawBatch(Uint8Array.of(1, 2, 3, 4, 5), { attributes: 4 }), message: /zstd payload is malformed: no frame magic/ },
  ])('$name', async ({ batch, message }) => {
    const bytes = batch();
    await expectRefusal(() => validateBatch(bytes, generous), 'InvalidArgument', message);
    await expectRefusal(() => decodeBatch(bytes), 'InvalidArgument', message);
  });

  it('a batch whose records are valid but whose header lies is caught only by the full check', async () => {
    // readBatchHeader() is cheap on purpose: it cannot see the records' count.
    const bytes = rawBatch(rawRecord({}), { recordCount: 2 });
    expect(readBatchHeader(bytes).recordCount).toBe(2);
    await expectRefusal(() => validateBatch(bytes, generous), 'InvalidArgument');
  });
});

describe('size limits', () => {
  // A record with a null key, no headers and a value of n bytes (n ≥ 2^13, so its length
  // varints take 3 or 4 bytes) is 13 + n bytes when n ≥ 2^20 or so; compute it from a batch.
  const recordBytesOf = async (valueBytes: number) => {
    const batch = await encodeBatch([{ key: null, value: new Uint8Array(valueBytes), timestampMs: 1 }]);
    return batch.length - BATCH_HEADER_BYTES;
  };

  it('refuses a record of 1,200,000 bytes under max.message.bytes 1,048,576 with RecordTooLarge', async () => {
    expect(await recordBytesOf(1_199_987)).toBe(1_200_000);
    const batch = await encodeBatch([{ key: null, value: new Uint8Array(1_199_987), timestampMs: 1 }]);
    const err = await expectRefusal(
      () => validateBatch(batch, { recordBytesMax: 1_048_576, batchBytesMax: 4 * MiB }),
      'RecordTooLarge',
    );
    expect(err.message).toBe('record of 1,200,000 bytes exceeds max.message.bytes 1,048,576');
    expect(err.details).toEqual({ 'herald-limit': '1048576' });
  });

  it('accepts a record of exactly recordBytesMax and refuses one byte more', async () => {
    const size = await recordBytesOf(5000);
    const batch = await encodeBatch([{ key: null, value: new Uint8Array(5000), timestampMs: 1 }]);
    await expect(validateBatch(batch, { recordBytesMax: size, batchBytesMax: MiB })).resolves.toMatchObject({ recordCount: 1 });
    await expectRefusal(() => validateBatch(batch, { recordBytesMax: size - 1, batchBytesMax: MiB }), 'RecordTooLarge', `record of ${(size).toLocaleString('en-US')} bytes`);
  });

  it('refuses a batch over batchBytesMax with RequestTooLarge before reading it', async () => {
    const batch = await encodeBatch([{ key: null, value: new Uint8Array(2000), timestampMs: 1 }]);
    await expect(validateBatch(batch, { recordBytesMax: MiB, batchBytesMax: batch.length })).resolves.toBeDefined();
    const garbage = new Uint8Array(batch.length + 1); // not even a batch: the size check comes first
    await expectRefusal(
      () => validateBatch(garbage, { recordBytesMax: MiB, batchBytesMax: batch.length, batchBytesSetting: 'max.request.bytes' }),
      'RequestTooLarge',
      `batch of ${(batch.length + 1).toLocaleString('en-US')} bytes exceeds max.request.bytes ${batch.length.toLocaleString('en-US')}`,
    );
  });

  it.each(Object.values(Compression).filter((c) => c !== 'none'))(
    '%s: a compressed record over the limit is refused as RecordTooLarge by its uncompressed size',
    async (compression) => {
      const batch = await encodeBatch([{ key: null, value: new Uint8Array(100_000), timestampMs: 1 }], { compression });
      expect(batch.length).toBeLessThan(10_000);
      await expectRefusal(() => validateBatch(batch, { recordBytesMax: 50_000, batchBytesMax: MiB }), 'RecordTooLarge', /exceeds max.message.bytes 50,000/);
    },
  );

  // Bombs: a small payload declaring a huge output. Each must be refused from its headers,
  // before the inflated payload is allocated (a 4 GiB allocation would fail the test run).
  const bombs: { name: string; attributes: number; payload: () => Promise<Uint8Array> }[] = [
    { name: 'lz4 declaring 4 GiB', attributes: 3, payload: async () => { const p = Buffer.from(await lz4Compress(Buffer.alloc(1000))); p.writeUInt32LE(0xffff_ffff, 0); return p; } },
    { name: 'xerial snappy with a chunk declaring 4 GiB', attributes: 2, payload: async () => xerial([concat(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), (await snappyCompress(Buffer.alloc(10))).subarray(1))]) },
    { name: 'snappy declaring 4 GiB', attributes: 2, payload: async () => concat(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), (await snappyCompress(Buffer.alloc(10))).subarray(1)) },
    { name: 'zstd of 100 MiB of zeros', attributes: 4, payload: () => zstdCompress(Buffer.alloc(100 * MiB)) },
    { name: 'gzip of 100 MiB of zeros', attributes: 1, payload: () => promisify(gzip)(Buffer.alloc(100 * MiB)) },
  ];
  it.each(bombs)('refuses a decompression bomb: $name', async ({ attributes, payload }) => {
    const compressed = await payload();
    expect(compressed.length).toBeLessThan(200_000);
    const batch = rawBatch(compressed, { attributes, recordCount: 1 });
    // With a record limit, the bound is recordCount × recordBytesMax: RecordTooLarge.
    await expectRefusal(() => validateBatch(batch, { recordBytesMax: MiB, batchBytesMax: MiB }), 'RecordTooLarge', /inflates to at least/);
    // Without one, the default cap of 64 MiB applies: RequestTooLarge.
    await expectRefusal(() => decodeBatch(batch), 'RequestTooLarge', /exceeds the inflated payload limit 67,108,864/);
  });

  it('bounds lz4 frame output from block headers: within a block of the real size for real data', async () => {
    for (const size of [1, 1000, 64 * 1024, 1_000_000]) {
      const bound = lz4FrameDecompressedBytesBound(await lz4CompressFrame(Buffer.from(text('x'.repeat(size)))));
      expect(bound).toBeGreaterThanOrEqual(size);
      expect(bound).toBeLessThanOrEqual(size + 4 * MiB);
    }
    // 100 blocks of 1,000 bytes may inflate to 100 × 255,064 bytes: refused from the headers.
    const bomb = rawBatch(lz4Frame(0x70, Array.from({ length: 100 }, () => new Uint8Array(1000))), { attributes: 3, recordCount: 1 });
    await expectRefusal(() => validateBatch(bomb, { recordBytesMax: MiB, batchBytesMax: MiB }), 'RecordTooLarge', /inflates to at least 25,506,400/);
  });

  it('bounds zstd output from block headers: within a block of the real size for real data', async () => {
    for (const size of [1, 1000, 128 * 1024, 1_000_000]) {
      const bound = zstdDecompressedBytesBound(await zstdCompress(Buffer.from(text('x'.repeat(size)))));
      expect(bound).toBeGreaterThanOrEqual(size);
      expect(bound).toBeLessThanOrEqual(size + 128 * 1024);
    }
  });
});

// What Kafka clients write, next to what Herald wrote before: lz4 in the frame format (KIP-57),
// Herald's older lz4 block format, snappy in xerial's framing (the Java client's), and batches
// whose first timestamp is the smallest rather than the first record's (kafkajs's).
describe('the compressions and timestamps Kafka clients write', () => {
  const records = () => concat(rawRecord({ value: [1] }), rawRecord({ offsetDelta: 1, value: [2] }));

  it('writes lz4 as an LZ4 frame, and still reads the block format Herald wrote before', async () => {
    const batch = await encodeBatch([{ key: null, value: text('framed'), timestampMs: 1 }], { compression: Compression.Lz4 });
    expect(Buffer.from(batch).readUInt32LE(BATCH_HEADER_BYTES)).toBe(0x184d2204);
    expect(Buffer.from((await decodeBatch(batch))[0]!.value!).toString()).toBe('framed');
    const block = rawBatch(await lz4Compress(records()), { attributes: 3, recordCount: 2 });
    expect((await decodeBatch(block)).map((r) => [...r.value!])).toEqual([[1], [2]]);
  });

  it('reads snappy in xerial framing, over several chunks', async () => {
    const payload = records();
    const chunks = [await snappyCompress(Buffer.from(payload.subarray(0, 5))), await snappyCompress(Buffer.from(payload.subarray(5)))];
    const batch = rawBatch(xerial(chunks), { attributes: 2, recordCount: 2 });
    expect((await decodeBatch(batch)).map((r) => [...r.value!])).toEqual([[1], [2]]);
    await expectRefusal(() => decodeBatch(rawBatch(xerial(chunks).subarray(0, 20), { attributes: 2, recordCount: 2 })), 'InvalidArgument', /xerial chunk length truncated|runs past the payload/);
  });

  it('accepts a firstTimestampMs below the first record, and serves each record its own time', async () => {
    const batch = rawBatch(concat(rawRecord({ timestampDelta: 5 }), rawRecord({ offsetDelta: 1, timestampDelta: 0 })), { recordCount: 2, first: 100, max: 105 });
    expect((await decodeBatch(batch)).map((r) => r.timestampMs)).toEqual([105, 100]);
  });
});

/** An LZ4 frame (version 1, independent blocks, no checksums) with the BD byte given and these
 *  blocks, each marked compressed. */
function lz4Frame(bd: number, blocks: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x04, 0x22, 0x4d, 0x18, 0x60, bd, 0)];
  for (const block of blocks) {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length);
    parts.push(size, block);
  }
  parts.push(new Uint8Array(4));
  return concat(...parts);
}

/** Raw snappy blocks in xerial's framing: magic, version 1, compatible version 1, then each
 *  block after its 4-byte big-endian length. */
function xerial(blocks: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1)];
  for (const block of blocks) {
    const size = Buffer.alloc(4);
    size.writeUInt32BE(block.length);
    parts.push(size, block);
  }
  return concat(...parts);
}
