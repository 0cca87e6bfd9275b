import { describe, expect, it } from 'vitest';
import type { Entry } from '@herald/raft';
import { decodeEntry, decodeHardState, decodeSnapshot, encodeEntry, encodeHardState, encodeSnapshot, type Decoded } from '../src/codec.js';
import { GroupKeys, groupIdOfKey } from '../src/keys.js';
import { hardState, snapshot } from './support.js';

const sample: Entry = { index: 2 ** 40 + 3, term: 77, type: 'config', data: Buffer.from('some bytes') };

/** Every way to damage one value: each byte inverted in turn, and each truncation. */
function damaged(value: Buffer): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0; offset < value.length; offset++) {
    const copy = Buffer.from(value);
    copy[offset] = (copy[offset] ?? 0) ^ 0xff;
    result.push(copy);
  }
  for (let length = 0; length < value.length; length++) result.push(Buffer.from(value.subarray(0, length)));
  return result;
}

describe('value codec', () => {
  it('round-trips an entry, with its data as a view and not a copy', () => {
    const value = encodeEntry(sample);
    const decoded = decodeEntry(value);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect({ ...decoded.value, data: Buffer.from(decoded.value.data).toString() }).toEqual({ ...sample, data: 'some bytes' });
    expect(decoded.value.data.buffer).toBe(value.buffer);
  });

  it('round-trips a hard state and a snapshot', () => {
    expect(decodeHardState(encodeHardState(hardState(2 ** 53 - 1, 9, 12)))).toEqual({ ok: true, value: hardState(2 ** 53 - 1, 9, 12) });
    const decoded = decodeSnapshot(encodeSnapshot(snapshot(40, 6, 'machine')));
    expect(decoded.ok && decoded.value.meta).toEqual(snapshot(40, 6).meta);
    expect(decoded.ok && Buffer.from(decoded.value.data).toString()).toBe('machine');
  });

  it.each([
    { what: 'entry', value: encodeEntry(sample), decode: decodeEntry as (value: Buffer) => Decoded<unknown> },
    { what: 'hard state', value: encodeHardState(hardState(5, 2, 9)), decode: decodeHardState as (value: Buffer) => Decoded<unknown> },
    { what: 'snapshot', value: encodeSnapshot(snapshot(4, 1)), decode: decodeSnapshot as (value: Buffer) => Decoded<unknown> },
  ])('rejects every inverted byte and every truncation of a $what', ({ value, decode }) => {
    expect(decode(value).ok).toBe(true);
    for (const bad of damaged(value)) expect(decode(bad).ok).toBe(false);
  });
});

describe('keys', () => {
  it.each([
    { lower: 1, higher: 2 },
    { lower: 255, higher: 256 },
    { lower: 2 ** 32 - 1, higher: 2 ** 32 },
    { lower: 2 ** 32, higher: 2 ** 53 - 1 },
  ])('entry key $lower sorts before entry key $higher', ({ lower, higher }) => {
    const keys = new GroupKeys('p.1');
    expect(Buffer.compare(keys.entry(lower), keys.entry(higher))).toBe(-1);
    expect(keys.entryIndexOf(keys.entry(higher))).toBe(higher);
  });

  it('puts every key of a group between its prefix and its end, and no key of another group there', () => {
    const ids = ['p', 'p.1', 'p.1.1', 'p.10', 'p.1\u0003', 'p.1\u00ff', 'ü'];
    for (const id of ids) {
      const own = new GroupKeys(id);
      for (const key of [own.hardState, own.snapshot, own.entry(1), own.entry(2 ** 53 - 1)]) {
        expect(Buffer.compare(own.prefix, key)).toBe(-1);
        expect(Buffer.compare(key, own.groupEnd)).toBe(-1);
        expect(groupIdOfKey(key)).toBe(id);
      }
      for (const other of ids.filter((x) => x !== id).map((x) => new GroupKeys(x))) {
        for (const key of [other.hardState, other.entry(1), other.entry(2 ** 53 - 1)]) {
          const inside = Buffer.compare(own.prefix, key) < 0 && Buffer.compare(key, own.groupEnd) < 0;
          expect(inside).toBe(false);
        }
      }
    }
  });
});
