import { assert, assertUint } from './assert.js';
import { readUint64, writeUint64 } from './uint64.js';

/**
 * Key layout. Every key of a group starts with the group's prefix:
 *
 *   0x01                 namespace: raft group state (0x00 holds the store's own records:
 *                        the format version and the write count; others are free)
 *   u16 BE               byte length of the group id's UTF-8
 *   UTF-8 bytes          the group id
 *   kind                 0x01 hard state | 0x02 snapshot | 0x03 entry
 *   u64 BE               entries only: the entry's index
 *
 * Because the id is length-prefixed, no group's prefix is a prefix of another's (two prefixes of
 * different lengths differ in the length bytes), so "p.1" and "p.10" never share a key range. A
 * group's keys are contiguous, and its entries are contiguous and sorted by index because the
 * index is fixed-width big-endian.
 */
export const groupNamespace = 0x01;

/** Namespace of the store's own records, outside every group's key range. */
const storeNamespace = 0x00;

/** The key of the format version the store's owner records (NodeStore.setFormatVersion). */
export const formatVersionKey: Buffer = Buffer.from([storeNamespace, 0x01]);

/** The key of the number of batches the store has written, put by every batch (NodeStore). */
export const writeCountKey: Buffer = Buffer.from([storeNamespace, 0x02]);

/** The kind byte after the group prefix. */
export const RecordKind = { HardState: 0x01, Snapshot: 0x02, Entry: 0x03 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Largest group id, in UTF-8 bytes, that the u16 length prefix can carry. */
export const groupIdBytesMax = 0xffff;

const entryIndexBytes = 8;

/** The keys of one group, computed once. */
export class GroupKeys {
  /** namespace, length and id: every key of the group starts with these bytes. */
  readonly prefix: Buffer;
  readonly hardState: Buffer;
  readonly snapshot: Buffer;
  /** The lowest possible entry key and the first key after every entry key (for range reads). */
  readonly entriesStart: Buffer;
  readonly entriesEnd: Buffer;
  /** The first key after every key of the group. */
  readonly groupEnd: Buffer;

  constructor(readonly groupId: string) {
    const idBytes = Buffer.from(groupId, 'utf8');
    assert(idBytes.length > 0, 'a group id must not be empty');
    assert(idBytes.length <= groupIdBytesMax, `group id longer than ${groupIdBytesMax} bytes`);
    // A lone surrogate would be stored as U+FFFD and collide with another id.
    assert(idBytes.toString('utf8') === groupId, `group id ${JSON.stringify(groupId)} is not valid Unicode`);
    const prefix = Buffer.allocUnsafe(3 + idBytes.length);
    prefix[0] = groupNamespace;
    prefix.writeUInt16BE(idBytes.length, 1);
    idBytes.copy(prefix, 3);
    this.prefix = prefix;
    this.hardState = withKind(prefix, RecordKind.HardState);
    this.snapshot = withKind(prefix, RecordKind.Snapshot);
    this.entriesStart = withKind(prefix, RecordKind.Entry);
    this.entriesEnd = withKind(prefix, RecordKind.Entry + 1);
    this.groupEnd = withKind(prefix, 0xff);
  }

  /** The key of the entry at `index`. */
  entry(index: number): Buffer {
    assertUint(index, 'entry index');
    const key = Buffer.allocUnsafe(this.prefix.length + 1 + entryIndexBytes);
    this.prefix.copy(key, 0);
    key[this.prefix.length] = RecordKind.Entry;
    writeUint64(key, this.prefix.length + 1, index);
    return key;
  }

  /** The index in an entry key of this group, or null when `key` is not a well-formed entry key. */
  entryIndexOf(key: Buffer): number | null {
    if (key.length !== this.prefix.length + 1 + entryIndexBytes) return null;
    if (key.compare(this.entriesStart, 0, this.entriesStart.length, 0, this.entriesStart.length) !== 0) return null;
    return readUint64(key, this.prefix.length + 1);
  }
}

function withKind(prefix: Buffer, kind: number): Buffer {
  const key = Buffer.allocUnsafe(prefix.length + 1);
  prefix.copy(key, 0);
  key[prefix.length] = kind;
  return key;
}

/** The group id a key of the group namespace belongs to, or null when the key is malformed. */
export function groupIdOfKey(key: Buffer): string | null {
  if (key.length < 4 || key[0] !== groupNamespace) return null;
  const idLength = key.readUInt16BE(1);
  if (idLength === 0 || key.length < 3 + idLength + 1) return null;
  const groupId = key.toString('utf8', 3, 3 + idLength);
  // Reject bytes that are not the UTF-8 of the decoded id: they cannot have been written here.
  if (Buffer.byteLength(groupId, 'utf8') !== idLength) return null;
  if (Buffer.from(groupId, 'utf8').compare(key, 3, 3 + idLength) !== 0) return null;
  return groupId;
}
