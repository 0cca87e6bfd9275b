// One MQTT network connection (TCP or WebSocket): mqtt-packet parses and generates every packet;
// this class runs the protocol (MQTT 3.1.1 and 5.0): CONNECT and the session it resumes or
// starts, PUBLISH in (QoS 0, 1, 2 to the log), SUBSCRIBE and UNSUBSCRIBE, keep-alive, topic
// aliases, flow control, enhanced authentication (AUTH: SCRAM at CONNECT and re-authentication),
// the principal's quotas, and DISCONNECT with its will. A connection that breaks the protocol gets
// the reason code MQTT names (MQTT 5; 3.1.1 clients see the connection close) and is closed;
// nothing it sent is stored after that, and no other connection is affected.

import { randomBytes } from 'node:crypto';
import { delay, systemClock } from '@herald/broker';
import { randomProducerId, shouldRetry } from '@herald/client';
import { HeraldError } from '@herald/protocol';
import * as mqttPacket from 'mqtt-packet';
import { AuthExchangeFailed, type AuthExchange, type AuthResult, type AuthStep, type Credentials } from './auth.js';
import { beforeDeadline } from './cluster.js';
import { FrameGuard } from './frame-guard.js';
import { Gateway } from './gateway.js';
import { reservedUserProperty, type MqttMessage, type Qos } from './message.js';
import type { Transport } from './metrics.js';
import { Session, splitTp, type Link } from './session.js';
import { SessionFenced, type SessionRecord, type StoredSubscription, type StoredWill } from './session-store.js';
import { parseSharedFilter, topicFilterProblem, topicNameProblem } from './topics.js';

/** The byte stream under a connection (a TCP socket, a WebSocket). */
export interface Wire {
  readonly transport: Transport;
  readonly remoteAddress: string;
  /** The client's TLS certificate (DER), when it presented one. */
  readonly certificate?: Buffer;
  write(bytes: Buffer): void;
  /** Writes with whatever else is written so in this turn of the event loop, in one system call
   *  at its end (acknowledgements). */
  writeBatched(bytes: Buffer): void;
  /** Bytes written and not yet taken by the network. */
  bufferedBytes(): number;
  /** Stops and restarts reading (inbound flow control). */
  pause(): void;
  resume(): void;
  /** Ends the connection once what was written is flushed (or soon after). */
  end(): void;
  onData(listener: (chunk: Buffer) => void): void;
  onDrain(listener: () => void): void;
  onClose(listener: () => void): void;
}

/** MQTT 5 reason codes the gateway sends (§2.4). */
export const ReasonCode = {
  Success: 0x00,
  NoSubscriptionExisted: 0x11,
  ContinueAuthentication: 0x18,
  ReAuthenticate: 0x19,
  Unspecified: 0x80,
  Malformed: 0x81,
  ProtocolError: 0x82,
  ImplementationSpecific: 0x83,
  ClientIdNotValid: 0x85,
  BadUsernameOrPassword: 0x86,
  NotAuthorized: 0x87,
  ServerUnavailable: 0x88,
  ServerBusy: 0x89,
  ServerShuttingDown: 0x8b,
  BadAuthenticationMethod: 0x8c,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  QuotaExceeded: 0x97,
  PayloadFormatInvalid: 0x99,
} as const;

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
const V3Return = { IdentifierRejected: 2, ServerUnavailable: 3, BadCredentials: 4, NotAuthorized: 5 } as const;

/** Packets read and not yet stored before the connection stops reading (inbound memory bound). */
const INBOUND_PENDING_MAX = 1_000;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    fatalUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

type State = 'connecting' | 'connected' | 'closed';

/** Why a connection does not read: CONNECT is being answered, too many messages wait to be
 *  stored, or its principal is over a quota. It reads again once no reason is left. */
type Hold = 'connect' | 'pending' | 'quota';

/** One MQTT connection. */
export class Connection implements Link {
  readonly id = randomBytes(9).toString('base64url');
  private state: State = 'connecting';
  private readonly parser: mqttPacket.Parser;
  private readonly guard: FrameGuard;
  private version = 4;
  private clientId = '';
  private principal = '';
  session: Session | undefined;
  private keepAliveMs = 0;
  lastPacketAt = Date.now();
  /** Since when the socket has held unsent bytes without draining; 0 when it has drained. */
  stalledSince = 0;
  private clientReceiveMaximum = 65_535;
  private clientMaxPacketBytes = Number.MAX_SAFE_INTEGER;
  private readonly aliases = new Map<number, string>();
  /** QoS 1 and 2 PUBLISHes received and not yet acknowledged. */
  private inboundUnacked = 0;
  /** Messages being stored (every QoS). */
  private inboundPending = 0;
  private readonly holds = new Set<Hold>();
  /** Until when the principal's quotas hold the connection back (epoch ms; 0: never). */
  private throttledUntil = 0;
  private throttleTimer: NodeJS.Timeout | undefined;
  /** Until when the principal's fetch quota holds deliveries to the client back (epoch ms). */
  private deliveriesHeldUntil = 0;
  private deliveryTimer: NodeJS.Timeout | undefined;
  /** The Authentication Method of the CONNECT (MQTT 5 enhanced authentication), if any. */
  private authMethod: string | undefined;
  /** Takes the client's next AUTH while an exchange at CONNECT waits for it (undefined: the
   *  connection closed or the client took too long). */
  private authWaiter: ((packet: mqttPacket.IAuthPacket | undefined) => void) | undefined;
  /** A re-authentication in progress (§4.12.1). */
  private reauth: AuthExchange | undefined;
  /** PUBACKs and PUBRECs go out in the order their PUBLISHes came in (§4.6). */
  private ackChain: Promise<void> = Promise.resolve();
  /** Inbound QoS 2 of a persistent session, one at a time so that its log writes stay ordered. */
  private qos2Chain: Promise<void> = Promise.resolve();
  /** Inbound QoS 2 packet ids awaiting PUBREL, for a clean session (a persistent session keeps
   *  them in its record). */
  private readonly qos2In = new Map<number, number>();
  private will: StoredWill | null = null;
  /** Why the connection is closing: decides the will (only a normal DISCONNECT discards it). */
  private closeReason = 'network';
  private readonly connectTimer: NodeJS.Timeout;

