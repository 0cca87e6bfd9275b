// A session while its client is connected to this node: what it reads (one cursor per partition
// its subscriptions need), what it has sent and not had acknowledged (bounded by the window), and
// its acknowledged positions, written to its session record every positionCommitMs.
//
// Delivery, per record offered by a cursor, in offset order:
//   - no subscription of the session matches its topic (or No Local applies): skipped;
//   - it expired (MQTT 5 message expiry): skipped and counted;
//   - delivered QoS 0: written when the socket has room and the principal's fetch quota lets it,
//     else dropped and counted (never held);
//   - delivered QoS 1 or 2: sent with a packet id while the window has room; when it is full, the
//     socket does not drain or the fetch quota holds deliveries back, the cursor pauses on it and
//     nothing more is read for the session until PUBACKs (the socket, the quota's delay) make room.
// A partition's position is its first offset sent and not yet acknowledged (or the cursor's
// next offset when none is): after a failover the session resumes from there, so a QoS 1 message
// is sent again rather than lost, flagged DUP as MQTT asks of a redelivery.
//
// QoS 2 to a subscriber, exactly once as MQTT defines it (§4.3.3): the packet id of a delivery is
// written to the session record before its PUBLISH goes out, and its PUBREC is written (as
// "released") before the PUBREL goes out. A new owner re-sends the PUBLISH of an unreleased
// delivery with the same packet id (the client discards it if it had it), and only the PUBREL of
// a released one, never its PUBLISH again.

import type { QueueMessage } from '@herald/client';
import type { Logger } from 'pino';
import type { Cursor, PartitionFeed } from './fanout.js';
import { recordMessage, type LogRecord, type MqttMessage, type Qos } from './message.js';
import type { MqttMetrics } from './metrics.js';
import type { SessionRecord, SessionWriter, StoredQos2Out, StoredSubscription } from './session-store.js';
import { topicMatches } from './topics.js';

/** What a session needs of its connection. */
export interface Link {
  readonly protocolVersion: number;
  /** How many QoS 1 and 2 messages may be outstanding: the client's Receive Maximum and the
   *  gateway's own limit, whichever is lower. */
  readonly windowMax: number;
  /** Whether the socket holds more unsent bytes than the gateway allows. */
  congested(): boolean;
  /** Whether the principal's fetch quota holds deliveries back (until the link wakes the
   *  session's cursors again). */
  throttled(): boolean;
  /** Writes a PUBLISH; false when the message exceeds the client's Maximum Packet Size (it is
   *  then dropped, which MQTT counts as delivered). */
  sendPublish(message: MqttMessage, options: { qos: Qos; packetId?: number; dup: boolean; retain: boolean; subscriptionIds: number[] }): boolean;
  sendPubrel(packetId: number): void;
  /** Closes the connection because the session failed (its state could not be written). */
  fail(reason: 'taken-over' | 'session-write-failed'): void;
}

/** A message sent with a packet id and not yet acknowledged. */
interface Inflight {
  readonly qos: 1 | 2;
  /** The partition and offset it came from; tp '' for retained and shared messages. */
  readonly tp: string;
  readonly offset: number;
  /** A shared subscription's message, acked to its queue subscription when the client acks. */
  readonly queued?: QueueMessage;
  released: boolean;
}

/** What the gateway provides to sessions. */
export interface SessionContext {
  readonly metrics: MqttMetrics;
  readonly log: Logger;
  /** The feed of a partition ("topic/partition"). */
  feed(tp: string): PartitionFeed;
}

/** Splits "topic/partition". */
export function splitTp(tp: string): { topic: string; partition: number } {
  const slash = tp.lastIndexOf('/');
  return { topic: tp.slice(0, slash), partition: Number(tp.slice(slash + 1)) };
}

const PACKET_ID_MAX = 65_535;

