import { assert } from '@herald/raft';
import type { z } from 'zod';

/**
 * The first byte of every application entry of a Raft group's log says what the entry holds.
 * Entries are replicated and stored as they are, so these bytes are part of the store format
 * and of the peer wire format.
 */
export const EntryKind = {
  /** A record batch (packages/protocol/src/batch/format.ts): the byte is the batch's magic,
   *  so a batch is stored and served without a copy. 0x01–0x0f stay for batch formats. */
  RecordBatch: 0x01,
  /** A partition command (JSON after the byte): Trim and the queue commands. */
  PartitionCommand: 0x10,
  /** A cluster metadata command (JSON after the byte). */
  MetaCommand: 0x11,
  /** Store format 1 wrote commands as bare JSON: its first byte is "{". Read, never written. */
  LegacyJson: 0x7b,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/**
 * What this version writes: 2 = entries carry an EntryKind byte. A store recorded with a later
 * version was written by a newer Herald and is refused at start rather than misread.
 * 1 (never recorded, implied by a store that has groups but no version): commands as bare JSON.
 */
export const STORE_FORMAT_VERSION = 2;

/** The store formats this version reads. */
export const STORE_FORMATS_READ: readonly number[] = [1, 2];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a command entry: its kind byte, then its JSON. */
export function encodeCommand(kind: typeof EntryKind.PartitionCommand | typeof EntryKind.MetaCommand, command: object): Uint8Array {
  const json = encoder.encode(JSON.stringify(command));
  const out = new Uint8Array(json.byteLength + 1);
  out[0] = kind;
  out.set(json, 1);
  return out;
}

/** Whether a committed entry holds a record batch (else a command). */
export function isRecordBatch(data: Uint8Array): boolean {
  return data.byteLength > 0 && data[0]! < 0x10;
}

/**
 * Decodes and validates a committed command entry of `kind` (or of store format 1). A committed
 * entry that does not decode is a damaged or foreign store, never a client's input: the node
 * stops rather than apply something it misread.
 */
export function decodeCommand<T>(data: Uint8Array, kind: typeof EntryKind.PartitionCommand | typeof EntryKind.MetaCommand, schema: z.ZodType<T>, where: string): T {
  const first = data[0];
  assert(first === kind || first === EntryKind.LegacyJson, `${where}: an entry of kind 0x${(first ?? 0).toString(16)} where a command of kind 0x${kind.toString(16)} belongs`);
  const json = decoder.decode(first === EntryKind.LegacyJson ? data : data.subarray(1));
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  assert(parsed.success, `${where}: a committed command does not decode: ${parsed.success ? '' : parsed.error.message.slice(0, 500)}`);
  return parsed.data;
}
