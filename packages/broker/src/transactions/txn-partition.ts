import { invalidTxnState, producerFenced, type HeraldError } from '@herald/protocol';
import { z } from 'zod';

// A partition's share of the transactions across partitions (KIP-98): which producers have a
// transaction open here, from which offset, and which offset ranges were aborted. Replicated
// (every change is an entry of the partition's Raft log) and carried in partition snapshots.
// A partition that no transaction ever touched holds none of this (PartitionState.txns is
// null), so its batches and fetches do no extra work.

/** A transaction's begin on a partition: written by the partition's leader before the first
 *  transactional batch of the transaction, once the coordinator's state (the meta group) shows
 *  the partition added to the producer's ongoing transaction (KIP-890 part 1's verification). */
export interface TxnBeginCommand {
  readonly type: 'TxnBegin';
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The transaction's number for its transactional id (1, 2, …), from the coordinator. */
  readonly txn: number;
}

/** What a transaction marker entry says besides its control batch (store-format.ts). */
export interface TxnMarkerMeta {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly txn: number;
  readonly commit: boolean;
}

const id = z.number().int().nonnegative();
const epoch = z.number().int().min(0).max(0x7fff);

/** The JSON of a committed marker entry. */
export const txnMarkerMetaSchema = z.object({ producerId: id, producerEpoch: epoch, txn: z.number().int().positive(), commit: z.boolean() }).readonly();

/** The schema of TxnBegin, for partition-commands.ts. */
export const txnBeginSchema = z.object({ type: z.literal('TxnBegin'), producerId: id, producerEpoch: epoch, txn: z.number().int().positive() }).readonly();

/** A producer's open transaction on this partition. */
export interface OpenTxn {
  readonly producerEpoch: number;
  readonly txn: number;
  /** The offset of its first batch here; -1 until it wrote one. */
  firstOffset: number;
}

/** The offsets of an aborted transaction on this partition, its marker's included: read
 *  committed readers skip them (Kafka's FetchResponse aborted_transactions). */
export interface AbortedRange {
  readonly producerId: number;
  readonly firstOffset: number;
  /** The abort marker's offset. */
  readonly lastOffset: number;
}

/** What applying a TxnBegin did: opened, already open (a repeat), or refused. */
export type TxnBeginOutcome = { readonly kind: 'begun' | 'duplicate' } | { readonly kind: 'rejected'; readonly error: HeraldError };

/** The JSON form of a partition's transactions, in partition snapshots. */
export interface TxnJson {
  open: [number, OpenTxn][];
  ended: [number, number][];
  epochs: [number, number][];
  aborted: AbortedRange[];
}

/** The transactions of one partition (see the top of this file). */
export class TxnPartitionState {
  private readonly open = new Map<number, OpenTxn>();
  /** Per producer id: the number of the last transaction whose marker this partition holds. */
  private readonly ended = new Map<number, number>();
  /** Per producer id: the newest epoch a begin or a marker carried; older ones are fenced. */
  private readonly epochs = new Map<number, number>();
  /** Ordered by offset (markers are applied in offset order). */
  private aborted: AbortedRange[] = [];

  /** Whether `producerId` has a transaction open here at `producerEpoch`. */
  isOpen(producerId: number, producerEpoch: number): boolean {
    return this.open.get(producerId)?.producerEpoch === producerEpoch;
  }

  /** Opens a transaction unless it ended here already or its epoch is fenced. */
  begin(command: TxnBeginCommand, where: string): TxnBeginOutcome {
    const current = this.open.get(command.producerId);
    if (current !== undefined) {
      if (current.txn === command.txn && current.producerEpoch === command.producerEpoch) return { kind: 'duplicate' };
      return { kind: 'rejected', error: invalidTxnState(`producer ${command.producerId} has transaction ${current.txn} open on ${where}; transaction ${command.txn} cannot begin before it ends`) };
    }
    const newest = this.epochs.get(command.producerId) ?? -1;
    if (command.producerEpoch < newest) return { kind: 'rejected', error: producerFenced(command.producerId, command.producerEpoch, newest) };
    if ((this.ended.get(command.producerId) ?? 0) >= command.txn) {
      return { kind: 'rejected', error: invalidTxnState(`transaction ${command.txn} of producer ${command.producerId} already ended on ${where}; a write delayed past its transaction's end is refused`) };
    }
    this.open.set(command.producerId, { producerEpoch: command.producerEpoch, txn: command.txn, firstOffset: -1 });
    this.epochs.set(command.producerId, command.producerEpoch);
    return { kind: 'begun' };
  }