/** One connected session. */
export class Session {
  /** The partitions each subscription reads, by filter (set by the gateway on subscribe). */
  private readonly cursors = new Map<string, Cursor>();
  private readonly inflight = new Map<number, Inflight>();
  /** Per partition, offsets sent with a packet id and not yet acknowledged. */
  private readonly pending = new Map<string, Set<number>>();
  /** Per partition: records below this offset may have been sent by a previous owner. */
  private readonly dupBelow = new Map<string, number>();
  /** Sends waiting for a session write (a QoS 2 packet id), in order. */
  private readonly outbox: (() => void)[] = [];
  private persisting = false;
  private readonly retainedQueue: { message: MqttMessage; qos: Qos; subscriptionIds: number[] }[] = [];
  private nextPacketId = 1;
  private dirty = false;
  private closed = false;
  /** Only a persistent session writes positions (a clean one has none to keep). */
  private readonly commitTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly record: SessionRecord,
    readonly writer: SessionWriter,
    private readonly link: Link,
    private readonly ctx: SessionContext,
    positionCommitMs: number,
  ) {
    writer.snapshot = () => this.snapshot();
    if (record.expirySec > 0) {
      this.commitTimer = setInterval(() => this.commitPositions(), positionCommitMs);
      this.commitTimer.unref();
    }
  }

  get clientId(): string {
    return this.record.clientId;
  }

  get persistent(): boolean {
    return this.record.expirySec > 0;
  }

  /** The session record as it is now, with every cursor's position. */
  private snapshot(): SessionRecord {
    for (const [tp, cursor] of this.cursors) this.record.positions[tp] = this.position(tp, cursor);
    // QoS 2 deliveries below their partition's position are done with for good.
    this.record.qos2Out = this.record.qos2Out.filter((q) => this.record.positions[q.tp] === undefined || q.offset >= this.record.positions[q.tp]!);
    return this.record;
  }

  private position(tp: string, cursor: Cursor): number {
    let min = cursor.offset;
    for (const offset of this.pending.get(tp) ?? []) if (offset < min) min = offset;
    return min;
  }

  /** Writes the positions now if they moved (and the session outlives its connection). */
  commitPositions(): void {
    if (!this.dirty || this.closed || !this.persistent) return;
    this.dirty = false;
    this.writer.flush().catch((err: Error) => this.onWriteFailed(err));
  }

  private onWriteFailed(err: Error): void {
    if (this.closed) return;
    this.ctx.log.warn({ err, clientId: this.clientId }, 'session write failed');
    this.link.fail(this.writer.isFenced ? 'taken-over' : 'session-write-failed');
  }

  /**
   * Resumes the deliveries a previous owner left: PUBRELs of released QoS 2 deliveries go out
   * now; unreleased ones are sent again when their records come by. `latest` gives, per partition
   * read, the offset below which a record may already have been sent (flagged DUP).
   */
  resume(latest: ReadonlyMap<string, number>): void {
    for (const [tp, offset] of latest) this.dupBelow.set(tp, offset);
    for (const q of this.record.qos2Out) {
      if (!q.released) continue;
      this.track(q.packetId, { qos: 2, tp: q.tp, offset: q.offset, released: true });
      this.link.sendPubrel(q.packetId);
    }
  }

  /** Starts reading a partition at `offset` (its stored position, or the tail). */
  read(tp: string, offset: number): void {
    if (this.cursors.has(tp) || this.closed) return;
    if (this.persistent) this.record.positions[tp] = offset;
    this.cursors.set(tp, this.ctx.feed(tp).open(offset, { offer: (record) => this.offer(tp, record) }));
  }

  /** Stops reading partitions no subscription needs any more. */
  keepReading(tps: ReadonlySet<string>): void {
    for (const [tp, cursor] of this.cursors) {
      if (tps.has(tp)) continue;
      cursor.close();
      this.cursors.delete(tp);
      delete this.record.positions[tp];
    }
  }

  /** The partitions being read. */
  readingPartitions(): string[] {
    return [...this.cursors.keys()];
  }

  /** The subscriptions (not shared) that match a topic, for a message from `publisher`. */
  private matching(topic: string, publisher: string): StoredSubscription[] {
    return this.record.subscriptions.filter((s) => s.shareGroup === undefined && !(s.noLocal === true && publisher === this.clientId) && topicMatches(s.filter, topic));
  }

  /** A cursor's record: see the header comment. False pauses the cursor on it. */
  private offer(tp: string, record: LogRecord): boolean {
    if (this.closed) return false;
    const message = recordMessage(record);
    if (message === undefined) return true;
    const subs = this.matching(message.topic, message.clientId);
    if (subs.length === 0) return true;
    if (message.expiresAtMs > 0 && message.expiresAtMs <= Date.now()) {
      this.ctx.metrics.dropped.inc({ reason: 'expired' });
      return true;
    }
    const qos = Math.min(message.qos, Math.max(...subs.map((s) => s.qos))) as Qos;
    const retain = subs.some((s) => s.retainAsPublished === true) && message.retain;
    const subscriptionIds = subs.flatMap((s) => (s.id === undefined ? [] : [s.id]));
    const dup = record.offset < (this.dupBelow.get(tp) ?? 0);
    const stored = qos === 2 ? this.record.qos2Out.find((q) => q.tp === tp && q.offset === record.offset) : undefined;
    if (stored?.released === true) return true; // its PUBREL is out (resume()); never its PUBLISH again
    if (qos === 0) {
      this.sendQos0(message, retain, subscriptionIds);
      return true;
    }
    if (!this.hasRoom()) return false;
    if (qos === 1) {
      const packetId = this.allocatePacketId();
      this.track(packetId, { qos: 1, tp, offset: record.offset, released: false });
      this.send(() => this.deliver(message, { qos: 1, packetId, dup, retain, subscriptionIds }, packetId));
      return true;
    }
    if (stored !== undefined) {
      // Assigned by a previous owner, maybe sent: the same packet id again, flagged DUP.
      this.track(stored.packetId, { qos: 2, tp, offset: record.offset, released: false });
      this.send(() => this.deliver(message, { qos: 2, packetId: stored.packetId, dup: true, retain, subscriptionIds }, stored.packetId));
      return true;
    }
    const packetId = this.allocatePacketId();
    this.track(packetId, { qos: 2, tp, offset: record.offset, released: false });
    if (!this.persistent) {
      this.send(() => this.deliver(message, { qos: 2, packetId, dup, retain, subscriptionIds }, packetId));
      return true;
    }
    this.record.qos2Out.push({ tp, offset: record.offset, packetId, released: false });
    this.sendAfterWrite(() => this.deliver(message, { qos: 2, packetId, dup, retain, subscriptionIds }, packetId));
    return true;
  }

  /** Retained messages for a new subscription (each QoS already the lower of message and
   *  subscription), sent as the window allows. Memory: the retained messages matched. */
  offerRetained(messages: readonly { message: MqttMessage; qos: Qos; subscriptionIds: number[] }[]): void {
    if (this.closed) return;
    this.retainedQueue.push(...messages);
    this.drainRetained();
  }

  private drainRetained(): void {
    while (this.retainedQueue.length > 0 && !this.closed) {
      const { message, qos, subscriptionIds } = this.retainedQueue[0]!;
      if (qos === 0) {
        this.retainedQueue.shift();
        this.sendQos0(message, true, subscriptionIds);
        continue;
      }
      if (!this.hasRoom()) return;
      this.retainedQueue.shift();
      // Retained messages are not part of any partition's position: a QoS 2 one is sent as QoS 1
      // (a retained message has no log position to fence a second delivery against).
      const packetId = this.allocatePacketId();
      this.track(packetId, { qos: 1, tp: '', offset: -1, released: false });
      this.send(() => this.deliver(message, { qos: 1, packetId, dup: false, retain: true, subscriptionIds }, packetId));
    }
  }

  /** A shared subscription's message; false when the window is full (the group tries another
   *  member, or waits). Acked to the queue when the client acknowledges it. */
  offerShared(message: MqttMessage, qos: Qos, queued: QueueMessage, subscriptionIds: number[]): boolean {
    if (this.closed || !this.hasRoom()) return false;
    if (qos === 0) {
      this.sendQos0(message, false, subscriptionIds);
      void queued.ack().catch(() => {});
      return true;
    }
    const packetId = this.allocatePacketId();
    this.track(packetId, { qos: 1, tp: '', offset: -1, released: false, queued });
    this.send(() => this.deliver(message, { qos: 1, packetId, dup: queued.deliveryCount > 1, retain: false, subscriptionIds }, packetId));
    return true;
  }

  /** Whether another QoS 1 or 2 message may be sent now. */
  hasRoom(): boolean {
    return this.inflight.size < this.link.windowMax && !this.link.congested() && !this.link.throttled();
  }

  private sendQos0(message: MqttMessage, retain: boolean, subscriptionIds: number[]): void {
    if (this.link.congested() || this.persisting) {
      this.ctx.metrics.dropped.inc({ reason: 'slow_client' });
      return;
    }
    if (this.link.throttled()) {
      this.ctx.metrics.dropped.inc({ reason: 'quota' });
      return;
    }
    if (this.link.sendPublish(message, { qos: 0, dup: false, retain, subscriptionIds })) this.ctx.metrics.sent.inc({ qos: '0' });
    else this.ctx.metrics.dropped.inc({ reason: 'too_large' });
  }

  private deliver(message: MqttMessage, options: { qos: Qos; packetId: number; dup: boolean; retain: boolean; subscriptionIds: number[] }, packetId: number): void {
    if (this.link.sendPublish(message, options)) {
      this.ctx.metrics.sent.inc({ qos: String(options.qos) });
      return;
    }
    // Too large for the client: dropped, and counted as delivered (MQTT 5 §3.1.2.11.4).
    this.ctx.metrics.dropped.inc({ reason: 'too_large' });
    this.acknowledged(packetId);
  }

  private send(action: () => void): void {
    if (this.persisting) this.outbox.push(action);
    else action();
  }

  /** Holds this send and every later one until the session record is written. */
  private sendAfterWrite(action: () => void): void {
    this.outbox.push(action);
    if (this.persisting) return;
    this.persisting = true;
    void this.drainAfterWrite();
  }

  private async drainAfterWrite(): Promise<void> {
    while (this.outbox.length > 0 && !this.closed) {
      const batch = this.outbox.splice(0);
      try {
        await this.writer.flush();
      } catch (err) {
        this.persisting = false;
        return this.onWriteFailed(err as Error);
      }
      for (const action of batch) action();
    }
    this.persisting = false;
  }

  private allocatePacketId(): number {
    for (let i = 0; i < PACKET_ID_MAX; i++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === PACKET_ID_MAX ? 1 : id + 1;
      if (!this.inflight.has(id) && !this.record.qos2Out.some((q) => q.packetId === id)) return id;
    }
    throw new Error('no free packet id');
  }

  private track(packetId: number, inflight: Inflight): void {
    this.inflight.set(packetId, inflight);
    if (inflight.tp === '') return;
    let set = this.pending.get(inflight.tp);
    if (set === undefined) this.pending.set(inflight.tp, (set = new Set()));
    set.add(inflight.offset);
  }

  /** PUBACK (QoS 1) or PUBCOMP (QoS 2): the delivery is complete. */
  acknowledged(packetId: number): void {
    const inflight = this.inflight.get(packetId);
    if (inflight === undefined) return;
    this.inflight.delete(packetId);
    if (inflight.queued !== undefined) void inflight.queued.ack().catch(() => {});
    if (inflight.tp !== '') {
      this.pending.get(inflight.tp)?.delete(inflight.offset);
      this.dirty = true;
    }
    this.resumeCursors();
  }

  /** PUBREC: the client has the QoS 2 message; once that is written, PUBREL. */
  received(packetId: number): void {
    const inflight = this.inflight.get(packetId);
    if (inflight === undefined || inflight.qos !== 2) {
      this.link.sendPubrel(packetId);
      return;
    }
    inflight.released = true;
    const stored: StoredQos2Out | undefined = this.record.qos2Out.find((q) => q.packetId === packetId);
    if (stored === undefined) {
      this.link.sendPubrel(packetId);
      return;
    }
    stored.released = true;
    this.sendAfterWrite(() => this.link.sendPubrel(packetId));
  }

  /** Whether a QoS 2 packet id is one this session sent and has not completed. */
  isInflight(packetId: number): boolean {
    return this.inflight.has(packetId);
  }

  /** Wakes the paused cursors once there is room. */
  resumeCursors(): void {
    this.drainRetained();
    if (this.closed || !this.hasRoom()) return;
    for (const cursor of this.cursors.values()) cursor.resume();
  }

  /** Stops reading; gives shared messages back to their queues. Returns once the final
   *  positions are written when the session outlives the connection. */
  async close(options: { writeFinal: boolean }): Promise<void> {
    if (this.closed) return;
    clearInterval(this.commitTimer);
    for (const cursor of this.cursors.values()) cursor.close();
    this.closed = true;
    for (const inflight of this.inflight.values()) if (inflight.queued !== undefined) void inflight.queued.nack().catch(() => {});
    if (options.writeFinal && !this.writer.isFenced) {
      await this.writer.flush().catch((err: Error) => this.ctx.log.debug({ err, clientId: this.clientId }, 'final session write failed'));
    }
  }
}
