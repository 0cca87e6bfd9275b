import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/**
 * A chaos run's history, after Jepsen: every workload operation is an `invoke` followed by one
 * completion from the same process, and fault and leader events share the same stream. One
 * event is one JSON line. `time` is milliseconds since the run started (a float).
 *
 * Completions: `ok` (it happened), `fail` (it definitely did not: the broker said so), `info`
 * (unknown outcome: a timeout or a lost connection; a send may or may not have been written).
 */
export const OpType = { Invoke: 'invoke', Ok: 'ok', Fail: 'fail', Info: 'info' } as const;
export type OpType = (typeof OpType)[keyof typeof OpType];

/**
 * The workload's operations: `send` and `poll` (producers and plain consumers); `consume`,
 * `commit` and `offsets` (a consumer group: records a member consumed, offsets it committed, the
 * group's committed offsets read back); `deliver`, `ack`, `nack` and `subscription` (a queue
 * subscription: a record handed to a member, its settlement, the subscription described);
 * `publish` and `receive` (MQTT: a QoS 1 publish, messages a subscriber received);
 * `half-send`, `half-end`, `half-check`, `half-read` and `half-list` (half messages: stored,
 * decided by their producer, answered at a check-back, read, listed); `txn` and `txn-read`
 * (Kafka-style transactions: one transaction with what it read and wrote, reads of its topic).
 */
export const OpFunction = {
  Send: 'send',
  Poll: 'poll',
  Consume: 'consume',
  Commit: 'commit',
  Offsets: 'offsets',
  Deliver: 'deliver',
  Ack: 'ack',
  Nack: 'nack',
  Subscription: 'subscription',
  Publish: 'publish',
  Receive: 'receive',
  HalfSend: 'half-send',
  HalfEnd: 'half-end',
  HalfCheck: 'half-check',
  HalfRead: 'half-read',
  HalfList: 'half-list',
  Txn: 'txn',
  TxnRead: 'txn-read',
} as const;
export type OpFunction = (typeof OpFunction)[keyof typeof OpFunction];

/** A fault's window opens with `start` and closes with `end`. */
export const FaultPhase = { Start: 'start', End: 'end' } as const;
export type FaultPhase = (typeof FaultPhase)[keyof typeof FaultPhase];

interface OpBase {
  readonly time: number;
  /** The client that performed the operation; it has at most one operation outstanding. */
  readonly process: string;
}

/**
 * A send and its completion. Every send event repeats the invoke's fields so that each line
 * reads on its own. `value` is unique across the run, e.g. `p3-17` (producer p3's 17th value).
 */
export type SendEvent = OpBase & {
  readonly f: 'send';
  readonly topic: string;
  readonly partition: number;
  readonly value: string;
  readonly producer: string;
} & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly offset: number }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** One record a poll returned. */
export interface PolledRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/**
 * A poll and its completion. `reset` on the invoke says the consumer's position was moved on
 * purpose (a new subscription, a rebalance, a seek), so the checker does not compare this poll's
 * offsets with the process's earlier ones. `final` on the ok says the process has now read every
 * partition of the topic from the start to its end: every acknowledged send of the topic should
 * have been read, whatever its offset. `node` on an ok says every record came from that one
 * node's replica; a `final` read by such a process is that node's whole copy, so an
 * acknowledged value it lacks is `lost-on-node`. `partitions` on such a final ok lists the
 * partitions that copy covers, those the node holds a replica of (after replicas moved, a node
 * need not hold every partition); absent, it covers every partition of the topic.
 */
export type PollEvent = ReadEvent<'poll'>;

