// Reading Kafka's primitive types (the protocol guide, "Protocol Primitive Types", and KIP-482
// for the compact forms of flexible versions). Every read is bounded by the frame: a length or
// count that points past the end is refused before anything is allocated from it, so a lying
// length costs the sender its frame, never the broker its memory.

/** Bytes that are not a valid Kafka request: the connection that sent them is closed. */
export class KafkaDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaDecodeError';
  }
}

const TWO_TO_32 = 0x1_0000_0000;

/** A cursor over one frame, from `pos` to `end`. */
export class KafkaReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** The bytes not read yet. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Refuses unless `n` more bytes are there. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new KafkaDecodeError(`${what} needs ${n} bytes at offset ${this.pos} but only ${this.end - this.pos} remain`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  /** An int64 as a number: Herald's offsets, ids and timestamps stay below 2^53, so a value
   *  beyond ±(2^53-1) is refused rather than rounded. */
  int64(): number {
    this.need(8, 'int64');
    const high = this.buf.readInt32BE(this.pos);
    const low = this.buf.readUInt32BE(this.pos + 4);
    const value = high * TWO_TO_32 + low;
    if (!Number.isSafeInteger(value)) throw new KafkaDecodeError(`int64 at offset ${this.pos} is beyond ±2^53, more than Herald supports`);
    this.pos += 8;
    return value;
  }

  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  /** An unsigned varint of at most 32 bits (compact lengths, tags). */
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, 'unsigned varint');
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffff_ffff) break;
        return value;
      }
    }
    throw new KafkaDecodeError(`unsigned varint before offset ${this.pos} is longer than 32 bits`);
  }

  /** A zigzag varint of at most 32 bits (record fields). */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** A zigzag varlong, as a number: refused beyond ±2^52, where the zigzag form would pass
   *  2^53 (Herald's timestamps stay below 2^52 for this reason, @herald/protocol varint.ts). */
  varlong(): number {
    let raw = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      this.need(1, 'varlong');
      const byte = this.buf[this.pos++]!;
      raw += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
        if (!Number.isSafeInteger(value) || raw > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
    }
    throw new KafkaDecodeError(`varlong before offset ${this.pos} is beyond ±2^52, more than Herald supports`);
  }

  /** 16 bytes as a lower-case 8-4-4-4-12 hex text. */
  uuid(): string {
    this.need(16, 'uuid');
    const hex = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The length of a string, bytes or array: -1 for null; compact forms store length + 1. */
  length(compact: boolean, what: string): number {
    if (compact) return this.uvarint() - 1;
    const length = what === 'string' ? this.int16() : this.int32();
    if (length < -1) throw new KafkaDecodeError(`${what} length ${length} at offset ${this.pos} is negative`);
    return length;
  }

  /** A string (UTF-8) or null; `null` only where `nullable`. */
  string(compact: boolean, nullable: boolean): string | null {
    const length = this.length(compact, 'string');
    if (length === -1) {
      if (!nullable) throw new KafkaDecodeError(`null string at offset ${this.pos} where a string is required`);
      return null;
    }
    this.need(length, 'string');
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** Bytes or null, as a view into the frame (not a copy); `null` only where `nullable`. */
  bytes(compact: boolean, nullable: boolean): Uint8Array | null {
    const length = this.length(compact, 'bytes');
    if (length === -1) {
      if (!nullable) throw new KafkaDecodeError(`null bytes at offset ${this.pos} where bytes are required`);
      return null;
    }
    this.need(length, 'bytes');
    const value = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** An array's element count, or -1 for null; refused when `count` elements of at least
   *  `elementBytesMin` bytes cannot fit in what remains. */
  count(compact: boolean, nullable: boolean, elementBytesMin: number): number {
    const count = this.length(compact, 'array');
    if (count === -1) {
      if (!nullable) throw new KafkaDecodeError(`null array at offset ${this.pos} where an array is required`);
      return -1;
    }
    if (count * elementBytesMin > this.end - this.pos) {
      throw new KafkaDecodeError(`array of ${count} elements at offset ${this.pos} cannot fit in the ${this.end - this.pos} bytes left`);
    }
    return count;
  }
}
