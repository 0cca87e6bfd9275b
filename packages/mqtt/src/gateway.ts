// The MQTT gateway of one node: what every connection on the node shares. It holds no state of
// its own that is not in the log: sessions, retained messages and the messages themselves are
// Herald topics; what it keeps in memory (indexes, feeds, connections) is derived from them or
// dies with the connections it serves.

import { randomBytes } from 'node:crypto';
import { delay, systemClock, type HeraldNode, type MqttConfig } from '@herald/broker';
import type { Producer } from '@herald/client';
import { partitionForKey, type RecordInput } from '@herald/protocol';
import type { Principal } from '@herald/security/models';
import type { Logger } from 'pino';
import { allowAnyone, allowEverything, clusterAuthenticator, clusterAuthorizer, type Authenticator, type Authorizer } from './auth.js';
import { beforeDeadline, ClusterAccess } from './cluster.js';
import { Fanout, type PartitionFeed } from './fanout.js';
import { TopicMapping } from './mapping.js';
import { messageHeaders, type MqttMessage } from './message.js';
import { MqttMetrics } from './metrics.js';
import { RetainedStore } from './retained.js';
import { splitTp, type SessionContext } from './session.js';
import { producerIdOf, SessionStore, type SessionRecord, type StoredWill } from './session-store.js';
import { SharedSubscriptions } from './shared.js';
import { isExactFilter } from './topics.js';

/** How often the session sweeper runs (wills due, sessions expired, owners gone). */
const SWEEP_MS = 1_000;
/** How long a session's owner node must be unreachable before its session counts as orphaned. */
const ORPHAN_GRACE_MS = 10_000;

const encoder = new TextEncoder();

/** A connection owning a session here: disconnected when a newer owner writes the session. */
export interface Owner {
  readonly connectionId: string;
  /** The producer salt and generation its writes use. */
  readonly salt: number;
  readonly gen: number;
  /** Whether its session is open (CONNACK on its way); false while its CONNECT still opens it. */
  isOpen(): boolean;
  takenOver(): void;
}

/** The shared state of the gateway on one node. */
export class Gateway implements SessionContext {
  readonly access: ClusterAccess;
  readonly producer: Producer;
  readonly mapping: TopicMapping;
  readonly fanout: Fanout;
  readonly sessions: SessionStore;
  readonly retained: RetainedStore;
  readonly shared: SharedSubscriptions;
  readonly metrics: MqttMetrics;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  /** Clients connected to this node, by client identifier. */
  readonly owners = new Map<string, Owner>();
  /** MQTT connections (TCP and WebSocket) and SSE streams open on this node. */
  mqttConnections = 0;
  sseStreams = 0;
  /** Resolves once the gateway's topics exist and its indexes are started. */
  readonly ready: Promise<void>;
  private readonly abort = new AbortController();
  private readonly sweeper: NodeJS.Timeout;
  private readonly unreachableSince = new Map<number, number>();

