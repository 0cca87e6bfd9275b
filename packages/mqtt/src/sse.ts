// The HTTP fallback for browsers, on the port of MQTT over WebSocket:
//   POST /topics/<herald topic>  a record: JSON {key, value, headers} or the raw body (?key=)
//   GET  /sse?topic=<herald topic>  or  ?filter=<mqtt filter>   Server-Sent Events
// An SSE stream is a set of cursors on the fan-out, like a session's. Each event's id is where
// the stream stands: for one partition, the event's offset; for several, every partition's next
// offset ("topic/partition:offset,..."), so that a reconnecting EventSource (which sends the last
// id as Last-Event-ID) resumes every partition where it stopped, whatever came meanwhile. A slow
// reader pauses its cursors (nothing is dropped); it can always resume from its last id.
// On a secure cluster every request logs in (Basic, Bearer, or a client certificate) and is held
// to the ACLs: Write on the topic to POST, Read on every topic a stream reads.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeraldError } from '@herald/protocol';
import { verifiedCertificate, type Credentials } from './auth.js';
import type { Cursor } from './fanout.js';
import type { Gateway } from './gateway.js';
import { recordMessage, type LogRecord } from './message.js';
import { splitTp } from './session.js';
import { topicFilterProblem, topicMatches } from './topics.js';

