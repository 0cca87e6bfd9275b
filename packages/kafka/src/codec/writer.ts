// Writing Kafka's primitive types into a list of chunks. Small fields are copied into a growing
// scratch buffer; large byte ranges (record batches served by Fetch) are kept by reference, so
// a fetch response of many megabytes is written to the socket without being copied into one
// buffer first.

const CHUNK_BYTES = 16 * 1024;
/** Byte ranges at least this large are kept by reference instead of copied. */
const BY_REFERENCE_BYTES = 4 * 1024;
const TWO_TO_32 = 0x1_0000_0000;

/** A place in the output written later (a length known only at the end). */
export interface Int32Slot {
  readonly buf: Buffer;
  readonly offset: number;
}

/** Builds one message as chunks; `chunks()` hands them over. */
export class KafkaWriter {
  private readonly done: Uint8Array[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private start = 0;
  private pos = 0;
  private flushed = 0;

  /** The bytes written so far. */
  get size(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
    this.start = 0;
    this.pos = 0;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.done.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(value: number): void {
    this.ensure(1);
    this.buf.writeInt8(value, this.pos++);
  }

  int16(value: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(value, this.pos);
    this.pos += 2;
  }

  int32(value: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
  }

  /** An int64 from a safe integer. */
  int64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_TO_32);
    this.buf.writeInt32BE(high, this.pos);
    this.buf.writeUInt32BE(value - high * TWO_TO_32, this.pos + 4);
    this.pos += 8;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  uvarint(value: number): void {
    this.ensure(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  varint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  varlong(value: number): void {
    this.ensure(10);
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** 16 bytes from an 8-4-4-4-12 hex text. */
  uuid(value: string): void {
    const hex = value.replace(/-/g, '');
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a uuid: ${JSON.stringify(value)}`);
    this.ensure(16);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
  }

  /** A length prefix: -1 for null; compact forms store length + 1. */
  length(value: number, compact: boolean, int16: boolean): void {
    if (compact) this.uvarint(value + 1);
    else if (int16) this.int16(value);
    else this.int32(value);
  }

  string(value: string | null, compact: boolean): void {
    if (value === null) {
      this.length(-1, compact, true);
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (!compact && bytes > 0x7fff) throw new Error(`a string of ${bytes} bytes does not fit Kafka's int16 length`);
    this.length(bytes, compact, true);
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, 'utf8');
  }

  bytes(value: Uint8Array | null, compact: boolean): void {
    if (value === null) {
      this.length(-1, compact, false);
      return;
    }
    this.length(value.length, compact, false);
    this.raw(value);
  }

  /** Bytes without a length prefix: copied when small, kept by reference when large (the
   *  caller must not change them until the chunks are written). */
  raw(value: Uint8Array): void {
    if (value.length >= BY_REFERENCE_BYTES) {
      this.flush();
      this.done.push(value);
      this.flushed += value.length;
      return;
    }
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Reserves an int32 to fill in later with setInt32(). */
  reserveInt32(): Int32Slot {
    this.ensure(4);
    const slot = { buf: this.buf, offset: this.pos };
    this.pos += 4;
    return slot;
  }

  /** Fills a reserved int32. */
  static setInt32(slot: Int32Slot, value: number): void {
    slot.buf.writeInt32BE(value, slot.offset);
  }

  /** The message, as chunks in order. The writer must not be used afterwards. */
  chunks(): Uint8Array[] {
    this.flush();
    return this.done;
  }

  /** The message as one buffer (tests, small messages). */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks());
  }
}
