import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { decodeBatch, invalidArgument, type v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import { recordsFrom } from './consumer.js';
import { toHeraldError } from './errors.js';
import { backoffMs, DEFAULT_RETRY_POLICY, sleep } from './retry.js';
import type { CallOptions, NodeCall, Router } from './router.js';
import type { ConsumedRecord, RecordMetadata } from './types.js';

/** A half message stored by sendHalf(): invisible to readers until committed. `id` names it for
 *  commit() and rollback(), from this producer or any other ("topic/partition/uuid"). */
export interface HalfMessage {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly recordCount: number;
}

/** What a check-back handler answers: the local transaction committed, rolled back, or its
 *  outcome is not known yet (the broker asks again after transaction.check.interval.ms). */
export type CheckAnswer = 'commit' | 'rollback' | 'unknown';

/** A record of a half message, as a check-back shows it (no offset: it has none yet). */
export type HalfRecord = Omit<ConsumedRecord, 'offset'>;

/** A partition's leader asks what became of a half message of this producer group. */
export interface HalfCheck {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly producerGroup: string;
  /** 1 for the first check-back of this half message. */
  readonly checks: number;
  /** When it was stored (the leader's clock, epoch ms). */
  readonly createdMs: number;
  readonly records: readonly HalfRecord[];
}

/** Answers check-backs; an exception counts as 'unknown'. */
export type CheckHandler = (check: HalfCheck) => CheckAnswer | Promise<CheckAnswer>;

/** A half message as `herald txn` lists it (ListHalves). */
export interface HalfDescription {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly producerGroup: string;
  readonly state: 'pending' | 'committed' | 'rolled-back';
  readonly recordCount: number;
  readonly createdMs: number;
  readonly checks: number;
  /** 0 when no check-back was sent. */
  readonly lastCheckMs: number;
  /** Decided only (else 0 and ''): when, and by "producer", "check" or "check-max". */
  readonly decidedMs: number;
  readonly decidedBy: string;
  /** Committed only: the offset of its first record (else -1). */
  readonly baseOffset: number;
}

/** How long a WatchChecks stream that ended waits before it is opened again. */
const WATCH_RECONNECT_MS = 1_000;

/** Splits a half message id ("topic/partition/uuid") into where it lives and its id there. */
export function parseHalfId(id: string): { topic: string; partition: number; halfId: string } {
  const match = typeof id === 'string' ? /^([a-zA-Z0-9._-]{1,249})\/(\d{1,4})\/([a-zA-Z0-9._-]{1,128})$/.exec(id) : null;
  if (match === null) throw invalidArgument('id', `${JSON.stringify(String(id).slice(0, 300))} is not a half message id (topic/partition/id, as sendHalf() returns it)`);
  return { topic: match[1]!, partition: Number(match[2]), halfId: match[3]! };
}

/**
 * The half-message side of a producer (RocketMQ's transactional producer): stores half
 * messages at their partition's leader, decides them, and answers check-backs. Every call is
 * idempotent (a half message is named by its id, and a decision is final), so each is retried
 * until `deliveryTimeoutMs`, whatever the reason it failed with, unless the reason says it can
 * never succeed. With a check handler it holds a WatchChecks stream on every node, since any
 * node may come to lead the partition of one of the group's half messages.
 */
export class HalfMessages {
  private readonly abort = new AbortController();
  private readonly streams = new Set<grpc.ClientReadableStream<v1.HalfCheck__Output>>();
  private watching: Promise<void> | undefined;

  constructor(
    private readonly router: Router,
    private readonly settings: { readonly producerGroup?: string; readonly onCheck?: CheckHandler; readonly requestTimeoutMs: number; readonly deliveryTimeoutMs: number },
  ) {
    const group = settings.producerGroup;
    if (group !== undefined && (typeof group !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(group))) {
      throw invalidArgument('producerGroup', `${JSON.stringify(String(group).slice(0, 300))} is not a valid producer group name (1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-")`);
    }
    if (settings.onCheck !== undefined && typeof settings.onCheck !== 'function') throw invalidArgument('onCheck', 'must be a function answering a HalfCheck');
    if (settings.onCheck !== undefined && group === undefined) throw invalidArgument('producerGroup', 'onCheck answers the check-backs of a producer group: set producerGroup too');
  }

  /** Starts answering check-backs, once (nothing without a handler): learns the cluster's
   *  nodes, retrying until it can or the producer closes, and opens a stream on each. Resolves
   *  once the streams are opened. */
  watch(): Promise<void> {
    if (this.settings.onCheck === undefined) return Promise.resolve();
    this.watching ??= (async () => {
      for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
        try {
          const cluster = await this.router.describeCluster({ timeoutMs: this.settings.deliveryTimeoutMs, signal: this.abort.signal });
          for (const node of cluster.nodes) this.watchNode(node.address);
          return;
        } catch {
          await sleep(backoffMs(attempt, DEFAULT_RETRY_POLICY), this.abort.signal);
        }
      }
    })();
    return this.watching;
  }

  /** Stores an encoded batch as a half message of `partition`. */
  async send(topic: string, partition: number, batch: Uint8Array): Promise<HalfMessage> {
    const producerGroup = this.settings.producerGroup;
    if (producerGroup === undefined) throw invalidArgument('producerGroup', 'a half message belongs to a producer group, asked at check-back: set ProducerOptions.producerGroup');
    const halfId = randomUUID();
    const request = { topic, partition, id: halfId, producerGroup, batch, timeoutMs: this.settings.requestTimeoutMs };
    const response = await this.atLeader(topic, partition, (stubs, deadline) => unaryCall<v1.SendHalfResponse__Output>(stubs.address, (o, cb) => stubs.transactions.sendHalf(request, o, cb), deadline));
    return { id: `${topic}/${partition}/${halfId}`, topic, partition, recordCount: response.recordCount };
  }

  /** Commits a half message: its records become visible; resolves with where the first is. */
  async commit(id: string, answersCheck = false): Promise<RecordMetadata> {
    const response = await this.end(id, 'HALF_DECISION_COMMIT', answersCheck);
    const { topic, partition } = parseHalfId(id);
    return { topic, partition, offset: response.baseOffset };
  }

  /** Rolls a half message back: its records are never visible. */
  async rollback(id: string, answersCheck = false): Promise<void> {
    await this.end(id, 'HALF_DECISION_ROLLBACK', answersCheck);
  }

  /** Stops answering check-backs. */
  close(): void {
    this.abort.abort();
    for (const stream of this.streams) stream.cancel();
    this.streams.clear();
  }

  private end(id: string, decision: 'HALF_DECISION_COMMIT' | 'HALF_DECISION_ROLLBACK', answersCheck: boolean): Promise<v1.EndHalfResponse__Output> {
    const { topic, partition, halfId } = parseHalfId(id);
    const request = { topic, partition, id: halfId, decision, answersCheck, timeoutMs: this.settings.requestTimeoutMs };
    return this.atLeader(topic, partition, (stubs, deadline) => unaryCall<v1.EndHalfResponse__Output>(stubs.address, (o, cb) => stubs.transactions.endHalf(request, o, cb), deadline));
  }

  /** A call at the partition's leader, retried (Router.atLeader) and also after CommitTimedOut:
   *  the calls are idempotent, so an unknown outcome is settled by asking again. */
  private async atLeader<T>(topic: string, partition: number, fn: NodeCall<T>): Promise<T> {
    const deadline = Date.now() + this.settings.deliveryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.router.atLeader(topic, partition, fn, { timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch (err) {
        const refused = toHeraldError(err, 'producer');
        if (refused.reason !== 'CommitTimedOut' || Date.now() >= deadline) throw refused;
        await sleep(backoffMs(attempt, DEFAULT_RETRY_POLICY));
      }
    }
  }

  /** Holds a WatchChecks stream on `address` until closed, opening it again when it ends. */
  private watchNode(address: string): void {
    if (this.abort.signal.aborted) return;
    const stream = this.router.connections.get(address).transactions.watchChecks({ producerGroup: this.settings.producerGroup! });
    this.streams.add(stream);
    stream.on('data', (check: v1.HalfCheck__Output) => void this.answer(check));
    stream.on('error', () => {}); // the stream ends after an error; 'close' reopens it
    stream.on('close', () => {
      this.streams.delete(stream);
      if (!this.abort.signal.aborted) void sleep(WATCH_RECONNECT_MS, this.abort.signal).then(() => this.watchNode(address));
    });
  }

  /** Runs the handler on a check-back and sends its decision (nothing for 'unknown'). */
  private async answer(check: v1.HalfCheck__Output): Promise<void> {
    const id = `${check.topic}/${check.partition}/${check.id}`;
    let answer: CheckAnswer;
    try {
      const records = recordsFrom(check.topic, check.partition, 0, await decodeBatch(check.batch), 0).map(({ offset: _offset, ...record }) => record);
      answer = await this.settings.onCheck!({ id, topic: check.topic, partition: check.partition, producerGroup: check.producerGroup, checks: check.checks, createdMs: check.createdMs, records });
    } catch {
      answer = 'unknown';
    }
    // A decision that fails (it raced another member's, or the leader's final rollback, or the
    // leader could not be reached) changes nothing: the partition's decision stands, and the
    // broker asks again while there is none.
    if (answer === 'commit') await this.commit(id, true).catch(() => {});
    else if (answer === 'rollback') await this.rollback(id, true).catch(() => {});
  }
}

/** The half messages of a topic, pending ones (and with `decided`, remembered decisions), from
 *  every partition's leader (every node is asked; each answers for the partitions it leads). */
export async function listHalves(router: Router, topic: string, decided: boolean, options: CallOptions = {}): Promise<HalfDescription[]> {
  await router.describeCluster(options);
  const answers = await Promise.allSettled(
    router.addresses().map((address) =>
      unaryCall<v1.ListHalvesResponse__Output>(address, (o, cb) => router.connections.get(address).transactions.listHalves({ topic, includeDecided: decided }, o, cb), Date.now() + (options.timeoutMs ?? 10_000), options.signal),
    ),
  );
  const out: HalfDescription[] = [];
  // Each partition as one node answered for it (during a leader change two may claim it).
  const answered = new Set<number>();
  for (const answer of answers) {
    if (answer.status === 'rejected') continue;
    const partitions = answer.value.partitions.filter((p) => !answered.has(p));
    for (const p of partitions) answered.add(p);
    for (const h of answer.value.halves) {
      if (partitions.includes(h.partition)) out.push({ ...h, id: `${topic}/${h.partition}/${h.id}`, topic, state: h.state as HalfDescription['state'] });
    }
  }
  if (answers.every((a) => a.status === 'rejected')) throw toHeraldError((answers[0] as PromiseRejectedResult).reason, topic);
  return out.sort((a, b) => a.partition - b.partition || a.createdMs - b.createdMs);
}
