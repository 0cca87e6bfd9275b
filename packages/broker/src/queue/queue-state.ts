/**
 * The replicated state of a partition's queue subscriptions (per-message acknowledgement on the
 * log, after RabbitMQ's quorum queues and Kafka's share groups). It changes only by the queue
 * commands of the partition log, so every replica holds the same state; time enters only as the
 * `nowMs` a command carries (the leader's clock when it proposed it), never as the replica's.
 *
 * A record of a subscription is, in turn: never delivered; leased to a member until a deadline;
 * available again (nacked, possibly not before a time, or its lease expired); settled (acked, or
 * sent to the dead-letter topic). A delivery is named by its offset and its delivery count, so an
 * ack for an older delivery of the same record (whose lease expired and was given to another
 * member) is refused instead of settling the newer one.
 *
 * Which ack wins (docs/queues.md): an ack settles a record only while its receipt names the
 * record's current delivery and the member still holds it. Once the lease has expired and the
 * record was delivered again, an ack of the older delivery is refused (NotHeld), even when the
 * newer delivery has been acked meanwhile: that ack did not happen while its sender held the
 * record, and its sender must not believe that its copy was the one that counted. A retried ack
 * of the delivery that did settle the record succeeds again (its first answer may have been
 * lost with a leader). For that the state remembers the delivery that settled each record, also
 * below the floor for records that were delivered more than once (SETTLED_REDELIVERED_KEPT).
 */

/** Where a subscription starts when its first receive creates it. */
export type QueueStart = 'earliest' | 'latest';

/** One delivered, not yet forgotten, record of a subscription. */
export interface Delivery {
  /** How many times it was leased. */
  deliveries: number;
  state: 'leased' | 'available' | 'settled';
  /** leased: the lease deadline; available: not before (0: at once). Epoch ms. */
  untilMs: number;
  /** leased: the member holding it. */
  member: string;
  /** available: a consumer rejected it; it goes to the dead-letter topic instead of back out. */
  rejected: boolean;
  /** settled: how; a later ack of the same delivery succeeds only when it was acked. */
  settledBy?: 'ack' | 'dead-letter';
}

export interface SubscriptionState {
  /** Every offset below is settled. */
  floor: number;
  /** Offsets at or above the floor that were ever delivered, in offset order. */
  readonly records: Map<number, Delivery>;
  /** Per-key ordering: at most one record of a key is out at a time, in offset order. */
  readonly orderedByKey: boolean;
  acked: number;
  deadLettered: number;
  redelivered: number;
  /** Below the floor: the delivery count that acked each record delivered more than once (a
   *  record delivered once can only be acked by delivery 1), or 0 for a dead-lettered record
   *  (no delivery acked it). The lowest offsets go first once SETTLED_REDELIVERED_KEPT are
   *  kept. Absent: none. */
  settledRedelivered?: Map<number, number>;
}

/** Settled, redelivered records below a subscription's floor whose acking delivery is kept, so
 *  that a stale ack of an older delivery arriving late is still refused. A stale ack of a record
 *  older than the newest this many is accepted as the retry it most likely is. */
export const SETTLED_REDELIVERED_KEPT = 10_000;

/** A delivery's name: its offset and its delivery count. */
export type Receipt = readonly [offset: number, deliveries: number];

/** The queue commands of a partition log (see PartitionCommand). */
export type QueueCommand =
  /** Leases the offsets to a member until `untilMs`; creates the subscription at `start` first. */
  | { readonly type: 'QueueLease'; readonly sub: string; readonly start: number; readonly orderedByKey: boolean; readonly nowMs: number; readonly untilMs: number; readonly member: string; readonly offsets: readonly number[] }
  | { readonly type: 'QueueAck'; readonly sub: string; readonly receipts: readonly Receipt[] }
  /** Gives leased records back, available again at `nowMs + delayMs`, or rejected (dead letter). */
  | { readonly type: 'QueueNack'; readonly sub: string; readonly receipts: readonly Receipt[]; readonly nowMs: number; readonly delayMs: number; readonly reject: boolean }
  | { readonly type: 'QueueExtend'; readonly sub: string; readonly receipts: readonly Receipt[]; readonly nowMs: number; readonly untilMs: number }
  /** The records were written to the dead-letter topic: settle them. */
  | { readonly type: 'QueueDeadLettered'; readonly sub: string; readonly receipts: readonly Receipt[] }
  | { readonly type: 'QueueDelete'; readonly sub: string };

