// A size guard in front of mqtt-packet's parser. The parser buffers a whole packet before it
// parses it and has no size limit, so a client announcing a 256 MB packet would make the gateway
// hold 256 MB. The guard reads only each packet's fixed header (MQTT 5 §2.1.4: one type byte and
// a variable byte integer of at most 4 bytes) to know where packets start and how long they are,
// and refuses one over the limit before its body arrives. Decoding stays mqtt-packet's.

/** What the guard found wrong. */
export type FrameProblem = 'malformed' | 'too-large';

/** Tracks packet boundaries in a byte stream; see the header comment. */
export class FrameGuard {
  /** Bytes left of the current packet's body; -1 while reading a fixed header. */
  private remaining = -1;
  private headerBytes = 0;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxPacketBytes: number) {}

  /** Checks a chunk; returns the first problem found, or undefined when all is well. */
  check(chunk: Uint8Array): FrameProblem | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.remaining = -1;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.headerBytes === 0) {
        // The packet type byte; the length follows.
        this.headerBytes = 1;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.headerBytes++;
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if ((byte & 0x80) !== 0) {
        if (this.headerBytes > 4) return 'malformed';
        continue;
      }
      if (this.headerBytes + this.length > this.maxPacketBytes) return 'too-large';
      this.headerBytes = 0;
      this.remaining = this.length === 0 ? -1 : this.length;
    }
    return undefined;
  }
}