/** A poll's shape, under the name `f` (a poll, or a read of half messages). */
type ReadEvent<F extends string> = OpBase & { readonly f: F; readonly topic: string } & (
    | { readonly type: 'invoke'; readonly reset?: boolean }
    | { readonly type: 'ok'; readonly records: readonly PolledRecord[]; readonly final?: boolean; readonly node?: number; readonly partitions?: readonly number[] }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A fault injected by the harness; `target` names what it hit, e.g. `node 2` or `1|2,3`. */
export interface FaultEvent {
  readonly time: number;
  readonly type: 'fault';
  readonly name: string;
  readonly phase: FaultPhase;
  readonly target?: string;
}

/** The harness observed `leader` (a node id, or null for none) leading a partition in `term`. */
export interface LeaderEvent {
  readonly time: number;
  readonly type: 'leader';
  readonly topic?: string;
  readonly partition: number;
  readonly leader: number | null;
  readonly term: number;
}

/** One partition's offset: a committed offset (the next one the group consumes) or an end. */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

/**
 * A consumer-group member handing out records: the records its iterator returned within one
 * window, like a poll. Unlike a poll, a member may read records again (after a rebalance it
 * resumes from the committed offset), so these are checked only for the group's guarantees.
 */
export type ConsumeEvent = OpBase & { readonly f: 'consume'; readonly topic: string; readonly group: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly records: readonly PolledRecord[] }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A commit of offsets by a group member; every event carries the offsets it commits. */
export type CommitEvent = OpBase & {
  readonly f: 'commit';
  readonly topic: string;
  readonly group: string;
  readonly offsets: readonly PartitionOffset[];
} & ({ readonly type: 'invoke' } | { readonly type: 'ok' } | { readonly type: 'fail' | 'info'; readonly error?: string });

/**
 * The group's committed offsets of the topic, read back (FetchOffsets); a partition missing
 * from `offsets` had none. `final` on the ok says the workload had stopped and drained, and
 * `endOffsets` holds each partition's high watermark then: every committed offset should have
 * reached it, and every acknowledged send should have been consumed by the group.
 */
export type OffsetsEvent = OpBase & { readonly f: 'offsets'; readonly topic: string; readonly group: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly offsets: readonly PartitionOffset[]; readonly final?: boolean; readonly endOffsets?: readonly PartitionOffset[] }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/**
 * A queue-subscription member asking for its next record (invoke) and being handed one (ok).
 * The broker leased the record before the ok, possibly before the invoke (the client buffers
 * what it received), so a delivery's lease time is known only to be before its ok.
 */
export type DeliverEvent = OpBase & { readonly f: 'deliver'; readonly topic: string; readonly subscription: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly partition: number; readonly offset: number; readonly deliveryCount: number; readonly value: string }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/**
 * An ack or a nack of one delivery, named by its offset and delivery count, by the member
 * (`member`, the deliver events' process) that received it. `ok`: the broker applied it
 * (replicated); `fail`: it refused it (NotHeld: the lease had ended, or the record was
 * settled); `info`: unknown, it may have been applied.
 */
export type SettleEvent = OpBase & {
  readonly f: 'ack' | 'nack';
  readonly topic: string;
  readonly subscription: string;
  readonly member: string;
  readonly partition: number;
  readonly offset: number;
  readonly deliveryCount: number;
  /** Nacks: when the record may be delivered again. */
  readonly delayMs?: number;
} & ({ readonly type: 'invoke' } | { readonly type: 'ok' } | { readonly type: 'fail' | 'info'; readonly error?: string });

/** A queue subscription on one partition as its leader described it. */
export interface SubscriptionPartition {
  readonly partition: number;
  /** Every offset below is settled (acked or dead-lettered). */
  readonly ackFloor: number;
  readonly highWatermark: number;
  /** Records in [ackFloor, highWatermark) not settled. */
  readonly unacked: number;
  readonly deadLettered: number;
  readonly redelivered: number;
}

/**
 * A queue subscription described (DescribeSubscriptions). `final` on the ok says the workload
 * had stopped and drained: every acknowledged send should be settled by then.
 */
export type SubscriptionEvent = OpBase & { readonly f: 'subscription'; readonly topic: string; readonly subscription: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly partitions: readonly SubscriptionPartition[]; readonly final?: boolean }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/**
 * An MQTT publish by one client (its process), QoS `qos`, of a unique payload `value` to the
 * MQTT topic `topic`; `ok` when its PUBACK arrived (acknowledged), `info` when it did not in
 * time (it may still be stored).
 */
export type PublishEvent = OpBase & { readonly f: 'publish'; readonly topic: string; readonly value: string; readonly qos: number } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok' }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** One MQTT message as a subscriber received it. */
export interface ReceivedMessage {
  /** The MQTT topic it was published to. */
  readonly topic: string;
  readonly value: string;
}

/**
 * Messages an MQTT subscriber (its process, one client id with a persistent session) received
 * on the filter `topic` within one window. `final` on the ok says the subscriber had drained:
 * it received what it would, so an acknowledged publish it never received is lost.
 */
export type ReceiveEvent = OpBase & { readonly f: 'receive'; readonly topic: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly messages: readonly ReceivedMessage[]; readonly final?: boolean }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A half message of one record `value` stored on `partition` (sendHalf); its ok names the id
 *  the broker knows it by. */
export type HalfSendEvent = OpBase & { readonly f: 'half-send'; readonly topic: string; readonly partition: number; readonly value: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly id: string }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A producer's decision on its half message (commit or rollback); `fail` when the broker
 *  refused it (decided the other way already, or unknown). */
export type HalfEndEvent = OpBase & { readonly f: 'half-end'; readonly topic: string; readonly value: string; readonly id: string; readonly commit: boolean } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok' }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A producer group member's answer to a check-back of the half message holding `value`. */
export type HalfCheckEvent = OpBase & { readonly f: 'half-check'; readonly topic: string; readonly value: string; readonly id: string; readonly answer: 'commit' | 'rollback' | 'unknown' } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok' }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** A read of the half messages' topic, shaped as a poll (PollEvent: `final` says the read
 *  covered every partition to its end); what it returns is what readers see. */
export type HalfReadEvent = ReadEvent<'half-read'>;

/** A half message as the broker listed it at the end (ListHalves, decided ones included). */
export interface ListedHalf {
  readonly id: string;
  readonly state: 'pending' | 'committed' | 'rolled-back';
  /** `producer`, `check`, `check-max`, or '' while pending. */
  readonly decidedBy: string;
}

/** The half messages of the topic listed (`final`: after the workload stopped and drained). */
export type HalfListEvent = OpBase & { readonly f: 'half-list'; readonly topic: string } & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok'; readonly halves: readonly ListedHalf[]; readonly final?: boolean }
    | { readonly type: 'fail' | 'info'; readonly error?: string }
  );

