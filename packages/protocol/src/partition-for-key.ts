// Kafka's default partitioner for keyed records (BuiltInPartitioner.partitionForKey):
// toPositive(murmur2(key)) % partitionCount. Matching it byte for byte means a key lands on the
// same partition number here as it would in Kafka, which keeps placements stable for users
// migrating data or mirroring topics.

import { invalidArgument } from './errors.js';

/** Kafka's murmur2 (Utils.murmur2): the 32-bit MurmurHash2 with seed 0x9747b28c, as a signed
 *  32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)) | 0;
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3; // Kafka's switch falls through from case 3 to case 1
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a keyed record, as Kafka's producer chooses it: the murmur2 hash with its
 *  sign bit cleared (Kafka's toPositive, not Math.abs), modulo the partition count. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw invalidArgument('partitionCount', `must be a positive integer (got ${partitionCount})`);
  }
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}
