// Kafka's variable-length integers (protobuf's base-128 varints with zigzag encoding, as in
// Kafka's ByteUtils): a varint holds a 32-bit signed integer in at most 5 bytes, a varlong a
// 64-bit one in at most 10. JavaScript numbers are exact up to 2^53, so varlongs are limited to
// |value| < 2^52, where their zigzag form is still a safe integer; arithmetic, not bitwise
// operators, handles the bits above 32.

import { HeraldError } from '../errors.js';

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/** The bytes a zigzag varint of `value` (a 32-bit signed integer) takes. */
export function varintBytes(value: number): number {
  let zz = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (zz >= 0x80) {
    zz >>>= 7;
    bytes++;
  }
  return bytes;
}

/** The bytes a zigzag varlong of `value` takes; |value| < 2^52, so that its zigzag form is a
 *  safe integer. */
export function varlongBytes(value: number): number {
  let zz = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zz >= 0x80) {
    zz = Math.floor(zz / 128);
    bytes++;
  }
  return bytes;
}

/** Writes `value` (a 32-bit signed integer) as a zigzag varint at `pos`; returns the position
 *  after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let zz = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zz >= 0x80) {
    buf[pos++] = (zz & 0x7f) | 0x80;
    zz >>>= 7;
  }
  buf[pos++] = zz;
  return pos;
}

/** Writes `value` (|value| < 2^52) as a zigzag varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  let zz = value >= 0 ? value * 2 : -value * 2 - 1;
  while (zz >= 0x80) {
    buf[pos++] = (zz % 128) | 0x80;
    zz = Math.floor(zz / 128);
  }
  buf[pos++] = zz;
  return pos;
}

/** Whether `value` fits a varint. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * Reads varints from a byte range, refusing anything that runs past `end` or is longer than
 * Kafka allows, with an InvalidArgument naming where it was (`where()`, called only on error,
 * so the happy path builds no strings) and the field.
 */
export class VarintReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    /** Where reading must stop; movable, so one reader can walk record after record. */
    public end: number,
    readonly where: () => string = () => 'varint',
  ) {
    this.pos = start;
  }

  /** A zigzag varint: a 32-bit signed integer in 1 to 5 bytes. */
  readVarint(field: string): number {
    if (this.pos < this.end && (this.buf[this.pos] as number) < 0x80) {
      const b = this.buf[this.pos++] as number; // fast path: one byte, -64 to 63
      return (b >>> 1) ^ -(b & 1);
    }
    let zz = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw this.truncated(field);
      const b = this.buf[this.pos++] as number;
      if (i === 4 && b > 0x0f) throw this.fail(`${field} is a varint longer than 5 bytes`);
      zz += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
    }
    throw this.fail(`${field} is a varint longer than 5 bytes`);
  }

  /** A zigzag varlong: a 64-bit signed integer in 1 to 10 bytes, refused from ±2^52 on (its
   *  zigzag form must be a safe integer). */
  readVarlong(field: string): number {
    if (this.pos < this.end && (this.buf[this.pos] as number) < 0x80) {
      const b = this.buf[this.pos++] as number;
      return (b >>> 1) ^ -(b & 1);
    }
    let zz = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated(field);
      const b = this.buf[this.pos++] as number;
      zz += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        if (!Number.isSafeInteger(zz)) throw this.fail(`${field} reaches ±2^52, more than Herald supports`);
        return zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
      }
    }
    throw this.fail(`${field} is a varlong longer than 10 bytes`);
  }

  /** One byte. */
  readByte(field: string): number {
    if (this.pos >= this.end) throw this.truncated(field);
    return this.buf[this.pos++] as number;
  }

  /** A length-prefixed field's length: -1 for null, else at most the bytes left. */
  readLength(field: string): number {
    const length = this.readVarint(`${field} length`);
    if (length < -1) throw this.fail(`${field} length is ${length}`);
    if (this.pos + length > this.end) throw this.truncated(field);
    return length;
  }

  truncated(field: string): HeraldError {
    return this.fail(`truncated in ${field}`);
  }

  fail(why: string): HeraldError {
    return new HeraldError('InvalidArgument', `${this.where()}: ${why}`);
  }
}