/** One record a transaction writes: where, its value (unique in the run), and for the output
 *  of a read-process-write step, the value of the input record it was made from. */
export interface TxnWrite {
  readonly partition: number;
  readonly value: string;
  readonly input?: string;
}

/**
 * What a `txn` operation is: `write`, a transaction of records to several partitions (the
 * read-process-write steps' input); `process`, a read-process-write step (reads input, writes
 * one output per input record, sends its group offsets); `plain`, one record written outside
 * any transaction (the drain's end markers), as a transaction that commits when acknowledged.
 */
export type TxnKind = 'write' | 'process' | 'plain';

/**
 * One transaction (txn-workload.ts): `txn` names it (unique in the run, e.g. `txw1.17`),
 * `intent` says whether it was meant to commit or to abort, `writes` the records it sends to
 * `topic`, `reads` the records it read before (a read-process-write step: what it consumed) and
 * `offsets` the group offsets it sends with them. The invoke carries them all; `ok` means the
 * intended end was acknowledged (commit or abort), `fail` that it certainly did not commit
 * (commit was never asked, or was refused), `info` that a commit's outcome is unknown.
 * `acked` on a completion lists where the partitions acknowledged its batches (the first
 * offset of each), as the producer was told.
 */
export type TxnEvent = OpBase & {
  readonly f: 'txn';
  readonly topic: string;
  readonly txn: string;
  readonly kind: TxnKind;
  readonly intent: 'commit' | 'abort';
  readonly writes: readonly TxnWrite[];
  readonly reads: readonly PolledRecord[];
  readonly offsets: readonly PartitionOffset[];
} & (
    | { readonly type: 'invoke' }
    | { readonly type: 'ok' | 'fail' | 'info'; readonly error?: string; readonly acked?: readonly PartitionOffset[] }
  );