  constructor(
    private readonly wire: Wire,
    private readonly gateway: Gateway,
  ) {
    const limits = gateway.config.limits;
    this.guard = new FrameGuard(limits.maxPacketBytes);
    this.parser = mqttPacket.parser({ protocolVersion: 5 });
    this.parser.on('packet', (packet: mqttPacket.Packet) => this.onPacket(packet));
    this.parser.on('error', (err: Error) => this.protocolError(ReasonCode.Malformed, `malformed packet: ${err.message}`));
    wire.onData((chunk) => this.onData(chunk));
    wire.onDrain(() => this.onDrain());
    wire.onClose(() => void this.onClosed());
    this.connectTimer = setTimeout(() => this.protocolError(ReasonCode.ProtocolError, 'no CONNECT in time', 'connect_timeout'), limits.connectTimeoutMs);
    this.connectTimer.unref();
    gateway.metrics.connections.inc({ transport: wire.transport });
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  get protocolVersion(): number {
    return this.version;
  }

  get windowMax(): number {
    return Math.min(this.clientReceiveMaximum, this.gateway.config.limits.inflightMax);
  }

  congested(): boolean {
    return this.wire.bufferedBytes() > this.gateway.config.limits.outgoingBytesMax;
  }

  throttled(): boolean {
    return this.deliveriesHeldUntil > 0;
  }

  /** The keep-alive deadline passed (checked by the listener's timer). */
  keepAliveExpired(now: number): boolean {
    // A connection held back by a quota reads nothing from its client meanwhile.
    if (this.holds.has('quota')) return false;
    return this.keepAliveMs > 0 && now - this.lastPacketAt > this.keepAliveMs * 1.5;
  }

  /** The socket has taken nothing for writeStallMs while bytes wait (a client that never reads). */
  writeStalled(now: number): boolean {
    if (this.wire.bufferedBytes() === 0) {
      this.stalledSince = 0;
      return false;
    }
    if (this.stalledSince === 0) this.stalledSince = now;
    return now - this.stalledSince > this.gateway.config.limits.writeStallMs;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastPacketAt = Date.now();
    const problem = this.guard.check(chunk);
    if (problem === 'too-large') return this.protocolError(ReasonCode.PacketTooLarge, `a packet exceeds the maximum packet size ${this.gateway.config.limits.maxPacketBytes}`, 'too_large');
    if (problem === 'malformed') return this.protocolError(ReasonCode.Malformed, 'malformed remaining length', 'malformed');
    try {
      this.parser.parse(chunk);
    } catch (err) {
      this.protocolError(ReasonCode.Malformed, `malformed packet: ${(err as Error).message}`);
    }
  }

  private onDrain(): void {
    this.stalledSince = 0;
    if (this.session === undefined || this.throttled()) return;
    this.session.resumeCursors();
    this.gateway.shared.wake(this.session);
  }

  private onPacket(packet: mqttPacket.Packet): void {
    if (this.closed) return;
    if (this.state === 'connecting') {
      if (packet.cmd !== 'connect') return this.protocolError(ReasonCode.ProtocolError, `the first packet must be CONNECT (got ${packet.cmd})`);
      this.state = 'connected';
      clearTimeout(this.connectTimer);
      void this.onConnect(packet).catch((err: Error) => {
        this.gateway.log.warn({ err, clientId: this.clientId }, 'CONNECT failed');
        this.refuse(ReasonCode.ServerUnavailable, V3Return.ServerUnavailable, 'server_unavailable');
      });
      return;
    }
    if (packet.cmd === 'auth' && this.authWaiter !== undefined) return this.onAuthStep(packet, this.authWaiter);
    const session = this.session;
    if (!this.delivering || session === undefined) {
      // CONNECT is being answered; MQTT lets clients send more before CONNACK (§3.1.4). They wait
      // until a resumed session's cursors are open at its positions: a SUBSCRIBE handled before
      // would open them at the tail, past what was published while the client was away.
      this.hold('connect');
      this.pendingPackets.push(packet);
      return;
    }
    if (packet.cmd === 'publish' || packet.cmd === 'subscribe' || packet.cmd === 'unsubscribe' || packet.cmd === 'pingreq' || packet.cmd === 'auth') this.countQuotas(packet);
    switch (packet.cmd) {
      case 'publish':
        return this.onPublish(packet);
      case 'puback':
        return session.acknowledged(packet.messageId!);
      case 'pubrec':
        if ((packet.reasonCode ?? 0) >= 0x80) return session.acknowledged(packet.messageId!);
        return session.received(packet.messageId!);
      case 'pubcomp':
        return session.acknowledged(packet.messageId!);
      case 'pubrel':
        return this.onPubrel(packet.messageId!);
      case 'subscribe':
        return void this.onSubscribe(packet).catch((err: Error) => this.failed(err));
      case 'unsubscribe':
        return void this.onUnsubscribe(packet).catch((err: Error) => this.failed(err));
      case 'pingreq':
        return this.send({ cmd: 'pingresp' });
      case 'auth':
        return this.onReauth(packet);
      case 'disconnect':
        return this.onDisconnect(packet);
      case 'connect':
        return this.protocolError(ReasonCode.ProtocolError, 'a second CONNECT');
      default:
        return this.protocolError(ReasonCode.ProtocolError, `unexpected ${packet.cmd} from a client`);
    }
  }

  private readonly pendingPackets: mqttPacket.Packet[] = [];
  /** Whether the session delivers (CONNACK sent and its cursors open): packets are handled. */
  private delivering = false;

  // -------------------------------------------------------------------------------------------
  // CONNECT

  private async onConnect(packet: mqttPacket.IConnectPacket): Promise<void> {
    const { gateway } = this;
    const limits = gateway.config.limits;
    this.version = packet.protocolVersion === 5 ? 5 : 4;
    const props = packet.properties ?? {};
    const clean = packet.clean !== false;
    let clientId = packet.clientId ?? '';
    let assigned = false;
    if (clientId === '') {
      if (this.version === 4 && !clean) return this.refuse(ReasonCode.ClientIdNotValid, V3Return.IdentifierRejected, 'client_id_invalid');
      clientId = Gateway.assignClientId();
      assigned = true;
    }
    if (clientId.includes('\uFFFD') || clientId.includes('\u0000') || Buffer.byteLength(clientId) > 65_535) {
      return this.refuse(ReasonCode.ClientIdNotValid, V3Return.IdentifierRejected, 'client_id_invalid');
    }
    this.clientId = clientId;
    let will: StoredWill | null = null;
    if (packet.will !== undefined && packet.will !== null) {
      const w = packet.will;
      if (topicNameProblem(w.topic) !== undefined) return this.refuse(ReasonCode.TopicNameInvalid, V3Return.ServerUnavailable, 'will_topic_invalid');
      const wp = w.properties ?? {};
      const payload = Buffer.isBuffer(w.payload) ? w.payload : Buffer.from(w.payload);
      if (wp.payloadFormatIndicator === true && !isUtf8(payload)) return this.refuse(ReasonCode.PayloadFormatInvalid, V3Return.ServerUnavailable, 'will_payload_invalid');
      if (reservedUserProperty(wp.userProperties) !== undefined) return this.refuse(ReasonCode.ImplementationSpecific, V3Return.ServerUnavailable, 'will_invalid');
      will = {
        id: this.id,
        topic: w.topic,
        payload: payload.toString('base64'),
        qos: (w.qos ?? 0) as Qos,
        retain: w.retain === true,
        delaySec: wp.willDelayInterval ?? 0,
        expirySec: wp.messageExpiryInterval,
        contentType: wp.contentType,
        responseTopic: wp.responseTopic,
        correlationData: wp.correlationData?.toString('base64'),
        payloadFormatUtf8: wp.payloadFormatIndicator === true ? true : undefined,
        userProperties: wp.userProperties,
      };
    }
    let auth: AuthResult;
    let authReply: Buffer | undefined;
    if (this.version === 5 && props.authenticationMethod !== undefined) {
      // Enhanced authentication decides who the client is; user name and password play no part.
      const proved = await this.authenticateEnhanced(props.authenticationMethod, props.authenticationData);
      if (proved === undefined) return;
      auth = { ok: true, principal: proved.principal! };
      authReply = proved.data;
    } else {
      const credentials: Credentials = { clientId, username: packet.username, password: packet.password, certificate: this.wire.certificate, transport: this.wire.transport, remoteAddress: this.wire.remoteAddress };
      auth = await gateway.authenticator.authenticate(credentials);
    }
    if (this.closed) return;
    if (!auth.ok) {
      return auth.reason === 'bad-credentials'
        ? this.refuse(ReasonCode.BadUsernameOrPassword, V3Return.BadCredentials, 'bad_credentials')
        : this.refuse(ReasonCode.NotAuthorized, V3Return.NotAuthorized, 'not_authorized');
    }
    if (will !== null && !gateway.authorizer.canPublish(auth.principal, will.topic)) {
      gateway.metrics.refused.inc({ operation: 'will', reason: 'not_authorized' });
      return this.refuse(ReasonCode.NotAuthorized, V3Return.NotAuthorized, 'not_authorized');
    }
    this.principal = auth.principal;
    if (this.version === 5) {
      if (props.receiveMaximum !== undefined) this.clientReceiveMaximum = props.receiveMaximum;
      if (props.maximumPacketSize !== undefined) this.clientMaxPacketBytes = props.maximumPacketSize;
    }
    let keepAliveSec = packet.keepalive ?? 0;
    let serverKeepAlive: number | undefined;
    if (limits.keepAliveMaxSec > 0 && (keepAliveSec === 0 || keepAliveSec > limits.keepAliveMaxSec)) {
      keepAliveSec = limits.keepAliveMaxSec;
      serverKeepAlive = keepAliveSec;
    }
    this.keepAliveMs = keepAliveSec * 1000;
    // MQTT 3.1.1 has no expiry: a persistent session lasts as long as the gateway allows.
    const askedExpiry = this.version === 5 ? (props.sessionExpiryInterval ?? 0) : clean ? 0 : limits.sessionExpiryMaxSec;
    const expirySec = Math.min(askedExpiry, limits.sessionExpiryMaxSec);

    // Right after the node starts, its gateway may not know its topics yet (mqtt.sessions above
    // all) and the sessions partition may have no leader yet: the CONNECT waits for them, trying
    // again, and is refused with Server unavailable only once connectTimeoutMs passed.
    const deadlineMs = Date.now() + limits.connectTimeoutMs;
    await gateway.whenReady(deadlineMs);
    if (this.closed) return;

    // A client connected here already: it is taken over now (elsewhere: by its record).
    gateway.owners.get(clientId)?.takenOver();

    const opened = await this.untilDeadline(deadlineMs, () => this.openSession(clientId, clean, expirySec, will, deadlineMs));
    if (opened === undefined) return;
    const { session, present } = opened;
    this.will = will;
    this.session = session;
    gateway.metrics.sessions.inc({ persistent: String(session.persistent) });
    gateway.metrics.connects.inc({ result: 'accepted' });
    const properties: mqttPacket.IConnackPacket['properties'] = {
      receiveMaximum: limits.receiveMaximum,
      maximumPacketSize: limits.maxPacketBytes,
      topicAliasMaximum: limits.topicAliasMaximum,
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
    };
    if (expirySec !== askedExpiry) properties.sessionExpiryInterval = expirySec;
    if (assigned) properties.assignedClientIdentifier = clientId;
    if (serverKeepAlive !== undefined) properties.serverKeepAlive = serverKeepAlive;
    if (this.authMethod !== undefined) {
      properties.authenticationMethod = this.authMethod;
      properties.authenticationData = authReply;
    }
    this.send(this.version === 5 ? { cmd: 'connack', sessionPresent: present, reasonCode: 0, properties } : { cmd: 'connack', sessionPresent: present, returnCode: 0 });
    await this.startDelivery(session, present);
    // What the client sent while CONNECT was being answered.
    this.delivering = true;
    for (const queued of this.pendingPackets.splice(0)) this.onPacket(queued);
    this.release('connect');
  }

  /**
   * Opens the client's session for this connection: reads it (the index for a clean start, what
   * was committed for a resumed one), and writes its next generation as owned here, which fences
   * any previous owner. Resolves with undefined when the client went away meanwhile (its session
   * is then left to the sweeper, an orphan of this node, which disconnects it in its record).
   */
  private async openSession(clientId: string, clean: boolean, expirySec: number, will: StoredWill | null, deadlineMs: number): Promise<{ session: Session; present: boolean } | undefined> {
    const { gateway } = this;
    let session: Session | undefined;
    let present = false;
    for (let attempt = 0; attempt < 2 && session === undefined; attempt++) {
      // A clean start reads the index (a stale one only means the write below is fenced, and
      // then the session is read fresh); a resumed session reads what was committed.
      const existing = clean && attempt === 0 ? gateway.sessions.get(clientId) : await gateway.sessions.fresh(clientId);
      const live = existing !== undefined && !(existing.node === 0 && Date.now() >= existing.disconnectedAtMs + existing.expirySec * 1000);
      const writer = gateway.sessions.writer(clientId, existing);
      present = !clean && live && existing.expirySec > 0;
      const base = present ? existing : undefined;
      const record: SessionRecord = {
        v: 1,
        clientId,
        salt: writer.salt,
        gen: writer.gen,
        conn: this.id,
        node: gateway.node.nodeId,
        protocol: this.version,
        expirySec,
        disconnectedAtMs: 0,
        // A client identifier is no credential, and ACLs change: a resumed session keeps the
        // subscriptions this login may read.
        subscriptions: (base?.subscriptions ?? []).filter((sub) => this.mayKeep(sub)),
        positions: base?.positions ?? {},
        qos2In: base?.qos2In ?? {},
        qos2Out: base?.qos2Out ?? [],
        will,
      };
      const candidate = new Session(record, writer, this, gateway, gateway.config.limits.positionCommitMs);
      gateway.owners.set(clientId, { connectionId: this.id, salt: writer.salt, gen: writer.gen, isOpen: () => this.session !== undefined, takenOver: () => this.takenOver() });
      // A clean session that replaces nothing has no state to protect: its record (the takeover
      // signal to other nodes) is written meanwhile; a refusal of it closes the connection.
      if (clean && existing === undefined && expirySec === 0) {
        writer.flush().catch((err: Error) => this.failed(err));
        session = candidate;
        break;
      }
      try {
        // A write still in flight at the deadline may land later: its record names this node
        // and a connection that is gone, which the sweeper marks offline.
        await beforeDeadline(writer.flush(), deadlineMs);
        session = candidate;
      } catch (err) {
        await candidate.close({ writeFinal: false });
        if (!(err instanceof SessionFenced) || attempt === 1) throw err;
      }
    }
    if (this.closed || session === undefined) {
      if (gateway.owners.get(clientId)?.connectionId === this.id) gateway.owners.delete(clientId);
      await session?.close({ writeFinal: false });
      return undefined;
    }
    return { session, present };
  }

  /** Runs `step` until it succeeds, trying again after a failure that time may cure (no leader
   *  yet, a topic not in the metadata yet, a node not reachable) until `deadlineMs` (epoch). */
  private async untilDeadline<T>(deadlineMs: number, step: () => Promise<T>): Promise<T> {
    for (let waitMs = 50; ; waitMs = Math.min(2 * waitMs, 500)) {
      try {
        return await step();
      } catch (err) {
        const passing = err instanceof HeraldError && (shouldRetry(err) || err.reason === 'TopicNotFound' || err.reason === 'CommitTimedOut');
        if (!passing || this.closed || Date.now() + waitMs >= deadlineMs) throw err;
        this.gateway.log.debug({ err, clientId: this.clientId }, 'CONNECT waits for the cluster');
        await delay(systemClock, waitMs);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Enhanced authentication (MQTT 5 §4.12): AUTH packets

  /**
   * Runs the enhanced authentication a CONNECT asks for: the method's exchange takes the
   * CONNECT's Authentication Data, and each answer goes to the client in an AUTH 0x18 until the
   * client has proved who it is; the last answer goes in the CONNACK. Resolves with it, or
   * undefined once the client was refused (0x8C for a method not served, 0x86 for a failed
   * proof) or went away.
   */
  private async authenticateEnhanced(method: string, data: Buffer | undefined): Promise<AuthStep | undefined> {
    const exchange = this.gateway.authenticator.exchange(method);
    if (exchange === undefined) {
      this.refuse(ReasonCode.BadAuthenticationMethod, V3Return.NotAuthorized, 'bad_auth_method');
      return undefined;
    }
    this.authMethod = method;
    try {
      let step = exchange.step(data ?? Buffer.alloc(0));
      while (step.principal === undefined) {
        this.send({ cmd: 'auth', reasonCode: ReasonCode.ContinueAuthentication, properties: { authenticationMethod: method, authenticationData: step.data } });
        const answer = await this.nextAuth();
        if (answer === undefined) {
          // Unless the connection is closing already (a protocol error in the client's AUTH).
          if (!this.closed && this.closeReason === 'network') this.refuse(ReasonCode.NotAuthorized, V3Return.NotAuthorized, 'auth_timeout');
          return undefined;
        }
        step = exchange.step(answer.properties?.authenticationData ?? Buffer.alloc(0));
      }
      return step;
    } catch (err) {
      if (!(err instanceof AuthExchangeFailed)) throw err;
      this.gateway.log.debug({ clientId: this.clientId, method, why: err.message }, 'enhanced authentication failed');
      this.refuse(ReasonCode.BadUsernameOrPassword, V3Return.BadCredentials, 'bad_credentials');
      return undefined;
    }
  }

  /** The client's next AUTH during an exchange at CONNECT, or undefined when it closes or takes
   *  longer than connectTimeoutMs. */
  private nextAuth(): Promise<mqttPacket.IAuthPacket | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), this.gateway.config.limits.connectTimeoutMs);
      timer.unref();
      const done = (packet: mqttPacket.IAuthPacket | undefined) => {
        clearTimeout(timer);
        this.authWaiter = undefined;
        resolve(packet);
      };
      this.authWaiter = done;
    });
  }

  /** Whether an AUTH names the CONNECT's method; closes the connection with a protocol error
   *  if not, or if the CONNECT named none (MQTT-3.15.2-1, MQTT-4.12.0-7). */
  private authMethodMatches(packet: mqttPacket.IAuthPacket): boolean {
    const method = packet.properties?.authenticationMethod;
    if (this.authMethod === undefined) this.protocolError(ReasonCode.ProtocolError, 'AUTH from a client that did not authenticate with an Authentication Method');
    else if (method !== this.authMethod) this.protocolError(ReasonCode.ProtocolError, `AUTH with method ${JSON.stringify(method)}, not the CONNECT's ${JSON.stringify(this.authMethod)}`);
    return this.authMethod !== undefined && method === this.authMethod;
  }

  /** The client's answer during the exchange at CONNECT: an AUTH 0x18 of the same method. */
  private onAuthStep(packet: mqttPacket.IAuthPacket, waiter: (packet: mqttPacket.IAuthPacket) => void): void {
    if (!this.authMethodMatches(packet)) return;
    if (packet.reasonCode !== ReasonCode.ContinueAuthentication) return this.protocolError(ReasonCode.ProtocolError, `AUTH reason ${packet.reasonCode} while authenticating (expected 0x18)`);
    waiter(packet);
  }

  /**
   * Re-authentication (§4.12.1) while the session runs: AUTH 0x19 starts a new exchange of the
   * CONNECT's method, AUTH 0x18 continues it, and the gateway ends it with AUTH 0x00; the client
   * goes on publishing and receiving meanwhile. It must prove the same user: the session's
   * subscriptions were granted to that one. A failed proof closes the connection with 0x87.
   */
  private onReauth(packet: mqttPacket.IAuthPacket): void {
    if (!this.authMethodMatches(packet)) return;
    const method = this.authMethod!;
    if (packet.reasonCode === ReasonCode.ReAuthenticate) this.reauth = this.gateway.authenticator.exchange(method);
    else if (packet.reasonCode !== ReasonCode.ContinueAuthentication) this.reauth = undefined;
    const exchange = this.reauth;
    if (exchange === undefined) return this.protocolError(ReasonCode.ProtocolError, `AUTH reason ${packet.reasonCode} with no re-authentication in progress (expected 0x19)`);
    let step: AuthStep;
    try {
      step = exchange.step(packet.properties?.authenticationData ?? Buffer.alloc(0));
    } catch (err) {
      if (!(err instanceof AuthExchangeFailed)) throw err;
      this.reauth = undefined;
      return this.protocolError(ReasonCode.NotAuthorized, `re-authentication failed: ${err.message}`, 'reauth_failed');
    }
    if (step.principal === undefined) {
      this.send({ cmd: 'auth', reasonCode: ReasonCode.ContinueAuthentication, properties: { authenticationMethod: method, authenticationData: step.data } });
      return;
    }
    this.reauth = undefined;
    if (step.principal !== this.principal) return this.protocolError(ReasonCode.NotAuthorized, `re-authenticated as ${step.principal}, not ${this.principal}`, 'reauth_failed');
    this.gateway.metrics.reauthentications.inc();
    this.send({ cmd: 'auth', reasonCode: ReasonCode.Success, properties: { authenticationMethod: method, authenticationData: step.data } });
  }

  // -------------------------------------------------------------------------------------------
  // Reading, holds and quotas

  /** Stops reading for `reason` (until released). */
  private hold(reason: Hold): void {
    if (this.holds.size === 0) this.wire.pause();
    this.holds.add(reason);
  }

  /** Reads again once no other reason holds the connection. */
  private release(reason: Hold): void {
    if (!this.holds.delete(reason) || this.holds.size > 0 || this.closed) return;
    this.lastPacketAt = Date.now();
    this.wire.resume();
  }

  /**
   * Counts a client's request against its principal's quotas, the cluster's, as the gRPC API and
   * the Kafka listener count them (so a user is one budget across protocols): one request for a
   * PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PINGREQ or AUTH, and a PUBLISH's bytes as produce bytes. A
   * client over a quota is slowed, not refused (Kafka's way, KIP-219): the connection reads
   * nothing for the throttle time, and the acknowledgements due meanwhile wait for its end.
   */
  private countQuotas(packet: mqttPacket.Packet): void {
    const { gateway } = this;
    let ms = gateway.throttleMs(this.principal, 'request', 1);
    if (packet.cmd === 'publish') ms = Math.max(ms, gateway.throttleMs(this.principal, 'produce', packet.length ?? packet.payload.length));
    if (ms <= 0) return;
    const until = Date.now() + ms;
    if (until <= this.throttledUntil) return;
    this.throttledUntil = until;
    this.hold('quota');
    clearTimeout(this.throttleTimer);
    this.throttleTimer = setTimeout(() => this.release('quota'), ms);
    this.throttleTimer.unref();
  }

  /**
   * Counts the bytes of a PUBLISH written to the client against its principal's fetch quota, as
   * the gRPC API counts a fetched batch and the Kafka listener a Fetch response (one budget across
   * protocols). Over the quota, deliveries are held back for the throttle time (KIP-219: after the
   * answer that went over): QoS 1 and 2 cursors pause on their next message and resume after it,
   * nothing is lost; QoS 0 messages offered meanwhile are dropped and counted (reason "quota"), as
   * for a client whose socket is full.
   */
  private countDelivered(bytes: number): void {
    const ms = this.gateway.throttleMs(this.principal, 'fetch', bytes);
    if (ms <= 0) return;
    const until = Date.now() + ms;
    if (until <= this.deliveriesHeldUntil) return;
    this.deliveriesHeldUntil = until;
    clearTimeout(this.deliveryTimer);
    this.deliveryTimer = setTimeout(() => {
      this.deliveriesHeldUntil = 0;
      this.onDrain();
    }, ms);
    this.deliveryTimer.unref();
  }

  /** Resolves once the principal's quota throttle, if any, has passed. */
  private async unthrottled(): Promise<void> {
    for (let wait = this.throttledUntil - Date.now(); wait > 0 && !this.closed; wait = this.throttledUntil - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  private mayKeep(sub: StoredSubscription): boolean {
    if (this.gateway.authorizer.canSubscribe(this.principal, sub.shareGroup === undefined ? sub.filter : `$share/${sub.shareGroup}/${sub.filter}`)) return true;
    this.gateway.metrics.refused.inc({ operation: 'subscribe', reason: 'not_authorized' });
    return false;
  }

  /** Opens the cursors of a resumed session's subscriptions at its positions, and its shared
   *  subscriptions. */
  private async startDelivery(session: Session, resumed: boolean): Promise<void> {
    const { gateway } = this;
    const wanted = new Set<string>();
    for (const sub of session.record.subscriptions) {
      if (sub.shareGroup !== undefined) {
        gateway.shared.join(session, sub.shareGroup, sub.filter, sub.qos, sub.id, gateway.mapping.topicsFor(sub.filter));
        continue;
      }
      for (const tp of await gateway.partitionsFor(sub.filter)) wanted.add(tp);
    }
    this.countSubscriptions(session.record.subscriptions, 1);
    const tails = new Map<string, number>();
    for (const tp of wanted) {
      const { topic, partition } = splitTp(tp);
      tails.set(tp, await gateway.fanout.feed(topic, partition).latest());
    }
    // Before any cursor reads: what lies below the tails now may have been sent by the previous
    // owner (DUP), and the PUBRELs it owed go first.
    session.resume(new Map([...tails].filter(([tp]) => resumed && session.record.positions[tp] !== undefined)));
    for (const [tp, tail] of tails) session.read(tp, session.record.positions[tp] ?? tail);
  }

  private countSubscriptions(subs: readonly StoredSubscription[], sign: 1 | -1): void {
    for (const s of subs) this.gateway.metrics.subscriptions.inc({ shared: String(s.shareGroup !== undefined) }, sign);
  }

  // -------------------------------------------------------------------------------------------
  // PUBLISH in

  private onPublish(packet: mqttPacket.IPublishPacket): void {
    const props = packet.properties ?? {};
    let topic = packet.topic;
    if (this.version === 5 && props.topicAlias !== undefined) {
      const alias = props.topicAlias;
      if (alias === 0 || alias > this.gateway.config.limits.topicAliasMaximum) return this.protocolError(ReasonCode.TopicAliasInvalid, `topic alias ${alias} is outside 1 to ${this.gateway.config.limits.topicAliasMaximum}`);
      if (topic === '') {
        const known = this.aliases.get(alias);
        if (known === undefined) return this.protocolError(ReasonCode.ProtocolError, `topic alias ${alias} was never set`);
        topic = known;
      } else {
        this.aliases.set(alias, topic);
      }
    }
    const problem = topicNameProblem(topic);
    if (problem !== undefined) return this.protocolError(ReasonCode.TopicNameInvalid, problem, 'topic_invalid');
    const qos = packet.qos;
    if (qos > 0) {
      this.inboundUnacked++;
      if (this.inboundUnacked > this.gateway.config.limits.receiveMaximum && this.version === 5) {
        return this.protocolError(ReasonCode.ReceiveMaximumExceeded, `more than ${this.gateway.config.limits.receiveMaximum} unacknowledged QoS 1 and 2 PUBLISHes`);
      }
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    let refusal: { code: number; why: string } | undefined;
    if (!this.gateway.authorizer.canPublish(this.principal, topic)) {
      this.gateway.metrics.refused.inc({ operation: 'publish', reason: 'not_authorized' });
      refusal = { code: ReasonCode.NotAuthorized, why: 'not_authorized' };
    } else if (reservedUserProperty(props.userProperties) !== undefined) refusal = { code: ReasonCode.ImplementationSpecific, why: 'reserved_property' };
    else if (props.payloadFormatIndicator === true && !isUtf8(payload)) refusal = { code: ReasonCode.PayloadFormatInvalid, why: 'payload_invalid' };
    if (refusal !== undefined) {
      // MQTT 3.1.1 cannot say no to a PUBLISH: the server acknowledges it or closes the connection
      // (§3.3.5, MQTT-3.3.5-2); closing tells the client something went wrong.
      if (this.version === 4) return this.protocolError(refusal.code, 'publish refused', refusal.why);
      if (qos === 0) return;
      this.inboundUnacked--;
      return this.send({ cmd: qos === 1 ? 'puback' : 'pubrec', messageId: packet.messageId, reasonCode: refusal.code });
    }
    const message: MqttMessage = {
      topic,
      payload,
      qos,
      retain: packet.retain,
      clientId: this.clientId,
      expiresAtMs: props.messageExpiryInterval === undefined ? 0 : Date.now() + props.messageExpiryInterval * 1000,
      contentType: props.contentType,
      responseTopic: props.responseTopic,
      correlationData: props.correlationData,
      payloadFormatUtf8: props.payloadFormatIndicator === true ? true : undefined,
      userProperties: props.userProperties,
    };
    this.gateway.metrics.received.inc({ qos: String(qos) });
    if (qos === 2) return this.onPublishQos2(message, packet.messageId!);
    const started = performance.now();
    const stored = this.track(this.gateway.publish(message));
    if (qos === 0) {
      stored.catch((err: Error) => this.gateway.log.debug({ err }, 'a QoS 0 message was not stored'));
      return;
    }
    this.acknowledgeInOrder(
      stored,
      () => {
        this.gateway.metrics.publishSeconds.observe({ qos: '1' }, (performance.now() - started) / 1000);
        this.sendAck({ cmd: 'puback', messageId: packet.messageId });
      },
      (reasonCode) => this.sendAck({ cmd: 'puback', messageId: packet.messageId, reasonCode }),
    );
  }

  /** Counts a store in flight, pausing the socket while too many are. */
  private track<T>(promise: Promise<T>): Promise<T> {
    this.inboundPending++;
    if (this.inboundPending >= INBOUND_PENDING_MAX) this.hold('pending');
    const done = () => {
      this.inboundPending--;
      if (this.inboundPending < INBOUND_PENDING_MAX / 2) this.release('pending');
    };
    promise.then(done, done);
    return promise;
  }

  /** Sends an acknowledgement once `stored` settles and every earlier one went out. A failed
   *  store is refused with a reason code (MQTT 5, `refuse`), or closes the connection. */
  private acknowledgeInOrder(stored: Promise<unknown>, ack: () => void, refuse?: (reasonCode: number) => void): void {
    const settled = stored.then(
      () => true,
      (err: Error) => {
        this.gateway.log.warn({ err, clientId: this.clientId }, 'a message could not be stored');
        return false;
      },
    );
    this.ackChain = this.ackChain.then(async () => {
      const ok = await settled;
      await this.unthrottled();
      if (this.closed) return;
      this.inboundUnacked--;
      if (ok) ack();
      else if (this.version === 5 && refuse !== undefined) refuse(ReasonCode.Unspecified);
      else this.protocolError(ReasonCode.Unspecified, 'a message could not be stored', 'store_failed');
    });
  }

  /**
   * QoS 2 in: stored exactly once, whichever node the client sends (and re-sends) it to. For a
   * persistent session the packet id and a fresh producer id are written to the session record
   * first; the message is then an idempotent batch of that producer, so a re-send after a
   * failover (the record says the id is pending) writes the same batch, which the partition
   * answers as a duplicate. PUBREC goes out once it is stored; PUBREL clears the id.
   */
  private onPublishQos2(message: MqttMessage, packetId: number): void {
    const session = this.session!;
    const record = session.record;
    const started = performance.now();
    const key = String(packetId);
    const pubrec = () => {
      this.gateway.metrics.publishSeconds.observe({ qos: '2' }, (performance.now() - started) / 1000);
      this.sendAck({ cmd: 'pubrec', messageId: packetId });
    };
    const refuse = (reasonCode: number) => this.sendAck({ cmd: 'pubrec', messageId: packetId, reasonCode });
    if (!session.persistent) {
      // A clean session ends with its connection: the id need not survive it.
      const known = this.qos2In.get(packetId);
      const producerId = known ?? randomProducerId();
      this.qos2In.set(packetId, producerId);
      return this.acknowledgeInOrder(this.track(this.gateway.publishOnce(message, producerId)), pubrec, refuse);
    }
    const stored = (this.qos2Chain = this.qos2Chain.then(async () => {
      let producerId = record.qos2In[key];
      if (producerId === undefined) {
        producerId = randomProducerId();
        record.qos2In[key] = producerId;
        await session.writer.flush();
      }
      await this.gateway.publishOnce(message, producerId);
    }));
    this.qos2Chain = stored.catch(() => {});
    this.acknowledgeInOrder(this.track(stored), pubrec, refuse);
  }

  private onPubrel(packetId: number): void {
    const session = this.session!;
    const key = String(packetId);
    const known = session.persistent ? session.record.qos2In[key] !== undefined : this.qos2In.has(packetId);
    // An id we do not hold is answered with success, not 0x92 (as Mosquitto does): PUBREC went
    // out only once the message was stored, so an unknown PUBREL is a repeat of one already
    // released, typically re-sent after a reconnect (to another node) lost the PUBCOMP. mqtt.js
    // and others fail the publish on 0x92 although the message is stored.
    const pubcomp = () => this.sendAck({ cmd: 'pubcomp', messageId: packetId });
    if (!session.persistent || !known) {
      this.qos2In.delete(packetId);
      this.ackChain = this.ackChain.then(pubcomp);
      return;
    }
    // After the PUBLISH's own write (the chain), so that a PUBREL never overtakes it.
    const cleared = this.qos2Chain.then(async () => {
      delete session.record.qos2In[key];
      await session.writer.flush();
    });
    this.qos2Chain = cleared.catch(() => {});
    this.inboundUnacked++;
    this.acknowledgeInOrder(cleared, pubcomp);
  }

  // -------------------------------------------------------------------------------------------
  // SUBSCRIBE, UNSUBSCRIBE

  private async onSubscribe(packet: mqttPacket.ISubscribePacket): Promise<void> {
    const { gateway } = this;
    const session = this.session!;
    const record = session.record;
    const subscriptionId = packet.properties?.subscriptionIdentifier;
    const granted: number[] = [];
    const added: { sub: StoredSubscription; isNew: boolean }[] = [];
    for (const s of packet.subscriptions) {
      const shared = parseSharedFilter(s.topic);
      if (typeof shared === 'string' || (shared === undefined && topicFilterProblem(s.topic) !== undefined)) {
        granted.push(this.version === 5 ? ReasonCode.TopicFilterInvalid : 0x80);
        continue;
      }
      if (shared !== undefined && s.nl === true) {
        // It is a protocol error to set No Local on a shared subscription (MQTT-3.8.3-4).
        return this.protocolError(ReasonCode.ProtocolError, 'No Local on a shared subscription');
      }
      const filter = shared?.filter ?? s.topic;
      if (!gateway.authorizer.canSubscribe(this.principal, s.topic)) {
        gateway.metrics.refused.inc({ operation: 'subscribe', reason: 'not_authorized' });
        // MQTT 3.1.1 has one failure code for SUBACK (0x80, §3.9.3).
        granted.push(this.version === 5 ? ReasonCode.NotAuthorized : 0x80);
        continue;
      }
      const existing = record.subscriptions.findIndex((x) => x.filter === filter && x.shareGroup === shared?.group);
      if (existing < 0 && record.subscriptions.length >= gateway.config.limits.subscriptionsMax) {
        granted.push(this.version === 5 ? ReasonCode.QuotaExceeded : 0x80);
        continue;
      }
      const qos = (shared === undefined ? Math.min(s.qos, 2) : Math.min(s.qos, 1)) as Qos;
      const sub: StoredSubscription = {
        filter,
        qos,
        noLocal: s.nl === true ? true : undefined,
        retainAsPublished: s.rap === true ? true : undefined,
        retainHandling: s.rh === undefined || s.rh === 0 ? undefined : s.rh,
        id: subscriptionId,
        shareGroup: shared?.group,
      };
      if (existing >= 0) {
        this.countSubscriptions([record.subscriptions[existing]!], -1);
        record.subscriptions[existing] = sub;
      } else {
        record.subscriptions.push(sub);
      }
      this.countSubscriptions([sub], 1);
      added.push({ sub, isNew: existing < 0 });
      granted.push(qos);
    }
    for (const { sub } of added) {
      if (sub.shareGroup !== undefined) {
        gateway.shared.join(session, sub.shareGroup, sub.filter, sub.qos, sub.id, gateway.mapping.topicsFor(sub.filter));
        continue;
      }
      for (const tp of await gateway.partitionsFor(sub.filter)) {
        if (session.readingPartitions().includes(tp)) continue;
        const { topic, partition } = splitTp(tp);
        session.read(tp, await gateway.fanout.feed(topic, partition).latest());
      }
    }
    // A persistent session's subscriptions survive the node once SUBACK is out.
    if (session.persistent && added.length > 0) await session.writer.flush();
    if (this.closed) return;
    this.send({ cmd: 'suback', messageId: packet.messageId, granted });
    for (const { sub, isNew } of added) {
      if (sub.shareGroup !== undefined || sub.retainHandling === 2 || (sub.retainHandling === 1 && !isNew)) continue;
      const ids = sub.id === undefined ? [] : [sub.id];
      session.offerRetained(gateway.retained.matching(sub.filter).map((message) => ({ message, qos: Math.min(message.qos, sub.qos) as Qos, subscriptionIds: ids })));
    }
  }

  private async onUnsubscribe(packet: mqttPacket.IUnsubscribePacket): Promise<void> {
    const { gateway } = this;
    const session = this.session!;
    const record = session.record;
    const codes: number[] = [];
    for (const text of packet.unsubscriptions) {
      const shared = parseSharedFilter(text);
      const filter = typeof shared === 'object' ? shared.filter : text;
      const group = typeof shared === 'object' ? shared.group : undefined;
      const at = record.subscriptions.findIndex((s) => s.filter === filter && s.shareGroup === group);
      if (at < 0) {
        codes.push(ReasonCode.NoSubscriptionExisted);
        continue;
      }
      const [removed] = record.subscriptions.splice(at, 1);
      this.countSubscriptions([removed!], -1);
      if (group !== undefined) gateway.shared.leave(session, group, filter);
      codes.push(ReasonCode.Success);
    }
    const wanted = new Set<string>();
    for (const sub of record.subscriptions) if (sub.shareGroup === undefined) for (const tp of await gateway.partitionsFor(sub.filter)) wanted.add(tp);
    session.keepReading(wanted);
    if (session.persistent) await session.writer.flush();
    if (this.closed) return;
    this.send(this.version === 5 ? { cmd: 'unsuback', messageId: packet.messageId, granted: codes } : { cmd: 'unsuback', messageId: packet.messageId, granted: [] });
  }

  // -------------------------------------------------------------------------------------------
  // DISCONNECT, errors, close

  private onDisconnect(packet: mqttPacket.IDisconnectPacket): void {
    const reason = packet.reasonCode ?? 0;
    // 0x04: disconnect with will message; anything else a client sends is a normal end.
    this.closeReason = reason === 0x04 ? 'disconnect_with_will' : 'disconnect';
    const expiry = packet.properties?.sessionExpiryInterval;
    if (this.version === 5 && expiry !== undefined && this.session !== undefined) {
      if (this.session.record.expirySec === 0 && expiry > 0) return this.protocolError(ReasonCode.ProtocolError, 'a session that expired at connect cannot be given an expiry at disconnect');
      this.session.record.expirySec = Math.min(expiry, this.gateway.config.limits.sessionExpiryMaxSec);
    }
    this.wire.end();
  }

  private failed(err: Error): void {
    if (err instanceof SessionFenced) return this.takenOver();
    this.gateway.log.warn({ err, clientId: this.clientId }, 'request failed');
    this.protocolError(ReasonCode.Unspecified, err.message, 'internal');
  }

  /** Another connection now owns the session. */
  takenOver(): void {
    if (this.closed) return;
    this.closeReason = 'taken_over';
    if (this.version === 5 && this.session !== undefined) this.send({ cmd: 'disconnect', reasonCode: ReasonCode.SessionTakenOver });
    this.wire.end();
  }

  /** Link.fail: the session's state could not be written. */
  fail(reason: 'taken-over' | 'session-write-failed'): void {
    if (reason === 'taken-over') return this.takenOver();
    this.protocolError(ReasonCode.ServerUnavailable, 'session state could not be stored', 'session_write_failed');
  }

  /** The server is stopping. */
  shutdown(): void {
    if (this.closed) return;
    this.closeReason = 'server_shutdown';
    if (this.version === 5 && this.session !== undefined) this.send({ cmd: 'disconnect', reasonCode: ReasonCode.ServerShuttingDown });
    this.wire.end();
  }

  /** Keep-alive passed with nothing from the client. */
  keepAliveTimeout(): void {
    this.protocolError(ReasonCode.KeepAliveTimeout, 'keep-alive timeout', 'keep_alive_timeout');
  }

  /** Closes after telling an MQTT 5 client why (DISCONNECT before CONNACK is not allowed: a
   *  CONNACK with the reason goes instead). */
  protocolError(reasonCode: number, why: string, metric = 'protocol_error'): void {
    if (this.closed || this.closeReason === metric) return;
    this.gateway.log.debug({ clientId: this.clientId, reasonCode, why }, 'closing an MQTT connection');
    this.closeReason = metric;
    if (this.version === 5 && this.session !== undefined) this.send({ cmd: 'disconnect', reasonCode, properties: { reasonString: why.slice(0, 200) } });
    else if (this.version === 5 && this.state === 'connected') this.send({ cmd: 'connack', sessionPresent: false, reasonCode });
    this.wire.end();
  }

  private refuse(reasonCode: number, v3Code: number, metric: string): void {
    this.gateway.metrics.connects.inc({ result: metric });
    this.closeReason = metric;
    this.send(this.version === 5 ? { cmd: 'connack', sessionPresent: false, reasonCode } : { cmd: 'connack', sessionPresent: false, returnCode: v3Code });
    this.wire.end();
  }

  private send(packet: mqttPacket.Packet): void {
    if (this.closed) return;
    this.wire.write(mqttPacket.generate(packet, { protocolVersion: this.version }));
  }

  /** Sends an acknowledgement with the others that become due in this turn of the event loop
   *  (the PUBACKs of one committed batch): one system call for all of them (Wire.writeBatched). */
  private sendAck(packet: mqttPacket.IPubackPacket | mqttPacket.IPubrecPacket | mqttPacket.IPubcompPacket): void {
    if (this.closed) return;
    this.wire.writeBatched(mqttPacket.generate(packet, { protocolVersion: this.version }));
  }

  // -------------------------------------------------------------------------------------------
  // Link: what the session sends

  sendPublish(message: MqttMessage, options: { qos: Qos; packetId?: number; dup: boolean; retain: boolean; subscriptionIds: number[] }): boolean {
    if (this.closed) return true;
    const packet: mqttPacket.IPublishPacket = { cmd: 'publish', topic: message.topic, payload: message.payload, qos: options.qos, dup: options.dup, retain: options.retain, messageId: options.packetId };
    if (this.version === 5) {
      const properties: NonNullable<mqttPacket.IPublishPacket['properties']> = {};
      if (message.expiresAtMs > 0) properties.messageExpiryInterval = Math.max(1, Math.ceil((message.expiresAtMs - Date.now()) / 1000));
      if (message.contentType !== undefined) properties.contentType = message.contentType;
      if (message.responseTopic !== undefined) properties.responseTopic = message.responseTopic;
      if (message.correlationData !== undefined) properties.correlationData = message.correlationData;
      if (message.payloadFormatUtf8 === true) properties.payloadFormatIndicator = true;
      if (message.userProperties !== undefined) properties.userProperties = message.userProperties;
      if (options.subscriptionIds.length > 0) properties.subscriptionIdentifier = options.subscriptionIds.length === 1 ? options.subscriptionIds[0]! : options.subscriptionIds;
      if (Object.keys(properties).length > 0) packet.properties = properties;
    }
    const bytes = mqttPacket.generate(packet, { protocolVersion: this.version });
    if (bytes.byteLength > this.clientMaxPacketBytes) return false;
    this.wire.write(bytes);
    this.countDelivered(bytes.byteLength);
    return true;
  }

  sendPubrel(packetId: number): void {
    this.send({ cmd: 'pubrel', messageId: packetId });
  }

  private async onClosed(): Promise<void> {
    if (this.closed) return;
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.throttleTimer);
    clearTimeout(this.deliveryTimer);
    this.authWaiter?.(undefined);
    const { gateway } = this;
    gateway.metrics.connections.dec({ transport: this.wire.transport });
    gateway.metrics.disconnects.inc({ reason: this.closeReason });
    if (gateway.owners.get(this.clientId)?.connectionId === this.id) gateway.owners.delete(this.clientId);
    const session = this.session;
    if (session === undefined) return;
    gateway.metrics.sessions.dec({ persistent: String(session.persistent) });
    this.countSubscriptions(session.record.subscriptions, -1);
    for (const sub of session.record.subscriptions) if (sub.shareGroup !== undefined) gateway.shared.leave(session, sub.shareGroup, sub.filter);
    if (this.closeReason === 'taken_over' || session.writer.isFenced) {
      await session.close({ writeFinal: false });
      return;
    }
    // The will goes unless the client ended normally (MQTT 5 §3.1.2.5); with a delay, the
    // session record keeps it and the sweeper publishes it when due.
    const willDue = this.closeReason !== 'disconnect' && this.will !== null;
    const record = session.record;
    record.will = willDue ? this.will : null;
    if (willDue && (this.will!.delaySec === 0 || record.expirySec === 0)) {
      await gateway.publishWill(this.clientId, this.will!).catch((err: Error) => gateway.log.warn({ err, clientId: this.clientId }, 'will not published; the sweeper retries'));
      record.will = null;
    }
    record.conn = '';
    record.node = 0;
    record.disconnectedAtMs = Date.now();
    if (record.expirySec === 0 && record.will === null) session.writer.snapshot = () => null;
    await session.close({ writeFinal: true });
  }
}
