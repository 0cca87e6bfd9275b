// Shows that varints are Kafka's (zigzag, base 128, little end first) at their edges, that
// encode and decode agree everywhere, and that the reader refuses what Kafka refuses. Method:
// a table of known encodings, then seeded fast-check round trips over the whole range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VarintReader, varintBytes, varlongBytes, writeVarint, writeVarlong } from '../src/batch/varint.js';
import { SEED, expectRefusal } from './support.js';

const hex = (buf: Uint8Array, end: number) => Buffer.from(buf.subarray(0, end)).toString('hex');

describe('varint (32-bit, zigzag)', () => {
  it.each([
    { value: 0, bytes: '00' },
    { value: -1, bytes: '01' },
    { value: 1, bytes: '02' },
    { value: 63, bytes: '7e' },
    { value: -64, bytes: '7f' },
    { value: 64, bytes: '8001' },
    { value: -65, bytes: '8101' },
    { value: 8191, bytes: 'fe7f' },
    { value: 8192, bytes: '808001' },
    { value: 2 ** 31 - 1, bytes: 'feffffff0f' },
    { value: -(2 ** 31), bytes: 'ffffffff0f' },
  ])('$value is $bytes', ({ value, bytes }) => {
    const buf = new Uint8Array(10);
    const end = writeVarint(buf, 0, value);
    expect(hex(buf, end)).toBe(bytes);
    expect(varintBytes(value)).toBe(bytes.length / 2);
    const reader = new VarintReader(buf, 0, end);
    expect(reader.readVarint('v')).toBe(value);
    expect(reader.pos).toBe(end);
  });

  it('round-trips every 32-bit integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
        const buf = new Uint8Array(5);
        const end = writeVarint(buf, 0, value);
        expect(end).toBe(varintBytes(value));
        expect(new VarintReader(buf, 0, end).readVarint('v')).toBe(value);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it.each([
    { name: 'empty', bytes: [], message: /truncated in v/ },
    { name: 'a continuation with nothing after it', bytes: [0x80], message: /truncated in v/ },
    { name: 'six bytes', bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], message: /varint longer than 5 bytes/ },
    { name: 'bits past 32 in the fifth byte', bytes: [0xff, 0xff, 0xff, 0xff, 0x10], message: /varint longer than 5 bytes/ },
  ])('refuses $name', async ({ bytes, message }) => {
    const buf = Uint8Array.from(bytes);
    await expectRefusal(() => new VarintReader(buf, 0, buf.length).readVarint('v'), 'InvalidArgument', message);
  });

  it('accepts a non-minimal encoding, as Kafka does', () => {
    const buf = Uint8Array.of(0x82, 0x80, 0x00);
    expect(new VarintReader(buf, 0, buf.length).readVarint('v')).toBe(1);
  });

  it('stops at the reader end, not the buffer end', async () => {
    const buf = Uint8Array.of(0x80, 0x01);
    await expectRefusal(() => new VarintReader(buf, 0, 1).readVarint('v'), 'InvalidArgument', /truncated/);
  });
});

// Expected bytes below were computed independently (Python, 64-bit zigzag).
describe('varlong (zigzag, |value| < 2^52)', () => {
  it.each([
    { value: 0, bytes: '00' },
    { value: -1, bytes: '01' },
    { value: 2 ** 31, bytes: '8080808010' },
    { value: -(2 ** 31) - 1, bytes: '8180808010' },
    { value: 1_700_000_000_000, bytes: '80a0abfef962' },
    { value: 2 ** 52 - 1, bytes: 'feffffffffffff0f' },
    { value: -(2 ** 52), bytes: 'ffffffffffffff0f' },
  ])('$value is $bytes', ({ value, bytes }) => {
    const buf = new Uint8Array(10);
    const end = writeVarlong(buf, 0, value);
    expect(hex(buf, end)).toBe(bytes);
    expect(varlongBytes(value)).toBe(bytes.length / 2);
    expect(new VarintReader(buf, 0, end).readVarlong('v')).toBe(value);
  });

  it('round-trips every integer in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), (value) => {
        const buf = new Uint8Array(10);
        const end = writeVarlong(buf, 0, value);
        expect(end).toBe(varlongBytes(value));
        expect(new VarintReader(buf, 0, end).readVarlong('v')).toBe(value);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('agrees with an independent BigInt encoder', () => {
    const reference = (value: number) => {
      let zz = (BigInt(value) << 1n) ^ (BigInt(value) >> 63n);
      zz &= (1n << 64n) - 1n;
      const out: number[] = [];
      while (zz >= 0x80n) {
        out.push(Number(zz & 0x7fn) | 0x80);
        zz >>= 7n;
      }
      out.push(Number(zz));
      return Buffer.from(out).toString('hex');
    };
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), (value) => {
        const buf = new Uint8Array(10);
        expect(hex(buf, writeVarlong(buf, 0, value))).toBe(reference(value));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it.each([
    { name: '2^52 (zigzag 2^53)', bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20], message: /reaches ±2\^52/ },
    { name: 'eleven bytes', bytes: [...new Array(10).fill(0x80), 0x00], message: /varlong longer than 10 bytes/ },
    { name: 'a cut-off varlong', bytes: [0xff, 0xff], message: /truncated/ },
  ])('refuses $name', async ({ bytes, message }) => {
    const buf = Uint8Array.from(bytes);
    await expectRefusal(() => new VarintReader(buf, 0, buf.length).readVarlong('v'), 'InvalidArgument', message);
  });
});
