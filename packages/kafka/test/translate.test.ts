// Shows that a record batch crosses between Kafka's v2 format and Herald's without its records
// being decoded and without losing a bit: kafkajs's own batches become exactly the Herald batch
// Herald's encoder makes of the same records, Herald batches served to Kafka decode in kafkajs
// with their offsets and leader epoch, and a round trip through both formats is the identity,
// for every compression and producer. CRCs are checked against a direct computation every time.
// Method: golden comparisons against both encoders, then seeded fast-check round trips.

import { BATCH_HEADER_BYTES, compactBatch, decodeBatch, encodeBatch, encodeTxnMarker, HeaderOffset, validateBatch, type Compression, type RecordInput } from '@herald/protocol';
import { crc32c } from '@node-rs/crc32';
import { compress as lz4CompressBlock } from 'lz4-napi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, KafkaProtocolError } from '../src/errors.js';
import { crc32cCombine } from '../src/records/crc-shift.js';
import { heraldToKafka, kafkaToHerald, splitBatches } from '../src/records/translate.js';
import { KafkajsDecoder, kafkajsDecodeRecordBatch, kafkajsRecord, kafkajsRecordBatch } from './support/kafkajs.js';

const SEED = Number(process.env.HERALD_SEED ?? 13);

/** A Kafka batch as kafkajs's producer encodes it (baseOffset 0). */
async function kafkajsBatch(
  records: { key: string | null; value: string; headers?: Record<string, string>; timestamp: number }[],
  options: { compression?: number; producerId?: number; producerEpoch?: number; firstSequence?: number; transactional?: boolean } = {},
): Promise<Buffer> {
  const first = Math.min(...records.map((r) => r.timestamp));
  const encoded = records.map((r, i) =>
    kafkajsRecord({ offsetDelta: i, timestampDelta: r.timestamp - first, key: r.key === null ? null : Buffer.from(r.key), value: Buffer.from(r.value), headers: r.headers ?? {} }),
  );
  const Long = (await import('kafkajs/src/utils/long.js' as string)).default;
  const batch = await kafkajsRecordBatch.RecordBatch({
    compression: options.compression ?? 0,
    records: encoded,
    firstTimestamp: first,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    lastOffsetDelta: records.length - 1,
    producerId: Long.fromValue(options.producerId ?? -1),
    producerEpoch: options.producerEpoch ?? 0,
    firstSequence: options.firstSequence ?? 0,
    transactional: options.transactional ?? false,
  });
  return batch.buffer as Buffer;
}

async function decodeWithKafkajs(chunks: Uint8Array[]) {
  return kafkajsDecodeRecordBatch(new KafkajsDecoder(Buffer.concat(chunks)));
}

function kafkaCrcHolds(batch: Buffer): boolean {
  return batch.readUInt32BE(17) === crc32c(batch.subarray(21)) >>> 0;
}

const records: RecordInput[] = [
  { key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'trace', value: Buffer.from('abc') }], timestampMs: 1_700_000_000_000 },
  { key: null, value: Buffer.from('world'), timestampMs: 1_700_000_000_005 },
  { key: Buffer.from('k3'), value: null, timestampMs: 1_700_000_000_003 },
];

