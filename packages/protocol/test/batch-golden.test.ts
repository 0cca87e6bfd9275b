// Shows that the batch format is stable and strict. Method: compare encodeBatch() with golden
// bytes written once (fixtures/*.bin, from golden-batches.ts) and with a batch spelled out by
// hand from the format's table; decode every fixture; then feed every truncation and every
// single-byte corruption of the CRC field and of the payload, and require InvalidArgument.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BATCH_HEADER_BYTES,
  decodeBatch,
  encodeBatch,
  readBatchHeader,
  validateBatch,
} from '../src/index.js';
import { goldenBatches, goldenRecords } from './golden-batches.js';
import { expectRefusal } from './support.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}.bin`, import.meta.url)));
const limits = { recordBytesMax: 1 << 20, batchBytesMax: 1 << 20 };

describe('golden batches', () => {
  it('encodes a one-record batch to the bytes the format table gives', async () => {
    const batch = await encodeBatch([{ key: Uint8Array.of(0x6b), value: Uint8Array.of(0x76), timestampMs: 1000 }]);
    const expected = Buffer.from(
      [
        '01', // magic
        '00', // attributes: no compression
        '8779113d', // crc32c of everything after it
        '00000001', // recordCount
        '00000000000003e8', // firstTimestampMs 1000
        '00000000000003e8', // maxTimestampMs 1000
        'ffffffffffffffff', // producerId -1
        'ffff', // producerEpoch -1
        'ffffffff', // baseSequence -1
        '00000009', // payloadLength
        '10', // record length 8 (zigzag)
        '00', // attributes
        '00', // timestampDelta 0
        '00', // offsetDelta 0
        '02', '6b', // key: length 1, "k"
        '02', '76', // value: length 1, "v"
        '00', // no headers
      ].join(''),
      'hex',
    );
    expect(Buffer.from(batch).toString('hex')).toBe(expected.toString('hex'));
  });

  it.each(goldenBatches.filter((g) => g.exact))('$name: encodeBatch() reproduces the fixture byte for byte', async (golden) => {
    const bytes = await encodeBatch(goldenRecords, golden.options);
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(fixture(golden.name)).toString('hex'));
  });

  it.each(goldenBatches)('$name: the fixture decodes to the golden records', async (golden) => {
    const bytes = fixture(golden.name);
    const header = readBatchHeader(bytes);
    expect(header).toMatchObject({
      magic: 1,
      compression: golden.options.compression ?? 'none',
      recordCount: 4,
      firstTimestampMs: 1_700_000_000_000,
      maxTimestampMs: 1_700_000_000_250,
      producerId: golden.options.producerId ?? -1,
      producerEpoch: golden.options.producerEpoch ?? -1,
      baseSequence: golden.options.baseSequence ?? -1,
      sizeBytes: bytes.length,
    });
    expect(await validateBatch(bytes, limits)).toEqual(header);
    const records = await decodeBatch(bytes);
    expect(records.map((r) => r.offsetDelta)).toEqual([0, 1, 2, 3]);
    expect(records.map(({ timestampMs, key, value, headers }) => ({ timestampMs, key, value, headers }))).toEqual(
      goldenRecords.map(({ timestampMs, key, value, headers }) => ({
        timestampMs,
        key: key === null ? null : Buffer.from(key),
        value: value === null ? null : Buffer.from(value),
        headers: (headers ?? []).map((h) => ({ key: h.key, value: Buffer.from(h.value) })),
      })),
    );
  });
});

describe('corrupted golden batches are refused with InvalidArgument', () => {
  it.each(goldenBatches)('$name: every truncation', async (golden) => {
    const bytes = fixture(golden.name);
    for (let length = 0; length < bytes.length; length++) {
      const truncated = bytes.subarray(0, length);
      const why = length < BATCH_HEADER_BYTES ? /shorter than the 44-byte batch header/ : /truncated: payloadLength/;
      await expectRefusal(() => readBatchHeader(truncated), 'InvalidArgument', why);
      await expectRefusal(() => validateBatch(truncated, limits), 'InvalidArgument', why);
      await expectRefusal(() => decodeBatch(truncated), 'InvalidArgument', why);
    }
  });

  it.each(goldenBatches)('$name: every bit of the CRC field flipped', async (golden) => {
    const bytes = fixture(golden.name);
    for (let bit = 0; bit < 32; bit++) {
      const corrupt = Uint8Array.from(bytes);
      corrupt[2 + (bit >> 3)]! ^= 1 << (bit & 7);
      await expectRefusal(() => readBatchHeader(corrupt), 'InvalidArgument', /CRC-32C mismatch/);
      await expectRefusal(() => validateBatch(corrupt, limits), 'InvalidArgument', /CRC-32C mismatch/);
    }
  });

  it.each(goldenBatches)('$name: any byte after the CRC field changed', async (golden) => {
    const bytes = fixture(golden.name);
    for (let i = 6; i < bytes.length; i++) {
      const corrupt = Uint8Array.from(bytes);
      corrupt[i]! ^= 0x5a;
      // payloadLength corrupted reads as a length mismatch; anything else as a CRC mismatch.
      await expectRefusal(() => readBatchHeader(corrupt), 'InvalidArgument', /CRC-32C mismatch|payloadLength|after the payload/);
    }
  });

  it('a trailing byte after the payload', async () => {
    const bytes = fixture('plain');
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    await expectRefusal(() => readBatchHeader(longer), 'InvalidArgument', /1 bytes after the payload of 106 bytes/);
  });

  it('a magic byte other than 1', async () => {
    const bytes = Uint8Array.from(fixture('plain'));
    bytes[0] = 2;
    await expectRefusal(() => readBatchHeader(bytes), 'InvalidArgument', /magic is 2, expected 1/);
  });
});
