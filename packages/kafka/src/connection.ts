// One client connection: 4-byte length-prefixed frames in, requests dispatched, responses out in
// request order (Kafka clients pipeline requests and match responses by order as much as by
// correlation id). Anything that is not a valid request closes the connection; nothing a client
// sends can throw out of here.

import type { Duplex } from 'node:stream';
import type { KafkaBackend } from './backend.js';
import { KafkaDecodeError, KafkaReader } from './codec/reader.js';
import { decode } from './codec/schema.js';
import { KafkaWriter } from './codec/writer.js';
import { ErrorCode } from './errors.js';
import { ANONYMOUS, CloseConnection, type HandlerContext, type KafkaLogger, type ListenerSettings, type Session } from './handlers/context.js';
import { advertised, SERVED, type ServedApi } from './handlers/index.js';
import { saslStep } from './handlers/sasl.js';
import { ApiKey, Apis, isFlexible, type ApiSpec } from './messages/apis.js';

/** Why a connection was closed for what its client sent, as the metrics hook counts it. */
export const MalformedReason = {
  FrameTooLarge: 'frame_too_large',
  FrameTooShort: 'frame_too_short',
  UnknownApiKey: 'unknown_api_key',
  UnsupportedVersion: 'unsupported_version',
  Malformed: 'malformed',
  Unauthenticated: 'unauthenticated',
} as const;
export type MalformedReason = (typeof MalformedReason)[keyof typeof MalformedReason];

/** Counters and timings the listener reports; the broker wires them to its registry. */
export interface KafkaMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  /** A connection closed because of what its client sent. */
  malformedFrame(reason: MalformedReason): void;
  /** A request answered (or, for acks=0, completed), with the first error code its answer
   *  carries (0 when none: a Fetch or Produce answer has one per partition). */
  request(api: string, version: number, seconds: number, errorCode: number): void;
}

/** What every connection shares. */
export interface ConnectionDeps {
  readonly backend: KafkaBackend;
  readonly settings: ListenerSettings;
  readonly log: KafkaLogger;
  readonly metrics: KafkaMetrics | null;
  /** The largest frame accepted (Kafka's socket.request.max.bytes). */
  readonly frameBytesMax: number;
  /** Requests read but not yet answered, per connection, before reading pauses. */
  readonly requestsInFlightMax: number;
  /** Output bytes queued on the socket before reading pauses (a client that does not read). */
  readonly outputBytesMax: number;
  /** A connection with nothing in flight and no bytes for this long is closed. */
  readonly idleTimeoutMs: number;
}

/** How long a connection closed after a last answer waits for the client to read it. */
const LINGER_MS = 5_000;

/** The bytes of a request header before the client id: key, version, correlation id. */
const HEADER_FIXED_BYTES = 8;

