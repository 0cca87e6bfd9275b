import type { OffsetToCommit } from '../consumer-groups/group-state.js';

// The transaction coordinator's replicated state (KIP-98's __transaction_state, kept in the meta
// group as consumer-group offsets are): per transactional id, its producer id and epoch, and its
// current transaction. Every change is a meta command, applied alike on every node, so a new
// controller resumes each transaction where it stood: an ongoing one times out or goes on, a
// decided one (Prepare*) has its markers written and completes.

/** Where a transactional id's transaction stands (Kafka's TransactionState, without Dead). */
export const TxnStatus = {
  /** No transaction since InitProducerId (or since the last one completed). */
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  /** Decided: from here the outcome is fixed; the markers are being written. */
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
} as const;
export type TxnStatus = (typeof TxnStatus)[keyof typeof TxnStatus];

/** A partition as "topic/partition" has it. */
export interface TxnPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A consumer group's offsets sent inside a transaction (TxnOffsetCommit): committed with it. */
export interface TxnGroupOffsets {
  readonly group: string;
  readonly offsets: readonly OffsetToCommit[];
}

/** One transactional id (see the top of this file). */
export interface TxnRecord {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  readonly status: TxnStatus;
  /** The number of the current (or last) transaction, from 1; 0 before the first. */
  readonly txn: number;
  readonly partitions: readonly TxnPartition[];
  /** Groups added with AddOffsetsToTxn, and the offsets sent for them. */
  readonly groups: readonly TxnGroupOffsets[];
  /** When the current transaction began (its first AddPartitions or AddOffsets). */
  readonly startedMs: number;
  readonly updatedMs: number;
}

/** The meta commands of the transaction coordinator. Time enters as the controller's clock
 *  written into them, so that every node applies them alike. */
export type TxnCommand =
  /** InitProducerId: a new producer id or a bumped epoch for the id. Refused while a
   *  transaction is open (the controller aborts it first). */
  | { readonly type: 'TxnInit'; readonly transactionalId: string; readonly producerId: number; readonly producerEpoch: number; readonly timeoutMs: number; readonly nowMs: number }
  /** AddPartitionsToTxn and AddOffsetsToTxn: begins the next transaction when none is ongoing. */
  | {
      readonly type: 'TxnAdd';
      readonly transactionalId: string;
      readonly producerId: number;
      readonly producerEpoch: number;
      readonly partitions: readonly TxnPartition[];
      readonly groups: readonly string[];
      readonly nowMs: number;
    }
  /** TxnOffsetCommit: offsets of a group added to the ongoing transaction. */
  | { readonly type: 'TxnOffsets'; readonly transactionalId: string; readonly producerId: number; readonly producerEpoch: number; readonly group: string; readonly offsets: readonly OffsetToCommit[]; readonly nowMs: number }
  /** EndTxn, or the coordinator's abort (a timeout, a fencing InitProducerId): the decision.
   *  `producerEpoch` is the epoch the decision is made with: the producer's own, or a bumped one
   *  that fences it (an abort by the coordinator, KIP-890). */
  | { readonly type: 'TxnPrepare'; readonly transactionalId: string; readonly producerId: number; readonly producerEpoch: number; readonly txn: number; readonly commit: boolean; readonly nowMs: number }
  /** Every marker is written: the group offsets of a commit are applied; the id is free for its
   *  next transaction. */
  | { readonly type: 'TxnComplete'; readonly transactionalId: string; readonly txn: number; readonly nowMs: number };

/** Why a transaction command was refused at apply (a proposal overtaken by another). */
export type TxnRefusal = 'ProducerFenced' | 'InvalidTxnState' | 'ConcurrentTransactions' | 'InvalidProducerIdMapping';

export type TxnOutcome = { readonly ok: true; readonly record: TxnRecord; readonly offsets?: readonly TxnGroupOffsets[] } | { readonly ok: false; readonly reason: TxnRefusal; readonly message: string };

const TXN_COMMANDS: ReadonlySet<string> = new Set(['TxnInit', 'TxnAdd', 'TxnOffsets', 'TxnPrepare', 'TxnComplete']);

/** Whether a meta command is the transaction coordinator's. */
export function isTxnCommand(command: { readonly type: string }): command is TxnCommand {
  return TXN_COMMANDS.has(command.type);
}

/** Whether the transaction is decided and its markers are being written. */
export function isPreparing(status: TxnStatus): boolean {
  return status === TxnStatus.PrepareCommit || status === TxnStatus.PrepareAbort;
}

/** Whether a new transaction may begin (or InitProducerId may bump the epoch). */
export function isIdle(status: TxnStatus): boolean {
  return status === TxnStatus.Empty || status === TxnStatus.CompleteCommit || status === TxnStatus.CompleteAbort;
}

/** The transactional ids and their transactions, as the meta group replicates them. */
export class TxnCoordinatorState {
  private readonly records = new Map<string, TxnRecord>();
  private readonly byProducerId = new Map<number, string>();

  get(transactionalId: string): TxnRecord | undefined {
    return this.records.get(transactionalId);
  }

  /** The transactional id's record that holds `producerId`. */
  ofProducer(producerId: number): TxnRecord | undefined {
    const id = this.byProducerId.get(producerId);
    return id === undefined ? undefined : this.records.get(id);
  }

