// How a producer's batches reach partition leaders: one ProduceStream per node, pipelined with
// correlation ids (proto/herald/v1/produce.proto), routed by the client's Router.

import type * as grpc from '@grpc/grpc-js';
import { HeraldError, fromWireError, type v1 } from '@herald/protocol';
import type { NodeStubs } from './connections.js';
import { isUnreachable, leaderHint, toHeraldError, unreachable } from './errors.js';
import type { Router } from './router.js';
import type { Acks } from './types.js';

/** One produce request, as a PartitionSender hands it over. */
export interface ProduceRequestInput {
  readonly topic: string;
  readonly partition: number;
  readonly acks: Acks;
  readonly batch: Uint8Array;
  /** How long the broker waits for the acknowledgement. */
  readonly timeoutMs: number;
  /** Gives the request up: it rejects at once with the signal's reason (a HeraldError), and a
   *  late answer is ignored. The broker may still store the batch. */
  readonly signal?: AbortSignal;
}

/** A produce request's answer: the batch's first offset (-1 with acks none or an old
 *  duplicate) and whether it was an idempotent retry of a batch already stored. */
export interface ProduceAnswer {
  readonly baseOffset: number;
  readonly recordCount: number;
  readonly duplicate: boolean;
}

/**
 * What a Producer needs of the cluster. The real one (RoutedProduceTransport) talks gRPC; tests
 * substitute fakes. `send` must hand the request to the wire before it returns, so that requests
 * sent one after another to one address stay in that order.
 */
export interface ProduceTransport {
  /** The topic's partition count, once loaded. */
  partitionCount(topic: string): number | undefined;
  /** The topic's max.message.bytes, if the topic sets one (the largest batch its nodes take). */
  maxMessageBytes?(topic: string): number | undefined;
  /** Loads (or reloads) the topic's metadata; rejects with a HeraldError such as TopicNotFound. */
  loadTopic(topic: string): Promise<void>;
  /** Where to send the partition's next batch: its leader if known, else a replica; undefined
   *  until the topic is loaded. */
  route(topic: string, partition: number): string | undefined;
  /** Sends one request; rejects with a HeraldError. */
  send(address: string, request: ProduceRequestInput): Promise<ProduceAnswer>;
  /** A request to the partition failed: update routing. */
  onError(topic: string, partition: number, address: string, err: HeraldError): void;
  /** A request to the partition succeeded at `address`, its leader. */
  onSuccess(topic: string, partition: number, address: string): void;
  /** Asks the cluster (every node that answers soon) who leads the partition now; resolves with
   *  that leader when it is not `address`, else undefined. Called when a request to `address`
   *  goes unanswered for a while: a paused leader answers nothing, and only the others know it
   *  was replaced. */
  leaderElsewhere(topic: string, partition: number, address: string): Promise<{ readonly id: number; readonly address: string } | undefined>;
  close(): Promise<void>;
}

const ACKS: Record<Acks, v1.Acks> = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', quorum: 'ACKS_QUORUM', all: 'ACKS_ALL' };

/** Time a ProduceStream answer may take beyond the broker's own timeout before the client gives
 *  up on the stream (a node that hangs, or a network that drops silently). A leader replaced
 *  meanwhile is noticed sooner (PartitionSender's leader check). */
const ANSWER_GRACE_MS = 2_000;

/** How long a leader check waits for the metadata refresh it starts. */
const LEADER_CHECK_WAIT_MS = 2_000;

/** How long a node that could not be reached is not chosen for a partition whose leader is
 *  unknown (a killed node refuses connections until it restarts). */
const UNREACHABLE_AVOID_MS = 1_000;

/** One ProduceStream to one node: requests in, answers matched by correlation id. */
export class ProduceStream {
  private call: grpc.ClientDuplexStream<v1.ProduceRequest, v1.ProduceStreamResponse__Output> | undefined;
  private readonly pending = new Map<number, { resolve: (a: ProduceAnswer) => void; reject: (e: HeraldError) => void; timer: NodeJS.Timeout }>();
  private nextCorrelationId = 1;

  constructor(private readonly stubs: NodeStubs) {}

