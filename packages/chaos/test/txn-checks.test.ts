import { describe, expect, it } from 'vitest';
import { anomalies, check, type Anomaly, type Verdict } from '../src/checker.js';
import { HistoryError } from '../src/checker.js';
import { parseHistoryLine, type HistoryEvent, type PartitionOffset, type PolledRecord, type TxnKind, type TxnWrite } from '../src/history.js';
import { stronglyConnected } from '../src/txn-checks.js';

// The transaction checks (txn-checks.ts) on hand-built histories: a clean history of
// multi-partition and read-process-write transactions passes, and each of Jepsen's transaction
// anomalies (aborted read, torn transaction, lost committed write, duplicate under exactly once,
// G1c cycle) is found in a history that has it.

function expectCounts(verdict: Verdict, expected: Partial<Record<Anomaly, number>>): void {
  expect(verdict.counts).toEqual(Object.fromEntries(anomalies.map((name) => [name, expected[name] ?? 0])));
}

/** A record at `partition`/`offset` holding `value`. */
const at = (partition: number, offset: number, value: string): PolledRecord => ({ partition, offset, value });

/** Builds a history with a clock that moves 10 ms per event. */
class Events {
  readonly events: HistoryEvent[] = [];
  private time = 0;

  private push(event: object): this {
    this.events.push({ ...event, time: this.time } as HistoryEvent);
    this.time += 10;
    return this;
  }

  /** A transaction, invoked and completed `outcome`. */
  txn(name: string, options: { kind?: TxnKind; intent?: 'commit' | 'abort'; writes: readonly TxnWrite[]; reads?: readonly PolledRecord[]; acked?: readonly PartitionOffset[]; outcome: 'ok' | 'fail' | 'info' | 'pending' }): this {
    const fields = { process: name.split('.')[0]!, f: 'txn', topic: 't', txn: name, kind: options.kind ?? 'write', intent: options.intent ?? 'commit', writes: options.writes, reads: options.reads ?? [], offsets: [] };
    this.push({ type: 'invoke', ...fields });
    return options.outcome === 'pending' ? this : this.push({ type: options.outcome, ...fields, ...(options.acked === undefined ? {} : { acked: options.acked }) });
  }

  /** A read-committed read by `process`; `final` marks the complete final read. */
  read(process: string, records: readonly PolledRecord[], options: { final?: boolean; reset?: boolean } = {}): this {
    const fields = { process, f: 'txn-read', topic: 't' };
    return this.push({ type: 'invoke', ...fields, ...(options.reset === true ? { reset: true } : {}) }).push({ type: 'ok', ...fields, records, ...(options.final === true ? { final: true } : {}) });
  }
}

/** Writer w1's transaction 1 (two partitions, committed), 2 (aborted on purpose), and
 *  processor p0's step reading w1.1's partition-0 record, writing its output to partition 1. */
function cleanHistory(): Events {
  return new Events()
    .txn('w1.1', { writes: [{ partition: 0, value: 'w1.1-0/2-c' }, { partition: 1, value: 'w1.1-1/2-c' }], outcome: 'ok' })
    .txn('w1.2', { intent: 'abort', writes: [{ partition: 0, value: 'w1.2-0/1-a' }], outcome: 'ok' })
    .read('txn-c1-0', [at(0, 0, 'w1.1-0/2-c')])
    .txn('p0.1', { kind: 'process', reads: [at(0, 0, 'w1.1-0/2-c')], writes: [{ partition: 1, value: 'p0.1-0/1-c', input: 'w1.1-0/2-c' }], outcome: 'ok' })
    .txn('p1.1', { kind: 'process', reads: [at(1, 0, 'w1.1-1/2-c'), at(1, 3, 'p0.1-0/1-c')], writes: [{ partition: 2, value: 'p1.1-0/1-c', input: 'w1.1-1/2-c' }], outcome: 'ok' });
}

/** The final read of cleanHistory()'s committed records (offsets leave room for markers). */
const cleanFinal = [at(0, 0, 'w1.1-0/2-c'), at(1, 0, 'w1.1-1/2-c'), at(1, 3, 'p0.1-0/1-c'), at(2, 0, 'p1.1-0/1-c')];