/** A read-committed read of the transactions' topic, shaped as a poll (PollEvent: `final` says
 *  the read covered every partition to its end). */
export type TxnReadEvent = ReadEvent<'txn-read'>;

/** The operations of the MQTT, half-message and transaction workloads (mqtt-checks.ts,
 *  half-checks.ts, txn-checks.ts). */
export type ProtocolOpEvent = PublishEvent | ReceiveEvent | HalfSendEvent | HalfEndEvent | HalfCheckEvent | HalfReadEvent | HalfListEvent | TxnEvent | TxnReadEvent;

/** Any operation of the workload. */
export type OpEvent = SendEvent | PollEvent | ConsumeEvent | CommitEvent | OffsetsEvent | DeliverEvent | SettleEvent | SubscriptionEvent | ProtocolOpEvent;
/** One line of a history. */
export type HistoryEvent = OpEvent | FaultEvent | LeaderEvent;

/** A history line that is not valid JSON or not a valid event. */
export class HistoryFormatError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly reason: string,
    readonly path?: string,
  ) {
    super(`${path ?? 'history'}:${lineNumber}: ${reason}`);
    this.name = 'HistoryFormatError';
  }
}

/** Returns a clock reading milliseconds since this call, for the `time` of history events. */
export function startRunClock(): () => number {
  const startMs = performance.now();
  return () => performance.now() - startMs;
}

/**
 * Appends history events as JSON lines. `append()` resolves at once while the file stream has
 * room and waits for 'drain' when it does not, so many concurrent writers slow down together
 * instead of growing the stream's buffer without bound. A stream error is kept and rethrown by
 * every later call, including `close()`.
 */
export class HistoryWriter {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private drained: Promise<void> | null = null;
  private eventCount = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Events appended so far. */
  get count(): number {
    return this.eventCount;
  }

  /** Appends one event; the promise settles when the stream can take more. */
  async append(event: HistoryEvent): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closing) throw new Error(`history ${this.path} is closed; cannot append`);
    this.eventCount += 1;
    if (this.stream.write(`${JSON.stringify(event)}\n`)) return;
    await this.waitForDrain();
  }

  /** Flushes and closes the file; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (this.failure) {
        this.stream.destroy();
        reject(this.failure);
        return;
      }
      this.stream.end(() => {
        if (this.failure) reject(this.failure);
        else resolve();
      });
    });
    return this.closing;
  }

  private async waitForDrain(): Promise<void> {
    // One listener however many appenders wait; 'error' also ends the wait (once() rejects).
    this.drained ??= once(this.stream, 'drain').then(
      () => {
        this.drained = null;
      },
      (err: unknown) => {
        this.drained = null;
        throw err;
      },
    );
    await this.drained;
    if (this.failure) throw this.failure;
  }
}

/** Parses one line of a history; throws HistoryFormatError naming the line and the field. */
export function parseHistoryLine(line: string, lineNumber: number, path?: string): HistoryEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    throw new HistoryFormatError(lineNumber, `not JSON (${(err as Error).message})`, path);
  }
  const problem = validateEvent(raw);
  if (problem !== null) throw new HistoryFormatError(lineNumber, problem, path);
  return raw as HistoryEvent;
}

/** Reads a history file event by event; blank lines are skipped, a bad line throws. */
export async function* readHistoryEvents(path: string): AsyncGenerator<HistoryEvent> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      yield parseHistoryLine(line, lineNumber, path);
    }
  } finally {
    lines.close();
  }
}

