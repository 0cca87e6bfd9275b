// The known batches behind test/fixtures/*.bin. make-fixtures.ts writes the files once from
// these definitions; batch-golden.test.ts checks them. Change a definition only together with
// its fixture, and only when the batch format itself changes.

import { Compression, type EncodeOptions, type RecordInput } from '../src/index.js';

const text = (s: string) => new TextEncoder().encode(s);

/** Four records covering the format's corners: headers (a repeated key, a non-ASCII key, an
 *  empty value), a null key, a null value (a tombstone), a timestamp before the first one (a
 *  negative delta) and the largest timestamp in the middle. */
export const goldenRecords: readonly RecordInput[] = [
  { key: text('user-1'), value: text('hello'), headers: [{ key: 'trace', value: text('abc') }], timestampMs: 1_700_000_000_000 },
  { key: null, value: text('second record'), timestampMs: 1_700_000_000_250 },
  {
    key: text('k'),
    value: null,
    headers: [
      { key: 'dup', value: text('1') },
      { key: 'dup', value: text('') },
      { key: 'ключ', value: text('значение') },
    ],
    timestampMs: 1_699_999_999_990,
  },
  { key: new Uint8Array(0), value: new Uint8Array([0, 1, 2, 255]), timestampMs: 1_700_000_000_100 },
];

export interface GoldenBatch {
  readonly name: string;
  readonly options: EncodeOptions;
  /** Whether the fixture must equal encodeBatch()'s output byte for byte. Compressed
   *  fixtures are only decoded: a compression library may legitimately compress the same
   *  input differently after an upgrade, but must still read what it wrote before. */
  readonly exact: boolean;
}

export const goldenBatches: readonly GoldenBatch[] = [
  { name: 'plain', options: {}, exact: true },
  { name: 'idempotent', options: { producerId: 4242, producerEpoch: 7, baseSequence: 1000 }, exact: true },
  { name: 'gzip', options: { compression: Compression.Gzip }, exact: false },
  { name: 'snappy', options: { compression: Compression.Snappy }, exact: false },
  { name: 'lz4', options: { compression: Compression.Lz4 }, exact: false },
  { name: 'zstd', options: { compression: Compression.Zstd, producerId: 1, producerEpoch: 0, baseSequence: 0 }, exact: false },
];
