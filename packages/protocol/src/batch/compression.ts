// Payload compression with maintained libraries: node:zlib for gzip, and napi-rs bindings
// with prebuilt binaries for the rest (snappy, lz4-napi, @mongodb-js/zstd 1.x). Every codec
// runs off the event loop (zlib and the napi bindings use libuv's thread pool).
//
// Decompression is bounded before any output is allocated, because a batch of a few kilobytes
// can claim gigabytes: snappy (raw, or each chunk of xerial's framing) and Herald's older lz4
// (block format with its size prefixed) state the output size up front; lz4 and zstd frames are
// walked block by block to bound it; gzip is cut off by zlib's maxOutputLength.
//
// lz4 is the LZ4 frame format (KIP-57: what Kafka's compression code 3 means), so that Kafka
// clients and Herald read each other's batches; payloads written before in the block format
// are still read, told apart by the frame's magic number. Snappy is written raw (librdkafka's
// and Herald's); the xerial framing the Java client writes is read too.

import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { HeraldError } from '../errors.js';
import { Compression } from './format.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A module loaded on first use, once. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

// The napi codecs are loaded when a batch first needs them: each is a native module that takes
// tens of milliseconds to load, which every CLI command and node start would pay, and most of
// them never meet a compressed batch.
const snappy = onFirstUse(() => import('snappy'));
const lz4 = onFirstUse(() => import('lz4-napi'));
const zstd = onFirstUse(() => import('@mongodb-js/zstd'));

/** A view of `bytes` as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Compresses a batch payload. */
export async function compress(compression: Compression, payload: Uint8Array): Promise<Uint8Array> {
  switch (compression) {
    case Compression.None:
      return payload;
    case Compression.Gzip:
      return gzipAsync(payload);
    case Compression.Snappy:
      return (await snappy()).compress(payload);
    case Compression.Lz4:
      // The LZ4 frame format (lz4_flex's FrameEncoder: 64 KiB independent blocks, no checksums).
      return (await lz4()).compressFrame(payload);
    case Compression.Zstd:
      return (await zstd()).compress(asBuffer(payload));
  }
}

/** What decompress() may produce, and the error to throw when a payload would exceed it. */
export interface DecompressLimit {
  readonly bytesMax: number;
  /** The refusal for a payload that would inflate to at least `bytes`. */
  readonly tooLarge: (bytes: number) => HeraldError;
}

/**
 * Decompresses a batch payload, refusing before inflating anything that would exceed
 * `limit.bytesMax`. Corrupt input is an InvalidArgument naming the codec.
 */
export async function decompress(
  compression: Compression,
  data: Uint8Array,
  limit: DecompressLimit,
): Promise<Uint8Array> {
  switch (compression) {
    case Compression.None:
      if (data.length > limit.bytesMax) throw limit.tooLarge(data.length);
      return data;
    case Compression.Gzip: {
      try {
        return await gunzipAsync(data, { maxOutputLength: limit.bytesMax });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw limit.tooLarge(limit.bytesMax + 1);
        throw corrupt('gzip', err);
      }
    }
    case Compression.Snappy: {
      if (startsWith(data, XERIAL_MAGIC)) return xerialUncompress(data, limit);
      return snappyUncompress(data, limit);
    }
    case Compression.Lz4: {
      if (data.length >= 4 && new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) === LZ4_FRAME_MAGIC) {
        const bound = lz4FrameDecompressedBytesBound(data);
        if (bound > limit.bytesMax) throw limit.tooLarge(bound);
        const { decompressFrame } = await lz4();
        const out = await inflate('lz4', () => decompressFrame(data));
        if (out.length > limit.bytesMax) throw limit.tooLarge(out.length);
        return out;
      }
      // Herald's block format before the frame format: the size, little-endian, then a block.
      if (data.length < 4) throw malformed('lz4', 'shorter than its 4-byte size prefix');
      const declared = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
      if (declared > limit.bytesMax) throw limit.tooLarge(declared);
      const { uncompress } = await lz4();
      const out = await inflate('lz4', () => uncompress(data));
      return checkLength('lz4', out, declared);
    }
    case Compression.Zstd: {
      const bound = zstdDecompressedBytesBound(data);
      if (bound > limit.bytesMax) throw limit.tooLarge(bound);
      const { decompress } = await zstd();
      const out = await inflate('zstd', () => decompress(asBuffer(data)));
      if (out.length > limit.bytesMax) throw limit.tooLarge(out.length);
      return out;
    }
  }
}

