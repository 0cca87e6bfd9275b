// Shows that the primitive codec round-trips every Kafka type, in both the classic and the
// compact (flexible) forms, and that a lying length or count is refused with a typed error
// before anything is allocated from it. Method: fast-check round trips (seeded), then
// hand-made frames with bad lengths.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KafkaDecodeError, KafkaReader } from '../src/codec/reader.js';
import { array, bool, bytes, decode, field, int16, int32, int64, int8, nullableArray, nullableBytes, nullableString, string, struct, uuid, type Type } from '../src/codec/schema.js';
import { KafkaWriter } from '../src/codec/writer.js';

const SEED = Number(process.env.HERALD_SEED ?? 13);

function roundTrip<T>(type: Type<T>, value: T, flexible: boolean): T {
  const w = new KafkaWriter();
  type.write(w, value, { version: 0, flexible });
  return decode(type, new KafkaReader(w.toBuffer()), { version: 0, flexible });
}

describe('primitives', () => {
  it.each([false, true])('round-trip every type (flexible: %s)', (flexible) => {
    const cases: [Type<unknown>, fc.Arbitrary<unknown>][] = [
      [int8 as Type<unknown>, fc.integer({ min: -128, max: 127 })],
      [int16 as Type<unknown>, fc.integer({ min: -32768, max: 32767 })],
      [int32 as Type<unknown>, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
      [int64 as Type<unknown>, fc.maxSafeInteger()],
      [bool as Type<unknown>, fc.boolean()],
      [uuid as Type<unknown>, fc.uuid()],
      [string as Type<unknown>, fc.string({ unit: 'grapheme', maxLength: 50 })],
      [nullableString as Type<unknown>, fc.option(fc.string({ maxLength: 50 }), { nil: null })],
      [bytes as Type<unknown>, fc.uint8Array({ maxLength: 300 })],
      [nullableBytes as Type<unknown>, fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null })],
      [array(int32) as Type<unknown>, fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 })],
      [nullableArray(string) as Type<unknown>, fc.option(fc.array(fc.string({ maxLength: 5 }), { maxLength: 20 }), { nil: null })],
    ];
    for (const [type, arbitrary] of cases) {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const back = roundTrip(type, value, flexible);
          expect(back instanceof Uint8Array ? new Uint8Array(back) : back).toEqual(value instanceof Uint8Array ? new Uint8Array(value) : value);
        }),
        { seed: SEED, numRuns: 100 },
      );
    }
  });

  it('round-trips zigzag varints and varlongs, and unsigned varints', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), fc.nat({ max: 2 ** 32 - 1 }), (i, l, u) => {
        const w = new KafkaWriter();
        w.varint(i);
        w.varlong(l);
        w.uvarint(u);
        const r = new KafkaReader(w.toBuffer());
        expect([r.varint(), r.varlong(), r.uvarint()]).toEqual([i, l, u]);
        expect(r.remaining).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it.each([
    { value: 0, hex: '00' },
    { value: -1, hex: '01' },
    { value: 1, hex: '02' },
    { value: 63, hex: '7e' },
    { value: -64, hex: '7f' },
    { value: 64, hex: '8001' },
    { value: 300, hex: 'd804' },
  ])('zigzag varint $value is $hex (the protocol guide)', ({ value, hex }) => {
    const w = new KafkaWriter();
    w.varint(value);
    expect(w.toBuffer().toString('hex')).toBe(hex);
  });

  it('keeps large byte ranges by reference and small ones copied', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new KafkaWriter();
    w.int32(1);
    w.raw(big);
    w.int8(2);
    const chunks = w.chunks();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(Buffer.concat(chunks).length).toBe(4 + 10_000 + 1);
  });
});

