// Session state on the log. A session is one record in a compacted topic, keyed by client
// identifier: its subscriptions, its position in every partition it reads (a persistent session
// is a cursor), its QoS 2 exchanges in progress, its will, and who owns it. Every node follows
// the whole topic into an index, so any node can resume any session, and a node learns that one
// of its clients connected elsewhere (a takeover) when the new owner's record arrives.
//
// Fencing: every write of a session is an idempotent batch of one producer per session incarnation
// (id derived from client id and a salt), with the owner's generation as producer epoch. A new
// owner writes with the next epoch; from then on the partition refuses the old owner's writes
// (ProducerFenced), so a node that lost its client, or a zombie after a pause, cannot move a
// session's positions back or undo its QoS 2 state. This is Kafka's transactional-id fencing,
// on the broker's existing idempotent-producer table.

import { createHash } from 'node:crypto';
import { delay, systemClock } from '@herald/broker';
import { HeraldError, partitionForKey } from '@herald/protocol';
import type { Logger } from 'pino';
import type { ClusterAccess, RecordChunk } from './cluster.js';
import type { Qos, UserProperties } from './message.js';

/** A subscription as a session stores it. */
export interface StoredSubscription {
  readonly filter: string;
  readonly qos: Qos;
  /** MQTT 5 No Local, Retain As Published, Retain Handling, Subscription Identifier. */
  readonly noLocal?: boolean;
  readonly retainAsPublished?: boolean;
  readonly retainHandling?: number;
  readonly id?: number;
  /** For $share/<group>/<filter>: the group. */
  readonly shareGroup?: string;
}

/** A QoS 2 delivery to the client that was given a packet id: its PUBLISH is re-sent with that id
 *  until PUBREC, then its PUBREL until PUBCOMP (never the PUBLISH again). */
export interface StoredQos2Out {
  readonly tp: string;
  readonly offset: number;
  readonly packetId: number;
  released: boolean;
}

/** A will message (MQTT 5 §3.1.2.5). */
export interface StoredWill {
  /** The id of the connection that set it: with the client id, it names the will's producer, so
   *  that whichever node publishes it, it is stored once. */
  readonly id: string;
  readonly topic: string;
  /** The payload, base64. */
  readonly payload: string;
  readonly qos: Qos;
  readonly retain: boolean;
  readonly delaySec: number;
  readonly expirySec?: number;
  readonly contentType?: string;
  readonly responseTopic?: string;
  readonly correlationData?: string;
  readonly payloadFormatUtf8?: boolean;
  readonly userProperties?: UserProperties;
}

/** A session's record (version 1). */
export interface SessionRecord {
  readonly v: 1;
  readonly clientId: string;
  /** With the client id, names the producer that writes this incarnation of the session. */
  readonly salt: number;
  /** The owner's generation: the producer epoch of its writes (0 to 32767). */
  readonly gen: number;
  /** The owning connection's id; '' when offline. */
  conn: string;
  /** The owning node; 0 when offline. */
  node: number;
  protocol: number;
  /** MQTT 5 Session Expiry Interval (3.1.1: 0 for clean sessions, the maximum otherwise). */
  expirySec: number;
  /** When the client went away; 0 while connected. */
  disconnectedAtMs: number;
  subscriptions: StoredSubscription[];
  /** "topic/partition" → the first offset not yet acknowledged. */
  positions: Record<string, number>;
  /** Inbound QoS 2 exchanges waiting for PUBREL: packet id → the producer id of the write. */
  qos2In: Record<string, number>;
  qos2Out: StoredQos2Out[];
  will: StoredWill | null;
}

/** The largest producer epoch (a batch header's int16). */
export const EPOCH_MAX = 0x7fff;

/** The producer id of a session incarnation's writes: 53 bits of SHA-256(client id, salt). */
export function sessionProducerId(clientId: string, salt: number): number {
  return producerIdOf(`session\u0000${clientId}\u0000${salt}`);
}

/** A producer id from a name: the first 53 bits of its SHA-256. Distinct names collide with
 *  the probability of a 53-bit hash collision. */
export function producerIdOf(name: string): number {
  const digest = createHash('sha256').update(name).digest();
  return (digest.readUInt32BE(0) & 0x1f_ffff) * 2 ** 32 + digest.readUInt32BE(4);
}

/** Refused because another owner took the session over (its record has a newer generation). */
export class SessionFenced extends Error {
  constructor(clientId: string) {
    super(`session "${clientId}" was taken over by another connection`);
    this.name = 'SessionFenced';
  }
}

const encoder = new TextEncoder();

/** Follows the sessions topic into an index of every session. */
export class SessionStore {
  private readonly index = new Map<string, SessionRecord>();
  /** Per partition: the next offset the index has not applied. */
  private readonly applied: number[] = [];
  private partitions = 0;
  private readonly abort = new AbortController();
  private readonly listeners: ((clientId: string, record: SessionRecord | undefined) => void)[] = [];

  constructor(
    readonly topic: string,
    private readonly access: ClusterAccess,
    private readonly log: Logger,
  ) {}

  /** Starts following every partition of the sessions topic (which must exist). */
  async start(): Promise<void> {
    this.partitions = await this.access.partitionCount(this.topic);
    for (let p = 0; p < this.partitions; p++) {
      this.applied[p] = 0;
      void this.access.follow(this.topic, p, (chunk) => this.apply(p, chunk), this.abort.signal, this.log);
    }
  }

