import { HeraldError, type BatchRecord, type RecordHeader } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../host/clock.js';
import { keyText, type DecodedBatch } from '../partition/partition-log.js';
import { isDue, type QueueCommand, type QueueOutcome, type QueueStart, type Receipt, type SubscriptionState } from './queue-state.js';

/** One subscription on one partition, as DescribeSubscriptions reports it. */
export interface SubscriptionSummary {
  readonly name: string;
  readonly orderedByKey: boolean;
  /** Every offset below is settled. */
  readonly ackFloor: number;
  readonly highWatermark: number;
  /** Records at or above the floor not settled yet (never delivered, leased or available). */
  readonly unacked: number;
  /** Records leased now. */
  readonly leased: number;
  readonly acked: number;
  readonly redelivered: number;
  readonly deadLettered: number;
  /** Members holding a lease now. */
  readonly members: readonly string[];
}

/** The header that holds a record back from queue subscriptions until a time (epoch ms). */
export const DELIVER_AT_HEADER = 'herald-deliver-at';

/** A record leased to a member. */
export interface LeasedRecord {
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  readonly deliveryCount: number;
  readonly ackDeadlineMs: number;
}

/** A record on its way to the dead-letter topic. */
export interface DeadLetter {
  readonly record: BatchRecord;
  readonly offset: number;
  readonly deliveries: number;
  readonly reason: 'max-deliveries' | 'rejected';
}

export interface QueueSettings {
  /** After this many deliveries a record goes to the dead-letter topic; 0: no limit. */
  readonly maxDeliveries: number;
  /** Writes dead letters of a subscription to the dead-letter topic (acks QUORUM); resolves
   *  false when there is no dead-letter topic (the records are dropped, RabbitMQ's rule). */
  readonly deadLetter: (subscription: string, letters: readonly DeadLetter[]) => Promise<boolean>;
  readonly logger: Logger;
}

/** What the queue leader needs of its partition: the log's bounds and replicated queue state,
 *  decoded batches, and proposing queue commands through the partition's Raft log. */