/** How often an idle stream sends a comment, so that proxies keep it open. */
const SSE_PING_MS = 15_000;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as JSON-friendly text: UTF-8 when they are, else base64 (and says which). */
function encodeBytes(bytes: Uint8Array | null): { text: string | null; base64: boolean } {
  if (bytes === null) return { text: null, base64: false };
  try {
    return { text: fatalUtf8.decode(bytes), base64: false };
  } catch {
    return { text: Buffer.from(bytes).toString('base64'), base64: true };
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(`${JSON.stringify(body)}\n`);
}

/** The status of a refusal, for HTTP. */
function statusOf(err: unknown): number {
  if (!(err instanceof HeraldError)) return 500;
  switch (err.reason) {
    case 'InvalidArgument':
      return 400;
    case 'TopicNotFound':
    case 'PartitionNotFound':
      return 404;
    case 'RecordTooLarge':
    case 'RequestTooLarge':
      return 413;
    default:
      return 503;
  }
}

/** The credentials of an HTTP request: `Authorization: Basic` (RFC 7617: a user's name and
 *  password) or `Bearer` (RFC 6750: a session token of the cluster), and the client certificate
 *  the TLS connection verified; undefined for another scheme, or Basic that does not decode. */
export function httpCredentials(req: IncomingMessage): Credentials | undefined {
  const base = { clientId: '', transport: 'sse' as const, remoteAddress: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`, certificate: verifiedCertificate(req.socket) };
  const header = req.headers.authorization;
  if (header === undefined) return base;
  const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64');
    const colon = decoded.indexOf(0x3a);
    if (colon <= 0) return undefined;
    return { ...base, username: decoded.subarray(0, colon).toString('utf8'), password: decoded.subarray(colon + 1) };
  }
  const bearer = /^Bearer ([!-~]+)$/i.exec(header);
  return bearer === null ? undefined : { ...base, token: bearer[1]! };
}

/** Parses a Last-Event-ID: one offset, or "tp:offset,..." (next offsets). */
export function parseEventId(id: string | undefined): { single: number } | { positions: Map<string, number> } | undefined {
  if (id === undefined || id === '') return undefined;
  if (/^\d+$/.test(id)) return { single: Number(id) };
  const positions = new Map<string, number>();
  for (const part of id.split(',')) {
    const colon = part.lastIndexOf(':');
    const offset = Number(part.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(offset) || offset < 0) return undefined;
    positions.set(part.slice(0, colon), offset);
  }
  return { positions };
}

/** The HTTP side of the gateway: POST and SSE. */
export class HttpPush {
  constructor(private readonly gateway: Gateway) {}

  /** Handles a request; false when it is not one of ours. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type, last-event-id' });
      res.end();
      return true;
    }
    if (req.method === 'POST' && url.pathname.startsWith('/topics/')) {
      void this.post(decodeURIComponent(url.pathname.slice('/topics/'.length)), url, req, res);
      return true;
    }
    if (req.method === 'GET' && url.pathname === '/sse') {
      void this.sse(url, req, res).catch((err: Error) => {
        if (!res.headersSent) reply(res, statusOf(err), { error: err.message });
        else res.end();
      });
      return true;
    }
    return false;
  }

  /**
   * The principal of a request allowed to do what `allowed` checks, or undefined once the
   * refusal is sent: 401 (with the Basic challenge) for missing or wrong credentials, 403 when
   * the ACLs say no. Counted in herald_mqtt_refused_total.
   */
  private async authorize(req: IncomingMessage, res: ServerResponse, operation: 'post' | 'sse', allowed: (principal: string) => boolean): Promise<string | undefined> {
    const { gateway } = this;
    const credentials = httpCredentials(req);
    const auth = credentials === undefined ? ({ ok: false, reason: 'bad-credentials' } as const) : await gateway.authenticator.authenticate(credentials);
    if (!auth.ok) {
      const reason = auth.reason === 'bad-credentials' ? 'bad_credentials' : 'no_credentials';
      gateway.metrics.refused.inc({ operation, reason });
      res.setHeader('www-authenticate', 'Basic realm="herald", charset="UTF-8"');
      reply(res, 401, { error: auth.reason === 'bad-credentials' ? 'wrong user name or password, or an invalid token' : 'log in: Authorization Basic (user and password) or Bearer (session token), or a client certificate' });
      return undefined;
    }
    if (allowed(auth.principal)) return auth.principal;
    gateway.metrics.refused.inc({ operation, reason: 'not_authorized' });
    reply(res, 403, { error: `${auth.principal} is not authorized` });
    return undefined;
  }

  private async post(topic: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!TOPIC_NAME.test(topic)) return reply(res, 400, { error: `"${topic.slice(0, 100)}" is not a valid topic name` });
    if ((await this.authorize(req, res, 'post', (principal) => this.gateway.authorizer.canWriteTopic(principal, topic))) === undefined) return;
    const limit = this.gateway.config.limits.maxPacketBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) return reply(res, 413, { error: `the body exceeds ${limit} bytes` });
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    let record: { key: string | null; value: string | Buffer | null; headers: Record<string, string> };
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { key?: unknown; value?: unknown; headers?: unknown };
        const headers = parsed.headers ?? {};
        if (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string')) throw new Error('headers must map names to strings');
        if (parsed.key !== undefined && parsed.key !== null && typeof parsed.key !== 'string') throw new Error('key must be a string');
        if (parsed.value !== undefined && parsed.value !== null && typeof parsed.value !== 'string') throw new Error('value must be a string');
        record = { key: (parsed.key as string | undefined) ?? null, value: (parsed.value as string | undefined) ?? null, headers: headers as Record<string, string> };
      } catch (err) {
        return reply(res, 400, { error: `bad JSON record: ${(err as Error).message}` });
      }
    } else {
      record = { key: url.searchParams.get('key'), value: body, headers: {} };
    }
    try {
      const stored = await this.gateway.producer.send(topic, record);
      reply(res, 200, stored);
    } catch (err) {
      reply(res, statusOf(err), { error: (err as Error).message });
    }
  }

  private async sse(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { gateway } = this;
    const topic = url.searchParams.get('topic');
    const filter = url.searchParams.get('filter');
    if ((topic === null) === (filter === null)) return reply(res, 400, { error: 'give one of topic=<herald topic> or filter=<mqtt topic filter>' });
    if (topic !== null && !TOPIC_NAME.test(topic)) return reply(res, 400, { error: `"${topic.slice(0, 100)}" is not a valid topic name` });
    const problem = filter === null ? undefined : topicFilterProblem(filter);
    if (problem !== undefined) return reply(res, 400, { error: problem });
    const allowed = (principal: string) => (topic !== null ? gateway.authorizer.canReadTopic(principal, topic) : gateway.authorizer.canSubscribe(principal, filter!));
    if ((await this.authorize(req, res, 'sse', allowed)) === undefined) return;
    await gateway.ready;
    let tps: string[];
    if (topic !== null) {
      const count = await gateway.access.partitionCount(topic);
      tps = Array.from({ length: count }, (_, p) => `${topic}/${p}`);
    } else {
      tps = await gateway.partitionsFor(filter!);
    }
    const lastId = parseEventId((req.headers['last-event-id'] as string | undefined) ?? url.searchParams.get('lastEventId') ?? undefined);
    const from = url.searchParams.get('from') === 'earliest' ? 'earliest' : 'latest';
    const next = new Map<string, number>();
    for (const tp of tps) {
      const { topic: t, partition } = splitTp(tp);
      let offset: number | undefined;
      if (lastId !== undefined && 'single' in lastId && tps.length === 1) offset = lastId.single + 1;
      if (lastId !== undefined && 'positions' in lastId) offset = lastId.positions.get(tp);
      offset ??= from === 'earliest' ? await gateway.access.earliestOffset(t, partition) : await gateway.fanout.feed(t, partition).latest();
      next.set(tp, offset);
    }
    if (gateway.connectionCount() >= gateway.config.limits.connectionsMax) return reply(res, 503, { error: 'too many connections' });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'access-control-allow-origin': '*' });
    res.write(': herald\n\n');
    gateway.metrics.connections.inc({ transport: 'sse' });
    gateway.sseStreams++;
    const limit = gateway.config.limits.outgoingBytesMax;
    const cursors: Cursor[] = [];
    const idOf = (tp: string, offset: number): string => (tps.length === 1 ? String(offset) : [...next].map(([k, v]) => `${k}:${v}`).join(','));
    const offer = (tp: string, record: LogRecord): boolean => {
      if (res.writableLength > limit) return false;
      next.set(tp, record.offset + 1);
      const message = recordMessage(record);
      if (filter !== null && (message === undefined || !topicMatches(filter, message.topic))) return true;
      const { topic: t, partition } = splitTp(tp);
      const key = encodeBytes(record.key);
      const value = encodeBytes(record.value);
      const headers: Record<string, string> = {};
      for (const h of record.headers) headers[h.key] = Buffer.from(h.value).toString('utf8');
      const data = {
        topic: t,
        partition,
        offset: record.offset,
        timestampMs: record.timestampMs,
        key: key.text,
        value: value.text,
        ...(key.base64 || value.base64 ? { encoding: { key: key.base64 ? 'base64' : 'utf8', value: value.base64 ? 'base64' : 'utf8' } } : {}),
        headers,
      };
      res.write(`id: ${idOf(tp, record.offset)}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`);
      gateway.metrics.sent.inc({ qos: '0' });
      return true;
    };
    for (const tp of tps) cursors.push(gateway.feed(tp).open(next.get(tp)!, { offer: (record) => offer(tp, record) }));
    res.on('drain', () => {
      for (const cursor of cursors) cursor.resume();
    });
    const ping = setInterval(() => res.write(': ping\n\n'), SSE_PING_MS);
    ping.unref();
    const close = () => {
      clearInterval(ping);
      for (const cursor of cursors.splice(0)) cursor.close();
      gateway.metrics.connections.dec({ transport: 'sse' });
      gateway.sseStreams--;
    };
    res.once('close', close);
  }
}
