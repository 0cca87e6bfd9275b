import { concurrentTransactions, HeraldError, invalidArgument, invalidProducerIdMapping, invalidTxnState, noLeader, partitionNotFound, producerFenced, topicNotFound } from '@herald/protocol';
import { assert } from '@herald/raft';
import type { Logger } from 'pino';
import type { OffsetToCommit } from '../consumer-groups/group-state.js';
import { Alarm, delay, type Clock } from '../host/clock.js';
import type { MetaGroup } from '../meta/meta-group.js';
import type { MarkerRequest } from '../partition/partition-leader.js';
import { isPreparing, TxnStatus, type TxnCommand, type TxnPartition, type TxnRecord } from './txn-state.js';

/** Writes a marker through the partition's leader, wherever it is; resolves once applied there. */
export type WriteMarker = (partition: TxnPartition, marker: MarkerRequest, timeoutMs: number) => Promise<void>;

/** Kafka's transaction.max.timeout.ms default: a longer transaction.timeout.ms is refused. */
export const TRANSACTION_TIMEOUT_MAX_MS = 900_000;

/** The largest producer epoch (an int16); past it a transactional id gets a new producer id. */
const EPOCH_MAX = 0x7fff;
const COMMIT_TIMEOUT_MS = 10_000;
const MARKER_TIMEOUT_MS = 5_000;
/** How long InitProducerId and EndTxn wait for a transaction to complete before answering
 *  ConcurrentTransactions, which clients retry. */
const COMPLETE_WAIT_MS = 15_000;
const TICK_MS = 100;

/** A transactional id: what Kafka allows, as topic names are (1 to 249 of [a-zA-Z0-9._-]). */
export function transactionalIdOf(value: string, field = 'transactional_id'): string {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(value)) throw invalidArgument(field, `${JSON.stringify(value.slice(0, 300))} is not 1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-"`);
  return value;
}

/**
 * The transaction coordinator (KIP-98, with KIP-890's verification): runs on the controller, as
 * the group coordinator does, and keeps its state in the meta group (txn-state.ts), one command
 * per change. The end of a transaction is two-phase: TxnPrepare records the decision (final from
 * then on, on every node), the markers are written through each partition's leader (retried
 * through leader changes until each is applied), and TxnComplete applies a commit's group offsets
 * and frees the id. A controller that takes over finishes what its predecessor prepared, and
 * aborts transactions that outlive their timeout with a bumped epoch, which fences their
 * producer (KIP-890). What it keeps besides is the marker writing in flight, started again by
 * its successor.
 */
export class TxnCoordinator {
  private readonly completing = new Map<string, Promise<void>>();
  /** Transactions being aborted for their timeout, by "id#txn". */
  private readonly aborting = new Set<string>();
  /** The next check (tick): TICK_MS apart while a transaction is being ended, at the earliest
   *  timeout of the ongoing ones, else only after a meta change. */
  private readonly alarm: Alarm;
  private readonly unwatch: () => void;
  private closed = false;

  constructor(
    private readonly meta: MetaGroup,
    private readonly writeMarker: WriteMarker,
    private readonly randomProducerId: () => number,
    /** Finalizes the Transactions feature level, or refuses (FeatureDisabled) while a node of
     *  an older release could not read the entries a transaction writes. */
    private readonly requireFeature: () => Promise<void>,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.alarm = new Alarm(clock, () => this.tick());
    // Becoming the (up-to-date) controller and every transaction's change are meta turns.
    this.unwatch = meta.watch(() => this.alarm.at(this.clock.now() + TICK_MS));
    this.alarm.at(clock.now() + TICK_MS);
  }

  close(): void {
    this.closed = true;
    this.alarm.cancel();
    this.unwatch();
  }

  /** Every transactional id and its transaction, as the replicated state has them. */
  describe(): TxnRecord[] {
    return this.meta.state.txns.all();
  }

