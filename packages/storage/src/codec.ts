import { crc32c } from '@node-rs/crc32';
import type { Entry, EntryType, HardState, Membership, Snapshot } from '@herald/raft';
import { assert, assertUint } from './assert.js';
import { readUint64, writeUint64 } from './uint64.js';

/**
 * Value layouts. Every value starts with a version byte and ends with a CRC32C (Castagnoli, as
 * in Kafka and etcd's WAL) of every byte before it, big-endian. The checksum sits at the end so
 * that it is found at the same place whatever the version, and covers the version byte too.
 * Integers are big-endian; index, term and node ids take 8 bytes.
 *
 *   entry       version=1 | type u8 | index u64 | term u64 | data ... | crc32c u32
 *   hard state  version=1 | term u64 | vote u64 | commitIndex u64 | crc32c u32
 *   snapshot    version=1 | index u64 | term u64 | voterCount u32 | voters u64 * voterCount
 *               | learnerCount u32 | learners u64 * learnerCount | data ... | crc32c u32
 *   write count version=1 | count u64 | crc32c u32   (in the store and in its synced-write marker)
 *
 * An entry records its own index (and term) so that a value stored under the wrong key, or a
 * stale value read back, is detected rather than trusted.
 */
export const valueVersion = 1;

const crcBytes = 4;
const entryHeaderBytes = 1 + 1 + 8 + 8;
/** term, vote, commitIndex, repairIndex. Values written before repairIndex existed lack the
 *  last field and still decode (repairIndex 0). */
const hardStateBytes = 1 + 8 + 8 + 8 + 8 + crcBytes;
const hardStateBytesWithoutRepair = hardStateBytes - 8;
const snapshotFixedBytes = 1 + 8 + 8 + 4 + 4 + crcBytes;
/** The size of an encoded write count. */
export const writeCountBytes = 1 + 8 + crcBytes;

const entryTypeCodes: Readonly<Record<EntryType, number>> = { normal: 0, config: 1 };
const entryTypesByCode: readonly EntryType[] = ['normal', 'config'];

/** A decoded value, or why the bytes cannot be trusted (a phrase that completes "… <reason>"). */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Encodes an entry. Its data bytes are copied exactly once, into the returned buffer. */
export function encodeEntry(entry: Entry): Buffer {
  assertUint(entry.index, 'entry index');
  assert(entry.index >= 1, `entry index must be at least 1 (got ${entry.index})`);
  assertUint(entry.term, 'entry term');
  const typeCode = entryTypeCodes[entry.type];
  assert(typeCode !== undefined, `unknown entry type ${String(entry.type)}`);
  const value = Buffer.allocUnsafe(entryHeaderBytes + entry.data.length + crcBytes);
  value[0] = valueVersion;
  value[1] = typeCode;
  writeUint64(value, 2, entry.index);
  writeUint64(value, 10, entry.term);
  value.set(entry.data, entryHeaderBytes);
  sealValue(value);
  return value;
}

/** Decodes an entry value. The returned data is a view into `value`, not a copy. */
export function decodeEntry(value: Buffer): Decoded<Entry> {
  const problem = checkValue(value, entryHeaderBytes + crcBytes);
  if (problem !== null) return { ok: false, reason: problem };
  const type = entryTypesByCode[value[1] ?? -1];
  if (type === undefined) return { ok: false, reason: `has unknown entry type ${value[1]}` };
  const index = readUint64(value, 2);
  const term = readUint64(value, 10);
  if (index === null || term === null) return { ok: false, reason: 'has an index or term beyond 2^53' };
  const data = value.subarray(entryHeaderBytes, value.length - crcBytes);
  return { ok: true, value: { index, term, type, data } };
}

/** Encodes a hard state. */
export function encodeHardState(hardState: HardState): Buffer {
  const value = Buffer.allocUnsafe(hardStateBytes);
  value[0] = valueVersion;
  writeUint64(value, 1, hardState.term);
  writeUint64(value, 9, hardState.vote);
  writeUint64(value, 17, hardState.commitIndex);
  writeUint64(value, 25, hardState.repairIndex ?? 0);
  sealValue(value);
  return value;
}

