import { Anomaly } from './anomaly.js';
import type { AddAnomaly } from './consumer-checks.js';
import type { PartitionOffset, PolledRecord, TxnEvent, TxnReadEvent } from './history.js';

// The checks of the transaction workload (txn-workload.ts), after Jepsen's Kafka checker and its
// 2024 analysis of Bufstream (aborted reads, torn transactions, lost committed writes) and the
// Elle paper's G1c (cycles of write-read dependencies). Every record's value is unique in the
// run, so a value names its record and the transaction that wrote it. What a transaction's
// outcome was comes from its completion when that is certain (a commit acknowledged; `fail`: it
// never committed; an intended abort never commits), and otherwise from the complete final read
// of the topic: a transaction whose commit outcome is unknown may have committed or not, but all
// or nothing, so any of its records in the final read says it committed and then every one must
// be there.

/** What the checker found out about the transactions. */
export interface TxnVerdict {
  /** `write` and `process` transactions invoked (plain end markers left out). */
  readonly invoked: Readonly<Record<'write' | 'process', number>>;
  /** Commits acknowledged. */
  readonly committed: number;
  /** Transactions meant to abort (every fifth or so), whatever their abort's answer. */
  readonly aborted: number;
  /** Transactions that certainly did not commit although meant to: a send refused, a commit
   *  refused, or the producer fenced before commit was asked. */
  readonly failed: number;
  /** Commits whose outcome is unknown (a timeout under a fault, or still pending at the end). */
  readonly unknown: number;
  /** Of the unknown ones, those the final read shows committed. */
  readonly unknownCommitted: number;
  /** Records returned by reads of the topic during the run and in the final read. */
  readonly recordsRead: number;
  /** Committed input records (of `write` transactions) in the final read, and those processed
   *  exactly once (one committed output each). */
  readonly inputs: number;
  readonly processedOnce: number;
  /** Write-read dependencies between committed transactions (edges of the graph searched for
   *  cycles). */
  readonly dependencies: number;
  /** Whether a final read covered every partition to its end. */
  readonly finalRead: boolean;
}

type Completion<E> = Exclude<E, { type: 'invoke' }>;
type TxnOp = TxnEvent | TxnReadEvent;
type Invoked<E> = Extract<E, { type: 'invoke' }>;

interface Txn {
  readonly invoke: Invoked<TxnEvent>;
  outcome: 'pending' | 'ok' | 'fail' | 'info';
  /** Where the partitions acknowledged its batches (TxnEvent.acked). */
  acked: readonly PartitionOffset[];
  /** Writes found in the final read. */
  visible: number;
}

/** A reader's reach in one partition: it read every committed record up to `maxOffset`. */
interface Reach {
  maxOffset: number;
  readonly offsets: Set<number>;
}

/** Collects the transaction operations of a history, then reports their anomalies. */
export class TxnChecks {
  private readonly txns = new Map<string, Txn>();
  /** value → the transaction that wrote it. */
  private readonly writers = new Map<string, Txn>();
  /** value → the distinct places (`partition/offset`) it was read at, with the first reader. */
  private readonly readAt = new Map<string, Map<string, { readonly process: string; readonly time: number }>>();
  /** Readers of the topic during the run (txn-read processes) → partition → reach. */
  private readonly reaches = new Map<string, Map<number, Reach>>();
  /** Records of each txn-read process since its last reset; at a final ok, the final read. */
  private readonly sinceReset = new Map<string, PolledRecord[]>();
  private finalRecords: readonly PolledRecord[] | null = null;
  private finalProcess = '';
  private recordsRead = 0;
  private seen = false;

  invoked(event: Invoked<TxnOp>): string | null {
    this.seen = true;
    if (event.f === 'txn-read') {
      if (event.reset === true) {
        this.sinceReset.set(event.process, []);
        this.reaches.delete(event.process);
      }
      return null;
    }
    if (this.txns.has(event.txn)) return `transaction ${event.txn} was invoked twice; transaction names must be unique`;
    const txn: Txn = { invoke: event, outcome: 'pending', acked: [], visible: 0 };
    this.txns.set(event.txn, txn);
    for (const write of event.writes) {
      if (this.writers.has(write.value)) return `value ${write.value} was written by ${this.writers.get(write.value)!.invoke.txn} and ${event.txn}; values must be unique`;
      this.writers.set(write.value, txn);
    }
    for (const record of event.reads) this.noteRead(record, event.process, event.time);
    return null;
  }

