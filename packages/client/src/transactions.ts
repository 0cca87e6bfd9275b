import { encodeBatch, HeraldError, invalidArgument, invalidTxnState, partitionForKey, TIMESTAMP_MS_MAX, type RecordInput, type v1 } from '@herald/protocol';
import { unaryCall } from './connections.js';
import { toHeraldError } from './errors.js';
import { bytesOf, headersOf } from './record-input.js';
import type { NodeCall, Router } from './router.js';
import type { ProducerRecord, RecordMetadata } from './types.js';

/** An offset a transaction commits for a consumer group: the next offset the group reads. */
export interface TransactionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata?: string;
}

/** A transactional id as `herald txn ids` lists it (ListTransactions). */
export interface TransactionDescription {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit or CompleteAbort. */
  readonly status: string;
  /** The number of the current (or last) transaction of the id; 0 before the first. */
  readonly txn: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number }[];
  readonly groups: readonly string[];
  readonly startedMs: number;
  readonly timeoutMs: number;
}

/** The settings of a transactional producer (ProducerOptions.transactionalId and friends). */
export interface TransactionSettings {
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly deliveryTimeoutMs: number;
}

/**
 * The transactional side of a producer (KIP-98, with KIP-890's epoch per transaction): a
 * transactional id whose producer id and epoch the controller's coordinator hands out
 * (InitTransactions fences older instances of the id), and one transaction at a time. Records
 * of a transaction go to each partition's leader in transactional batches, one Produce call per
 * partition per send (acks ALL), after AddToTransaction added the partition; EndTransaction
 * commits or aborts them all, with the group offsets sent, and answers with the epoch of the
 * next transaction.
 */
export class Transactions {
  private producer: { producerId: number; producerEpoch: number } | undefined;
  private current: Transaction | undefined;
  private initializing: Promise<void> | undefined;

  constructor(
    private readonly router: Router,
    readonly settings: TransactionSettings,
  ) {
    if (typeof settings.transactionalId !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(settings.transactionalId)) {
      throw invalidArgument('transactionalId', `${JSON.stringify(String(settings.transactionalId).slice(0, 300))} is not 1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-"`);
    }
    if (!Number.isInteger(settings.transactionTimeoutMs) || settings.transactionTimeoutMs < 1 || settings.transactionTimeoutMs > 900_000) {
      throw invalidArgument('transactionTimeoutMs', `must be an integer from 1 to 900,000 (got ${settings.transactionTimeoutMs})`);
    }
  }

  /** Begins a transaction (initializing the transactional id first, once); one at a time. */
  async begin(): Promise<Transaction> {
    if (this.current !== undefined) throw invalidTxnState(`transactional id ${JSON.stringify(this.settings.transactionalId)} has a transaction open; commit or abort it first`);
    this.initializing ??= this.init();
    try {
      await this.initializing;
    } catch (err) {
      this.initializing = undefined;
      throw err;
    }
    const { producerId, producerEpoch } = this.producer!;
    const txn = new Transaction(this, producerId, producerEpoch);
    this.current = txn;
    return txn;
  }

  /** Every transactional id of the cluster (the controller's view). */
  static async list(router: Router, timeoutMs: number): Promise<TransactionDescription[]> {
    const response = await router.atController((stubs, deadline) => unaryCall<v1.ListTransactionsResponse__Output>(stubs.address, (o, cb) => stubs.transactions.listTransactions({}, o, cb), deadline), { timeoutMs });
    return response.transactions.map((t) => ({
      transactionalId: t.transactionalId,
      producerId: Number(t.producerId),
      producerEpoch: t.producerEpoch,
      status: t.status,
      txn: Number(t.txn),
      partitions: t.partitions.map((p) => ({ topic: p.topic, partition: p.partition })),
      groups: t.groups,
      startedMs: Number(t.startedMs),
      timeoutMs: t.timeoutMs,
    }));
  }