  private apply(partition: number, chunk: RecordChunk): void {
    for (const r of chunk.records) {
      if (r.key === null) continue;
      const clientId = Buffer.from(r.key).toString('utf8');
      const record = r.value === null ? undefined : parseRecord(r.value);
      if (record === undefined) this.index.delete(clientId);
      else this.index.set(clientId, record);
      for (const listener of this.listeners) listener(clientId, record);
    }
    this.applied[partition] = chunk.next;
  }

  /** Called with every session record applied (undefined: the session was deleted). */
  onChange(listener: (clientId: string, record: SessionRecord | undefined) => void): void {
    this.listeners.push(listener);
  }

  partitionOf(clientId: string): number {
    return partitionForKey(encoder.encode(clientId), this.partitions);
  }

  /** The session as this node's index has it (possibly a little behind). */
  get(clientId: string): SessionRecord | undefined {
    return this.index.get(clientId);
  }

  /** Every session in the index. */
  all(): IterableIterator<SessionRecord> {
    return this.index.values();
  }

  /** The session as of the partition leader's high watermark now: what was committed before
   *  this call is in the answer. */
  async fresh(clientId: string, timeoutMs = 5_000): Promise<SessionRecord | undefined> {
    const partition = this.partitionOf(clientId);
    const hw = await this.access.latestOffset(this.topic, partition);
    const deadline = Date.now() + timeoutMs;
    while ((this.applied[partition] ?? 0) < hw) {
      if (Date.now() > deadline) throw new HeraldError('NoLeader', `the sessions index did not catch up with ${this.topic}/${partition} within ${timeoutMs} ms`);
      await delay(systemClock, 5);
    }
    return this.index.get(clientId);
  }

  /** A writer for the next generation of a session (`previous` is its current record). */
  writer(clientId: string, previous: SessionRecord | undefined): SessionWriter {
    const wrap = previous === undefined || previous.gen >= EPOCH_MAX;
    // A new incarnation (or an exhausted epoch range) gets a new producer: a random salt.
    const salt = wrap ? Math.floor(Math.random() * 2 ** 31) : previous.salt;
    const gen = wrap ? 0 : previous.gen + 1;
    return new SessionWriter(this.access, this.topic, this.partitionOf(clientId), clientId, salt, gen);
  }

  close(): void {
    this.abort.abort();
  }
}

/** Reads a session record; undefined for a value that is not one (written by something else). */
export function parseRecord(value: Uint8Array): SessionRecord | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value).toString('utf8')) as SessionRecord;
    return parsed.v === 1 && typeof parsed.clientId === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The writes of one owner of one session: sequential, fenced, coalesced. flush() resolves once a
 * write that started after the call (so carrying every change made before it) is stored.
 */
export class SessionWriter {
  private sequence = 0;
  private inFlight = false;
  private wanted: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | undefined;
  private fenced: Error | undefined;
  /** What the next write stores: the session's current record, or null to delete it. */
  snapshot: () => SessionRecord | null = () => null;

  constructor(
    private readonly access: ClusterAccess,
    private readonly topic: string,
    private readonly partition: number,
    readonly clientId: string,
    readonly salt: number,
    readonly gen: number,
  ) {}

  get producerId(): number {
    return sessionProducerId(this.clientId, this.salt);
  }

  /** Whether a newer owner has taken the session over. */
  get isFenced(): boolean {
    return this.fenced !== undefined;
  }

  /** Stores the current snapshot; rejects with SessionFenced once the session was taken over. */
  flush(): Promise<void> {
    if (this.fenced !== undefined) return Promise.reject(this.fenced);
    if (this.wanted !== undefined) return this.wanted.promise;
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.wanted = { promise, resolve, reject };
    this.kick();
    return promise;
  }

  private kick(): void {
    if (this.inFlight || this.wanted === undefined) return;
    const waiter = this.wanted;
    this.wanted = undefined;
    this.inFlight = true;
    this.write(this.snapshot()).then(waiter.resolve, (err: Error) => {
      waiter.reject(err);
      if (this.wanted !== undefined && this.fenced !== undefined) this.wanted.reject(this.fenced);
    }).finally(() => {
      this.inFlight = false;
      this.kick();
    });
  }

  private async write(record: SessionRecord | null): Promise<void> {
    const value = record === null ? null : encoder.encode(JSON.stringify(record));
    let answer;
    try {
      answer = await this.access.writeBatch(this.topic, this.partition, [{ key: encoder.encode(this.clientId), value, headers: [], timestampMs: Date.now() }], {
        producerId: this.producerId,
        producerEpoch: this.gen,
        baseSequence: this.sequence,
      });
    } catch (err) {
      if (err instanceof HeraldError && (err.reason === 'ProducerFenced' || err.reason === 'OutOfOrderSequence')) throw this.fence();
      throw err;
    }
    // A first attempt answered as a duplicate was someone else's batch with the same epoch and
    // sequence: another owner of the same generation won the race.
    if (answer.duplicate && answer.attempts === 1) throw this.fence();
    this.sequence++;
  }

  private fence(): Error {
    this.fenced ??= new SessionFenced(this.clientId);
    return this.fenced;
  }
}