describe('bounded reads', () => {
  const frame = (hex: string) => new KafkaReader(Buffer.from(hex, 'hex'));
  it.each([
    { what: 'a string longer than the frame', hex: '00ff6162', read: (r: KafkaReader) => r.string(false, false) },
    { what: 'a negative string length other than -1', hex: 'fffe', read: (r: KafkaReader) => r.string(false, true) },
    { what: 'a null string where one is required', hex: 'ffff', read: (r: KafkaReader) => r.string(false, false) },
    { what: 'bytes longer than the frame', hex: '7fffffff00', read: (r: KafkaReader) => r.bytes(false, true) },
    { what: 'a negative bytes length', hex: '80000000', read: (r: KafkaReader) => r.bytes(false, true) },
    { what: 'an array count of 2^31-1', hex: '7fffffff', read: (r: KafkaReader) => r.count(false, false, 4) },
    { what: 'a compact array longer than the frame', hex: 'ffffffff0f', read: (r: KafkaReader) => r.count(true, false, 1) },
    { what: 'an unsigned varint longer than 5 bytes', hex: 'ffffffffff01', read: (r: KafkaReader) => r.uvarint() },
    { what: 'an int64 beyond 2^53', hex: '7fffffffffffffff', read: (r: KafkaReader) => r.int64() },
    { what: 'a truncated int32', hex: '0001', read: (r: KafkaReader) => r.int32() },
  ])('refuses $what', ({ hex, read }) => {
    expect(() => read(frame(hex))).toThrow(KafkaDecodeError);
  });

  it('refuses trailing bytes after a message', () => {
    expect(() => decode(int16, new KafkaReader(Buffer.from('000100', 'hex')), { version: 0, flexible: false })).toThrow(/1 bytes after the end/);
  });

  it('names the field at fault', () => {
    const type = struct({ name: field(string, '0+'), items: field(array(struct({ id: field(int32, '0+'), label: field(string, '0+') })), '0+') });
    // name "a", one item: id 1, label length 100 with 1 byte present.
    expect(() => decode(type, new KafkaReader(Buffer.from('0001610000000100000001006441', 'hex')), { version: 0, flexible: false })).toThrow(/items: label: string needs 100 bytes/);
  });
});

describe('structs and versions', () => {
  const type = struct({
    a: field(int32, '0+'),
    b: field(string, '2+', { default: 'none' }),
    c: field(nullableString, '0+', { nullable: '1+' }),
    t: field(int32, '3+', { tag: 0, default: -1 }),
  });

  it('leaves out fields absent from a version and decodes them as defaults', () => {
    const w = new KafkaWriter();
    type.write(w, { a: 5, b: 'x', c: 'y', t: 9 }, { version: 0, flexible: false });
    expect(w.toBuffer().toString('hex')).toBe('00000005' + '000179');
    expect(decode(type, new KafkaReader(Buffer.from('00000005000179', 'hex')), { version: 0, flexible: false })).toEqual({ a: 5, b: 'none', c: 'y', t: -1 });
  });

  it('refuses null in a version that does not allow it', () => {
    expect(() => decode(type, new KafkaReader(Buffer.from('00000005ffff', 'hex')), { version: 0, flexible: false })).toThrow(/c is null, which version 0 does not allow/);
    expect(decode(type, new KafkaReader(Buffer.from('00000005ffff', 'hex')), { version: 1, flexible: false }).c).toBeNull();
  });

  it('writes a tagged field only when it differs from its default, and skips unknown tags', () => {
    const ctx = { version: 3, flexible: true };
    const w = new KafkaWriter();
    type.write(w, { a: 1, b: 'b', c: null, t: 9 }, ctx);
    // a, compact "b", compact null, 1 tagged field: tag 0, size 4, value 9.
    expect(w.toBuffer().toString('hex')).toBe('00000001' + '0262' + '00' + '01' + '00' + '04' + '00000009');
    const d = new KafkaWriter();
    type.write(d, { a: 1, b: 'b', c: null, t: -1 }, ctx);
    expect(d.toBuffer().toString('hex')).toBe('00000001026200' + '00');
    // An unknown tag 5 (2 bytes) before the known one is skipped.
    const withUnknown = Buffer.from('00000001026200' + '02' + '00' + '04' + '00000009' + '05' + '02' + 'abcd', 'hex');
    expect(decode(type, new KafkaReader(withUnknown), ctx)).toEqual({ a: 1, b: 'b', c: null, t: 9 });
  });

  it('refuses tagged fields out of order', () => {
    const bad = Buffer.from('00000001026200' + '02' + '05' + '00' + '00' + '04' + '00000009', 'hex');
    expect(() => decode(type, new KafkaReader(bad), { version: 3, flexible: true })).toThrow(/tags must ascend/);
  });
});