export interface QueueLog {
  /** The partition, e.g. "jobs/2", for messages. */
  readonly name: string;
  readonly clock: Clock;
  /** The end of what subscriptions read: the last stable offset (read committed, KIP-98), which
   *  is the high watermark while no transaction is open. */
  highWatermark(): number;
  logStartOffset(): number;
  /** The replicated state of the partition's subscriptions (read only here). */
  subscriptions(): ReadonlyMap<string, SubscriptionState>;
  decodedBatchAt(offset: number): Promise<DecodedBatch | undefined>;
  /** Proposes a queue command and resolves with its outcome once applied. */
  propose(command: QueueCommand, timeoutMs: number, what: string): Promise<QueueOutcome>;
  /** Resolves once this replica leads and has applied its own term (RaftGroup). */
  untilCurrentLeader(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  waitForApply(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

export interface ReceiveOptions {
  readonly subscription: string;
  readonly member: string;
  readonly maxRecords: number;
  readonly ackTimeoutMs: number;
  readonly maxWaitMs: number;
  readonly start: QueueStart;
  readonly orderedByKey: boolean;
  readonly signal?: AbortSignal;
}

/** What a scan of the window needs of a record that is not settled. */
interface Pending {
  /** The key as latin1 text (any bytes, one char each), for per-key ordering; null: no key. */
  readonly key: string | null;
  readonly deliverAtMs: number;
}

/** A Receive waiting at the leader for records of a subscription (see QueueLeader.deal). */
interface WaitingReceive {
  readonly member: string;
  /** The most records it takes. */
  readonly max: number;
  /** The offsets dealt to it (marked as being proposed), once dealt. */
  offsets: number[] | null;
  /** Wakes it from its wait for an apply, once dealt. */
  wake: () => void;
}

/** The leader's working view of one subscription: derived from the log and the replicated
 *  state, rebuilt from the floor by a new leader. */
class SubscriptionView {
  /** Offsets in [floor, scanned) not known to be settled, ascending. */
  readonly pending = new Map<number, Pending>();
  scanned: number;
  /** Offsets of leases proposed but not applied yet: not offered again meanwhile. */
  readonly proposing = new Set<number>();
  deadLettering = false;
  /** Receives waiting for records, in the order they came. */
  readonly waiting = new Set<WaitingReceive>();
  /** Members in the order they were last dealt records, least recently first (at most
   *  MEMBERS_REMEMBERED; one forgotten counts as never dealt, so it comes first). */
  readonly dealtTo = new Set<string>();
  /** The deal under way, and whether a receive asked for another one meanwhile. */
  dealing: Promise<number> | null = null;
  dealAgain = false;
  private extending: Promise<void> | null = null;

  constructor(floor: number) {
    this.scanned = floor;
  }

  /** Decodes the next batches after `scanned` (up to about `records` records) into pending. */
  extend(log: QueueLog, records: number): Promise<void> {
    this.extending ??= (async () => {
      try {
        let added = 0;
        while (added < records && this.scanned < log.highWatermark() && this.pending.size < PENDING_MAX) {
          const batch = await log.decodedBatchAt(this.scanned);
          if (batch === undefined) {
            // Below the log start (retention removed it): go on from what is stored.
            if (this.scanned >= log.logStartOffset()) break;
            this.scanned = log.logStartOffset();
            continue;
          }
          for (const record of batch.records) {
            const offset = batch.baseOffset + record.offsetDelta;
            if (offset < this.scanned) continue;
            this.pending.set(offset, { key: record.key === null ? null : keyText(record.key), deliverAtMs: deliverAt(record) });
            added++;
          }
          this.scanned = batch.end;
        }
      } finally {
        this.extending = null;
      }
    })();
    return this.extending;
  }
}

/** At most this many unsettled records in a leader's view of one subscription: a window this
 *  wide (e.g. of records delayed for days) stops the scan from going further. */
const PENDING_MAX = 100_000;
const COMMAND_TIMEOUT_MS = 10_000;
/** Members a view remembers the dealing order of (a bound on members that come and go). */
const MEMBERS_REMEMBERED = 1_000;

/**
 * The partition leader's side of queue subscriptions: picks what to lease (never-delivered
 * records due now, expired leases, nacked records past their delay; one per key when ordered),
 * proposes leases, acks, nacks and extends as commands of the partition log and answers once
 * they are applied, and sends records past max.deliveries (or rejected) to the dead-letter topic.
 * Nothing here is replicated state: a new leader rebuilds it from the floor.
 *
 * Records are dealt, not grabbed (see deal): every Receive waiting on a subscription is dealt a
 * share of what is available, one record at a time in turn, starting with the member dealt to
 * least recently, up to what each asked for, as RabbitMQ hands a queue's messages round robin
 * to its consumers with room in their prefetch window. The share does not depend on which
 * waiting Receive happens to wake first after an apply, nor on when a member's next Receive
 * arrives: a member whose Receive comes back while the others wait is not dealt before them.
 */
export class QueueLeader {
  private views = new Map<string, SubscriptionView>();

  constructor(
    private readonly log: QueueLog,
    private readonly settings: QueueSettings,
  ) {}

  /** Leadership moved or the state was replaced: the views are rebuilt from the floor. */
  reset(): void {
    this.views = new Map();
  }

  async receive(o: ReceiveOptions): Promise<LeasedRecord[]> {
    const deadline = this.log.clock.now() + o.maxWaitMs;
    for (;;) {
      await this.log.untilCurrentLeader(COMMAND_TIMEOUT_MS, o.signal);
      if (this.subscription(o.subscription) === undefined) {
        // Created by an empty lease, so its start is fixed now, not at its first record.
        const now = this.log.clock.now();
        const start = o.start === 'earliest' ? this.log.logStartOffset() : this.log.highWatermark();
        await this.propose({ type: 'QueueLease', sub: o.subscription, start, orderedByKey: o.orderedByKey, nowMs: now, untilMs: now + o.ackTimeoutMs, member: o.member, offsets: [] });
        continue;
      }
      const dealt = await this.waitForDeal(o, deadline);
      if (dealt === 'done') return [];
      if (dealt === 'again') continue;
      if (o.signal?.aborted === true) {
        // Dealt as the caller went away: what it was dealt goes to the others.
        for (const offset of dealt.offsets) dealt.view.proposing.delete(offset);
        void this.deal(o.subscription, dealt.view).catch(() => {});
        return [];
      }
      // Due when dealt, so due now too: what is due stays due until a lease is applied.
      const now = this.log.clock.now();
      const untilMs = now + o.ackTimeoutMs;
      let outcome: QueueOutcome;
      try {
        outcome = await this.propose({ type: 'QueueLease', sub: o.subscription, start: 0, orderedByKey: o.orderedByKey, nowMs: now, untilMs, member: o.member, offsets: dealt.offsets });
      } finally {
        for (const offset of dealt.offsets) dealt.view.proposing.delete(offset);
      }
      if (outcome.applied.length > 0) return this.materialize(outcome.applied, untilMs);
    }
  }

  /**
   * Waits among the subscription's waiting Receives until deal() gives this one offsets (marked
   * as being proposed; the caller unmarks them in `view`), waking at each apply and when
   * something becomes due to deal again. 'done' once the deadline passed (after one deal at
   * least) or the call was aborted; 'again' when leadership moved meanwhile (the views were
   * replaced) or the subscription is gone.
   */
  private async waitForDeal(o: ReceiveOptions, deadline: number): Promise<{ offsets: number[]; view: SubscriptionView } | 'done' | 'again'> {
    const sub = this.subscription(o.subscription);
    if (sub === undefined) return 'again';
    const view = this.view(o.subscription, sub);
    const me: WaitingReceive = { member: o.member, max: Math.max(1, o.maxRecords), offsets: null, wake: () => {} };
    const aborted = () => o.signal?.aborted === true;
    view.waiting.add(me);
    try {
      for (;;) {
        const wakeMs = await this.deal(o.subscription, view);
        if (me.offsets !== null) return { offsets: me.offsets, view };
        if (this.views.get(o.subscription) !== view) return 'again';
        const now = this.log.clock.now();
        if (now >= deadline || aborted()) return 'done';
        const nudge = new AbortController();
        me.wake = () => nudge.abort();
        await this.log.waitForApply(Math.max(Math.min(deadline, wakeMs) - now, 1), o.signal === undefined ? nudge.signal : AbortSignal.any([o.signal, nudge.signal]));
        me.wake = () => {};
        if (me.offsets !== null) return { offsets: me.offsets, view };
        if (aborted()) return 'done';
      }
    } finally {
      view.waiting.delete(me);
    }
  }

  /**
   * Deals what is available now to the Receives waiting on the subscription: one record at a
   * time to each in turn, starting with the member dealt to least recently (then in the order
   * they came), each up to its max; a Receive dealt records is woken. One deal runs at a time per
   * view: a call meanwhile makes it deal once more, and resolves after that. Resolves with when
   * something next becomes due (a lease ending, a delay passing).
   */
  private deal(name: string, view: SubscriptionView): Promise<number> {
    view.dealAgain = true;
    view.dealing ??= (async () => {
      try {
        let wakeMs = Number.POSITIVE_INFINITY;
        while (view.dealAgain) {
          view.dealAgain = false;
          wakeMs = await this.dealOnce(name, view);
        }
        return wakeMs;
      } finally {
        view.dealing = null;
      }
    })();
    return view.dealing;
  }

  private async dealOnce(name: string, view: SubscriptionView): Promise<number> {
    const wanting = [...view.waiting].filter((w) => w.offsets === null);
    const picked = await this.pick(name, this.log.clock.now(), wanting.reduce((n, w) => n + w.max, 0));
    const order = new Map([...view.dealtTo].map((member, i) => [member, i]));
    // Those that left during the pick get nothing; those that came wait for the next deal. A
    // view replaced during the pick (leadership moved) deals nothing.
    const takers = picked.view === view ? wanting.filter((w) => view.waiting.has(w)).sort((a, b) => (order.get(a.member) ?? -1) - (order.get(b.member) ?? -1)) : [];
    const shares = new Map<WaitingReceive, number[]>();
    let next = 0;
    for (const offset of picked.offsets) {
      let taker: WaitingReceive | undefined;
      for (let i = 0; i < takers.length && taker === undefined; i++) {
        const candidate = takers[(next + i) % takers.length]!;
        if ((shares.get(candidate)?.length ?? 0) < candidate.max) {
          taker = candidate;
          next = (next + i + 1) % takers.length;
        }
      }
      if (taker === undefined) {
        picked.view.proposing.delete(offset);
        continue;
      }
      const share = shares.get(taker) ?? [];
      share.push(offset);
      shares.set(taker, share);
      // The member dealt the last record is the one dealt to most recently.
      view.dealtTo.delete(taker.member);
      view.dealtTo.add(taker.member);
    }
    for (const [taker, offsets] of shares) {
      taker.offsets = offsets;
      taker.wake();
    }
    for (const member of view.dealtTo) {
      if (view.dealtTo.size <= MEMBERS_REMEMBERED) break;
      view.dealtTo.delete(member);
    }
    return picked.wakeMs;
  }

  /** Acks deliveries: answered, once applied, with the receipts refused (see QueueState). */
  ack(sub: string, receipts: readonly Receipt[]): Promise<QueueOutcome> {
    return this.settle({ type: 'QueueAck', sub, receipts });
  }

  /** Gives deliveries back: available again after `delayMs`, or to the dead-letter topic when
   *  `reject`ed. Answered with the receipts refused. */
  nack(sub: string, receipts: readonly Receipt[], options: { readonly delayMs: number; readonly reject: boolean }): Promise<QueueOutcome> {
    return this.settle({ type: 'QueueNack', sub, receipts, nowMs: this.log.clock.now(), delayMs: options.delayMs, reject: options.reject });
  }

  /** Extends the leases of deliveries to `ackTimeoutMs` from now. Answered with the receipts
   *  refused. */
  extend(sub: string, receipts: readonly Receipt[], ackTimeoutMs: number): Promise<QueueOutcome> {
    const nowMs = this.log.clock.now();
    return this.settle({ type: 'QueueExtend', sub, receipts, nowMs, untilMs: nowMs + ackTimeoutMs });
  }

  /** What this leader knows of its subscriptions (only a current leader answers: a new one
   *  still applying its log may not know every subscription yet). */
  describe(): SubscriptionSummary[] {
    const now = this.log.clock.now();
    const hw = this.log.highWatermark();
    const out: SubscriptionSummary[] = [];
    for (const [name, sub] of this.log.subscriptions()) {
      let settledAbove = 0;
      let leased = 0;
      const members = new Set<string>();
      for (const d of sub.records.values()) {
        if (d.state === 'settled') settledAbove++;
        else if (d.state === 'leased' && d.untilMs > now) {
          leased++;
          members.add(d.member);
        }
      }
      out.push({
        name,
        orderedByKey: sub.orderedByKey,
        ackFloor: sub.floor,
        highWatermark: hw,
        unacked: Math.max(0, hw - sub.floor - settledAbove),
        leased,
        acked: sub.acked,
        redelivered: sub.redelivered,
        deadLettered: sub.deadLettered,
        members: [...members].sort(),
      });
    }
    return out;
  }

  private async settle(command: Extract<QueueCommand, { type: 'QueueAck' | 'QueueNack' | 'QueueExtend' }>): Promise<QueueOutcome> {
    await this.log.untilCurrentLeader(COMMAND_TIMEOUT_MS);
    if (this.subscription(command.sub) === undefined) {
      throw new HeraldError('SubscriptionNotFound', `subscription "${command.sub}" does not exist on ${this.log.name}`);
    }
    const outcome = await this.propose(command);
    // A rejected record goes to the dead-letter topic now rather than at the next sweep.
    if (command.type === 'QueueNack' && command.reject) this.pick(command.sub, this.log.clock.now(), 0).catch(() => {});
    return outcome;
  }

  /** Looks for due dead letters of every subscription (a timer calls this on the leader). */
  async sweep(): Promise<void> {
    for (const name of this.log.subscriptions().keys()) await this.pick(name, this.log.clock.now(), 0);
  }

  /** Forgets a subscription. */
  async delete(sub: string): Promise<boolean> {
    await this.log.untilCurrentLeader(COMMAND_TIMEOUT_MS);
    if (this.subscription(sub) === undefined) return false;
    await this.propose({ type: 'QueueDelete', sub });
    this.views.delete(sub);
    return true;
  }

  private subscription(name: string): SubscriptionState | undefined {
    return this.log.subscriptions().get(name);
  }

  private view(name: string, sub: SubscriptionState): SubscriptionView {
    let view = this.views.get(name);
    if (view === undefined) this.views.set(name, (view = new SubscriptionView(sub.floor)));
    return view;
  }

  /**
   * Up to `max` offsets to lease now, in offset order, marked as being proposed (the caller
   * unmarks them in `view` once its lease is applied or failed), and when something next
   * becomes due (a lease ending, a delay passing). Starts dead-lettering what is due for it.
   */
  private async pick(name: string, now: number, max: number): Promise<{ offsets: number[]; wakeMs: number; view: SubscriptionView }> {
    for (let round = 0; ; round++) {
      const sub = this.subscription(name);
      if (sub === undefined) return { offsets: [], wakeMs: Number.POSITIVE_INFINITY, view: new SubscriptionView(0) };
      const view = this.view(name, sub);
      const picked = this.select(view, sub, now, max);
      if (picked.deadLetters.length > 0) void this.deadLetter(name, view, picked.deadLetters);
      const more = picked.offsets.length < Math.max(max, 1) && view.scanned < this.log.highWatermark() && view.pending.size < PENDING_MAX;
      if (!more || round > 8) {
        // Marked before any await: a concurrent receive does not pick them too.
        for (const offset of picked.offsets) view.proposing.add(offset);
        return { offsets: picked.offsets, wakeMs: picked.wakeMs, view };
      }
      await view.extend(this.log, Math.max(max, 1_000));
    }
  }

  private select(view: SubscriptionView, sub: SubscriptionState, now: number, max: number): { offsets: number[]; wakeMs: number; deadLetters: Receipt[] } {
    for (const offset of view.pending.keys()) {
      if (offset >= sub.floor) break;
      view.pending.delete(offset);
    }
    view.scanned = Math.max(view.scanned, sub.floor);
    const offsets: number[] = [];
    const deadLetters: Receipt[] = [];
    const blockedKeys = new Set<string>();
    let wakeMs = Number.POSITIVE_INFINITY;
    for (const [offset, pending] of view.pending) {
      const delivery = sub.records.get(offset);
      if (delivery?.state === 'settled') {
        view.pending.delete(offset);
        continue;
      }
      let ready = false;
      if (view.proposing.has(offset)) {
        ready = false;
      } else if (delivery === undefined) {
        ready = pending.deliverAtMs <= now;
        if (!ready) wakeMs = Math.min(wakeMs, pending.deliverAtMs);
      } else if (!isDue(delivery, now)) {
        wakeMs = Math.min(wakeMs, delivery.untilMs);
      } else if (delivery.rejected || (this.settings.maxDeliveries > 0 && delivery.deliveries >= this.settings.maxDeliveries)) {
        if (!view.deadLettering) deadLetters.push([offset, delivery.deliveries]);
      } else {
        ready = true;
      }
      if (sub.orderedByKey && pending.key !== null) {
        if (blockedKeys.has(pending.key)) ready = false;
        blockedKeys.add(pending.key);
      }
      if (ready && offsets.length < max) offsets.push(offset);
    }
    return { offsets, wakeMs, deadLetters };
  }

  private async deadLetter(name: string, view: SubscriptionView, receipts: readonly Receipt[]): Promise<void> {
    if (view.deadLettering) return;
    view.deadLettering = true;
    try {
      const letters: DeadLetter[] = [];
      for (const [offset, deliveries] of receipts) {
        const record = await this.recordAt(offset);
        const delivery = this.subscription(name)?.records.get(offset);
        if (record === undefined || delivery === undefined) continue;
        letters.push({ record, offset, deliveries, reason: delivery.rejected ? 'rejected' : 'max-deliveries' });
      }
      if (letters.length === 0) return;
      const written = await this.settings.deadLetter(name, letters);
      if (!written) this.settings.logger.warn({ subscription: name, partition: this.log.name, records: letters.length }, 'no dead-letter topic: dead letters dropped');
      await this.propose({ type: 'QueueDeadLettered', sub: name, receipts });
    } catch (err) {
      this.settings.logger.warn({ err, subscription: name, partition: this.log.name }, 'dead-lettering failed; retried at the next sweep');
    } finally {
      view.deadLettering = false;
    }
  }

  private propose(command: QueueCommand): Promise<QueueOutcome> {
    return this.log.propose(command, COMMAND_TIMEOUT_MS, `the ${command.type} command`);
  }

  private async recordAt(offset: number): Promise<BatchRecord | undefined> {
    const batch = await this.log.decodedBatchAt(offset);
    // Records are in offsetDelta order; a compacted batch lacks some.
    return batch?.records.find((r) => batch.baseOffset + r.offsetDelta === offset);
  }

  private async materialize(receipts: readonly Receipt[], ackDeadlineMs: number): Promise<LeasedRecord[]> {
    const out: LeasedRecord[] = [];
    for (const [offset, deliveryCount] of receipts) {
      const record = await this.recordAt(offset);
      if (record === undefined) continue; // removed by retention meanwhile
      out.push({ offset, timestampMs: record.timestampMs, key: record.key, value: record.value, headers: record.headers, deliveryCount, ackDeadlineMs });
    }
    return out;
  }
}

/** The record's herald-deliver-at header, or 0 (at once) when it has none or it is not a time. */
function deliverAt(record: BatchRecord): number {
  for (const header of record.headers) {
    if (header.key !== DELIVER_AT_HEADER) continue;
    const ms = Number(Buffer.from(header.value.buffer, header.value.byteOffset, header.value.byteLength).toString('latin1'));
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }
  return 0;
}