  all(): TxnRecord[] {
    return [...this.records.values()].sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1));
  }

  /** Applies a command; a commit's offsets come back in the outcome for the groups to apply. */
  apply(command: TxnCommand): TxnOutcome {
    const current = this.records.get(command.transactionalId);
    if (command.type === 'TxnInit') {
      if (current !== undefined && !isIdle(current.status)) return refuse('ConcurrentTransactions', `transactional id ${JSON.stringify(command.transactionalId)} has transaction ${current.txn} ${current.status}`);
      if (current !== undefined && current.producerId === command.producerId && command.producerEpoch <= current.producerEpoch) {
        return refuse('ProducerFenced', `epoch ${command.producerEpoch} does not follow ${current.producerEpoch}`);
      }
      if (current !== undefined) this.byProducerId.delete(current.producerId);
      return this.set({
        transactionalId: command.transactionalId,
        producerId: command.producerId,
        producerEpoch: command.producerEpoch,
        timeoutMs: command.timeoutMs,
        status: TxnStatus.Empty,
        txn: current?.txn ?? 0,
        partitions: [],
        groups: [],
        startedMs: command.nowMs,
        updatedMs: command.nowMs,
      });
    }
    if (current === undefined) return refuse('InvalidProducerIdMapping', `transactional id ${JSON.stringify(command.transactionalId)} has no producer id; call InitProducerId first`);
    switch (command.type) {
      case 'TxnAdd': {
        const fenced = checkProducer(current, command.producerId, command.producerEpoch);
        if (fenced !== null) return fenced;
        if (isPreparing(current.status)) return refuse('ConcurrentTransactions', `transaction ${current.txn} is ${current.status}`);
        const begins = isIdle(current.status);
        const partitions = begins ? [] : [...current.partitions];
        for (const p of command.partitions) if (!partitions.some((q) => q.topic === p.topic && q.partition === p.partition)) partitions.push(p);
        const groups = begins ? [] : [...current.groups];
        for (const g of command.groups) if (!groups.some((q) => q.group === g)) groups.push({ group: g, offsets: [] });
        return this.set({
          ...current,
          status: TxnStatus.Ongoing,
          txn: begins ? current.txn + 1 : current.txn,
          partitions,
          groups,
          startedMs: begins ? command.nowMs : current.startedMs,
          updatedMs: command.nowMs,
        });
      }
      case 'TxnOffsets': {
        const fenced = checkProducer(current, command.producerId, command.producerEpoch);
        if (fenced !== null) return fenced;
        const index = current.groups.findIndex((g) => g.group === command.group);
        if (current.status !== TxnStatus.Ongoing || index < 0) {
          return refuse('InvalidTxnState', `consumer group ${JSON.stringify(command.group)} is not part of an ongoing transaction of ${JSON.stringify(command.transactionalId)}; AddOffsetsToTxn first`);
        }
        const merged = new Map(current.groups[index]!.offsets.map((o) => [`${o.topic}/${o.partition}`, o]));
        for (const o of command.offsets) merged.set(`${o.topic}/${o.partition}`, o);
        const groups = [...current.groups];
        groups[index] = { group: command.group, offsets: [...merged.values()] };
        return this.set({ ...current, groups, updatedMs: command.nowMs });
      }
      case 'TxnPrepare': {
        if (command.producerId !== current.producerId) return refuse('InvalidProducerIdMapping', `producer id ${command.producerId} is not the one of ${JSON.stringify(command.transactionalId)}`);
        if (command.producerEpoch < current.producerEpoch) return refuse('ProducerFenced', `epoch ${command.producerEpoch} is fenced by ${current.producerEpoch}`);
        if (current.status !== TxnStatus.Ongoing || command.txn !== current.txn) {
          return refuse('InvalidTxnState', `transaction ${command.txn} of ${JSON.stringify(command.transactionalId)} is not ongoing (transaction ${current.txn} is ${current.status})`);
        }
        return this.set({ ...current, producerEpoch: command.producerEpoch, status: command.commit ? TxnStatus.PrepareCommit : TxnStatus.PrepareAbort, updatedMs: command.nowMs });
      }
      case 'TxnComplete': {
        if (!isPreparing(current.status) || command.txn !== current.txn) return refuse('InvalidTxnState', `transaction ${command.txn} of ${JSON.stringify(command.transactionalId)} is not being ended`);
        const commit = current.status === TxnStatus.PrepareCommit;
        const outcome = this.set({ ...current, status: commit ? TxnStatus.CompleteCommit : TxnStatus.CompleteAbort, updatedMs: command.nowMs });
        return commit ? { ...outcome, offsets: current.groups } : outcome;
      }
    }
  }

  toJSON(): TxnRecord[] {
    return this.all();
  }

  static fromJSON(value: readonly TxnRecord[] | undefined): TxnCoordinatorState {
    const state = new TxnCoordinatorState();
    for (const record of value ?? []) state.set(record);
    return state;
  }

  private set(record: TxnRecord): { ok: true; record: TxnRecord } {
    this.records.set(record.transactionalId, record);
    this.byProducerId.set(record.producerId, record.transactionalId);
    return { ok: true, record };
  }
}

function checkProducer(current: TxnRecord, producerId: number, producerEpoch: number): TxnOutcome | null {
  if (producerId !== current.producerId) return refuse('InvalidProducerIdMapping', `producer id ${producerId} is not the one of ${JSON.stringify(current.transactionalId)} (${current.producerId})`);
  if (producerEpoch !== current.producerEpoch) {
    return refuse('ProducerFenced', `producer ${producerId} epoch ${producerEpoch} is fenced by epoch ${current.producerEpoch}; a newer instance of transactional id ${JSON.stringify(current.transactionalId)} took over`);
  }
  return null;
}

function refuse(reason: TxnRefusal, message: string): TxnOutcome {
  return { ok: false, reason, message };
}