  /** Returns a problem with the history itself, or null. */
  completed(invoke: TxnOp, event: Completion<TxnOp>): string | null {
    if (event.f === 'txn') {
      const txn = this.txns.get(event.txn);
      if (txn === undefined || (invoke as TxnEvent).txn !== event.txn) return `${event.type} of transaction ${event.txn} completes another operation`;
      txn.outcome = event.type;
      txn.acked = event.acked ?? [];
      return null;
    }
    if (event.type !== 'ok') return null;
    const since = this.sinceReset.get(event.process) ?? [];
    this.sinceReset.set(event.process, since);
    let reach = this.reaches.get(event.process);
    if (reach === undefined) {
      reach = new Map();
      this.reaches.set(event.process, reach);
    }
    for (const record of event.records) {
      this.noteRead(record, event.process, event.time);
      since.push(record);
      const partition = reach.get(record.partition) ?? { maxOffset: -1, offsets: new Set<number>() };
      partition.maxOffset = Math.max(partition.maxOffset, record.offset);
      partition.offsets.add(record.offset);
      reach.set(record.partition, partition);
    }
    if (event.final === true) {
      this.finalRecords = since;
      this.finalProcess = event.process;
    }
    return null;
  }

  private noteRead(record: PolledRecord, process: string, time: number): void {
    this.recordsRead += 1;
    const place = `${record.partition}/${record.offset}`;
    let places = this.readAt.get(record.value);
    if (places === undefined) {
      places = new Map();
      this.readAt.set(record.value, places);
    }
    if (!places.has(place)) places.set(place, { process, time });
  }

  /** Whether `txn` committed: acknowledged, or (outcome unknown) seen in the final read. */
  private committed(txn: Txn): boolean {
    if (txn.invoke.intent === 'abort' || txn.outcome === 'fail') return false;
    return txn.outcome === 'ok' || txn.visible > 0;
  }

  /** Adds the anomalies; call once, after the whole history. */
  analyze(add: AddAnomaly): void {
    const final = this.finalRecords;
    const finalValues = new Map<string, PolledRecord>();
    for (const record of final ?? []) {
      finalValues.set(record.value, record);
      const writer = this.writers.get(record.value);
      if (writer !== undefined) writer.visible += 1;
    }
    const where = (txn: Txn | undefined, partition: number): string => `${txn?.invoke.topic ?? 'txn'}/${partition}`;

    // Aborted reads: a record of a transaction that did not commit, or that none wrote. One
    // anomaly per record read, wherever it was read first.
    for (const [value, places] of this.readAt) {
      const writer = this.writers.get(value);
      const [place, first] = places.entries().next().value!;
      const [partition, offset] = place.split('/').map(Number) as [number, number];
      const aborted = writer === undefined || writer.invoke.intent === 'abort' || writer.outcome === 'fail' || (final !== null && writer.outcome !== 'ok' && writer.visible === 0);
      if (aborted) {
        const why = writer === undefined ? 'no transaction wrote it' : writer.invoke.intent === 'abort' ? `${writer.invoke.txn} was aborted on purpose` : writer.outcome === 'fail' ? `${writer.invoke.txn} never committed` : `${writer.invoke.txn}'s commit was unknown and none of its records is in the final read`;
        add(Anomaly.TxnAbortedRead, () => ({ partition: where(writer, partition), values: [value], offsets: [offset], times: [first.time], process: first.process, note: `read by ${first.process}; ${why}` }));
      }
      if (places.size > 1) {
        add(Anomaly.TxnDuplicated, () => ({ partition: where(writer, partition), values: [value], offsets: [...places.keys()].map((p) => Number(p.split('/')[1])), times: [...places.values()].map((p) => p.time), note: `read at ${[...places.keys()].join(', ')} (partition/offset)` }));
      }
    }

    if (final !== null) {
      // Torn and lost: every transaction all or nothing in the final read; acknowledged commits all.
      for (const txn of this.txns.values()) {
        const total = txn.invoke.writes.length;
        const missing = txn.invoke.writes.filter((w) => !finalValues.has(w.value));
        if (txn.visible > 0 && missing.length > 0) {
          add(Anomaly.TxnTorn, () => ({ partition: where(txn, missing[0]!.partition), values: missing.map((w) => w.value), offsets: [], times: [txn.invoke.time], process: txn.invoke.process, note: `${txn.invoke.txn}: ${total - missing.length} of its ${total} records in the final read` }));
        }
        if (txn.invoke.intent === 'commit' && txn.outcome === 'ok' && missing.length > 0) {
          add(Anomaly.TxnLostCommit, () => ({ partition: where(txn, missing[0]!.partition), values: missing.map((w) => w.value), offsets: [], times: [txn.invoke.time], process: txn.invoke.process, note: `${txn.invoke.txn}'s commit was acknowledged; ${missing.length} of its ${total} records missing from the final read${ackedAt(txn)}` }));
        }
      }
      this.checkReaches(finalValues, add);
    }
    this.checkExactlyOnce(finalValues, final !== null, add);
    this.checkCycles(add);
  }