  /** Why a transactional batch may not be appended (null: it may). */
  refusal(producerId: number, producerEpoch: number, where: string): HeraldError | null {
    const current = this.open.get(producerId);
    if (current?.producerEpoch === producerEpoch) return null;
    const newest = Math.max(this.epochs.get(producerId) ?? -1, current?.producerEpoch ?? -1);
    if (producerEpoch < newest) return producerFenced(producerId, producerEpoch, newest);
    return invalidTxnState(`producer ${producerId} epoch ${producerEpoch} has no ongoing transaction on ${where}; add the partition to the transaction first (AddPartitionsToTxn)`);
  }

  /** A transactional batch was appended at `baseOffset`. */
  appended(producerId: number, baseOffset: number): void {
    const current = this.open.get(producerId)!;
    if (current.firstOffset < 0) current.firstOffset = baseOffset;
  }

  /** Applies a marker at `offset`: the producer's transaction ends here (committed: its records
   *  become readable; aborted: their range is recorded for readers to skip). */
  end(marker: TxnMarkerMeta, offset: number): void {
    this.ended.set(marker.producerId, Math.max(this.ended.get(marker.producerId) ?? 0, marker.txn));
    this.epochs.set(marker.producerId, Math.max(this.epochs.get(marker.producerId) ?? -1, marker.producerEpoch));
    const current = this.open.get(marker.producerId);
    if (current === undefined || current.txn > marker.txn) return;
    this.open.delete(marker.producerId);
    if (!marker.commit && current.firstOffset >= 0) this.aborted.push({ producerId: marker.producerId, firstOffset: current.firstOffset, lastOffset: offset });
  }

  /** Whether the marker for transaction `txn` of `producerId` is applied here. */
  hasEnded(producerId: number, txn: number): boolean {
    return (this.ended.get(producerId) ?? 0) >= txn;
  }

  /** The last stable offset: the first offset of the oldest open transaction that wrote here,
   *  else `highWatermark`. Read-committed readers stop there. */
  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const t of this.open.values()) if (t.firstOffset >= 0 && t.firstOffset < lso) lso = t.firstOffset;
    return lso;
  }

  /** The aborted ranges that overlap [from, to). */
  abortedIn(from: number, to: number): AbortedRange[] {
    return this.aborted.filter((r) => r.lastOffset >= from && r.firstOffset < to);
  }

  /** Whether any aborted range ends at or after `offset` (a fetch from there may meet one). */
  hasAbortedFrom(offset: number): boolean {
    const last = this.aborted[this.aborted.length - 1];
    return last !== undefined && last.lastOffset >= offset;
  }

  /** Forgets aborted ranges wholly below the log start. */
  trimmed(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0]!.lastOffset < logStartOffset) this.aborted = this.aborted.filter((r) => r.lastOffset >= logStartOffset);
  }

  /** The open transactions, for `herald txn` and metrics. */
  openTransactions(): { producerId: number; producerEpoch: number; txn: number; firstOffset: number }[] {
    return [...this.open].map(([producerId, t]) => ({ producerId, ...t }));
  }

  clone(): TxnPartitionState {
    return TxnPartitionState.fromJSON(this.toJSON());
  }

  toJSON(): TxnJson {
    return { open: [...this.open].map(([k, v]) => [k, { ...v }]), ended: [...this.ended], epochs: [...this.epochs], aborted: [...this.aborted] };
  }

  static fromJSON(value: TxnJson): TxnPartitionState {
    const state = new TxnPartitionState();
    for (const [k, v] of value.open) state.open.set(k, { ...v });
    for (const [k, v] of value.ended) state.ended.set(k, v);
    for (const [k, v] of value.epochs) state.epochs.set(k, v);
    state.aborted = [...value.aborted];
    return state;
  }
}
