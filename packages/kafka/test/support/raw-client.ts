// A bare TCP client for the listener: writes frames (well-formed or not) and reads response
// frames, so that tests can see exactly what the listener answers, in what order, and when it
// closes the connection.

import { connect, type Socket } from 'node:net';
import { KafkaReader } from '../../src/codec/reader.js';
import { decode, type Type } from '../../src/codec/schema.js';
import { KafkaWriter } from '../../src/codec/writer.js';
import type { Loose } from '../../src/handlers/context.js';
import { Apis, isFlexible, type ApiName, type RequestOf } from '../../src/messages/apis.js';

export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0);
        this.frames.push(this.buffer.subarray(4, 4 + size));
        this.buffer = this.buffer.subarray(4 + size);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next response frame (after its size), or null once the connection is closed. */
  async next(timeoutMs = 5_000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) return frame;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the listener closes the connection. */
  async closedByServer(timeoutMs = 5_000): Promise<boolean> {
    while (!this.closed) if ((await this.next(timeoutMs)) === null) break;
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A request frame encoded with our own codec (header v1, or v2 for flexible versions). */
export function requestFrame<N extends ApiName>(api: N, version: number, body: Loose<RequestOf<N>>, correlationId: number, clientId: string | null = 'raw'): Buffer {
  const spec = Apis[api];
  const flexible = isFlexible(spec, version);
  const w = new KafkaWriter();
  const size = w.reserveInt32();
  w.int16(spec.key);
  w.int16(version);
  w.int32(correlationId);
  w.string(clientId, false);
  if (flexible) w.uvarint(0);
  spec.request.write(w, body as never, { version, flexible });
  KafkaWriter.setInt32(size, w.size - 4);
  return w.toBuffer();
}

/** Decodes a response frame of `api`: its correlation id and body. */
export function readResponse<N extends ApiName>(api: N, version: number, frame: Buffer): { correlationId: number; body: ReturnType<(typeof Apis)[N]['response']['read']> } {
  const spec = Apis[api];
  const flexible = isFlexible(spec, version);
  const r = new KafkaReader(frame);
  const correlationId = r.int32();
  if (flexible && api !== 'ApiVersions') r.uvarint();
  return { correlationId, body: decode(spec.response as Type<never>, r, { version, flexible }) };
}
