import { halfAlreadyDecided, halfNotFound, type HeraldError } from '@herald/protocol';
import { z } from 'zod';

/** Who decided a half message: its producer (EndHalf), a producer answering a check-back
 *  (EndHalf with answers_check), or the leader after transaction.check.max check-backs. */
export const DecidedBy = { Producer: 'producer', Check: 'check', CheckMax: 'check-max' } as const;
export type DecidedBy = (typeof DecidedBy)[keyof typeof DecidedBy];

/** The JSON of a half message entry (store-format.ts EntryKind.HalfMessage). */
export interface HalfMeta {
  readonly id: string;
  readonly producerGroup: string;
  /** The leader's clock when it proposed the entry: check-backs count from here. */
  readonly nowMs: number;
}

export const halfMetaSchema = z.object({ id: z.string().min(1), producerGroup: z.string().min(1), nowMs: z.number().int() }).readonly();

/** The partition commands of half messages (partition-commands.ts). Time enters only as the
 *  leader's clock written into the command, so every replica decides alike. */
export type HalfCommand =
  /** Check-backs were sent for these half messages: each counts one more check. */
  | { readonly type: 'HalfCheck'; readonly ids: readonly string[]; readonly nowMs: number }
  /** Commits (its records get the partition's next offsets) or rolls back a half message. */
  | { readonly type: 'HalfEnd'; readonly id: string; readonly commit: boolean; readonly by: DecidedBy; readonly nowMs: number };

/** The batch facts a half message keeps until it is decided. */
export interface HalfBatch {
  readonly recordCount: number;
  readonly maxTimestampMs: number;
  /** The batch's bytes (retention.bytes counts them once committed). */
  readonly bytes: number;
}

/** An undecided half message. */
export interface PendingHalf extends HalfBatch {
  readonly id: string;
  readonly producerGroup: string;
  /** The raft entry holding the half message (its batch is served from there once committed). */
  readonly raftIndex: number;
  readonly createdMs: number;
  checks: number;
  /** 0 until the first check-back. */
  lastCheckMs: number;
}

/** A decision the partition remembers (the last DECISIONS_REMEMBERED). */
export interface DecidedHalf {
  readonly id: string;
  readonly producerGroup: string;
  readonly committed: boolean;
  readonly by: DecidedBy;
  readonly decidedMs: number;
  readonly createdMs: number;
  readonly checks: number;
  /** A commit's first offset; -1 for a rollback. */
  readonly baseOffset: number;
  readonly recordCount: number;
}

/** What applying a half message entry or command did. */
export type HalfOutcome =
  | { readonly kind: 'prepared'; readonly recordCount: number; readonly duplicate: boolean }
  | { readonly kind: 'checked' }
  /** A commit that made records visible (raftIndex: where the batch is) or, duplicate, one
   *  answered from the remembered decision. */
  | { readonly kind: 'committed'; readonly baseOffset: number; readonly recordCount: number; readonly duplicate: boolean; readonly batch?: HalfBatch & { readonly raftIndex: number } }
  | { readonly kind: 'rolled-back'; readonly duplicate: boolean }
  | { readonly kind: 'refused'; readonly error: HeraldError };

/** Decisions remembered per partition, so that a late commit after a rollback (or the reverse)
 *  is refused with the reason rather than "not found". */
export const DECISIONS_REMEMBERED = 10_000;

/**
 * The half messages of one partition, part of its replicated state (PartitionState): the
 * undecided ones, and the last decisions. A half message holds no offsets: it is invisible to
 * every reader until a commit gives its records the partition's next offsets (RocketMQ writes a
 * committed half message to its topic at commit time too). Changed only by entries of the
 * partition's raft log, so a decision survives failover and every replica agrees.
 */
export class HalfState {
  private readonly pendingById = new Map<string, PendingHalf>();
  /** In decision order, oldest first. */
  private readonly decidedById = new Map<string, DecidedHalf>();

  get pending(): ReadonlyMap<string, PendingHalf> {
    return this.pendingById;
  }

  get decided(): ReadonlyMap<string, DecidedHalf> {
    return this.decidedById;
  }