  send(request: ProduceRequestInput): Promise<ProduceAnswer> {
    const call = this.open();
    const correlationId = this.nextCorrelationId++;
    return new Promise<ProduceAnswer>((resolve, reject) => {
      const { signal } = request;
      if (signal?.aborted === true) return reject(toHeraldError(signal.reason, this.stubs.address));
      const timer = setTimeout(() => {
        // No answer in time: the stream is not trusted any more; every request on it is
        // answered as unreachable (idempotent producers resend them) and the next opens anew.
        this.fail(call, unreachable(this.stubs.address, `no answer to a produce request within ${request.timeoutMs + ANSWER_GRACE_MS} ms`));
        call.cancel();
      }, request.timeoutMs + ANSWER_GRACE_MS);
      const giveUp = () => {
        if (!this.pending.delete(correlationId)) return;
        clearTimeout(timer);
        reject(toHeraldError(signal!.reason, this.stubs.address));
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      const done = () => signal?.removeEventListener('abort', giveUp);
      this.pending.set(correlationId, {
        resolve: (answer) => {
          done();
          resolve(answer);
        },
        reject: (err) => {
          done();
          reject(err);
        },
        timer,
      });
      call.write({ topic: request.topic, partition: request.partition, acks: ACKS[request.acks], batch: request.batch, timeoutMs: request.timeoutMs, correlationId });
    });
  }

  private open(): grpc.ClientDuplexStream<v1.ProduceRequest, v1.ProduceStreamResponse__Output> {
    if (this.call !== undefined) return this.call;
    const call = this.stubs.produce.produceStream();
    call.on('data', (response: v1.ProduceStreamResponse__Output) => {
      const waiter = this.pending.get(response.correlationId);
      if (waiter === undefined) return; // answered after we gave up on it
      this.pending.delete(response.correlationId);
      clearTimeout(waiter.timer);
      if (response.produced != null) {
        waiter.resolve({ baseOffset: response.produced.baseOffset, recordCount: response.produced.recordCount, duplicate: response.produced.duplicate });
      } else {
        const error = fromWireError({ reason: response.error?.reason, message: response.error?.message ?? 'refused', details: response.error?.details });
        waiter.reject(new HeraldError(error.reason, error.message, { ...error.details, address: this.stubs.address }));
      }
    });
    call.on('error', (err: grpc.ServiceError) => {
      const error = toHeraldError(err, this.stubs.address);
      // A stream that breaks without a reason lost its requests somewhere: the node went away.
      // grpc-js says "No connection established" when the call never got a connection (the node
      // refused it), and "Getting metadata from plugin failed" when the login before the call
      // failed: then no request left, and none can have been stored.
      const sent = !(isUnreachable(error) && /^(No connection established|Getting metadata from plugin failed)/.test(err.details ?? ''));
      this.fail(call, isUnreachable(error) || error.reason === 'Unknown' ? unreachable(this.stubs.address, `produce stream failed (${error.message})`, { sent }) : error);
    });
    call.on('end', () => this.fail(call, unreachable(this.stubs.address, 'the node ended the produce stream')));
    this.call = call;
    return call;
  }

  /** Fails every request waiting on `call` and forgets the stream. */
  private fail(call: grpc.ClientDuplexStream<v1.ProduceRequest, v1.ProduceStreamResponse__Output>, err: HeraldError): void {
    if (this.call !== call) return;
    this.call = undefined;
    const waiters = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }

  /** Ends the stream; requests still waiting fail as unreachable. */
  close(): void {
    const call = this.call;
    if (call === undefined) return;
    this.fail(call, unreachable(this.stubs.address, 'the producer closed'));
    call.end();
  }
}

/** The gRPC ProduceTransport: one ProduceStream per node, routed by the client's Router. */
export class RoutedProduceTransport implements ProduceTransport {
  private readonly streams = new Map<string, ProduceStream>();
  /** Per partition, the replica to try next while its leader is unknown. */
  private readonly nextGuess = new Map<string, string>();
  /** Nodes that could not be reached, until when they are not guessed. */
  private readonly unreachableUntil = new Map<string, number>();

  constructor(private readonly router: Router) {}

  partitionCount(topic: string): number | undefined {
    return this.router.partitionCount(topic);
  }

  async loadTopic(topic: string): Promise<void> {
    await this.router.refreshTopic(topic);
  }

  maxMessageBytes(topic: string): number | undefined {
    const value = Number(this.router.cachedTopic(topic)?.configs['max.message.bytes']);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  }

  /** The known leader; else a guess among the replicas (any of them names the leader in its
   *  NotLeader refusal once one is elected), skipping nodes that just could not be reached. */
  route(topic: string, partition: number): string | undefined {
    if (this.router.partitionCount(topic) === undefined) return undefined;
    const leader = this.router.leaderAddress(topic, partition);
    if (leader !== undefined) return leader;
    const replicas = this.router.replicaAddresses(topic, partition);
    if (replicas.length === 0) return undefined;
    const guess = this.nextGuess.get(`${topic}/${partition}`);
    const start = Math.max(0, guess === undefined ? 0 : replicas.indexOf(guess));
    const now = Date.now();
    for (let i = 0; i < replicas.length; i++) {
      const address = replicas[(start + i) % replicas.length]!;
      if ((this.unreachableUntil.get(address) ?? 0) <= now) return address;
    }
    return replicas[start];
  }

  send(address: string, request: ProduceRequestInput): Promise<ProduceAnswer> {
    let stream = this.streams.get(address);
    if (stream === undefined) {
      stream = new ProduceStream(this.router.connections.get(address));
      this.streams.set(address, stream);
    }
    return stream.send(request);
  }

  onError(topic: string, partition: number, address: string, err: HeraldError): void {
    this.router.onPartitionError(topic, partition, err);
    if (isUnreachable(err)) this.unreachableUntil.set(address, Date.now() + UNREACHABLE_AVOID_MS);
    if (this.router.leaderAddress(topic, partition) === undefined) {
      const key = `${topic}/${partition}`;
      // Guess the replica after the one that failed: it will name the leader, or say there is none yet.
      this.nextGuess.set(key, this.router.nextReplica(topic, partition, address));
      // Learn the new leader in the background meanwhile.
      if (leaderHint(err) === undefined) this.router.refreshTopic(topic).catch(() => {});
    }
  }

  onSuccess(topic: string, partition: number, address: string): void {
    this.unreachableUntil.delete(address);
    this.router.confirmLeader(topic, partition, address);
  }

  async leaderElsewhere(topic: string, partition: number, address: string): Promise<{ readonly id: number; readonly address: string } | undefined> {
    // A refresh that keeps failing retries for the client's callTimeoutMs; the next check asks again.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.router.refreshTopic(topic), new Promise((resolve) => (timer = setTimeout(resolve, LEADER_CHECK_WAIT_MS)))]).finally(() => clearTimeout(timer));
    const leader = this.router.leaderAddress(topic, partition);
    const id = leader === undefined ? undefined : this.router.idOf(leader);
    return leader === undefined || id === undefined || leader === address ? undefined : { id, address: leader };
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) stream.close();
    this.streams.clear();
  }
}