describe('CRC-32C combination', () => {
  it('crc(A‖B) from crc(A), crc(B) and |B| equals the direct CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 5000 }), (a, b) => {
        const direct = crc32c(Buffer.concat([a, b])) >>> 0;
        expect(crc32cCombine(crc32c(Buffer.from(a)) >>> 0, crc32c(Buffer.from(b)) >>> 0, b.length)).toBe(direct);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('Kafka → Herald (produce)', () => {
  it("turns kafkajs's batch into exactly the batch Herald's encoder makes of the same records", async () => {
    const kafka = await kafkajsBatch([
      { key: 'k1', value: 'hello', headers: { trace: 'abc' }, timestamp: 1_700_000_000_000 },
      { key: null, value: 'world', timestamp: 1_700_000_000_005 },
    ]);
    const herald = kafkaToHerald(kafka);
    const expected = await encodeBatch([
      { key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'trace', value: Buffer.from('abc') }], timestampMs: 1_700_000_000_000 },
      { key: null, value: Buffer.from('world'), timestampMs: 1_700_000_000_005 },
    ]);
    // kafkajs writes producerEpoch 0 and firstSequence 0 without a producer id; Herald wants -1.
    expect(Buffer.from(herald).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it("accepts kafkajs's batch of unordered timestamps (its base is the smallest) and keeps each record's time", async () => {
    const kafka = await kafkajsBatch([
      { key: null, value: 'late', timestamp: 1_700_000_000_009 },
      { key: null, value: 'early', timestamp: 1_700_000_000_002 },
    ]);
    const herald = kafkaToHerald(kafka);
    await expect(validateBatch(herald, { recordBytesMax: 1 << 20, batchBytesMax: 1 << 20 })).resolves.toMatchObject({ recordCount: 2 });
    expect((await decodeBatch(herald)).map((r) => r.timestampMs)).toEqual([1_700_000_000_009, 1_700_000_000_002]);
  });

  it('keeps an idempotent producer’s id, epoch and sequence', async () => {
    const kafka = await kafkajsBatch([{ key: 'a', value: 'b', timestamp: 5 }], { producerId: 4242, producerEpoch: 3, firstSequence: 17 });
    const herald = kafkaToHerald(kafka);
    const expected = await encodeBatch([{ key: Buffer.from('a'), value: Buffer.from('b'), timestampMs: 5 }], { producerId: 4242, producerEpoch: 3, baseSequence: 17 });
    expect(Buffer.from(herald).equals(Buffer.from(expected))).toBe(true);
  });

  it('keeps a transactional producer’s batch transactional (attributes bit 4), and refuses the bit without a transactional id', async () => {
    const kafka = await kafkajsBatch([{ key: 'a', value: 'b', timestamp: 5 }], { producerId: 4242, producerEpoch: 3, firstSequence: 0, transactional: true });
    const herald = kafkaToHerald(kafka, true);
    const expected = await encodeBatch([{ key: Buffer.from('a'), value: Buffer.from('b'), timestampMs: 5 }], { producerId: 4242, producerEpoch: 3, baseSequence: 0, transactional: true });
    expect(Buffer.from(herald).equals(Buffer.from(expected))).toBe(true);
    expect(() => kafkaToHerald(kafka)).toThrow(KafkaProtocolError);
    const plain = await kafkajsBatch([{ key: 'a', value: 'b', timestamp: 5 }], { producerId: 4242, producerEpoch: 3 });
    expect(() => kafkaToHerald(plain, true)).toThrow(/transactional producer sends transactional batches/);
  });

  it('translates gzip batches (kafkajs compresses them) without decompressing', async () => {
    const kafka = await kafkajsBatch([{ key: 'a', value: 'x'.repeat(500), timestamp: 10 }], { compression: 1 });
    const herald = kafkaToHerald(kafka);
    expect(herald[1]).toBe(1);
    const decoded = await decodeBatch(herald);
    expect(Buffer.from(decoded[0]!.value!).toString()).toBe('x'.repeat(500));
  });

  it('splits the records of a partition into its batches', async () => {
    const one = await kafkajsBatch([{ key: 'a', value: '1', timestamp: 1 }]);
    const two = await kafkajsBatch([{ key: 'b', value: '2', timestamp: 2 }, { key: 'c', value: '3', timestamp: 3 }]);
    const batches = splitBatches(Buffer.concat([one, two]));
    expect(batches.map((b) => b.length)).toEqual([one.length, two.length]);
  });

  const refusals: { what: string; code: number; change: (b: Buffer) => Buffer }[] = [
    { what: 'the older message format (magic 1)', code: ErrorCode.UnsupportedForMessageFormat, change: (b) => (b.writeInt8(1, 16), b) },
    { what: 'a damaged payload byte', code: ErrorCode.CorruptMessage, change: (b) => ((b[b.length - 1]! ^= 1), b) },
    { what: 'a transactional batch', code: ErrorCode.InvalidTxnState, change: (b) => withAttributes(b, 0x10) },
    { what: 'a control batch', code: ErrorCode.InvalidRecord, change: (b) => withAttributes(b, 0x20) },
    { what: 'LogAppendTime set by a producer', code: ErrorCode.InvalidRecord, change: (b) => withAttributes(b, 0x08) },
    { what: 'an unknown compression code', code: ErrorCode.UnsupportedCompressionType, change: (b) => withAttributes(b, 0x05) },
    { what: 'a lastOffsetDelta that does not match the count', code: ErrorCode.InvalidRecord, change: (b) => recrc((b.writeInt32BE(7, 23), b)) },
    { what: 'a batchLength past the end', code: ErrorCode.InvalidRecord, change: (b) => (b.writeInt32BE(b.length, 8), b) },
    { what: 'a batchLength shorter than a header', code: ErrorCode.InvalidRecord, change: (b) => (b.writeInt32BE(10, 8), b) },
    { what: 'a truncated batch', code: ErrorCode.InvalidRecord, change: (b) => b.subarray(0, 14) },
  ];

  it.each(refusals)('refuses $what', async ({ code, change }) => {
    const kafka = change(await kafkajsBatch([{ key: 'a', value: 'b', timestamp: 1 }]));
    let error: unknown;
    try {
      splitBatches(kafka).map((b) => kafkaToHerald(b));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect((error as KafkaProtocolError).code).toBe(code);
  });
});

function recrc(b: Buffer): Buffer {
  b.writeUInt32BE(crc32c(b.subarray(21)) >>> 0, 17);
  return b;
}

function withAttributes(b: Buffer, attributes: number): Buffer {
  b.writeInt16BE(attributes, 21);
  return recrc(b);
}

describe('Herald → Kafka (fetch)', () => {
  it('serves a stored batch that kafkajs decodes with its offsets and leader epoch', async () => {
    const herald = await encodeBatch(records);
    const chunks = await heraldToKafka({ baseOffset: 100, leaderEpoch: 7, bytes: herald });
    expect(chunks[1]!.buffer).toBe(herald.buffer); // the payload is served, not copied
    expect(kafkaCrcHolds(Buffer.concat(chunks))).toBe(true);
    const batch = await decodeWithKafkajs(chunks);
    expect(batch.partitionLeaderEpoch).toBe(7);
    expect(batch.records.map((r: { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers: object }) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp])).toEqual([
      ['100', 'k1', 'hello', '1700000000000'],
      ['101', null, 'world', '1700000000005'],
      ['102', 'k3', null, '1700000000003'],
    ]);
    expect(batch.records[0].headers).toEqual({ trace: Buffer.from('abc') });
    expect(batch.maxTimestamp).toBe('1700000000005');
  });

  it('serves a transaction marker as a Kafka control batch: bits 4 and 5, key version 0 and type 1 (commit)', async () => {
    const marker = await encodeTxnMarker({ producerId: 77, producerEpoch: 2, commit: true, coordinatorEpoch: 0, timestampMs: 1_700_000_000_000 });
    const chunks = await heraldToKafka({ baseOffset: 41, leaderEpoch: 3, bytes: marker });
    expect(kafkaCrcHolds(Buffer.concat(chunks))).toBe(true);
    const batch = await decodeWithKafkajs(chunks);
    expect([batch.inTransaction, batch.isControlBatch, batch.producerId, batch.producerEpoch]).toEqual([true, true, '77', 2]);
    expect(batch.records.map((r: { offset: string; key: Buffer }) => [r.offset, r.key.toString('hex')])).toEqual([['41', '00000001']]);
  });

  it('serves a compacted batch with its offset gaps, lastOffsetDelta still covering the span', async () => {
    const herald = await encodeBatch(records);
    const compacted = await compactBatch(herald, (r) => r.offsetDelta !== 1);
    const chunks = await heraldToKafka({ baseOffset: 10, leaderEpoch: 2, bytes: compacted! });
    const kafka = Buffer.concat(chunks);
    expect(kafkaCrcHolds(kafka)).toBe(true);
    expect(kafka.readInt32BE(23)).toBe(2); // lastOffsetDelta: the span of 3 offsets
    expect(kafka.readInt32BE(57)).toBe(2); // recordsCount: the records present
    const batch = await decodeWithKafkajs(chunks);
    expect(batch.records.map((r: { offset: string }) => r.offset)).toEqual(['10', '12']);
  });

  it('serves a batch compacted to nothing as an empty batch that still spans its offsets', async () => {
    const herald = await encodeBatch(records);
    const empty = await compactBatch(herald, () => false);
    const kafka = Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: 1, bytes: empty! }));
    expect([kafka.readInt32BE(23), kafka.readInt32BE(57), kafkaCrcHolds(kafka)]).toEqual([2, 0, true]);
  });

  it("serves lz4 batches (the frame format), and refuses one in Herald's old block format, which Kafka clients could not read", async () => {
    const framed = await encodeBatch(records, { compression: 'lz4' });
    // kafkajs has no lz4 codec (kcat reads these in test/integration/kafka-kcat.test.ts).
    const kafka = Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: 1, bytes: framed }));
    expect([kafkaCrcHolds(kafka), kafka.readUInt32LE(61), kafka.readInt16BE(21)]).toEqual([true, 0x184d2204, 3]);
    const plain = Buffer.from(await encodeBatch(records));
    const block = await lz4CompressBlock(plain.subarray(BATCH_HEADER_BYTES));
    const old = Buffer.concat([plain.subarray(0, BATCH_HEADER_BYTES), block]);
    old.writeUInt8(3, HeaderOffset.Attributes);
    old.writeUInt32BE(block.length, HeaderOffset.PayloadLength);
    old.writeUInt32BE(crc32c(old.subarray(HeaderOffset.RecordCount)) >>> 0, HeaderOffset.Crc);
    expect(await decodeBatch(old)).toHaveLength(3); // Herald still reads it
    await expect(heraldToKafka({ baseOffset: 0, leaderEpoch: 1, bytes: old })).rejects.toMatchObject({ code: ErrorCode.UnsupportedCompressionType });
  });

  it('keeps a batch damaged in storage detectably damaged', async () => {
    const herald = Buffer.from(await encodeBatch(records));
    herald[herald.length - 3]! ^= 0x40;
    const kafka = Buffer.concat(await heraldToKafka({ baseOffset: 0, leaderEpoch: 1, bytes: herald }));
    expect(kafkaCrcHolds(kafka)).toBe(false);
  });
});