/** Reads a whole history file into memory. */
export async function readHistory(path: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistoryEvents(path)) events.push(event);
  return events;
}

/** Writes a whole history to a file, one JSON line per event. */
export async function writeHistory(path: string, events: Iterable<HistoryEvent>): Promise<void> {
  const writer = new HistoryWriter(path);
  try {
    for (const event of events) await writer.append(event);
  } finally {
    await writer.close();
  }
}

// Validation returns the first problem as a sentence, or null. Hand-written rather than a schema
// library: the format is small and the checker reads a million lines, so it must be cheap.

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;

function validateEvent(raw: unknown): string | null {
  if (!isObject(raw)) return 'an event must be a JSON object';
  if (typeof raw.time !== 'number' || !Number.isFinite(raw.time) || raw.time < 0) {
    return `time must be a non-negative number of milliseconds (got ${JSON.stringify(raw.time)})`;
  }
  switch (raw.type) {
    case 'invoke':
    case 'ok':
    case 'fail':
    case 'info':
      return validateOp(raw, raw.type);
    case 'fault':
      return validateFault(raw);
    case 'leader':
      return validateLeader(raw);
    default:
      return `type must be invoke, ok, fail, info, fault or leader (got ${JSON.stringify(raw.type)})`;
  }
}

function validateOp(raw: Fields, type: OpType): string | null {
  if (typeof raw.process !== 'string' || raw.process === '') return 'process must be a non-empty string';
  if (typeof raw.topic !== 'string' || raw.topic === '') return 'topic must be a non-empty string';
  if (raw.error !== undefined && typeof raw.error !== 'string') return 'error must be a string';
  if (raw.f === 'send') {
    if (!isCount(raw.partition)) return 'partition must be a non-negative integer';
    if (typeof raw.value !== 'string' || raw.value === '') return 'value must be a non-empty string';
    if (typeof raw.producer !== 'string' || raw.producer === '') return 'producer must be a non-empty string';
    if (type === 'ok' && !isCount(raw.offset)) return 'a send ok must carry offset, a non-negative integer';
    return null;
  }
  if (raw.f === 'poll' || raw.f === 'half-read' || raw.f === 'txn-read') {
    if (raw.reset !== undefined && typeof raw.reset !== 'boolean') return 'reset must be a boolean';
    if (raw.final !== undefined && typeof raw.final !== 'boolean') return 'final must be a boolean';
    if (raw.node !== undefined && !(Number.isSafeInteger(raw.node) && (raw.node as number) >= 1)) return 'node must be a node id';
    if (raw.partitions !== undefined && !(Array.isArray(raw.partitions) && raw.partitions.every(isCount))) return 'partitions must be an array of non-negative integers';
    if (type !== 'ok') return null;
    if (!Array.isArray(raw.records)) return 'a poll ok must carry records, an array';
    return validateRecords(raw.records);
  }
  switch (raw.f) {
    case 'consume':
    case 'commit':
    case 'offsets':
      return validateGroupOp(raw, type);
    case 'deliver':
    case 'ack':
    case 'nack':
    case 'subscription':
      return validateQueueOp(raw, type);
    case 'publish':
    case 'receive':
      return validateMqttOp(raw, type);
    case 'half-send':
    case 'half-end':
    case 'half-check':
    case 'half-list':
      return validateHalfOp(raw, type);
    case 'txn':
      return validateTxnOp(raw);
    default:
      return `f must be one of ${Object.values(OpFunction).join(', ')} (got ${JSON.stringify(raw.f)})`;
  }
}

function validateRecords(records: readonly unknown[]): string | null {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!isObject(record)) return `records[${i}] must be an object`;
    if (!isCount(record.partition)) return `records[${i}].partition must be a non-negative integer`;
    if (!isCount(record.offset)) return `records[${i}].offset must be a non-negative integer`;
    if (typeof record.value !== 'string') return `records[${i}].value must be a string`;
  }
  return null;
}