async function snappyUncompress(data: Uint8Array, limit: DecompressLimit): Promise<Uint8Array> {
  const declared = snappyDeclaredBytes(data);
  if (declared > limit.bytesMax) throw limit.tooLarge(declared);
  const { uncompress } = await snappy();
  const out = await inflate('snappy', () => uncompress(data, { asBuffer: true }) as Promise<Buffer>);
  return checkLength('snappy', out, declared);
}

/** The header of xerial's snappy framing (snappy-java's SnappyOutputStream, what the Java
 *  client writes): the magic, then a version and a compatible version, 4 bytes each. */
const XERIAL_MAGIC = new Uint8Array([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = XERIAL_MAGIC.length + 8;

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

/** xerial's framing: after its header, chunks of a 4-byte big-endian length and a raw snappy
 *  block. Every chunk's declared size counts against the limit before any is inflated. */
async function xerialUncompress(data: Uint8Array, limit: DecompressLimit): Promise<Uint8Array> {
  if (data.length < XERIAL_HEADER_BYTES) throw malformed('snappy', 'xerial header truncated');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks: Uint8Array[] = [];
  let declared = 0;
  for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
    if (pos + 4 > data.length) throw malformed('snappy', `xerial chunk length truncated at byte ${pos}`);
    const length = view.getUint32(pos);
    pos += 4;
    if (pos + length > data.length) throw malformed('snappy', `xerial chunk of ${length} bytes runs past the payload`);
    const chunk = data.subarray(pos, pos + length);
    declared += snappyDeclaredBytes(chunk);
    if (declared > limit.bytesMax) throw limit.tooLarge(declared);
    chunks.push(chunk);
    pos += length;
  }
  const parts = [];
  for (const chunk of chunks) parts.push(await snappyUncompress(chunk, limit));
  return Buffer.concat(parts);
}

/** The LZ4 frame's magic number (LZ4 Frame Format Description §Frame Descriptor), as read
 *  little-endian. */
const LZ4_FRAME_MAGIC = 0x184d2204;
/** Block maximum sizes by the BD byte's bits 4-6 (4: 64 KiB to 7: 4 MiB). */
const LZ4_BLOCK_BYTES_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/** How far an LZ4 block can inflate: each byte of a match length's extension adds at most 255
 *  bytes (LZ4 Block Format Description §Sequence), plus one sequence's worth. */
const LZ4_RATIO_MAX = 255;
const LZ4_SEQUENCE_BYTES_MAX = 64;

/**
 * An upper bound on what LZ4 frames inflate to, from their headers alone: a stored block is its
 * own size; a compressed one at most 255 times its size, and at most the frame's block maximum
 * (so that a small batch in a frame of 4 MiB blocks is not taken for 4 MiB).
 */
export function lz4FrameDecompressedBytesBound(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let bound = 0;
  while (pos < data.length) {
    const skipped = skipSkippableFrame(view, pos, 'lz4');
    if (skipped !== pos) {
      pos = skipped;
      continue;
    }
    const magic = view.getUint32(pos, true);
    if (magic !== LZ4_FRAME_MAGIC) throw malformed('lz4', `no frame magic at byte ${pos}`);
    pos += 4;
    if (pos + 2 > data.length) throw malformed('lz4', 'truncated frame descriptor');
    const flags = data[pos] as number;
    const blockBytesMax = LZ4_BLOCK_BYTES_MAX[((data[pos + 1] as number) >> 4) & 7]!;
    if (flags >> 6 !== 1) throw malformed('lz4', `frame version ${flags >> 6} (only 1 exists)`);
    if (blockBytesMax === 0) throw malformed('lz4', 'reserved block maximum size');
    const blockChecksum = (flags >> 4) & 1;
    const contentChecksum = (flags >> 2) & 1;
    pos += 2 + ((flags >> 3) & 1 ? 8 : 0) + (flags & 1 ? 4 : 0) + 1; // FLG BD, content size, dictionary id, header checksum
    for (;;) {
      if (pos + 4 > data.length) throw malformed('lz4', 'truncated block size');
      const word = view.getUint32(pos, true);
      pos += 4;
      if (word === 0) break; // the end mark
      const size = word & 0x7fff_ffff;
      if (size > blockBytesMax) throw malformed('lz4', `block of ${size} bytes exceeds the frame's ${blockBytesMax}`);
      bound += word >>> 31 === 1 ? size : Math.min(blockBytesMax, size * LZ4_RATIO_MAX + LZ4_SEQUENCE_BYTES_MAX);
      pos += size + (blockChecksum ? 4 : 0);
      if (pos > data.length) throw malformed('lz4', 'truncated block');
    }
    pos += contentChecksum ? 4 : 0;
    if (pos > data.length) throw malformed('lz4', 'truncated content checksum');
  }
  return bound;
}

async function inflate(codec: string, run: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await run();
  } catch (err) {
    throw corrupt(codec, err);
  }
}

