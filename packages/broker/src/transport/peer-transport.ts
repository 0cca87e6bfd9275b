import * as grpc from '@grpc/grpc-js';
import { FRAME_READS_COMPACT, messageFromProto, messageToProto, loadPeerDefinition, packFrame, unpackFrame, type internalV1, type RaftMessage } from '@herald/protocol';
import type { Message, NodeId } from '@herald/raft';
import { nodeIdFromCertificate } from '@herald/security';
import type { Logger } from 'pino';
import { dataBytes, type GroupMessage, type PeerSender } from '../host/host.js';
import type { MarkerRequest } from '../partition/partition-leader.js';

// @herald/protocol mirrors raft's Message without depending on @herald/raft (arrows point
// down). This is where both meet: the build fails here if the two ever drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const codecMatchesRaft: Same<Message, RaftMessage> = true;
void codecMatchesRaft;

/** The wire shape of a frame, as proto-loader gives and takes it. */
export interface WireFrame {
  from: number;
  messages: { group: string; message: unknown }[];
  /** Frame.reads: what the sender reads (0, or absent, from a release before Frame.compact). */
  reads?: number;
  compact?: Uint8Array;
}

export interface PeerTransportOptions {
  readonly nodeId: NodeId;
  /** The other members at start (setPeers changes them): linked to, and the only nodes whose
   *  certificates the peer port accepts. */
  readonly peers: readonly PeerAddress[];
  readonly logger: Logger;
  /** A frame from member `from`, with the messages in it addressed to this node: called for
   *  every frame, an empty one (a liveness ping) included. */
  readonly onFrame: (from: NodeId, messages: GroupMessage[]) => void;
  /** A connection to or from `peer` broke, or `peer` ended its stream: its process may be gone. */
  readonly onPeerLost: (peer: NodeId, why: string) => void;
  /** Answers a peer's DescribeReplicas: this node's view of the replicas it hosts among `groups`. */
  readonly describeReplicas: (request: DescribeReplicasRequest) => ReplicaState[] | Promise<ReplicaState[]>;
  /** Answers a coordinator's WriteTxnMarker for a partition group hosted here (raft.proto). */
  readonly writeTxnMarker: (group: string, marker: MarkerRequest, timeoutMs: number) => Promise<void>;
  /** Frames above this are refused by the receiver (and never sent). */
  readonly maxFrameBytes?: number;
  /** The peer port's server credentials: mutual TLS requiring a cluster certificate. */
  readonly serverCredentials: grpc.ServerCredentials;
  /** Credentials to dial peer `id`: they check that its certificate names node `id`. */
  readonly channelCredentials: (id: NodeId) => grpc.ChannelCredentials;
  /** Something arrived that no member sent: a connection without a member's certificate, or a
   *  message claiming another sender than the certificate's node. Dropped; this counts it. */
  readonly onRefused?: (reason: PeerRefusal) => void;
}

/** A member of the cluster and its peer port's address (host:port). */
export interface PeerAddress {
  readonly id: NodeId;
  readonly address: string;
}

/** Why the peer port dropped something (herald_peer_refused_total{reason}). */
export const PeerRefusal = {
  /** A connection whose certificate names no member of the cluster. */
  NotMember: 'not-member',
  /** A frame or message whose `from` is not the node its connection's certificate names. */
  WrongSender: 'wrong-sender',
  /** A message that does not decode (or has values no Raft message may have). */
  Malformed: 'malformed',
} as const;
export type PeerRefusal = (typeof PeerRefusal)[keyof typeof PeerRefusal];

/** What DescribeReplicas asks: Raft groups, and per partition group optional lookups (see raft.proto). */
export interface DescribeReplicasRequest {
  readonly groups: readonly string[];
  readonly timestampAtOffset?: Readonly<Record<string, number>>;
  readonly offsetAtTimestamp?: Readonly<Record<string, number>>;
}

/** One replica's view of its partition's Raft group, as DescribeReplicas carries it. */
export interface ReplicaState {
  readonly group: string;
  readonly leaderId: number;
  readonly term: number;
  readonly isLeader: boolean;
  readonly isr: readonly number[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** The group's voters and learners, once committed (a leader's answer; empty otherwise, and
   *  from nodes of an older release). */
  readonly voters?: readonly number[];
  readonly learners?: readonly number[];
  /** The node answering (the replica this state is of), and whether it is repairing a log it
   *  lost; optional, so a state built in memory may leave them out. */
  readonly nodeId?: number;
  readonly repairing?: boolean;
  /** For the meta group: the highest metadata feature level the answering node supports (0 from
   *  a node of an older release). */
  readonly featureLevel?: number;
  /** Answers to the lookups of DescribeReplicasRequest; -1 when not asked or not found. */
  readonly recordTimestampMs?: number;
  readonly offsetForTimestamp?: number;
}