/** Decodes a hard state value. */
export function decodeHardState(value: Buffer): Decoded<HardState> {
  const problem = checkValue(value, hardStateBytesWithoutRepair);
  if (problem !== null) return { ok: false, reason: problem };
  if (value.length !== hardStateBytes && value.length !== hardStateBytesWithoutRepair) {
    return { ok: false, reason: `is ${value.length} bytes, not ${hardStateBytes}` };
  }
  const term = readUint64(value, 1);
  const vote = readUint64(value, 9);
  const commitIndex = readUint64(value, 17);
  const repairIndex = value.length === hardStateBytes ? readUint64(value, 25) : 0;
  if (term === null || vote === null || commitIndex === null || repairIndex === null) return { ok: false, reason: 'has a field beyond 2^53' };
  return { ok: true, value: repairIndex > 0 ? { term, vote, commitIndex, repairIndex } : { term, vote, commitIndex } };
}

/** Encodes a snapshot. Its data bytes are copied exactly once, into the returned buffer. */
export function encodeSnapshot(snapshot: Snapshot): Buffer {
  const { meta } = snapshot;
  assertUint(meta.index, 'snapshot index');
  assertUint(meta.term, 'snapshot term');
  const { voters, learners } = meta.membership;
  const value = Buffer.allocUnsafe(snapshotFixedBytes + 8 * (voters.length + learners.length) + snapshot.data.length);
  value[0] = valueVersion;
  writeUint64(value, 1, meta.index);
  writeUint64(value, 9, meta.term);
  let offset = 17;
  for (const nodes of [voters, learners]) {
    value.writeUInt32BE(nodes.length, offset);
    offset += 4;
    for (const node of nodes) {
      writeUint64(value, offset, node);
      offset += 8;
    }
  }
  value.set(snapshot.data, offset);
  assert(offset + snapshot.data.length + crcBytes === value.length, 'snapshot layout size mismatch');
  sealValue(value);
  return value;
}

/** Decodes a snapshot value. The returned data is a view into `value`, not a copy. */
export function decodeSnapshot(value: Buffer): Decoded<Snapshot> {
  const problem = checkValue(value, snapshotFixedBytes);
  if (problem !== null) return { ok: false, reason: problem };
  const index = readUint64(value, 1);
  const term = readUint64(value, 9);
  if (index === null || term === null) return { ok: false, reason: 'has an index or term beyond 2^53' };
  const end = value.length - crcBytes;
  let offset = 17;
  const lists: number[][] = [];
  for (let list = 0; list < 2; list++) {
    if (offset + 4 > end) return { ok: false, reason: 'ends inside its membership' };
    const count = value.readUInt32BE(offset);
    offset += 4;
    if (offset + 8 * count > end) return { ok: false, reason: 'ends inside its membership' };
    const nodes: number[] = [];
    for (let i = 0; i < count; i++) {
      const node = readUint64(value, offset);
      if (node === null) return { ok: false, reason: 'has a node id beyond 2^53' };
      nodes.push(node);
      offset += 8;
    }
    lists.push(nodes);
  }
  const membership: Membership = { voters: lists[0] ?? [], learners: lists[1] ?? [] };
  return { ok: true, value: { meta: { index, term, membership }, data: value.subarray(offset, end) } };
}

/** Encodes the number of batches a store has written (see NodeStore: the synced-write marker). */
export function encodeWriteCount(count: number): Buffer {
  const value = Buffer.allocUnsafe(writeCountBytes);
  value[0] = valueVersion;
  writeUint64(value, 1, count);
  sealValue(value);
  return value;
}

/** Decodes a write count. */
export function decodeWriteCount(value: Buffer): Decoded<number> {
  const problem = checkValue(value, writeCountBytes);
  if (problem !== null) return { ok: false, reason: problem };
  if (value.length !== writeCountBytes) return { ok: false, reason: `is ${value.length} bytes, not ${writeCountBytes}` };
  const count = readUint64(value, 1);
  if (count === null) return { ok: false, reason: 'has a count beyond 2^53' };
  return { ok: true, value: count };
}

/** Writes the version-independent trailer: the CRC32C of every byte before it. */
function sealValue(value: Buffer): void {
  const end = value.length - crcBytes;
  value.writeUInt32BE(crc32c(value.subarray(0, end)), end);
}

/** Checks length, checksum and version; returns why the value is bad, or null. */
function checkValue(value: Buffer, bytesMin: number): string | null {
  if (value.length < bytesMin) return `is ${value.length} bytes, shorter than the ${bytesMin} of the smallest valid value`;
  const end = value.length - crcBytes;
  if (crc32c(value.subarray(0, end)) !== value.readUInt32BE(end)) return 'failed its checksum';
  if (value[0] !== valueVersion) return `has unknown format version ${value[0]}`;
  return null;
}