function validateOffsets(name: string, offsets: unknown): string | null {
  if (!Array.isArray(offsets)) return `${name} must be an array`;
  for (let i = 0; i < offsets.length; i++) {
    const entry: unknown = offsets[i];
    if (!isObject(entry)) return `${name}[${i}] must be an object`;
    if (!isCount(entry.partition)) return `${name}[${i}].partition must be a non-negative integer`;
    if (!isCount(entry.offset)) return `${name}[${i}].offset must be a non-negative integer`;
  }
  return null;
}

function validateGroupOp(raw: Fields, type: OpType): string | null {
  if (typeof raw.group !== 'string' || raw.group === '') return 'group must be a non-empty string';
  if (raw.f === 'commit') return validateOffsets('offsets', raw.offsets);
  if (type !== 'ok') return null;
  if (raw.f === 'consume') {
    if (!Array.isArray(raw.records)) return 'a consume ok must carry records, an array';
    return validateRecords(raw.records);
  }
  const problem = validateOffsets('offsets', raw.offsets);
  if (problem !== null) return problem;
  if (raw.final !== undefined && typeof raw.final !== 'boolean') return 'final must be a boolean';
  if (raw.final === true && raw.endOffsets === undefined) return 'a final offsets ok must carry endOffsets';
  return raw.endOffsets === undefined ? null : validateOffsets('endOffsets', raw.endOffsets);
}

function validateQueueOp(raw: Fields, type: OpType): string | null {
  if (typeof raw.subscription !== 'string' || raw.subscription === '') return 'subscription must be a non-empty string';
  if (raw.f === 'ack' || raw.f === 'nack') {
    if (typeof raw.member !== 'string' || raw.member === '') return 'member must be a non-empty string';
    if (!isCount(raw.partition)) return 'partition must be a non-negative integer';
    if (!isCount(raw.offset)) return 'offset must be a non-negative integer';
    if (!(isCount(raw.deliveryCount) && (raw.deliveryCount as number) >= 1)) return 'deliveryCount must be a positive integer';
    if (raw.delayMs !== undefined && !isCount(raw.delayMs)) return 'delayMs must be a non-negative integer';
    return null;
  }
  if (type !== 'ok') return null;
  if (raw.f === 'deliver') {
    if (!isCount(raw.partition)) return 'a deliver ok must carry partition, a non-negative integer';
    if (!isCount(raw.offset)) return 'a deliver ok must carry offset, a non-negative integer';
    if (!(isCount(raw.deliveryCount) && (raw.deliveryCount as number) >= 1)) return 'a deliver ok must carry deliveryCount, a positive integer';
    if (typeof raw.value !== 'string') return 'a deliver ok must carry value, a string';
    return null;
  }
  if (raw.final !== undefined && typeof raw.final !== 'boolean') return 'final must be a boolean';
  if (!Array.isArray(raw.partitions)) return 'a subscription ok must carry partitions, an array';
  for (let i = 0; i < raw.partitions.length; i++) {
    const entry: unknown = raw.partitions[i];
    if (!isObject(entry)) return `partitions[${i}] must be an object`;
    for (const field of ['partition', 'ackFloor', 'highWatermark', 'unacked', 'deadLettered', 'redelivered'] as const) {
      if (!isCount(entry[field])) return `partitions[${i}].${field} must be a non-negative integer`;
    }
  }
  return null;
}

function validateMqttOp(raw: Fields, type: OpType): string | null {
  if (raw.f === 'publish') {
    if (typeof raw.value !== 'string' || raw.value === '') return 'value must be a non-empty string';
    if (raw.qos !== 0 && raw.qos !== 1 && raw.qos !== 2) return 'qos must be 0, 1 or 2';
    return null;
  }
  if (type !== 'ok') return null;
  if (raw.final !== undefined && typeof raw.final !== 'boolean') return 'final must be a boolean';
  if (!Array.isArray(raw.messages)) return 'a receive ok must carry messages, an array';
  for (let i = 0; i < raw.messages.length; i++) {
    const message: unknown = raw.messages[i];
    if (!isObject(message) || typeof message.topic !== 'string' || typeof message.value !== 'string') return `messages[${i}] must be an object with topic and value, strings`;
  }
  return null;
}