/** WriteTxnMarker's request as proto-loader gives and takes it (int64 fields as numbers). */
interface WireMarker {
  group: string;
  producerId: number;
  producerEpoch: number;
  txn: number;
  commit: boolean;
  timestampMs: number;
  timeoutMs: number;
}

/** The longest a peer may ask a marker write to take. */
const MARKER_TIMEOUT_MAX_MS = 30_000;

type PeerClient = grpc.Client & {
  writeTxnMarker: (req: WireMarker, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null) => void) => void;
  send: (cb: (err: grpc.ServiceError | null) => void) => grpc.ClientWritableStream<WireFrame>;
  describeReplicas: (req: DescribeReplicasRequest, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: { replicas: ReplicaState[] }) => void) => void;
};

/** Bytes one outgoing stream may hold unsent (PeerLink.backlogBytes) beyond which frames are
 *  dropped (raft retries). The host keeps catch-up data back long before (Host, "Catch-up
 *  budget"): this only bounds the memory a peer that stopped reading can take. */
const OUTBOX_BYTES_MAX = 64 << 20;

/** What a message costs on the wire beyond its log data, roughly (the backlog's estimate). */
const MESSAGE_OVERHEAD_BYTES = 48;

/** The bytes a frame of `messages` takes on the wire, estimated: their log data (entries,
 *  snapshots) and a small overhead each. */
function frameBytes(messages: readonly GroupMessage[]): number {
  let bytes = 0;
  for (const { message } of messages) bytes += MESSAGE_OVERHEAD_BYTES + (dataBytes(message) ?? 0);
  return bytes;
}

const channelOptions = (maxFrameBytes: number): grpc.ChannelOptions => ({
  'grpc.max_send_message_length': maxFrameBytes,
  'grpc.max_receive_message_length': maxFrameBytes,
  'grpc.keepalive_time_ms': 5_000,
  // A keepalive unanswered for this long closes the connection, and both nodes then take each
  // other for dead (the channel's reset here, the stream's end there: Host.peerLost). With 2 s, two
  // loaded nodes whose turns took 1.7 s (a 10,000-partition failover on a shared machine) failed
  // over every group between them while both were up (test/bench/scale.ts). The failure detector
  // judges silence itself (twice the maximum election timeout); this only finds dead sockets.
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 50,
  'grpc.min_reconnect_backoff_ms': 50,
  'grpc.max_reconnect_backoff_ms': 1_000,
});

/** The wire form of a frame: everything `from` sends one peer in one turn; with `compact` (the
 *  peer reads it: Frame.reads), the small messages packed (packFrame), the rest as protobuf. */
export function frameToWire(from: NodeId, messages: readonly GroupMessage[], compact: boolean): WireFrame {
  if (!compact || messages.length === 0) return { from, reads: FRAME_READS_COMPACT, messages: messages.map(messageToWire) };
  const packed = packFrame(messages);
  return { from, reads: FRAME_READS_COMPACT, messages: packed.rest.map(messageToWire), compact: packed.compact };
}

function messageToWire(m: GroupMessage): { group: string; message: unknown } {
  return { group: m.group, message: messageToProto(m.message) };
}

/**
 * The messages of a frame that `sender` (the member its connection's certificate names) sent to
 * node `self`, each checked (messageFromProto). A message that does not decode, or claims
 * another sender, is dropped and reported through `refuse`; one addressed to another node is
 * dropped silently. The rest of the frame is kept: raft tolerates the loss of any message.
 */
export function messagesFromWire(frame: WireFrame, sender: NodeId, self: NodeId, refuse: (reason: PeerRefusal, detail: object) => void): GroupMessage[] {
  const fromProto = (m: WireFrame['messages'][number]): GroupMessage | null => {
    let message: Message;
    try {
      message = messageFromProto(m.message as internalV1.RaftMessage__Output);
    } catch (err) {
      refuse(PeerRefusal.Malformed, { err: (err as Error).message });
      return null;
    }
    if (message.from !== sender) {
      refuse(PeerRefusal.WrongSender, { claimed: message.from });
      return null;
    }
    return { group: m.group, message };
  };
  let all: GroupMessage[];
  if (frame.compact === undefined || frame.compact.length === 0) {
    all = [];
    for (const m of frame.messages) {
      const message = fromProto(m);
      if (message !== null) all.push(message);
    }
  } else {
    // The compact form names the order; a fault in it drops the whole frame (its length fields
    // cannot be trusted past it), which raft tolerates as it tolerates any lost frame.
    let next = 0;
    try {
      all = unpackFrame(frame.compact, sender, frame.messages.length, () => fromProto(frame.messages[next++]!));
    } catch (err) {
      refuse(PeerRefusal.Malformed, { err: (err as Error).message });
      return [];
    }
  }
  return all.filter((m) => m.message.to === self);
}