  private async init(): Promise<void> {
    const request = { transactionalId: this.settings.transactionalId, timeoutMs: this.settings.transactionTimeoutMs };
    const response = await this.atController((stubs, deadline) => unaryCall<v1.InitTransactionsResponse__Output>(stubs.address, (o, cb) => stubs.transactions.initTransactions(request, o, cb), deadline));
    this.producer = { producerId: Number(response.producerId), producerEpoch: response.producerEpoch };
  }

  /** @internal Transaction's calls at the coordinator. */
  atController<T>(fn: NodeCall<T>): Promise<T> {
    return this.router.atController(fn, { timeoutMs: this.settings.deliveryTimeoutMs }).catch((err: unknown) => {
      throw toHeraldError(err, 'producer');
    });
  }

  /** @internal The partition count of `topic`, loading it once. */
  async partitionCount(topic: string): Promise<number> {
    return this.router.partitionCount(topic) ?? (await this.router.describeTopic(topic, { timeoutMs: this.settings.deliveryTimeoutMs })).partitions.length;
  }

  /** @internal A transactional batch at the partition's leader. */
  async produce(topic: string, partition: number, batch: Uint8Array): Promise<v1.ProduceResponse__Output> {
    const request = { topic, partition, acks: 'ACKS_ALL' as const, batch, timeoutMs: this.settings.requestTimeoutMs };
    try {
      return await this.router.atLeader(topic, partition, (stubs, deadline) => unaryCall<v1.ProduceResponse__Output>(stubs.address, (o, cb) => stubs.produce.produce(request, o, cb), deadline), {
        timeoutMs: this.settings.deliveryTimeoutMs,
      });
    } catch (err) {
      throw toHeraldError(err, 'producer');
    }
  }

  /** @internal The transaction ended (or failed beyond repair): the next may begin. A fenced
   *  producer forgets its id and epoch; the next begin() initializes again, fencing others. */
  ended(txn: Transaction, nextEpoch: number | undefined): void {
    if (this.current === txn) this.current = undefined;
    if (nextEpoch === undefined) {
      this.producer = undefined;
      this.initializing = undefined;
    } else {
      this.producer = { producerId: txn.producerId, producerEpoch: nextEpoch };
    }
  }
}

/**
 * One transaction: records sent to any partitions and offsets of consumer groups, all committed
 * or all aborted. Readers (read committed, as every Herald reader is) see the records only once
 * commit() resolved, and never after abort().
 */
export class Transaction {
  private readonly added = new Set<string>();
  private readonly groups = new Set<string>();
  /** The next sequence per partition: every transaction has its own epoch, so each starts at 0. */
  private readonly sequences = new Map<string, number>();
  private state: 'open' | 'ending' | 'ended' = 'open';

  constructor(
    private readonly owner: Transactions,
    readonly producerId: number,
    readonly producerEpoch: number,
  ) {}

