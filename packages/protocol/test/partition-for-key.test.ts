// Shows that keys land on the partitions Kafka's producer would choose. Method: Kafka's own
// murmur2 test vectors (UtilsTest.testMurmur2), then partitions derived from them with
// Kafka's toPositive (mask the sign bit, not Math.abs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../src/index.js';
import { SEED, expectRefusal } from './support.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('murmur2', () => {
  it.each([
    { key: '21', hash: -973932308 },
    { key: 'foobar', hash: -790332482 },
    { key: 'a-little-bit-long-string', hash: -985981536 },
    { key: 'a-little-bit-longer-string', hash: -1486304829 },
    { key: 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', hash: -58897971 },
    { key: 'abc', hash: 479470107 },
  ])('murmur2("$key") is $hash, as in Kafka', ({ key, hash }) => {
    expect(murmur2(text(key))).toBe(hash);
  });
});

describe('partitionForKey', () => {
  it.each([
    // (-973932308 & 0x7fffffff) = 1173551340
    { key: '21', partitions: 1, partition: 0 },
    { key: '21', partitions: 6, partition: 1173551340 % 6 },
    { key: '21', partitions: 7, partition: 1173551340 % 7 },
    // 479470107 is positive: unchanged
    { key: 'abc', partitions: 10, partition: 7 },
    { key: 'abc', partitions: 1024, partition: 479470107 % 1024 },
    // (-790332482 & 0x7fffffff) = 1357151166; Math.abs would give 790332482 instead
    { key: 'foobar', partitions: 12, partition: 1357151166 % 12 },
  ])('"$key" over $partitions partitions is partition $partition', ({ key, partitions, partition }) => {
    expect(partitionForKey(text(key), partitions)).toBe(partition);
  });

  it('is in range and stable for any key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 10_000 }), (key, count) => {
        const p = partitionForKey(key, count);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(count);
        expect(partitionForKey(Uint8Array.from(key), count)).toBe(p);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a partition count of %s', async (count) => {
    await expectRefusal(() => partitionForKey(text('k'), count), 'InvalidArgument', /partitionCount: must be a positive integer/);
  });
});