  constructor(
    readonly node: HeraldNode,
    readonly config: MqttConfig,
    readonly log: Logger,
  ) {
    this.access = new ClusterAccess(node);
    this.producer = this.access.producer();
    this.mapping = new TopicMapping(config.mappings, config.defaultTopic);
    this.fanout = new Fanout(this.access, config.limits.recentRecordsMax, log);
    this.sessions = new SessionStore(config.sessionsTopic, this.access, log);
    this.retained = new RetainedStore(config.retainedTopic, this.access, log);
    this.shared = new SharedSubscriptions(this.access, config.limits.inflightMax, log);
    this.metrics = new MqttMetrics(node.metrics.registry, () => this.fanout.size, () => this.retained.size);
    const secure = node.security.secure;
    this.authenticator = secure ? clusterAuthenticator(node) : allowAnyone;
    this.authorizer = secure ? clusterAuthorizer(node, this.mapping) : allowEverything;
    this.sessions.onChange((clientId, record) => this.onSessionChange(clientId, record));
    this.ready = this.prepare();
    this.ready.catch(() => {});
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Creates the gateway's topics when missing (retrying while the cluster forms), then starts
   *  following the sessions and retained topics. */
  private async prepare(): Promise<void> {
    const rf = Math.min(this.config.replicationFactor ?? 3, this.node.nodeIds().length);
    const partitions = this.config.topicPartitions;
    const compact = { 'cleanup.policy': 'compact' };
    // The SDK's first calls wait for a controller: peers that are not listening yet would put
    // its channels to them in gRPC's connection backoff (seconds, growing), during which every
    // call to them fails at once.
    while (this.node.meta.controllerId() === 0) {
      if (this.abort.signal.aborted) throw new Error('the gateway stopped');
      await delay(systemClock, 100, this.abort.signal);
    }
    // Until the indexes know their topics' partitions: a topic the controller just created (or
    // answered TopicExists for) may not be in any node's metadata yet, and a failure here must
    // not leave the gateway refusing every CONNECT until the node restarts.
    for (;;) {
      try {
        for (const topic of this.mapping.heraldTopics()) await this.access.ensureTopic(topic, partitions, rf);
        await this.access.ensureTopic(this.config.retainedTopic, partitions, rf, compact);
        await this.access.ensureTopic(this.config.sessionsTopic, partitions, rf, compact);
        await this.access.partitionCount(this.config.sessionsTopic);
        await this.access.partitionCount(this.config.retainedTopic);
        break;
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.log.debug({ err }, 'creating or locating the MQTT topics failed; retrying');
        await delay(systemClock, 200, this.abort.signal);
      }
    }
    await this.sessions.start();
    await this.retained.start();
  }

  /** Resolves once the gateway is ready, or rejects with NoLeader once `deadlineMs` (epoch)
   *  passed first. */
  whenReady(deadlineMs: number): Promise<void> {
    return beforeDeadline(this.ready, deadlineMs, 'the MQTT gateway is not ready yet (its topics are not known)');
  }

  /** Connections open on this node, for the connectionsMax limit. */
  connectionCount(): number {
    return this.mqttConnections + this.sseStreams;
  }

  /** The feed of "topic/partition" (SessionContext). */
  feed(tp: string): PartitionFeed {
    const { topic, partition } = splitTp(tp);
    return this.fanout.feed(topic, partition);
  }

  /** The partitions ("topic/partition") a filter reads: one for a filter without wildcards (its
   *  topic's key decides), every partition of the Herald topics it may match otherwise. */
  async partitionsFor(filter: string): Promise<string[]> {
    const out: string[] = [];
    for (const topic of this.mapping.topicsFor(filter)) {
      const count = await this.access.partitionCount(topic);
      if (isExactFilter(filter)) out.push(`${topic}/${partitionForKey(encoder.encode(filter), count)}`);
      else for (let p = 0; p < count; p++) out.push(`${topic}/${p}`);
    }
    return out;
  }

  /** The record of a message (the key is its MQTT topic). */
  private recordOf(message: MqttMessage, value: Uint8Array | null = message.payload): RecordInput {
    return { key: encoder.encode(message.topic), value, headers: messageHeaders(message), timestampMs: Date.now() };
  }

  /**
   * Stores a message (QoS 0 or 1) through the node's producer: routed to the partition leader,
   * in-process when it is this node; idempotent across the producer's retries. Resolves once
   * committed (acks quorum). A retained message is also written to the retained topic.
   */
  async publish(message: MqttMessage): Promise<void> {
    const topic = this.mapping.heraldTopic(message.topic);
    const writes = [this.producer.send(topic, { key: message.topic, value: message.payload, headers: messageHeaders(message) })];
    if (message.retain) writes.push(this.producer.send(this.config.retainedTopic, { key: message.topic, value: message.payload.byteLength === 0 ? null : message.payload, headers: messageHeaders(message) }));
    await Promise.all(writes);
  }

  /**
   * Stores a message exactly once whoever sends it: as an idempotent batch of its own producer
   * (`producerId`, epoch 0, sequence 0). Sent again, by this node or another, the same batch is
   * answered as a duplicate by the partition (its producer table is replicated), never stored
   * twice. QoS 2 publishes and will messages are written this way.
   */
  async publishOnce(message: MqttMessage, producerId: number): Promise<void> {
    const topic = this.mapping.heraldTopic(message.topic);
    const partition = partitionForKey(encoder.encode(message.topic), await this.access.partitionCount(topic));
    const writes = [this.access.writeBatch(topic, partition, [this.recordOf(message)], { producerId, producerEpoch: 0, baseSequence: 0 })];
    if (message.retain) {
      const retainedPartition = partitionForKey(encoder.encode(message.topic), await this.access.partitionCount(this.config.retainedTopic));
      const value = message.payload.byteLength === 0 ? null : message.payload;
      writes.push(this.access.writeBatch(this.config.retainedTopic, retainedPartition, [this.recordOf(message, value)], { producerId: producerIdOf(`retained\u0000${producerId}`), producerEpoch: 0, baseSequence: 0 }));
    }
    await Promise.all(writes);
  }

  /** Publishes a session's will, once: its producer id comes from the client and the will's id. */
  async publishWill(clientId: string, will: StoredWill): Promise<void> {
    const message: MqttMessage = {
      topic: will.topic,
      payload: Buffer.from(will.payload, 'base64'),
      qos: will.qos,
      retain: will.retain,
      clientId,
      expiresAtMs: will.expirySec === undefined ? 0 : Date.now() + will.expirySec * 1000,
      contentType: will.contentType,
      responseTopic: will.responseTopic,
      correlationData: will.correlationData === undefined ? undefined : Buffer.from(will.correlationData, 'base64'),
      payloadFormatUtf8: will.payloadFormatUtf8,
      userProperties: will.userProperties,
    };
    await this.publishOnce(message, producerIdOf(`will\u0000${clientId}\u0000${will.id}`));
    this.metrics.received.inc({ qos: String(will.qos) });
  }

  /**
   * Counts `amount` of `kind` (bytes produced or delivered, or one request) against the principal's quotas
   * (NodeSecurity.throttleMs: the cluster's, per principal, 0 on an insecure cluster) and
   * answers how long to hold the client back, counting it in the node's and the gateway's
   * throttle metrics.
   */
  throttleMs(principal: string, kind: 'produce' | 'fetch' | 'request', amount: number): number {
    const ms = this.node.security.throttleMs(principal as Principal, kind, amount);
    if (ms > 0) {
      this.node.metrics.quotaThrottled.inc({ principal, kind }, ms / 1000);
      this.metrics.throttled.inc({ kind }, ms / 1000);
    }
    return ms;
  }

  /** A client identifier for a client that sent none (MQTT 5 Assigned Client Identifier). */
  static assignClientId(): string {
    return `herald-${randomBytes(12).toString('hex')}`;
  }

  /** A session record changed: a client connected here whose session has a newer owner was
   *  taken over elsewhere. */
  private onSessionChange(clientId: string, record: SessionRecord | undefined): void {
    const owner = this.owners.get(clientId);
    // Older records (a previous connection's last writes, applied late) say nothing; a deleted
    // session fences the owner's next write instead.
    if (owner === undefined || record === undefined || record.conn === owner.connectionId) return;
    // A connection still opening its session learns of a newer owner from its own write, which
    // that owner's record fences (SessionFenced: it reads the session afresh and writes the next
    // generation). A record landing meanwhile may be a late write of an earlier CONNECT of the
    // same client, refused at its deadline with its write in flight: it must not close this one.
    if (!owner.isOpen()) return;
    if (record.salt !== owner.salt || record.gen > owner.gen) owner.takenOver();
  }

  /**
   * The sweeper, on the leader of each sessions partition: publishes wills that are due,
   * deletes expired sessions, and disconnects (in their records) sessions whose owner node has
   * been unreachable for a while, so that their wills and expiry run. Its writes use the
   * session's next generation, fencing the owner it replaces.
   */
  private async sweep(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const now = Date.now();
    for (const id of this.node.nodeIds()) {
      if (id === this.node.nodeId || this.node.transport.isConnected(id)) this.unreachableSince.delete(id);
      else if (!this.unreachableSince.has(id)) this.unreachableSince.set(id, now);
    }
    let led: Set<number>;
    try {
      led = new Set();
      const partitions = await this.access.partitionCount(this.config.sessionsTopic);
      for (let p = 0; p < partitions; p++) if (this.node.partitionView(this.config.sessionsTopic, p).leaderId === this.node.nodeId) led.add(p);
    } catch {
      return;
    }
    if (led.size === 0) return;
    for (const record of [...this.sessions.all()]) {
      if (!led.has(this.sessions.partitionOf(record.clientId))) continue;
      try {
        await this.sweepOne(record, now);
      } catch (err) {
        this.log.debug({ err, clientId: record.clientId }, 'session sweep failed; retried at the next one');
      }
    }
  }

  private async sweepOne(record: SessionRecord, now: number): Promise<void> {
    if (record.node !== 0) {
      const orphaned =
        record.node === this.node.nodeId
          ? this.owners.get(record.clientId)?.connectionId !== record.conn && now - record.disconnectedAtMs > ORPHAN_GRACE_MS && this.sinceStart() > ORPHAN_GRACE_MS
          : now - (this.unreachableSince.get(record.node) ?? now) > ORPHAN_GRACE_MS;
      if (!orphaned) return;
      // Logged once written: a write fenced by a newer owner's record (this node's index had
      // not caught up with it) disconnects nothing.
      await this.rewrite(record, { ...record, conn: '', node: 0, disconnectedAtMs: now });
      this.log.info({ clientId: record.clientId, owner: record.node }, 'session owner gone; session disconnected');
      return;
    }
    const will = record.will;
    const expired = now >= record.disconnectedAtMs + record.expirySec * 1000;
    if (will !== null && (expired || now >= record.disconnectedAtMs + will.delaySec * 1000)) {
      await this.publishWill(record.clientId, will);
      if (!expired) {
        await this.rewrite(record, { ...record, will: null });
        return;
      }
    }
    if (expired) await this.rewrite(record, null);
  }

  private readonly startedAt = Date.now();

  private sinceStart(): number {
    return Date.now() - this.startedAt;
  }

  /** Writes a session's next generation (fencing its current owner), or deletes it. */
  private async rewrite(previous: SessionRecord, next: SessionRecord | null): Promise<void> {
    const writer = this.sessions.writer(previous.clientId, previous);
    writer.snapshot = () => (next === null ? null : { ...next, salt: writer.salt, gen: writer.gen });
    await writer.flush();
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearInterval(this.sweeper);
    await this.shared.close();
    this.sessions.close();
    this.retained.close();
    await this.producer.close().catch(() => {});
    await this.access.close();
  }
}