  /** Sends records to `topic` inside the transaction (partitioned by key as Producer.send is;
   *  keyless records to partition 0 unless one is given); resolves with where each went. */
  async send(topic: string, records: ProducerRecord | readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.checkOpen('send');
    const list = Array.isArray(records) ? (records as readonly ProducerRecord[]) : [records as ProducerRecord];
    if (list.length === 0) throw invalidArgument('records', 'send at least one record');
    const count = await this.owner.partitionCount(topic);
    const byPartition = new Map<number, { index: number; record: RecordInput }[]>();
    list.forEach((r, index) => {
      const key = bytesOf(r.key);
      const partition = r.partition ?? (key === null ? 0 : partitionForKey(key, count));
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) throw invalidArgument('partition', `must be from 0 to ${count - 1} (got ${partition})`);
      const timestampMs = r.timestampMs ?? Date.now();
      if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > TIMESTAMP_MS_MAX) throw invalidArgument('timestampMs', `must be an integer from 0 to 2^52-1 (got ${timestampMs})`);
      const entries = byPartition.get(partition) ?? [];
      entries.push({ index, record: { key, value: bytesOf(r.value), headers: headersOf(r.headers), timestampMs } });
      byPartition.set(partition, entries);
    });
    const fresh = [...byPartition.keys()].filter((p) => !this.added.has(`${topic}/${p}`));
    if (fresh.length > 0) {
      await this.addToTransaction(fresh.map((partition) => ({ topic, partition })), []);
      for (const p of fresh) this.added.add(`${topic}/${p}`);
    }
    const out: RecordMetadata[] = new Array(list.length);
    await Promise.all(
      [...byPartition].map(async ([partition, entries]) => {
        const key = `${topic}/${partition}`;
        const baseSequence = this.sequences.get(key) ?? 0;
        this.sequences.set(key, baseSequence + entries.length);
        const batch = await encodeBatch(
          entries.map((e) => e.record),
          { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence, transactional: true },
        );
        const response = await this.owner.produce(topic, partition, batch).catch((err: unknown) => this.failed(err));
        entries.forEach((e, i) => (out[e.index] = { topic, partition, offset: Number(response.baseOffset) + i }));
      }),
    );
    return out;
  }

  /** Commits `offsets` of consumer group `group` with the transaction (a read-process-write
   *  step's input position: exactly once with its output). */
  async sendOffsets(group: string, offsets: readonly TransactionOffset[]): Promise<void> {
    this.checkOpen('sendOffsets');
    if (!this.groups.has(group)) {
      await this.addToTransaction([], [group]);
      this.groups.add(group);
    }
    const request = { ...this.fields(), group, offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? '' })) };
    await this.call((stubs, deadline) => unaryCall(stubs.address, (o, cb) => stubs.transactions.commitTransactionOffsets(request, o, cb), deadline));
  }

  /** Commits: every record sent becomes readable and the offsets committed, together. */
  commit(): Promise<void> {
    return this.end(true);
  }

  /** Aborts: no record sent is ever readable, no offset committed. */
  abort(): Promise<void> {
    return this.end(false);
  }

  private async end(commit: boolean): Promise<void> {
    this.checkOpen(commit ? 'commit' : 'abort');
    this.state = 'ending';
    if (this.added.size === 0 && this.groups.size === 0) {
      // Nothing was added: there is no transaction at the coordinator to end.
      this.state = 'ended';
      this.owner.ended(this, this.producerEpoch);
      return;
    }
    try {
      const request = { ...this.fields(), commit };
      const response = await this.call((stubs, deadline) => unaryCall<v1.EndTransactionResponse__Output>(stubs.address, (o, cb) => stubs.transactions.endTransaction(request, o, cb), deadline));
      this.state = 'ended';
      this.owner.ended(this, response.producerEpoch);
    } catch (err) {
      const refused = toHeraldError(err, 'producer');
      if (refused.reason === 'ProducerFenced' || refused.reason === 'InvalidProducerIdMapping' || refused.reason === 'InvalidTxnState') {
        this.state = 'ended';
        this.owner.ended(this, undefined);
      } else {
        this.state = 'open'; // the outcome is unknown: commit() or abort() may be called again
      }
      throw refused;
    }
  }

  private addToTransaction(partitions: { topic: string; partition: number }[], groups: string[]): Promise<unknown> {
    const request = { ...this.fields(), partitions, groups };
    return this.call((stubs, deadline) => unaryCall(stubs.address, (o, cb) => stubs.transactions.addToTransaction(request, o, cb), deadline));
  }

  private fields(): { transactionalId: string; producerId: number; producerEpoch: number } {
    return { transactionalId: this.owner.settings.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /** A call at the coordinator; a fenced producer's transaction is over. */
  private call<T>(fn: NodeCall<T>): Promise<T> {
    return this.owner.atController(fn).catch((err: unknown) => this.failed(err));
  }

  /** A fenced producer's transaction is over: the next begin() initializes the id again. */
  private failed(err: unknown): never {
    const refused = err instanceof HeraldError ? err : toHeraldError(err, 'producer');
    if (refused.reason === 'ProducerFenced' || refused.reason === 'InvalidProducerIdMapping') {
      this.state = 'ended';
      this.owner.ended(this, undefined);
    }
    throw refused;
  }

  private checkOpen(what: string): void {
    if (this.state !== 'open') throw invalidTxnState(`${what}: the transaction is ${this.state === 'ending' ? 'ending' : 'over'}; begin another with producer.transaction()`);
  }
}
