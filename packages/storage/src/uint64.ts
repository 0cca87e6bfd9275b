import { assertUint } from './assert.js';

const twoTo32 = 0x1_0000_0000;

/** Writes `value` (a safe non-negative integer) as 8 bytes, big-endian, so that byte order is
 *  numeric order: keys sort by index. */
export function writeUint64(target: Buffer, offset: number, value: number): void {
  assertUint(value, 'a stored 64-bit field');
  target.writeUInt32BE(Math.floor(value / twoTo32), offset);
  target.writeUInt32BE(value >>> 0, offset + 4);
}

/** Reads 8 big-endian bytes. Returns null when the value does not fit in a safe integer, which
 *  no writer produces: the bytes are not what was written. */
export function readUint64(source: Buffer, offset: number): number | null {
  const high = source.readUInt32BE(offset);
  const low = source.readUInt32BE(offset + 4);
  if (high >= 0x20_0000) return null; // 2^53 and above
  return high * twoTo32 + low;
}