  /**
   * InitProducerId with a transactional id: a new producer id, or the id's producer id with its
   * epoch bumped, which fences every older instance. A transaction the old instance left open is
   * aborted first (and one being ended is let finish).
   */
  async initProducerId(transactionalId: string, timeoutMs: number): Promise<{ producerId: number; producerEpoch: number }> {
    this.ensureReady();
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > TRANSACTION_TIMEOUT_MAX_MS) {
      throw invalidArgument('transaction_timeout_ms', `must be from 1 to ${TRANSACTION_TIMEOUT_MAX_MS.toLocaleString('en-US')} (got ${timeoutMs})`);
    }
    await this.requireFeature();
    let record = this.meta.state.txns.get(transactionalId);
    if (record?.status === TxnStatus.Ongoing) {
      await this.prepare(record, false, bump(record.producerEpoch));
      record = this.meta.state.txns.get(transactionalId)!;
    }
    if (record !== undefined && isPreparing(record.status)) {
      await this.untilComplete(record);
      record = this.meta.state.txns.get(transactionalId)!;
    }
    const fresh = record === undefined || record.producerEpoch >= EPOCH_MAX;
    const producerId = fresh ? this.randomProducerId() : record!.producerId;
    const producerEpoch = fresh ? 0 : record!.producerEpoch + 1;
    const outcome = await this.propose({ type: 'TxnInit', transactionalId, producerId, producerEpoch, timeoutMs, nowMs: this.clock.now() });
    this.log.info({ transactionalId, producerId, producerEpoch }, 'transactional producer initialized');
    return { producerId: outcome.producerId, producerEpoch: outcome.producerEpoch };
  }

  /** AddPartitionsToTxn: the partitions join the ongoing transaction (one begins if none is). */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TxnPartition[]): Promise<void> {
    const record = this.current(transactionalId, producerId, producerEpoch);
    for (const p of partitions) this.checkPartition(p);
    if (record.status === TxnStatus.Ongoing && partitions.every((p) => record.partitions.some((q) => q.topic === p.topic && q.partition === p.partition))) return;
    await this.propose({ type: 'TxnAdd', transactionalId, producerId, producerEpoch, partitions: [...partitions], groups: [], nowMs: this.clock.now() });
  }

  /** AddOffsetsToTxn: the group's offsets may be sent in the ongoing transaction. */
  async addOffsets(transactionalId: string, producerId: number, producerEpoch: number, group: string): Promise<void> {
    const record = this.current(transactionalId, producerId, producerEpoch);
    if (record.status === TxnStatus.Ongoing && record.groups.some((g) => g.group === group)) return;
    await this.propose({ type: 'TxnAdd', transactionalId, producerId, producerEpoch, partitions: [], groups: [group], nowMs: this.clock.now() });
  }

  /** TxnOffsetCommit: offsets committed with the transaction, applied when it completes. */
  async commitOffsets(transactionalId: string, group: string, producerId: number, producerEpoch: number, offsets: readonly OffsetToCommit[]): Promise<void> {
    this.current(transactionalId, producerId, producerEpoch);
    for (const o of offsets) this.checkPartition(o);
    await this.propose({ type: 'TxnOffsets', transactionalId, producerId, producerEpoch, group, offsets: [...offsets], nowMs: this.clock.now() });
  }

  /**
   * EndTxn: decides the ongoing transaction and answers once its markers are written and it is
   * complete, with the epoch for the producer's next transaction. With `bumpEpoch` (KIP-890
   * part 2: clients that take a new epoch from EndTxn, as the Herald SDK does) the decision is
   * made with the next epoch, so the markers fence every write of this transaction still in
   * flight; without (Kafka clients before EndTxn v5) the epoch stays. A retry of the same
   * decision is answered as the first (also with the epoch it bumped to); the other decision is
   * refused (InvalidTxnState).
   */
  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, bumpEpoch = false): Promise<number> {
    this.ensureReady();
    const record = this.meta.state.txns.get(transactionalId);
    if (record === undefined || record.producerId !== producerId) throw invalidProducerIdMapping(transactionalId, producerId);
    const decided = commit ? [TxnStatus.PrepareCommit, TxnStatus.CompleteCommit] : [TxnStatus.PrepareAbort, TxnStatus.CompleteAbort];
    if (record.status === TxnStatus.Ongoing) {
      if (producerEpoch !== record.producerEpoch) throw producerFenced(producerId, producerEpoch, record.producerEpoch);
      await this.prepare(record, commit, bumpEpoch ? bump(record.producerEpoch) : record.producerEpoch);
      return this.meta.state.txns.get(transactionalId)!.producerEpoch;
    }
    // A retry: the epoch the decision was made with is the producer's, or (bumped) the next.
    const retried = producerEpoch === record.producerEpoch || (bumpEpoch && bump(producerEpoch) === record.producerEpoch);
    if (!retried) throw producerFenced(producerId, producerEpoch, record.producerEpoch);
    if (!(decided as TxnStatus[]).includes(record.status)) {
      throw invalidTxnState(`transactional id ${JSON.stringify(transactionalId)} has no ongoing transaction to ${commit ? 'commit' : 'abort'} (transaction ${record.txn} is ${record.status})`);
    }
    if (isPreparing(record.status)) await this.untilComplete(record);
    return record.producerEpoch;
  }

  // ---------------------------------------------------------------------------------------------

  /** Records the decision, then writes the markers and completes. */
  private async prepare(record: TxnRecord, commit: boolean, producerEpoch: number): Promise<void> {
    try {
      await this.propose({ type: 'TxnPrepare', transactionalId: record.transactionalId, producerId: record.producerId, producerEpoch, txn: record.txn, commit, nowMs: this.clock.now() });
    } catch (err) {
      // Decided the same way meanwhile (a retried EndTxn, or two paths to one abort): wait for it.
      const now = this.meta.state.txns.get(record.transactionalId);
      if (now?.txn !== record.txn || now.status !== (commit ? TxnStatus.PrepareCommit : TxnStatus.PrepareAbort)) throw err;
    }
    this.log.info({ transactionalId: record.transactionalId, txn: record.txn, commit, partitions: record.partitions.length }, 'transaction decided');
    await this.untilComplete(this.meta.state.txns.get(record.transactionalId)!);
  }

  /** Resolves once the prepared transaction `record` is complete; ConcurrentTransactions when
   *  that takes longer than COMPLETE_WAIT_MS (the client retries). */
  private async untilComplete(record: TxnRecord): Promise<void> {
    const done = () => {
      const now = this.meta.state.txns.get(record.transactionalId);
      return now === undefined || now.txn !== record.txn || !isPreparing(now.status);
    };
    void this.complete(record);
    if (!done()) await this.meta.group.waitUntil(done, COMPLETE_WAIT_MS);
    if (!done()) throw concurrentTransactions(record.transactionalId, record.status);
  }

  /** Writes every marker of a prepared transaction, then commits TxnComplete; one run per
   *  transaction at a time, stopped when this node stops being the controller. */
  private complete(record: TxnRecord): Promise<void> {
    const key = `${record.transactionalId}#${record.txn}`;
    let run = this.completing.get(key);
    if (run === undefined) {
      const term = this.meta.group.term();
      const marker = { producerId: record.producerId, producerEpoch: record.producerEpoch, txn: record.txn, commit: record.status === TxnStatus.PrepareCommit };
      run = (async () => {
        await Promise.all(record.partitions.map((p) => this.markPartition(p, marker, term)));
        if (!this.isControllerIn(term)) return;
        await this.propose({ type: 'TxnComplete', transactionalId: record.transactionalId, txn: record.txn, nowMs: this.clock.now() });
        this.log.info({ transactionalId: record.transactionalId, txn: record.txn, commit: marker.commit }, 'transaction completed');
      })()
        .catch((err: unknown) => this.log.debug({ err, transactionalId: record.transactionalId }, 'transaction completion stopped; retried at the next tick'))
        .finally(() => this.completing.delete(key));
      this.completing.set(key, run);
    }
    return run;
  }

  /** Writes one marker, retrying (with a growing pause) until it is applied, the partition is
   *  gone, or this node is no longer the controller of `term`. */
  private async markPartition(partition: TxnPartition, marker: Omit<MarkerRequest, 'timestampMs'>, term: number): Promise<void> {
    for (let attempt = 0; this.isControllerIn(term); attempt++) {
      const topic = this.meta.state.topic(partition.topic);
      if (topic === undefined || partition.partition >= topic.partitions.length) return; // deleted: nothing left to mark
      try {
        await this.writeMarker(partition, { ...marker, timestampMs: this.clock.now() }, MARKER_TIMEOUT_MS);
        return;
      } catch (err) {
        this.log.debug({ err, topic: partition.topic, partition: partition.partition, attempt }, 'transaction marker not written yet; retrying');
        await delay(this.clock, Math.min(500, 20 * 2 ** attempt));
      }
    }
  }

  /**
   * Completes the transactions being ended (again every TICK_MS until done: their markers are
   * retried through leader changes) and aborts those past their timeout, then sleeps until the
   * earliest timeout of the ongoing ones, or until a meta turn wakes it (a new transaction, a
   * new controller). A fixed poll woke an idle node 10 times a second (issue #17).
   */
  private tick(): void {
    if (this.closed || !this.meta.isUpToDateController()) return;
    const now = this.clock.now();
    let nextMs = Number.POSITIVE_INFINITY;
    for (const record of this.meta.state.txns.all()) {
      if (isPreparing(record.status)) nextMs = Math.min(nextMs, now + TICK_MS);
      else if (record.status === TxnStatus.Ongoing) nextMs = Math.min(nextMs, Math.max(record.startedMs + record.timeoutMs + 1, now + TICK_MS));
    }
    this.alarm.at(nextMs);
    for (const record of this.meta.state.txns.all()) {
      if (isPreparing(record.status)) {
        void this.complete(record);
      } else if (record.status === TxnStatus.Ongoing && now - record.startedMs > record.timeoutMs) {
        // Abandoned: aborted with a bumped epoch, so that its producer is fenced (KIP-890).
        const key = `${record.transactionalId}#${record.txn}`;
        if (this.aborting.has(key)) continue;
        this.aborting.add(key);
        this.prepare(record, false, bump(record.producerEpoch))
          .then(() => this.log.info({ transactionalId: record.transactionalId, txn: record.txn, timeoutMs: record.timeoutMs }, 'transaction timed out and was aborted'))
          .catch((err: unknown) => this.log.debug({ err, transactionalId: record.transactionalId }, 'timeout abort not done yet'))
          .finally(() => this.aborting.delete(key));
      }
    }
  }

  /** The transactional id's record, checked for a request of its producer: refused when
   *  another producer id or epoch holds it, or while its last transaction is ending. */
  private current(transactionalId: string, producerId: number, producerEpoch: number): TxnRecord {
    this.ensureReady();
    const record = this.meta.state.txns.get(transactionalId);
    if (record === undefined || record.producerId !== producerId) throw invalidProducerIdMapping(transactionalId, producerId);
    if (producerEpoch !== record.producerEpoch) throw producerFenced(producerId, producerEpoch, record.producerEpoch);
    if (isPreparing(record.status)) {
      void this.complete(record);
      throw concurrentTransactions(transactionalId, record.status);
    }
    return record;
  }

  private checkPartition(p: TxnPartition): void {
    const topic = this.meta.state.topic(p.topic);
    if (topic === undefined) throw topicNotFound(p.topic);
    if (p.partition >= topic.partitions.length) throw partitionNotFound(p.topic, p.partition, topic.partitions.length);
  }

  private isControllerIn(term: number): boolean {
    return !this.closed && this.meta.isController() && this.meta.group.term() === term;
  }

  private ensureReady(): void {
    if (this.closed) throw new HeraldError('ShuttingDown', 'the node is shutting down; retry on another node');
    if (!this.meta.isController()) throw this.meta.notControllerError();
    if (!this.meta.isUpToDateController()) throw noLeader('the controller', 100, 'was just elected and is catching up');
  }

  private async propose(command: TxnCommand): Promise<TxnRecord> {
    const outcome = await this.meta.propose(command, COMMIT_TIMEOUT_MS);
    if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
    assert('record' in outcome, 'a transaction command answers its record');
    return outcome.record;
  }
}

/** The epoch after `epoch`; at the largest, the same (the id gets a new producer id next). */
function bump(epoch: number): number {
  return Math.min(epoch + 1, EPOCH_MAX);
}