describe('round trips', () => {
  const compressions: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  const record = fc.record({
    key: fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
    value: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null }),
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: fc.uint8Array({ maxLength: 8 }) }), { maxLength: 3 }),
    timestampMs: fc.integer({ min: 0, max: 2 ** 45 }),
  });
  const producer = fc.option(fc.record({ producerId: fc.integer({ min: 0, max: 2 ** 50 }), producerEpoch: fc.integer({ min: 0, max: 32767 }), baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }), { nil: undefined });

  it('Herald → Kafka → Herald is the identity, and every Kafka CRC holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 20 }), fc.constantFrom(...compressions), producer, fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (input, compression, producerFields, baseOffset, leaderEpoch) => {
        const herald = await encodeBatch(input, { compression, ...producerFields });
        const kafka = Buffer.concat(await heraldToKafka({ baseOffset, leaderEpoch, bytes: herald }));
        expect(kafkaCrcHolds(kafka)).toBe(true);
        expect(kafka.readInt32BE(12)).toBe(leaderEpoch);
        const back = kafkaToHerald(splitBatches(kafka)[0]!);
        expect(Buffer.from(back).equals(Buffer.from(herald))).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('kafkajs reads what Herald stores, record for record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 10 }), fc.constantFrom<Compression>('none', 'gzip'), fc.nat({ max: 1_000_000 }), async (input, compression, baseOffset) => {
        const unique = input.map((r, i) => ({ ...r, headers: r.headers.map((h, j) => ({ ...h, key: `${h.key}-${j}` })), timestampMs: r.timestampMs + i }));
        const herald = await encodeBatch(unique, { compression });
        const batch = await decodeWithKafkajs(await heraldToKafka({ baseOffset, leaderEpoch: 0, bytes: herald }));
        const seen = batch.records.map((r: { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string }) => [Number(r.offset), r.key === null ? null : [...r.key], r.value === null ? null : [...r.value], Number(r.timestamp)]);
        expect(seen).toEqual(unique.map((r, i) => [baseOffset + i, r.key === null ? null : [...r.key], r.value === null ? null : [...r.value], r.timestampMs]));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