describe('the transaction checks', () => {
  // Shows that committed multi-partition and read-process-write transactions, an aborted one
  // never read, and every input processed once pass, with the figures counted. Method: the
  // clean history and its complete final read.
  it('passes a clean history and counts its transactions', () => {
    const verdict = check(cleanHistory().read('txn-final', cleanFinal, { final: true, reset: true }).events);
    expectCounts(verdict, {});
    expect(verdict.valid).toBe(true);
    expect(verdict.txns).toEqual({ invoked: { write: 2, process: 2 }, committed: 3, aborted: 1, failed: 0, unknown: 0, unknownCommitted: 0, recordsRead: 8, inputs: 2, processedOnce: 2, dependencies: 3, finalRead: true });
  });

  // Shows that a commit of unknown outcome may go either way, all or nothing. Method: w2.1
  // unknown and entirely visible, w2.2 unknown and entirely absent: both pass.
  it('accepts unknown commits that are all or nothing', () => {
    const history = new Events()
      .txn('w2.1', { writes: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }], outcome: 'info' })
      .txn('w2.2', { writes: [{ partition: 0, value: 'c' }, { partition: 1, value: 'd' }], outcome: 'pending' })
      .read('txn-final', [at(0, 0, 'a'), at(1, 0, 'b')], { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-unprocessed': 2 });
    expect(verdict.txns).toMatchObject({ unknown: 2, unknownCommitted: 1 });
  });

  // Shows aborted reads of each kind: a record of a transaction aborted on purpose, of one that
  // failed, of an unknown one the final read shows aborted, and a value nobody wrote.
  it.each([
    { name: 'aborted on purpose', txn: { intent: 'abort' as const, outcome: 'ok' as const } },
    { name: 'failed before its commit', txn: { intent: 'commit' as const, outcome: 'fail' as const } },
    { name: 'unknown and absent from the final read', txn: { intent: 'commit' as const, outcome: 'info' as const } },
  ])('finds an aborted read of a transaction $name', ({ txn }) => {
    const history = cleanHistory()
      .txn('w3.1', { ...txn, writes: [{ partition: 2, value: 'x' }, { partition: 0, value: 'y' }] })
      .read('txn-c1-2', [at(2, 0, 'p1.1-0/1-c'), at(2, 5, 'x')])
      .read('txn-final', cleanFinal, { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-aborted-read': 1 });
    expect(verdict.valid).toBe(false);
    expect(verdict.examples['txn-aborted-read'][0]).toMatchObject({ values: ['x'], offsets: [5], process: 'txn-c1-2' });
  });

  it('finds a read of a value no transaction wrote (an aborted read)', () => {
    const verdict = check(cleanHistory().read('txn-c1-2', [at(2, 0, 'ghost')]).events);
    expectCounts(verdict, { 'txn-aborted-read': 1 });
  });

  // Shows a torn transaction in the final read: one of w4.1's records is there, the other
  // not, although its commit's outcome was unknown (so it committed, and then wholly).
  it('finds a transaction torn in the final read', () => {
    const history = cleanHistory()
      .txn('w4.1', { writes: [{ partition: 0, value: 'u' }, { partition: 2, value: 'v' }], outcome: 'info' })
      .read('txn-final', [...cleanFinal, at(0, 7, 'u')], { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-torn': 1, 'txn-unprocessed': 1 });
    expect(verdict.examples['txn-torn'][0]).toMatchObject({ values: ['v'] });
  });

  // Shows a torn view during the run: a reader read partition 1 past offset 0 without
  // returning w1.1's record there (it saw the transaction's partition-0 record only).
  it('finds a reader that read past a committed record without seeing it', () => {
    const history = cleanHistory()
      .read('txn-c1-1', [at(1, 3, 'p0.1-0/1-c')])
      .read('txn-final', cleanFinal, { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-torn': 1 });
    expect(verdict.examples['txn-torn'][0]!.note).toContain('without w1.1');
  });

  // Shows a lost committed write: w5.1's commit was acknowledged, its records are missing
  // from the final read (wholly: lost; in part: lost and torn).
  it.each([
    { missing: 'all', final: [], expected: { 'txn-lost-commit': 1 } },
    { missing: 'one', final: [at(0, 9, 'm')], expected: { 'txn-lost-commit': 1, 'txn-torn': 1, 'txn-unprocessed': 1 } },
  ])('finds a committed transaction with $missing of its records lost', ({ final, expected }) => {
    const history = cleanHistory()
      .txn('w5.1', { writes: [{ partition: 0, value: 'm' }, { partition: 1, value: 'n' }], acked: [{ partition: 0, offset: 9 }, { partition: 1, offset: 2 }], outcome: 'ok' })
      .read('txn-final', [...cleanFinal, ...final], { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, expected);
    expect(verdict.examples['txn-lost-commit'][0]!.note).toContain('its batches were acknowledged at 0/9, 1/2 (partition/offset)');
  });

  // Shows duplicates under exactly once: one input processed into two committed outputs (a
  // zombie processor's transaction not fenced), and one record read at two offsets.
  it('finds an input processed into two committed outputs', () => {
    const history = cleanHistory()
      .txn('p9.1', { kind: 'process', reads: [at(0, 0, 'w1.1-0/2-c')], writes: [{ partition: 1, value: 'p9.1-0/1-c', input: 'w1.1-0/2-c' }], outcome: 'ok' })
      .read('txn-final', [...cleanFinal, at(1, 5, 'p9.1-0/1-c')], { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-duplicated': 1 });
    expect(verdict.examples['txn-duplicated'][0]!.note).toBe('input w1.1-0/2-c processed into 2 committed outputs');
  });

  it('finds a record read at two offsets', () => {
    const history = cleanHistory()
      .read('txn-c1-2', [at(2, 0, 'p1.1-0/1-c'), at(2, 4, 'p1.1-0/1-c')])
      .read('txn-final', cleanFinal, { final: true, reset: true });
    expectCounts(check(history.events), { 'txn-duplicated': 1 });
  });

  // Shows exactly once broken the other way: a committed input with no committed output.
  it('finds a committed input never processed', () => {
    const history = cleanHistory()
      .txn('w6.1', { writes: [{ partition: 2, value: 'lonely' }], outcome: 'ok' })
      .read('txn-final', [...cleanFinal, at(2, 3, 'lonely')], { final: true, reset: true });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-unprocessed': 1 });
    expect(verdict.examples['txn-unprocessed'][0]!.values).toEqual(['lonely']);
  });

  // Shows G1c: two committed read-process-write steps each read what the other wrote (only
  // possible when a read returns a write not yet committed), and a step that read its own
  // write. Method: q1 and q2 read each other's outputs.
  it('finds a write-read cycle among committed transactions (G1c)', () => {
    const history = cleanHistory()
      .txn('q1.1', { kind: 'process', reads: [at(2, 2, 'q2.1-0/1-c')], writes: [{ partition: 0, value: 'q1.1-0/1-c', input: 'w1.1-1/2-c' }], outcome: 'ok' })
      .txn('q2.1', { kind: 'process', reads: [at(0, 2, 'q1.1-0/1-c')], writes: [{ partition: 2, value: 'q2.1-0/1-c', input: 'w1.1-0/2-c' }], outcome: 'ok' })
      .txn('q3.1', { kind: 'process', reads: [at(1, 8, 'q3.1-0/1-c')], writes: [{ partition: 1, value: 'q3.1-0/1-c', input: 'none' }], outcome: 'ok' });
    const verdict = check(history.events);
    expect(verdict.counts['txn-cycle']).toBe(2);
    expect(verdict.examples['txn-cycle'].map((e) => e.note)).toEqual(['q3.1 read its own write before it committed', 'write-read cycle among q1.1, q2.1']);
  });

  // Shows that reads of aborted transactions make no dependency: a cycle through a transaction
  // that did not commit is not G1c (the reads themselves are aborted reads).
  it('leaves transactions that did not commit out of the dependency graph', () => {
    const history = new Events()
      .txn('q1.1', { kind: 'process', reads: [at(1, 0, 'b')], writes: [{ partition: 0, value: 'a' }], outcome: 'ok' })
      .txn('q2.1', { kind: 'process', intent: 'abort', reads: [at(0, 0, 'a')], writes: [{ partition: 1, value: 'b' }], outcome: 'ok' });
    const verdict = check(history.events);
    expectCounts(verdict, { 'txn-aborted-read': 1 });
  });

  it('refuses a history whose values are not unique', () => {
    const history = new Events().txn('w1.1', { writes: [{ partition: 0, value: 'a' }], outcome: 'ok' }).txn('w1.2', { writes: [{ partition: 1, value: 'a' }], outcome: 'ok' });
    expect(() => check(history.events)).toThrow(HistoryError);
  });

  it.each([
    { line: { process: 'w', f: 'txn', topic: 't', txn: 'w.1', kind: 'bulk', intent: 'commit', writes: [], reads: [], offsets: [] }, problem: 'kind must be write, process or plain' },
    { line: { process: 'w', f: 'txn', topic: 't', txn: 'w.1', kind: 'write', intent: 'maybe', writes: [], reads: [], offsets: [] }, problem: 'intent must be commit or abort' },
    { line: { process: 'w', f: 'txn', topic: 't', txn: 'w.1', kind: 'write', intent: 'commit', writes: [{ partition: -1, value: 'a' }], reads: [], offsets: [] }, problem: 'writes[0] must be an object' },
    { line: { process: 'w', f: 'txn', topic: 't', txn: '', kind: 'write', intent: 'commit', writes: [], reads: [], offsets: [] }, problem: 'txn must be a non-empty string' },
  ])('refuses a txn line with $problem', ({ line, problem }) => {
    expect(() => parseHistoryLine(JSON.stringify({ time: 1, type: 'invoke', ...line }), 1)).toThrow(problem);
  });

  it.each([
    { edges: [['a', 'b'], ['b', 'c']], expected: [['c'], ['b'], ['a']] },
    { edges: [['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']], expected: [['d'], ['c', 'b', 'a']] },
  ])('finds the strongly connected components of $edges', ({ edges, expected }) => {
    const graph = new Map<string, Set<string>>();
    for (const [from, to] of edges) graph.set(from!, new Set([...(graph.get(from!) ?? []), to!]));
    expect(stronglyConnected(graph)).toEqual(expected);
  });
});