function validateHalfOp(raw: Fields, type: OpType): string | null {
  if (raw.f === 'half-list') {
    if (type !== 'ok') return null;
    if (raw.final !== undefined && typeof raw.final !== 'boolean') return 'final must be a boolean';
    if (!Array.isArray(raw.halves)) return 'a half-list ok must carry halves, an array';
    for (let i = 0; i < raw.halves.length; i++) {
      const half: unknown = raw.halves[i];
      if (!isObject(half) || typeof half.id !== 'string' || typeof half.decidedBy !== 'string') return `halves[${i}] must be an object with id and decidedBy, strings`;
      if (half.state !== 'pending' && half.state !== 'committed' && half.state !== 'rolled-back') return `halves[${i}].state must be pending, committed or rolled-back`;
    }
    return null;
  }
  if (typeof raw.value !== 'string' || raw.value === '') return 'value must be a non-empty string';
  if (raw.f === 'half-send') {
    if (!isCount(raw.partition)) return 'partition must be a non-negative integer';
    if (type === 'ok' && (typeof raw.id !== 'string' || raw.id === '')) return 'a half-send ok must carry id, a non-empty string';
    return null;
  }
  if (typeof raw.id !== 'string' || raw.id === '') return 'id must be a non-empty string';
  if (raw.f === 'half-end') return typeof raw.commit === 'boolean' ? null : 'commit must be a boolean';
  return raw.answer === 'commit' || raw.answer === 'rollback' || raw.answer === 'unknown' ? null : 'answer must be commit, rollback or unknown';
}

function validateTxnOp(raw: Fields): string | null {
  if (typeof raw.txn !== 'string' || raw.txn === '') return 'txn must be a non-empty string';
  if (raw.kind !== 'write' && raw.kind !== 'process' && raw.kind !== 'plain') return 'kind must be write, process or plain';
  if (raw.intent !== 'commit' && raw.intent !== 'abort') return 'intent must be commit or abort';
  if (!Array.isArray(raw.writes)) return 'writes must be an array';
  for (let i = 0; i < raw.writes.length; i++) {
    const write: unknown = raw.writes[i];
    if (!isObject(write) || !isCount(write.partition) || typeof write.value !== 'string' || write.value === '') return `writes[${i}] must be an object with partition, a non-negative integer, and value, a non-empty string`;
    if (write.input !== undefined && (typeof write.input !== 'string' || write.input === '')) return `writes[${i}].input must be a non-empty string`;
  }
  if (!Array.isArray(raw.reads)) return 'reads must be an array';
  const problem = validateRecords(raw.reads) ?? validateOffsets('offsets', raw.offsets);
  return problem ?? (raw.acked === undefined ? null : validateOffsets('acked', raw.acked));
}

function validateFault(raw: Fields): string | null {
  if (typeof raw.name !== 'string' || raw.name === '') return 'a fault must carry name, a non-empty string';
  if (raw.phase !== 'start' && raw.phase !== 'end') return `phase must be start or end (got ${JSON.stringify(raw.phase)})`;
  if (raw.target !== undefined && typeof raw.target !== 'string') return 'target must be a string';
  return null;
}

function validateLeader(raw: Fields): string | null {
  if (raw.topic !== undefined && typeof raw.topic !== 'string') return 'topic must be a string';
  if (!isCount(raw.partition)) return 'partition must be a non-negative integer';
  if (raw.leader !== null && !Number.isSafeInteger(raw.leader)) return 'leader must be a node id or null';
  if (!isCount(raw.term)) return 'term must be a non-negative integer';
  return null;
}