/** One outgoing stream to a peer, reopened after it breaks. */
class PeerLink {
  private call: grpc.ClientWritableStream<WireFrame> | null = null;
  /** Estimated bytes of the frames written to `call` that grpc has not handed to the connection
   *  yet (their write callbacks have not run). grpc-js's streams count objects, not bytes, in
   *  writableLength, and take any number: this is the link's real backlog. A peer that reads
   *  slowly (a loaded process, a slow network) makes it grow, and every frame written behind it,
   *  heartbeats and liveness pings included, arrives that much later. */
  private queued = 0;
  private closed = false;
  private wasReady = false;
  private failing = false;

  constructor(
    readonly peer: NodeId,
    readonly client: PeerClient,
    private readonly onBroken: () => void,
    private readonly logger: Logger,
  ) {
    this.watchChannel();
  }

  /** Whether a frame written now may arrive. A channel in TRANSIENT_FAILURE (its peer refused
   *  the last connection: after a kill, until it is back) would fail the call at once: the frame
   *  is dropped before it costs its encoding and a new call (a failover sends the dead node a
   *  pre-vote, a vote and an Append per group). */
  get writable(): boolean {
    return !this.closed && !this.failing;
  }

  /** Bytes written and not yet sent (see `queued`); 0 without a stream. */
  get backlogBytes(): number {
    return this.call === null ? 0 : this.queued;
  }

  /** Writes a frame of about `bytes` if the stream can take it; otherwise drops it. */
  write(frame: WireFrame, bytes: number): void {
    if (!this.writable) return;
    const call = this.call ?? this.open();
    if (this.queued > OUTBOX_BYTES_MAX) return;
    this.queued += bytes;
    call.write(frame, () => {
      if (this.call === call) this.queued -= bytes;
    });
  }

  private open(): grpc.ClientWritableStream<WireFrame> {
    this.queued = 0;
    const call = this.client.send((err) => {
      if (this.call === call) this.call = null;
      if (err !== null && err.code !== grpc.status.CANCELLED && !this.closed) this.logger.debug({ peer: this.peer, code: err.code }, 'peer stream ended');
    });
    call.on('error', () => {}); // reported through the callback above
    this.call = call;
    return call;
  }

  /** A channel that was READY and is not any more lost its connection: a killed process resets
   *  its sockets at once, so this is the fastest sign that the peer is gone. */
  private watchChannel(): void {
    const channel = this.client.getChannel();
    const state = channel.getConnectivityState(true);
    this.failing = state === grpc.connectivityState.TRANSIENT_FAILURE;
    if (state === grpc.connectivityState.READY) this.wasReady = true;
    else if (this.wasReady && (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.IDLE)) {
      this.wasReady = false;
      this.call?.cancel();
      this.call = null;
      this.onBroken();
    }
    if (this.closed || state === grpc.connectivityState.SHUTDOWN) return;
    channel.watchConnectivityState(state, Infinity, () => this.watchChannel());
  }

  isConnected(): boolean {
    return this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  }

  close(): void {
    this.closed = true;
    this.call?.end();
    this.client.close();
  }
}

/**
 * The internal peer service: one client stream per peer carrying one Frame per host turn, with
 * every message of every group for that peer (so heartbeats of many groups share a frame). Raft
 * tolerates loss, so nothing is acknowledged: a frame that cannot be sent is dropped.
 */
export class PeerTransport implements PeerSender {
  private readonly server: grpc.Server;
  private readonly links = new Map<NodeId, { address: string; link: PeerLink }>();
  private readonly maxFrameBytes: number;
  private members: ReadonlySet<NodeId> = new Set();
  private readonly clientConstructor: grpc.ServiceClientConstructor;
  private port = 0;