/** What a queue command did: the offsets it applied to (leases: with their delivery counts). */
export interface QueueOutcome {
  readonly applied: readonly Receipt[];
  /** The receipts refused, and why, for acks, nacks and extends. */
  readonly refused: readonly { readonly offset: number; readonly deliveries: number; readonly why: string }[];
}

const EMPTY: QueueOutcome = { applied: [], refused: [] };

export class QueueState {
  readonly subscriptions = new Map<string, SubscriptionState>();

  /**
   * The state machine's transition. `nextOffset` and `logStartOffset` are the partition's:
   * only committed records can be leased, and a floor never stays below the log start.
   */
  apply(command: QueueCommand, nextOffset: number, logStartOffset: number): QueueOutcome {
    if (command.type === 'QueueDelete') {
      this.subscriptions.delete(command.sub);
      return EMPTY;
    }
    let sub = this.subscriptions.get(command.sub);
    if (command.type === 'QueueLease') {
      if (sub === undefined) {
        sub = { floor: Math.min(Math.max(command.start, logStartOffset), nextOffset), records: new Map(), orderedByKey: command.orderedByKey, acked: 0, deadLettered: 0, redelivered: 0 };
        this.subscriptions.set(command.sub, sub);
      }
      return this.lease(sub, command, nextOffset);
    }
    if (sub === undefined) return { applied: [], refused: command.receipts.map(([offset, deliveries]) => ({ offset, deliveries, why: `subscription "${command.sub}" does not exist` })) };
    const applied: Receipt[] = [];
    const refused: { offset: number; deliveries: number; why: string }[] = [];
    for (const receipt of command.receipts) {
      const [offset, deliveries] = receipt;
      const record = sub.records.get(offset);
      if (command.type === 'QueueAck' && (offset < sub.floor || record?.state === 'settled')) {
        // A retried ack of the delivery that acked the record succeeds without changing anything
        // (its first answer may have been lost with a leader); an ack of any other delivery is
        // refused: it came after the record was given to another member.
        const why = settledWhy(sub, record, offset, deliveries);
        if (why === undefined) applied.push(receipt);
        else refused.push({ offset, deliveries, why });
        continue;
      }
      const why = heldWhy(record, offset, deliveries, command.type);
      if (why !== undefined) {
        refused.push({ offset, deliveries, why });
        continue;
      }
      applied.push(receipt);
      switch (command.type) {
        case 'QueueAck':
          record!.state = 'settled';
          record!.settledBy = 'ack';
          sub.acked++;
          break;
        case 'QueueDeadLettered':
          record!.state = 'settled';
          record!.settledBy = 'dead-letter';
          sub.deadLettered++;
          break;
        case 'QueueNack':
          record!.state = 'available';
          record!.untilMs = command.nowMs + command.delayMs;
          record!.rejected = command.reject;
          break;
        case 'QueueExtend':
          record!.untilMs = Math.max(record!.untilMs, command.untilMs);
          break;
      }
    }
    advanceFloor(sub, logStartOffset);
    return { applied, refused };
  }

  private lease(sub: SubscriptionState, command: Extract<QueueCommand, { type: 'QueueLease' }>, nextOffset: number): QueueOutcome {
    const applied: Receipt[] = [];
    for (const offset of command.offsets) {
      if (offset < sub.floor || offset >= nextOffset) continue;
      const record = sub.records.get(offset);
      if (record !== undefined && !isDue(record, command.nowMs)) continue;
      if (record === undefined) {
        sub.records.set(offset, { deliveries: 1, state: 'leased', untilMs: command.untilMs, member: command.member, rejected: false });
      } else {
        record.deliveries++;
        record.state = 'leased';
        record.untilMs = command.untilMs;
        record.member = command.member;
        sub.redelivered++;
      }
      applied.push([offset, sub.records.get(offset)!.deliveries]);
    }
    // A lease may land out of offset order; keep the map sorted so scans walk it in order.
    if (applied.length > 0) sortRecords(sub);
    return { applied, refused: [] };
  }

  /** Retention moved the log start: records below it are gone, settled or not. */
  trimmed(logStartOffset: number): void {
    for (const sub of this.subscriptions.values()) advanceFloor(sub, logStartOffset);
  }

  /** The lowest floor of any subscription: what retention keeps when unacked records are kept. */
  lowestFloor(): number | undefined {
    let lowest: number | undefined;
    for (const sub of this.subscriptions.values()) lowest = lowest === undefined ? sub.floor : Math.min(lowest, sub.floor);
    return lowest;
  }