  /** A reader that read a partition up to some offset must have returned every committed record
   *  below it: read committed stops at the first open transaction (the last stable offset), so
   *  what lies below was decided when the reader passed it. Missing one is a torn view. */
  private checkReaches(finalValues: ReadonlyMap<string, PolledRecord>, add: AddAnomaly): void {
    for (const [process, partitions] of this.reaches) {
      if (process === this.finalProcess) continue;
      const reported = new Set<string>();
      for (const record of finalValues.values()) {
        const reach = partitions.get(record.partition);
        if (reach === undefined || record.offset > reach.maxOffset || reach.offsets.has(record.offset)) continue;
        const writer = this.writers.get(record.value);
        if (writer === undefined || writer.invoke.kind === 'plain' || reported.has(writer.invoke.txn)) continue;
        reported.add(writer.invoke.txn);
        add(Anomaly.TxnTorn, () => ({ partition: `${writer.invoke.topic}/${record.partition}`, values: [record.value], offsets: [record.offset], times: [writer.invoke.time], process, note: `${process} read partition ${record.partition} to offset ${reach.maxOffset} without ${writer.invoke.txn}'s record at ${record.offset}` }));
      }
    }
  }

  /** Exactly once: each committed input record has one committed output in the final read. */
  private checkExactlyOnce(finalValues: ReadonlyMap<string, PolledRecord>, complete: boolean, add: AddAnomaly): void {
    const outputs = new Map<string, string[]>();
    for (const record of finalValues.values()) {
      const writer = this.writers.get(record.value);
      const input = writer?.invoke.writes.find((w) => w.value === record.value)?.input;
      if (input === undefined) continue;
      const list = outputs.get(input) ?? [];
      list.push(record.value);
      outputs.set(input, list);
    }
    if (!complete) return;
    for (const record of finalValues.values()) {
      const writer = this.writers.get(record.value);
      if (writer?.invoke.kind !== 'write') continue;
      const made = outputs.get(record.value) ?? [];
      if (made.length > 1) add(Anomaly.TxnDuplicated, () => ({ partition: `${writer.invoke.topic}/${record.partition}`, values: [record.value, ...made], offsets: [record.offset], times: [writer.invoke.time], note: `input ${record.value} processed into ${made.length} committed outputs` }));
      if (made.length === 0) add(Anomaly.TxnUnprocessed, () => ({ partition: `${writer.invoke.topic}/${record.partition}`, values: [record.value], offsets: [record.offset], times: [writer.invoke.time], process: writer.invoke.process, note: `committed input ${record.value} has no committed output after the drain` }));
    }
  }