  constructor(private readonly options: PeerTransportOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? 256 << 20;
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': this.maxFrameBytes, 'grpc.max_concurrent_streams': 64 });
    const definition = grpc.loadPackageDefinition(loadPeerDefinition()) as unknown as {
      herald: { internal: { v1: { RaftTransport: grpc.ServiceClientConstructor } } };
    };
    this.clientConstructor = definition.herald.internal.v1.RaftTransport;
    this.server.addService(this.clientConstructor.service, {
      send: (call: grpc.ServerReadableStream<WireFrame, object>, callback: grpc.sendUnaryData<object>) => this.serve(call, callback),
      describeReplicas: (call: grpc.ServerUnaryCall<Required<DescribeReplicasRequest>, object>, callback: grpc.sendUnaryData<object>) => {
        if (this.senderOf(call) === undefined) return callback({ code: grpc.status.PERMISSION_DENIED, details: 'only members of the cluster may ask' });
        const { groups, timestampAtOffset, offsetAtTimestamp } = call.request;
        Promise.resolve()
          .then(() => options.describeReplicas({ groups: groups.slice(0, 100_000), timestampAtOffset, offsetAtTimestamp }))
          .then(
            (states) => callback(null, { replicas: states }),
            (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }),
          );
      },
      writeTxnMarker: (call: grpc.ServerUnaryCall<WireMarker, object>, callback: grpc.sendUnaryData<object>) => {
        if (this.senderOf(call) === undefined) return callback({ code: grpc.status.PERMISSION_DENIED, details: 'only members of the cluster may ask' });
        const r = call.request;
        const valid = Number.isSafeInteger(r.producerId) && r.producerId >= 0 && Number.isInteger(r.producerEpoch) && r.producerEpoch >= 0 && r.producerEpoch <= 0x7fff && Number.isSafeInteger(r.txn) && r.txn > 0;
        if (!valid) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'malformed marker' });
        const marker = { producerId: r.producerId, producerEpoch: r.producerEpoch, txn: r.txn, commit: r.commit, timestampMs: r.timestampMs };
        Promise.resolve()
          .then(() => options.writeTxnMarker(r.group, marker, Math.min(r.timeoutMs, MARKER_TIMEOUT_MAX_MS)))
          .then(
            () => callback(null, {}),
            (err: Error) => callback({ code: grpc.status.FAILED_PRECONDITION, details: err.message }),
          );
      },
    });
    this.setPeers(options.peers);
  }

  /**
   * The cluster's members changed (the meta state's node list): links open to new members and
   * close to those that left (or moved), and the peer port accepts exactly the members'
   * certificates from now on. A stream already open from a node that left is refused at its next
   * frame.
   */
  setPeers(peers: readonly PeerAddress[]): void {
    const next = new Map(peers.filter((p) => p.id !== this.options.nodeId).map((p) => [p.id, p.address]));
    for (const [id, { address, link }] of this.links) {
      if (next.get(id) === address) continue;
      link.close();
      this.links.delete(id);
    }
    for (const [id, address] of next) {
      if (this.links.has(id)) continue;
      const client = new this.clientConstructor(address, this.options.channelCredentials(id), channelOptions(this.maxFrameBytes)) as unknown as PeerClient;
      this.links.set(id, { address, link: new PeerLink(id, client, () => this.linkBroken(id), this.options.logger) });
    }
    this.members = new Set(next.keys());
  }

  /** The connection to `peer` broke: its process may be gone, or come back as another release. */
  private linkBroken(peer: NodeId): void {
    this.peerReads.delete(peer);
    this.options.onPeerLost(peer, 'the connection to it broke');
  }

  /** Listens on the peer port; returns the port bound (useful with port 0 in tests). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, this.options.serverCredentials, (err, bound) => {
        if (err !== null) return reject(new Error(`cannot listen for peers on ${host}:${port}: ${err.message}`));
        this.port = bound;
        resolve(bound);
      });
    });
  }

  get boundPort(): number {
    return this.port;
  }

  send(to: NodeId, messages: readonly GroupMessage[]): void {
    const link = this.links.get(to)?.link;
    if (link === undefined || !link.writable) return;
    link.write(frameToWire(this.options.nodeId, messages, ((this.peerReads.get(to) ?? 0) & FRAME_READS_COMPACT) !== 0), frameBytes(messages));
  }

  backlogBytes(to: NodeId): number {
    return this.links.get(to)?.link.backlogBytes ?? 0;
  }

  /** Every link's backlog, for herald_peer_backlog_bytes. */
  backlogs(): [NodeId, number][] {
    return [...this.links].map(([id, { link }]) => [id, link.backlogBytes]);
  }

  /** Asks every connected peer for its view of `groups`; peers that do not answer within
   *  `timeoutMs` are left out. */
  async describeReplicas(groups: readonly string[], timeoutMs: number, lookups: Omit<DescribeReplicasRequest, 'groups'> = {}): Promise<ReplicaState[]> {
    const answers = await Promise.all(
      [...this.links.values()].map(
        ({ link }) =>
          new Promise<ReplicaState[]>((resolve) => {
            if (!link.isConnected()) return resolve([]);
            link.client.describeReplicas({ ...lookups, groups: [...groups] }, { deadline: Date.now() + timeoutMs }, (err, res) => resolve(err === null ? res.replicas : []));
          }),
      ),
    );
    return answers.flat();
  }

  /** Asks `peer` to write a transaction marker (raft.proto WriteTxnMarker); rejects unless it
   *  answered that the marker is applied there. */
  writeTxnMarker(peer: NodeId, group: string, marker: MarkerRequest, timeoutMs: number): Promise<void> {
    const link = this.links.get(peer)?.link;
    if (link === undefined || !link.isConnected()) return Promise.reject(new Error(`node ${peer} is not connected`));
    return new Promise((resolve, reject) => {
      link.client.writeTxnMarker({ group, ...marker, timeoutMs }, { deadline: Date.now() + timeoutMs + 1_000 }, (err) => (err === null ? resolve() : reject(err)));
    });
  }

  /** Whether the channel to `peer` is connected now. */
  isConnected(peer: NodeId): boolean {
    return this.links.get(peer)?.link.isConnected() ?? false;
  }

  /** The member a call's certificate names (the peer port's TLS verified it against the
   *  cluster CA), or undefined when it names none. */
  private senderOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>): NodeId | undefined {
    const certificate = call.getAuthContext().sslPeerCertificate;
    const id = certificate === undefined ? undefined : nodeIdFromCertificate(certificate);
    return id !== undefined && this.members.has(id) ? id : undefined;
  }

  /** Streams of frames open from each member, so that one ending while another is open is not
   *  taken for the member being gone. */
  private readonly inboundStreams = new Map<NodeId, number>();
  /** What each member's latest frame said it reads (Frame.reads): frames to it use no more. A
   *  member restarted with an earlier release says 0 in its first frame; until then, and from
   *  the loss of its connection on, nothing is assumed. */
  private readonly peerReads = new Map<NodeId, number>();

  private refuse(reason: PeerRefusal, detail: object): void {
    this.options.onRefused?.(reason);
    this.options.logger.warn({ reason, ...detail }, 'dropped peer traffic');
  }

  /**
   * One peer's stream of frames. The stream's certificate names the member sending it; every
   * frame and every message in it must claim that sender, or it is dropped (and counted): a
   * member cannot speak for another, and nothing else can speak at all (issue #12's forged
   * votes came from a process that only claimed to be a member).
   */
  private serve(call: grpc.ServerReadableStream<WireFrame, object>, callback: grpc.sendUnaryData<object>): void {
    const sender = this.senderOf(call);
    if (sender === undefined) {
      this.refuse(PeerRefusal.NotMember, { peer: call.getPeer() });
      callback({ code: grpc.status.PERMISSION_DENIED, details: 'only members of the cluster may send Raft messages' });
      return;
    }
    call.on('data', (frame: WireFrame) => {
      if (!this.members.has(sender)) {
        this.refuse(PeerRefusal.NotMember, { sender });
        return;
      }
      if (frame.from !== sender) {
        this.refuse(PeerRefusal.WrongSender, { sender, claimed: frame.from });
        return;
      }
      this.peerReads.set(sender, frame.reads ?? 0);
      this.options.onFrame(sender, messagesFromWire(frame, sender, this.options.nodeId, (reason, detail) => this.refuse(reason, { sender, ...detail })));
    });
    this.inboundStreams.set(sender, (this.inboundStreams.get(sender) ?? 0) + 1);
    let ended = false;
    // The sender closed its stream (a clean stop ends its streams first), or vanished mid-stream
    // (killed, or the network cut): it may be gone, unless another stream of its is still open
    // (a reconnection's old stream ending late, or a second connection with a member's
    // certificate, must not make this node think a live peer is down).
    const lost = () => {
      if (ended) return;
      ended = true;
      const open = (this.inboundStreams.get(sender) ?? 1) - 1;
      if (open > 0) {
        this.inboundStreams.set(sender, open);
        return;
      }
      this.inboundStreams.delete(sender);
      this.peerReads.delete(sender);
      this.options.onPeerLost(sender, 'its stream to this node ended');
    };
    call.on('end', () => {
      callback(null, {});
      lost();
    });
    call.on('error', lost);
  }

  /** Closes the links to peers and stops serving: the peers' streams get a second to end,
   *  then are cut (a peer still running never ends its stream by itself). */
  async close(): Promise<void> {
    for (const { link } of this.links.values()) link.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.server.forceShutdown();
  }
}