function checkLength(codec: string, out: Uint8Array, declared: number): Uint8Array {
  if (out.length !== declared) {
    throw malformed(codec, `inflated to ${out.length} bytes but declares ${declared}`);
  }
  return out;
}

/** The uncompressed length a raw snappy block starts with (an unsigned LEB128 varint, at most
 *  32 bits). */
function snappyDeclaredBytes(data: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < 5 && i < data.length; i++) {
    const b = data[i] as number;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (value > 0xffff_ffff) break;
      return value;
    }
  }
  throw malformed('snappy', 'its length preamble is truncated or too long');
}

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames: the same magic numbers in LZ4's frame format and zstd's (RFC 8878 §3.1.2). */
const SKIPPABLE_MAGIC_MIN = 0x184d2a50;
const SKIPPABLE_MAGIC_MAX = 0x184d2a5f;

/** Where the frame at `pos` ends when it is a skippable frame (its magic, a 4-byte size, that
 *  many bytes), else `pos`. */
function skipSkippableFrame(view: DataView, pos: number, codec: string): number {
  if (pos + 4 > view.byteLength) throw malformed(codec, 'truncated frame magic');
  const magic = view.getUint32(pos, true);
  if (magic < SKIPPABLE_MAGIC_MIN || magic > SKIPPABLE_MAGIC_MAX) return pos;
  if (pos + 8 > view.byteLength) throw malformed(codec, 'truncated skippable frame');
  const end = pos + 8 + view.getUint32(pos + 4, true);
  if (end > view.byteLength) throw malformed(codec, 'truncated skippable frame');
  return end;
}
const ZSTD_BLOCK_BYTES_MAX = 128 * 1024;

/**
 * An upper bound on what a zstd payload inflates to, from its frame and block headers alone
 * (RFC 8878 §3.1): raw and RLE blocks state their size, a compressed block regenerates at most
 * 128 KiB. Encoders fill blocks, so for real data the bound is the output rounded up to a block;
 * only a crafted payload of many tiny blocks gets a large bound, and is refused for it.
 */
export function zstdDecompressedBytesBound(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let bound = 0;
  if (data.length === 0) throw malformed('zstd', 'empty');
  while (pos < data.length) {
    const skipped = skipSkippableFrame(view, pos, 'zstd');
    if (skipped !== pos) {
      pos = skipped;
      continue;
    }
    const magic = view.getUint32(pos, true);
    if (magic !== ZSTD_MAGIC) throw malformed('zstd', `no frame magic at byte ${pos}`);
    pos += 4;
    if (pos >= data.length) throw malformed('zstd', 'truncated frame header');
    const descriptor = data[pos] as number;
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const hasChecksum = (descriptor >> 2) & 1;
    const dictionaryIdFlag = descriptor & 3;
    const headerBytes =
      1 +
      (singleSegment ? 0 : 1) +
      [0, 1, 2, 4][dictionaryIdFlag]! +
      [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
    pos += headerBytes;
    for (;;) {
      if (pos + 3 > data.length) throw malformed('zstd', 'truncated block header');
      const blockHeader = (data[pos] as number) | ((data[pos + 1] as number) << 8) | ((data[pos + 2] as number) << 16);
      pos += 3;
      const last = blockHeader & 1;
      const type = (blockHeader >> 1) & 3;
      const size = blockHeader >>> 3;
      if (type === 0) {
        bound += size; // raw: the block is its own content
        pos += size;
      } else if (type === 1) {
        bound += size; // RLE: one byte repeated `size` times
        pos += 1;
      } else if (type === 2) {
        bound += ZSTD_BLOCK_BYTES_MAX;
        pos += size;
      } else {
        throw malformed('zstd', 'reserved block type');
      }
      if (pos > data.length) throw malformed('zstd', 'truncated block');
      if (last) break;
    }
    pos += hasChecksum ? 4 : 0;
    if (pos > data.length) throw malformed('zstd', 'truncated frame checksum');
  }
  return bound;
}

function malformed(codec: string, why: string): HeraldError {
  return new HeraldError('InvalidArgument', `record batch: ${codec} payload is malformed: ${why}`);
}

function corrupt(codec: string, err: unknown): HeraldError {
  const why = err instanceof Error ? err.message : String(err);
  return new HeraldError('InvalidArgument', `record batch: ${codec} payload does not decompress: ${why}`, {}, {
    cause: err,
  });
}
