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
  /** A half message (transactions/half-state.ts): a 4-byte big-endian length, that many bytes of
   *  JSON (its id, producer group and the leader's clock), then the record batch, unchanged.
   *  Once committed, fetch serves the batch from this entry (storedBatch), so it is stored once. */
  HalfMessage: 0x12,
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

/**
 * The metadata feature levels (Kafka's `metadata.version`, KIP-584): what kinds of meta entry a
 * node can read. A node reports the highest it supports; the controller finalizes a level once
 * every node reports it, and entries of a level are written only once it is finalized, so that
 * no node of an older release meets an entry it cannot decode (it would stop). A node of a
 * release before levels reports none, which counts as level 1.
 */
export const FeatureLevel = {
  /** Topics, consumer groups and security (every release so far). */
  Base: 1,
  /** The cluster's nodes and partition reassignment (SeedNodes, AddNode, RemoveNode,
   *  ReassignPartitions, CompleteReassignment) and FinalizeFeatureLevel itself. */
  Membership: 2,
} as const;
export type FeatureLevel = (typeof FeatureLevel)[keyof typeof FeatureLevel];

/** The highest metadata feature level this version supports. */
export const FEATURE_LEVEL_MAX: FeatureLevel = FeatureLevel.Membership;

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

/** Encodes a half message entry: its kind byte, the length and JSON of `meta`, the batch. */
export function encodeHalfEntry(meta: object, batch: Uint8Array): Uint8Array {
  return encodeHalfEntryRaw(encoder.encode(JSON.stringify(meta)), batch);
}

/** The two parts of a half message entry: its JSON (undecoded) and its record batch. */
export function halfEntryParts(data: Uint8Array): { readonly meta: Uint8Array; readonly batch: Uint8Array } {
  assert(data[0] === EntryKind.HalfMessage && data.byteLength >= 5, 'a half message entry starts with its kind and length');
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1);
  assert(5 + length <= data.byteLength, 'a half message entry holds its JSON');
  return { meta: data.subarray(5, 5 + length), batch: data.subarray(5 + length) };
}

/** The record batch an indexed entry holds: the entry itself, or a committed half message's
 *  batch inside its entry. */
export function storedBatch(data: Uint8Array): Uint8Array {
  return data[0] === EntryKind.HalfMessage ? halfEntryParts(data).batch : data;
}

/** An indexed entry with its record batch replaced by `batch` (key compaction): a half message
 *  entry keeps its JSON. */
export function withStoredBatch(data: Uint8Array, batch: Uint8Array): Uint8Array {
  if (data[0] !== EntryKind.HalfMessage) return batch;
  return encodeHalfEntryRaw(halfEntryParts(data).meta, batch);
}

function encodeHalfEntryRaw(json: Uint8Array, batch: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + json.byteLength + batch.byteLength);
  out[0] = EntryKind.HalfMessage;
  new DataView(out.buffer).setUint32(1, json.byteLength);
  out.set(json, 5);
  out.set(batch, 5 + json.byteLength);
  return out;
}

/** Decodes and validates the JSON of a committed half message entry (see decodeCommand). */
export function decodeHalfMeta<T>(meta: Uint8Array, schema: z.ZodType<T>, where: string): T {
  return parseCommitted(decoder.decode(meta), schema, `${where}: a committed half message`);
}

/** Parses and validates the JSON of a committed entry; `what` names it in the assertion. */
function parseCommitted<T>(json: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  assert(parsed.success, `${what} does not decode: ${parsed.success ? '' : parsed.error.message.slice(0, 500)}`);
  return parsed.data;
}

/**
 * Decodes and validates a committed command entry of `kind` (or of store format 1). A committed
 * entry that does not decode is a damaged or foreign store, never a client's input: the node
 * stops rather than apply something it misread.
 */
export function decodeCommand<T>(data: Uint8Array, kind: typeof EntryKind.PartitionCommand | typeof EntryKind.MetaCommand, schema: z.ZodType<T>, where: string): T {
  const first = data[0];
  assert(first === kind || first === EntryKind.LegacyJson, `${where}: an entry of kind 0x${(first ?? 0).toString(16)} where a command of kind 0x${kind.toString(16)} belongs`);
  return parseCommitted(decoder.decode(first === EntryKind.LegacyJson ? data : data.subarray(1)), schema, `${where}: a committed command`);
}
