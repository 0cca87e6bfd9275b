// How a producer's batches reach partition leaders: one ProduceStream per node, pipelined with
// correlation ids (proto/herald/v1/produce.proto), routed by the client's Router.

import type * as grpc from '@grpc/grpc-js';
import { HeraldError, fromWireError, type v1 } from '@herald/protocol';
import type { NodeStubs } from './connections.js';
import { isUnreachable, toHeraldError, unreachable } from './errors.js';
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
  close(): Promise<void>;
}

const ACKS: Record<Acks, v1.Acks> = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', quorum: 'ACKS_QUORUM', all: 'ACKS_ALL' };

/** Time a ProduceStream answer may take beyond the broker's own timeout before the client gives
 *  up on the stream (a node that hangs, or a network that drops silently). */
const ANSWER_GRACE_MS = 5_000;

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
      const timer = setTimeout(() => {
        // No answer in time: the stream is not trusted any more; every request on it is
        // answered as unreachable (idempotent producers resend them) and the next opens anew.
        this.fail(call, unreachable(this.stubs.address, `no answer to a produce request within ${request.timeoutMs + ANSWER_GRACE_MS} ms`));
        call.cancel();
      }, request.timeoutMs + ANSWER_GRACE_MS);
      this.pending.set(correlationId, { resolve, reject, timer });
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
      this.fail(call, isUnreachable(error) || error.reason === 'Unknown' ? unreachable(this.stubs.address, `produce stream failed (${error.message})`) : error);
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
  /** Per partition, how many times routing had to move on; picks the next replica to try. */
  private readonly moves = new Map<string, number>();

  constructor(private readonly router: Router) {}

  partitionCount(topic: string): number | undefined {
    return this.router.partitionCount(topic);
  }

  async loadTopic(topic: string): Promise<void> {
    await this.router.refreshTopic(topic);
  }

  route(topic: string, partition: number): string | undefined {
    if (this.router.partitionCount(topic) === undefined) return undefined;
    const leader = this.router.leaderAddress(topic, partition);
    if (leader !== undefined) return leader;
    const replicas = this.router.replicaAddresses(topic, partition);
    if (replicas.length === 0) return undefined;
    return replicas[(this.moves.get(`${topic}/${partition}`) ?? 0) % replicas.length];
  }

  send(address: string, request: ProduceRequestInput): Promise<ProduceAnswer> {
    let stream = this.streams.get(address);
    if (stream === undefined) {
      stream = new ProduceStream(this.router.connections.get(address));
      this.streams.set(address, stream);
    }
    return stream.send(request);
  }

  onError(topic: string, partition: number, _address: string, err: HeraldError): void {
    this.router.onPartitionError(topic, partition, err);
    if (this.router.leaderAddress(topic, partition) === undefined) {
      const key = `${topic}/${partition}`;
      this.moves.set(key, (this.moves.get(key) ?? 0) + 1);
      // Learn the new leader in the background; the sender backs off meanwhile.
      this.router.refreshTopic(topic).catch(() => {});
    }
  }

  onSuccess(topic: string, partition: number, address: string): void {
    this.router.confirmLeader(topic, partition, address);
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) stream.close();
    this.streams.clear();
  }
}