/** APIs a client may use before it authenticates. */
const BEFORE_AUTHENTICATION: ReadonlySet<number> = new Set([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

/** A request in the connection's queue, from read to answered. */
interface Slot {
  readonly exclusive: boolean;
  started: boolean;
  done: boolean;
  /** The response frame's chunks; null for no response (acks=0). */
  output: Uint8Array[] | null;
  /** The connection closes once this slot's response (if any) is written. */
  closeAfter: string | null;
  readonly run: () => Promise<Uint8Array[] | null>;
}

/** Encodes a response frame: size, correlation id, header tagged fields (flexible versions,
 *  except ApiVersions, whose response header is always v0), body. */
export function encodeResponse(spec: ApiSpec, version: number, correlationId: number, body: unknown): Uint8Array[] {
  const w = new KafkaWriter();
  const size = w.reserveInt32();
  w.int32(correlationId);
  const flexible = isFlexible(spec, version);
  if (flexible && spec.key !== ApiKey.ApiVersions) w.uvarint(0);
  spec.response.write(w, body, { version, flexible });
  KafkaWriter.setInt32(size, w.size - 4);
  return w.chunks();
}

function rawFrame(bytes: Uint8Array): Uint8Array[] {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(bytes.length);
  return [size, bytes];
}

/** Serves one client connection. */
export class KafkaConnection {
  private readonly input: Buffer[] = [];
  private inputBytes = 0;
  private readonly queue: Slot[] = [];
  private readonly abort = new AbortController();
  private readonly session: Session = { principal: ANONYMOUS, authenticated: false, exchange: null, rawSasl: false, closeAfterResponse: null };
  private readonly clientHost: string;
  private closed = false;
  private paused = false;

  constructor(
    private readonly socket: Duplex & { readonly remoteAddress?: string; setTimeout?(ms: number): unknown },
    private readonly deps: ConnectionDeps,
  ) {
    this.clientHost = socket.remoteAddress ?? '';
    deps.metrics?.connectionOpened();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateFlow());
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('closed by the client'));
    socket.on('end', () => this.close('ended by the client'));
    socket.setTimeout?.(deps.idleTimeoutMs);
    socket.on('timeout', () => {
      if (this.queue.length === 0) this.close(`idle for ${deps.idleTimeoutMs} ms`);
    });
  }

  /** Closes the connection; requests in flight finish unanswered. `graceful` lets what was
   *  written reach the client first (a last answer), within LINGER_MS. */
  close(why: string, graceful = false): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.queue.length = 0;
    this.input.length = 0;
    this.deps.log.debug({ client: this.clientHost, why }, 'kafka connection closed');
    this.deps.metrics?.connectionClosed();
    if (graceful) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    } else {
      this.socket.destroy();
    }
  }

  private reject(reason: MalformedReason, detail: string): void {
    this.deps.metrics?.malformedFrame(reason);
    this.deps.log.info({ client: this.clientHost, reason, detail }, 'kafka connection closed for a bad request');
    this.close(detail);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.input.push(chunk);
    this.inputBytes += chunk.length;
    try {
      // Frames are cut only once whole: a claimed size is never allocated up front, so the
      // memory a client can hold is what it actually sent, up to one frame.
      while (!this.closed && this.inputBytes >= 4) {
        const size = this.peekSize();
        if (size < 0 || size > this.deps.frameBytesMax) {
          this.reject(MalformedReason.FrameTooLarge, `frame of ${size} bytes exceeds socket.request.max.bytes ${this.deps.frameBytesMax}`);
          return;
        }
        if (this.inputBytes < 4 + size) break;
        const frame = this.take(4 + size).subarray(4);
        this.onFrame(frame);
      }
      this.updateFlow();
    } catch (err) {
      // A bug in reading a request must cost this connection, not the node.
      this.deps.log.error({ err, client: this.clientHost }, 'kafka request could not be read; closing the connection');
      this.close('internal error');
    }
  }

  private peekSize(): number {
    const first = this.input[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.input, 4).readInt32BE(0);
  }

  /** Removes the first `n` buffered bytes, as one buffer (a view when they lie in one chunk). */
  private take(n: number): Buffer {
    const first = this.input[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.input.shift();
      else this.input[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.input, this.inputBytes);
      out = all.subarray(0, n);
      this.input.length = 0;
      if (all.length > n) this.input.push(all.subarray(n));
    }
    this.inputBytes -= n;
    return out;
  }

  private onFrame(frame: Buffer): void {
    if (this.session.rawSasl && this.session.exchange !== null) {
      this.enqueue(true, () => this.rawSaslStep(frame));
      return;
    }
    if (frame.length < HEADER_FIXED_BYTES) {
      this.reject(MalformedReason.FrameTooShort, `frame of ${frame.length} bytes is shorter than a request header`);
      return;
    }
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const served = SERVED.get(apiKey);
    if (served === undefined) {
      this.reject(MalformedReason.UnknownApiKey, `API key ${apiKey} is not served`);
      return;
    }
    if (version < served.versionMin || version > served.versionMax) {
      if (apiKey === ApiKey.ApiVersions) {
        // KIP-511: answer in the v0 layout with the supported versions, so that the client
        // can pick one it shares and ask again.
        const body = { errorCode: ErrorCode.UnsupportedVersion, apiKeys: advertised() };
        this.enqueue(false, async () => encodeResponse(Apis.ApiVersions, 0, correlationId, body));
        return;
      }
      this.reject(MalformedReason.UnsupportedVersion, `${served.spec.name} version ${version} is not served (${served.versionMin} to ${served.versionMax})`);
      return;
    }
    if (this.deps.settings.saslMechanisms.length > 0 && !this.session.authenticated && !BEFORE_AUTHENTICATION.has(apiKey)) {
      this.reject(MalformedReason.Unauthenticated, `${served.spec.name} before authentication`);
      return;
    }
    let clientId: string;
    let request: unknown;
    try {
      const r = new KafkaReader(frame, HEADER_FIXED_BYTES);
      // Request header v1/v2: the client id is a nullable non-compact string in both; v2 adds
      // tagged fields (none are defined for requests).
      clientId = r.string(false, true) ?? '';
      const flexible = isFlexible(served.spec, version);
      if (flexible) skipTaggedFields(r);
      request = decode(served.spec.request, r, { version, flexible });
    } catch (err) {
      if (!(err instanceof KafkaDecodeError)) throw err;
      this.reject(MalformedReason.Malformed, `${served.spec.name} v${version}: ${err.message}`);
      return;
    }
    this.enqueue(served.exclusive, () => this.handle(served, version, correlationId, clientId, request, frame.length));
  }

  private async handle(served: ServedApi, version: number, correlationId: number, clientId: string, request: unknown, requestBytes: number): Promise<Uint8Array[] | null> {
    const started = performance.now();
    const ctx: HandlerContext = {
      principal: this.session.principal,
      clientId,
      clientHost: this.clientHost,
      signal: this.abort.signal,
      version,
      log: this.deps.log,
      session: this.session,
      backend: this.deps.backend,
      settings: this.deps.settings,
    };
    const body = await served.handler(request as never, ctx);
    this.deps.metrics?.request(served.spec.name, version, (performance.now() - started) / 1000, body === null ? 0 : firstErrorCode(body));
    if (body === null) return null;
    const response = encodeResponse(served.spec, version, correlationId, body);
    await this.throttle(served.spec.key, requestBytes, response);
    return response;
  }

  /**
   * Counts the request against its principal's quotas (one request; the frame's bytes for a
   * Produce, the response's for a Fetch) and holds the response back as long as the broker says,
   * as Kafka brokers did before KIP-219 and as Herald's gRPC API does: every client slows down,
   * whatever it makes of throttle_time_ms (left 0, so that none waits twice).
   */
  private async throttle(apiKey: number, requestBytes: number, response: readonly Uint8Array[]): Promise<void> {
    const quotas = this.deps.backend.throttleMs?.bind(this.deps.backend);
    if (quotas === undefined || !this.session.authenticated) return;
    const principal = this.session.principal;
    let ms = quotas(principal, 'request', 1);
    if (apiKey === ApiKey.Produce) ms = Math.max(ms, quotas(principal, 'produce', requestBytes));
    if (apiKey === ApiKey.Fetch) ms = Math.max(ms, quotas(principal, 'fetch', response.reduce((n, chunk) => n + chunk.byteLength, 0)));
    if (ms <= 0 || this.abort.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  private async rawSaslStep(frame: Buffer): Promise<Uint8Array[] | null> {
    const step = await saslStep(frame, { session: this.session, log: this.deps.log, clientHost: this.clientHost });
    // Raw SASL (handshake v0) has no error field: a failure is a closed connection.
    if (step.errorCode !== ErrorCode.None) throw new CloseConnection(step.errorMessage ?? 'authentication failed');
    if (this.session.authenticated) this.session.rawSasl = false;
    return rawFrame(step.response);
  }

  private enqueue(exclusive: boolean, run: () => Promise<Uint8Array[] | null>): void {
    this.queue.push({ exclusive, started: false, done: false, output: null, closeAfter: null, run });
    this.pump();
  }

  /** Starts every request that may start: in order; an exclusive one once everything before it
   *  is done, and nothing after an exclusive one until it is done. */
  private pump(): void {
    let running = false;
    let exclusiveRunning = false;
    for (const slot of this.queue) {
      if (slot.started) {
        if (!slot.done) {
          running = true;
          if (slot.exclusive) exclusiveRunning = true;
        }
        continue;
      }
      if (exclusiveRunning || (slot.exclusive && running)) return;
      this.start(slot);
      running = true;
      if (slot.exclusive) exclusiveRunning = true;
    }
  }

  private start(slot: Slot): void {
    slot.started = true;
    slot.run().then(
      (output) => {
        slot.output = output;
        slot.closeAfter = this.session.closeAfterResponse;
        this.session.closeAfterResponse = null;
        this.finish(slot);
      },
      (err: unknown) => {
        if (err instanceof CloseConnection) {
          slot.closeAfter = err.message;
        } else {
          this.deps.log.error({ err, client: this.clientHost }, 'kafka request failed unexpectedly; closing the connection');
          slot.closeAfter = 'internal error';
        }
        this.finish(slot);
      },
    );
  }

  private finish(slot: Slot): void {
    slot.done = true;
    if (this.closed) return;
    while (this.queue[0]?.done === true) {
      const head = this.queue.shift()!;
      if (head.output !== null) {
        this.socket.cork();
        for (const chunk of head.output) this.socket.write(chunk);
        this.socket.uncork();
      }
      if (head.closeAfter !== null) {
        this.close(head.closeAfter, true);
        return;
      }
    }
    this.pump();
    this.updateFlow();
  }

  /** Pauses reading while too many requests wait or the client does not read its answers. */
  private updateFlow(): void {
    if (this.closed) return;
    const full = this.queue.length >= this.deps.requestsInFlightMax || this.socket.writableLength > this.deps.outputBytesMax;
    if (full && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

/** Skips a tagged-field section (request header v2). */
function skipTaggedFields(r: KafkaReader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    const size = r.uvarint();
    r.need(size, 'tagged field');
    r.pos += size;
  }
}

/** The first non-zero `errorCode` in an answer, depth first (0 when every one is 0): what the
 *  request metrics count an answer under. Record bytes are not walked. */
export function firstErrorCode(body: unknown): number {
  if (body === null || typeof body !== 'object' || body instanceof Uint8Array) return 0;
  if (Array.isArray(body)) {
    for (const item of body) {
      const code = firstErrorCode(item);
      if (code !== 0) return code;
    }
    return 0;
  }
  const record = body as Record<string, unknown>;
  if (typeof record.errorCode === 'number' && record.errorCode !== 0) return record.errorCode;
  for (const value of Object.values(record)) {
    if (typeof value !== 'object') continue;
    const code = firstErrorCode(value);
    if (code !== 0) return code;
  }
  return 0;
}