  clone(): QueueState {
    return QueueState.fromJSON(this.toJSON());
  }

  toJSON(): [string, SubscriptionJSON][] {
    return [...this.subscriptions].map(([name, { settledRedelivered, ...s }]) => [
      name,
      { ...s, records: [...s.records].map(([o, d]) => [o, { ...d }]), ...(settledRedelivered === undefined ? {} : { settledRedelivered: [...settledRedelivered] }) },
    ]);
  }

  static fromJSON(value: readonly [string, SubscriptionJSON][] | undefined): QueueState {
    const state = new QueueState();
    for (const [name, { settledRedelivered, ...s }] of value ?? []) {
      state.subscriptions.set(name, {
        ...s,
        records: new Map(s.records.map(([o, d]) => [o, { ...d }])),
        ...(settledRedelivered === undefined ? {} : { settledRedelivered: new Map(settledRedelivered) }),
      });
    }
    return state;
  }
}

interface SubscriptionJSON extends Omit<SubscriptionState, 'records' | 'settledRedelivered'> {
  records: [number, Delivery][];
  settledRedelivered?: [number, number][];
}

/** Why an ack of a settled record (at or below the floor) is refused; undefined when it names
 *  the delivery that acked it. */
function settledWhy(sub: SubscriptionState, record: Delivery | undefined, offset: number, deliveries: number): string | undefined {
  if (record !== undefined) {
    if (record.settledBy === 'dead-letter') return `offset ${offset} went to the dead-letter topic after delivery ${record.deliveries}`;
    if (record.deliveries === deliveries) return undefined;
    return `offset ${offset} was delivered again since and acked by delivery ${record.deliveries} (the receipt names ${deliveries})`;
  }
  const acking = sub.settledRedelivered?.get(offset);
  if (acking === undefined || acking === deliveries) return undefined;
  if (acking === 0) return `offset ${offset} went to the dead-letter topic`;
  return `offset ${offset} was delivered again since and acked by delivery ${acking} (the receipt names ${deliveries})`;
}

/** Whether a delivered record may be leased (or dead-lettered) at `nowMs`. */
export function isDue(record: Delivery, nowMs: number): boolean {
  return record.state !== 'settled' && record.untilMs <= nowMs;
}

/** Why a receipt does not name the current delivery of a held record; undefined when it does. */
function heldWhy(record: Delivery | undefined, offset: number, deliveries: number, type: QueueCommand['type']): string | undefined {
  if (record === undefined) return `offset ${offset} was never delivered or is already settled`;
  if (record.state === 'settled') return `offset ${offset} is already settled`;
  if (record.deliveries !== deliveries) return `offset ${offset} was delivered again since (delivery ${record.deliveries}, the receipt names ${deliveries})`;
  // A dead letter settles a record the leader found due: available, or leased past its deadline.
  if (type === 'QueueDeadLettered') return undefined;
  if (record.state !== 'leased') return `offset ${offset} is not held: it was given back`;
  return undefined;
}

function advanceFloor(sub: SubscriptionState, logStartOffset: number): void {
  if (sub.floor < logStartOffset) {
    for (const offset of sub.records.keys()) {
      if (offset >= logStartOffset) break;
      sub.records.delete(offset);
    }
    sub.floor = logStartOffset;
  }
  for (;;) {
    const record = sub.records.get(sub.floor);
    if (record?.state !== 'settled') return;
    if (record.settledBy === 'dead-letter') rememberSettled(sub, sub.floor, 0);
    else if (record.deliveries > 1) rememberSettled(sub, sub.floor, record.deliveries);
    sub.records.delete(sub.floor);
    sub.floor++;
  }
}

/** Keeps the acking delivery of a redelivered record that passes below the floor (bounded). */
function rememberSettled(sub: SubscriptionState, offset: number, deliveries: number): void {
  sub.settledRedelivered ??= new Map();
  sub.settledRedelivered.set(offset, deliveries);
  if (sub.settledRedelivered.size > SETTLED_REDELIVERED_KEPT) sub.settledRedelivered.delete(sub.settledRedelivered.keys().next().value!);
}

function sortRecords(sub: SubscriptionState): void {
  let previous = -1;
  let sorted = true;
  for (const offset of sub.records.keys()) {
    if (offset < previous) {
      sorted = false;
      break;
    }
    previous = offset;
  }
  if (sorted) return;
  const entries = [...sub.records].sort((a, b) => a[0] - b[0]);
  sub.records.clear();
  for (const [o, d] of entries) sub.records.set(o, d);
}