  /** The lowest raft index an undecided half message occupies: the raft log is kept from
   *  there (its batch is still needed). */
  lowestRaftIndex(): number | undefined {
    let lowest: number | undefined;
    for (const p of this.pendingById.values()) if (lowest === undefined || p.raftIndex < lowest) lowest = p.raftIndex;
    return lowest;
  }

  /** Stores a half message; a second one of the same id (a retry) is a duplicate. */
  prepare(meta: HalfMeta, batch: HalfBatch, raftIndex: number): HalfOutcome {
    const known = this.pendingById.get(meta.id) ?? this.decidedById.get(meta.id);
    if (known !== undefined) return { kind: 'prepared', recordCount: known.recordCount, duplicate: true };
    this.pendingById.set(meta.id, { ...batch, id: meta.id, producerGroup: meta.producerGroup, raftIndex, createdMs: meta.nowMs, checks: 0, lastCheckMs: 0 });
    return { kind: 'prepared', recordCount: batch.recordCount, duplicate: false };
  }

  /** Decides a half message's end without changing anything: refused, answered from a
   *  remembered decision, or to be applied (undefined). `what` names the partition. */
  decideEnd(id: string, commit: boolean, what: string): HalfOutcome | undefined {
    if (this.pendingById.has(id)) return undefined;
    const decided = this.decidedById.get(id);
    if (decided === undefined) return { kind: 'refused', error: halfNotFound(what, id) };
    if (decided.committed !== commit) {
      return { kind: 'refused', error: halfAlreadyDecided(what, id, decided.committed ? 'committed' : 'rolled back', decided.by, decided.decidedMs) };
    }
    return decided.committed ? { kind: 'committed', baseOffset: decided.baseOffset, recordCount: decided.recordCount, duplicate: true } : { kind: 'rolled-back', duplicate: true };
  }

  /** Applies a HalfEnd: `nextOffset` is the offset a commit's first record gets. */
  end(command: Extract<HalfCommand, { type: 'HalfEnd' }>, nextOffset: number, what: string): HalfOutcome {
    const answered = this.decideEnd(command.id, command.commit, what);
    if (answered !== undefined) return answered;
    const half = this.pendingById.get(command.id)!;
    this.pendingById.delete(command.id);
    this.decidedById.set(command.id, {
      id: half.id,
      producerGroup: half.producerGroup,
      committed: command.commit,
      by: command.by,
      decidedMs: command.nowMs,
      createdMs: half.createdMs,
      checks: half.checks,
      baseOffset: command.commit ? nextOffset : -1,
      recordCount: half.recordCount,
    });
    if (this.decidedById.size > DECISIONS_REMEMBERED) this.decidedById.delete(this.decidedById.keys().next().value!);
    if (!command.commit) return { kind: 'rolled-back', duplicate: false };
    const { recordCount, maxTimestampMs, bytes, raftIndex } = half;
    return { kind: 'committed', baseOffset: nextOffset, recordCount, duplicate: false, batch: { recordCount, maxTimestampMs, bytes, raftIndex } };
  }

  /** Applies a HalfCheck: each undecided half message named counts one more check. */
  check(command: Extract<HalfCommand, { type: 'HalfCheck' }>): HalfOutcome {
    for (const id of command.ids) {
      const half = this.pendingById.get(id);
      if (half === undefined) continue; // decided meanwhile
      half.checks++;
      half.lastCheckMs = command.nowMs;
    }
    return { kind: 'checked' };
  }

  clone(): HalfState {
    const copy = new HalfState();
    for (const [id, p] of this.pendingById) copy.pendingById.set(id, { ...p });
    for (const [id, d] of this.decidedById) copy.decidedById.set(id, d);
    return copy;
  }

  /** A compact JSON form, for partition snapshots. */
  toJSON(): { pending: PendingHalf[]; decided: DecidedHalf[] } {
    return { pending: [...this.pendingById.values()], decided: [...this.decidedById.values()] };
  }

  static fromJSON(value: ReturnType<HalfState['toJSON']> | undefined): HalfState {
    const state = new HalfState();
    for (const p of value?.pending ?? []) state.pendingById.set(p.id, { ...p });
    for (const d of value?.decided ?? []) state.decidedById.set(d.id, d);
    return state;
  }
}