  /** G1c: cycles of write-read dependencies among committed transactions (Adya; Elle). An edge
   *  T1 → T2 says T2 read a record T1 wrote; a transaction that read its own write is a cycle
   *  of one. Cycles are the strongly connected components of more than one transaction
   *  (Tarjan's algorithm, iterative). */
  private checkCycles(add: AddAnomaly): void {
    const edges = this.dependencies();
    for (const txn of this.txns.values()) {
      if (edges.get(txn.invoke.txn)?.has(txn.invoke.txn) === true) add(Anomaly.TxnCycle, () => ({ partition: txn.invoke.topic, values: [], offsets: [], times: [txn.invoke.time], process: txn.invoke.process, note: `${txn.invoke.txn} read its own write before it committed` }));
    }
    for (const component of stronglyConnected(edges)) {
      if (component.length < 2) continue;
      const first = this.txns.get(component[0]!)!;
      add(Anomaly.TxnCycle, () => ({ partition: first.invoke.topic, values: [], offsets: [], times: component.map((name) => this.txns.get(name)!.invoke.time), note: `write-read cycle among ${component.join(', ')}` }));
    }
  }

  /** The write-read edges among committed transactions: writer → readers. */
  private dependencies(): Map<string, Set<string>> {
    const edges = new Map<string, Set<string>>();
    for (const reader of this.txns.values()) {
      if (!this.committed(reader)) continue;
      for (const record of reader.invoke.reads) {
        const writer = this.writers.get(record.value);
        if (writer === undefined || !this.committed(writer)) continue;
        const out = edges.get(writer.invoke.txn) ?? new Set<string>();
        out.add(reader.invoke.txn);
        edges.set(writer.invoke.txn, out);
      }
    }
    return edges;
  }

  /** The summary, or null when the history has no transaction operations. */
  verdict(): TxnVerdict | null {
    if (!this.seen) return null;
    const invoked = { write: 0, process: 0 };
    let committed = 0;
    let aborted = 0;
    let failed = 0;
    let unknown = 0;
    let unknownCommitted = 0;
    for (const txn of this.txns.values()) {
      if (txn.invoke.kind === 'plain') continue;
      invoked[txn.invoke.kind] += 1;
      if (txn.invoke.intent === 'abort') aborted += 1;
      else if (txn.outcome === 'ok') committed += 1;
      else if (txn.outcome === 'fail') failed += 1;
      else {
        unknown += 1;
        if (txn.visible > 0) unknownCommitted += 1;
      }
    }
    const finalValues = new Set((this.finalRecords ?? []).map((r) => r.value));
    const outputsPerInput = new Map<string, number>();
    for (const value of finalValues) {
      const input = this.writers.get(value)?.invoke.writes.find((w) => w.value === value)?.input;
      if (input !== undefined) outputsPerInput.set(input, (outputsPerInput.get(input) ?? 0) + 1);
    }
    let inputs = 0;
    let processedOnce = 0;
    for (const value of finalValues) {
      if (this.writers.get(value)?.invoke.kind !== 'write') continue;
      inputs += 1;
      if (outputsPerInput.get(value) === 1) processedOnce += 1;
    }
    let dependencies = 0;
    for (const out of this.dependencies().values()) dependencies += out.size;
    return { invoked, committed, aborted, failed, unknown, unknownCommitted, recordsRead: this.recordsRead, inputs, processedOnce, dependencies, finalRead: this.finalRecords !== null };
  }
}

/** Where a transaction's batches were acknowledged, for a note. */
function ackedAt(txn: Txn): string {
  return txn.acked.length === 0 ? '' : `; its batches were acknowledged at ${txn.acked.map((a) => `${a.partition}/${a.offset}`).join(', ')} (partition/offset)`;
}

/** The strongly connected components of a directed graph (Tarjan, with an explicit stack so a
 *  long chain of transactions cannot overflow the call stack). */
export function stronglyConnected(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const nodes = new Set<string>([...edges.keys(), ...[...edges.values()].flatMap((out) => [...out])]);
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; out: Iterator<string> }[] = [];
    const visit = (node: string): void => {
      index.set(node, next);
      low.set(node, next);
      next += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, out: (edges.get(node) ?? new Set<string>()).values() });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const step = frame.out.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) visit(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}
