import { HeraldClient, HeraldError, type CheckAnswer, type HalfCheck, type Producer } from '@herald/client';
import { finalRead } from './final-read.js';
import type { HistoryEvent, ListedHalf } from './history.js';
import type { ExtraWorkload, WorkloadContext } from './run.js';
import { createPrng, type Prng } from './schedule.js';
import { Consumers, describeError, isDefiniteFailure, sleep, type Recorder, type WorkloadCounters } from './workload.js';

// The half-message workload of a chaos run (issue #15, docs/transactions.md): producers of one
// producer group store half messages (sendHalf), run their "local transaction" (a shared map
// stands for the database: the outcome of each message's transaction), then commit or roll
// back; some are abandoned between the send and the decision, and now and then the producer
// that sent them dies there (its client closes, a new incarnation starts later), so a
// check-back must decide them, answered by another member of the group from the database. A
// reader follows the topic all along; after the drain the broker's listing of every half
// message and a read of the whole topic are recorded. half-checks.ts holds them to the
// contract: never visible before a commit was asked, visible exactly once after a commit, never
// after a rollback.

/** The topic of the half messages: their own, since what they make visible is not a `send`. */
export const HALF_TOPIC = 'chaos-half';
/** The producer group whose members answer check-backs. */
export const HALF_GROUP = 'chaos-half-group';

/** Options of HalfWorkload. */
export interface HalfWorkloadOptions {
  /** Producers of the group (processes h1, h2, ...), one half message in flight each; 2 by default. */
  readonly producers?: number;
  /** The topic's transaction.check.after.ms and .interval.ms: 3,000 and 2,000 by default, so
   *  check-backs happen within a short run. */
  readonly checkAfterMs?: number;
  readonly checkIntervalMs?: number;
}

/** Refusals after which a decision certainly was not made by this call. */
const endRefusals: ReadonlySet<string> = new Set(['HalfAlreadyDecided', 'HalfNotFound', 'InvalidArgument']);

/** One incarnation of a producer: its client and producer, answering check-backs. */
interface Incarnation {
  readonly client: HeraldClient;
  readonly producer: Producer;
}

/** Half messages under faults (see above). */
export class HalfWorkload implements ExtraWorkload {
  readonly name: string;
  private context: WorkloadContext | null = null;
  private readonly producerCount: number;
  private readonly checkAfterMs: number;
  private readonly checkIntervalMs: number;
  private readonly loops: Promise<void>[] = [];
  private stopping = false;
  private ready: Promise<void> | null = null;
  private reader: Consumers | null = null;
  private admin: HeraldClient | null = null;
  /** The "database": each value's local transaction outcome, as check-backs read it. */
  private readonly outcomes = new Map<string, 'commit' | 'rollback'>();
  private checks = 0;
  /** The producers alive: they keep answering check-backs after the sends stopped, until the
   *  drain has seen every half message decided. */
  private readonly alive = new Set<Incarnation>();
  /** Producers that died between a send and its decision. */
  deaths = 0;

  constructor(options: HalfWorkloadOptions = {}) {
    this.producerCount = options.producers ?? 2;
    this.checkAfterMs = options.checkAfterMs ?? 3_000;
    this.checkIntervalMs = options.checkIntervalMs ?? 2_000;
    if (!(Number.isSafeInteger(this.producerCount) && this.producerCount >= 2)) throw new RangeError(`the half-message workload needs 2 or more producers, so a check-back has a live member to ask (got ${this.producerCount})`);
    this.name = `half messages: ${this.producerCount} producers of group ${HALF_GROUP} on topic ${HALF_TOPIC}`;
  }

  start(context: WorkloadContext): void {
    this.context = context;
    this.admin = new HeraldClient({ ...context.cluster, callTimeoutMs: 5_000 });
    this.ready = this.createTopic();
    const record = this.recorder();
    const counters: WorkloadCounters = { sendsInvoked: 0, sendsOk: 0, sendsFailed: 0, sendsUnknown: 0, recordsRead: 0, pollsFailed: 0, groupConsumed: 0, queueDeliveries: 0, queueAcks: 0, lastOkMs: new Map() };
    this.reader = new Consumers({ cluster: context.cluster, topic: HALF_TOPIC, partitions: context.partitions, consumers: 1, record, clock: context.clock, counters });
    void this.ready.then(() => this.reader?.start());
    for (let k = 1; k <= this.producerCount; k++) this.loops.push(this.produce(`h${k}`, k - 1, createPrng(context.seed * 37 + k)));
  }

  /** Stops the producers; the reader goes on until drain() or close(). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  async close(): Promise<void> {
    await this.stop();
    await this.closeProducers();
    await this.reader?.stop();
    await this.admin?.close();
  }

  private async closeProducers(): Promise<void> {
    const alive = [...this.alive];
    this.alive.clear();
    await Promise.allSettled(alive.map((incarnation) => incarnation.client.close()));
  }

  /**
   * Waits (at most `timeoutMs`) until the broker lists no pending half message (check-backs
   * decided the abandoned ones), stops the reader, then records the listing and a read of the
   * whole topic.
   */
  async drain(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const { record, clock, cluster, partitions } = this.context!;
    const deadline = performance.now() + timeoutMs;
    let pending = -1;
    while (performance.now() < deadline && !signal.aborted) {
      pending = await this.admin!.listHalves(HALF_TOPIC, { timeoutMs: 5_000 }).then(
        (halves) => halves.length,
        () => -1,
      );
      if (pending === 0) break;
      await sleep(500, signal);
    }
    await this.closeProducers();
    await this.reader?.stop();
    let listed = false;
    for (let attempt = 0; attempt < 10 && !listed && !signal.aborted; attempt++) {
      const fields = { process: 'half-list', f: 'half-list' as const, topic: HALF_TOPIC };
      await record({ time: clock(), type: 'invoke', ...fields });
      try {
        const halves = await this.admin!.listHalves(HALF_TOPIC, { decided: true, timeoutMs: 10_000 });
        const listing: ListedHalf[] = halves.map((h) => ({ id: h.id, state: h.state, decidedBy: h.decidedBy }));
        await record({ time: clock(), type: 'ok', ...fields, halves: listing, final: true });
        listed = true;
      } catch (err) {
        await record({ time: clock(), type: 'info', ...fields, error: describeError(err) });
        await sleep(1_000, signal);
      }
    }
    const read = await finalRead({ cluster, topic: HALF_TOPIC, partitions, process: 'half-final', record: this.recorder(), clock, timeoutMs: 60_000 });
    await this.admin!.close();
    const problems = [
      ...(pending === 0 ? [] : [`${pending < 0 ? 'could not list' : pending} half messages still pending ${(timeoutMs / 1000).toFixed(0)} s after the producers stopped`]),
      ...(listed ? [] : ['could not list the half messages at the end']),
      ...(read.complete ? [] : ['the final read of the half messages did not reach the end of every partition']),
    ];
    return problems.length === 0 ? null : problems.join('; ');
  }

  /** The run's recorder, with the reads of the half-message topic recorded as `half-read` by
   *  processes of their own (`half-c1-0`, `half-final`). */
  private recorder(): Recorder {
    const { record } = this.context!;
    return (event: HistoryEvent) => {
      if (event.type === 'fault' || event.type === 'leader' || event.f !== 'poll') return record(event);
      return record({ ...event, f: 'half-read', process: event.process.startsWith('half-') ? event.process : `half-${event.process}` });
    };
  }

  private async createTopic(): Promise<void> {
    const { partitions } = this.context!;
    const configs = { 'transaction.check.after.ms': String(this.checkAfterMs), 'transaction.check.interval.ms': String(this.checkIntervalMs), 'transaction.check.max': '30' };
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await this.admin!.createTopic(HALF_TOPIC, { partitions, configs });
        return;
      } catch (err) {
        if (err instanceof HeraldError && err.reason === 'TopicExists') return;
        await sleep(500);
      }
    }
  }

  /** A producer of the group answering check-backs from the database, each answer recorded. */
  private incarnation(name: string): Incarnation {
    const { record, clock } = this.context!;
    const client = new HeraldClient({ ...this.context!.cluster, callTimeoutMs: 5_000 });
    const onCheck = async (check: HalfCheck): Promise<CheckAnswer> => {
      const value = check.records[0]?.value?.toString() ?? '';
      const answer: CheckAnswer = this.outcomes.get(value) ?? 'unknown';
      const fields = { process: `${name}-check-${++this.checks}`, f: 'half-check' as const, topic: HALF_TOPIC, value: value === '' ? '?' : value, id: check.id, answer };
      await record({ time: clock(), type: 'invoke', ...fields });
      await record({ time: clock(), type: 'ok', ...fields });
      return answer;
    };
    const incarnation = { client, producer: client.producer({ acks: 'quorum', producerGroup: HALF_GROUP, onCheck }) };
    this.alive.add(incarnation);
    return incarnation;
  }

  /**
   * One producer: each value's transaction commits (60 %) or rolls back; the producer decides
   * at once (70 %), after 1–5 s (10 %: around the first check-back), or abandons it (20 %),
   * dying there one time in three (a new incarnation starts 1–3 s later).
   */
  private async produce(name: string, first: number, prng: Prng): Promise<void> {
    const { partitions, record, clock } = this.context!;
    await this.ready;
    let me = this.incarnation(name);
    let partition = first % partitions;
    for (let n = 0; !this.stopping; n++) {
      const value = `${name}-${n}`;
      const outcome = prng.next() < 0.6 ? 'commit' : 'rollback';
      const roll = prng.next();
      const sendFields = { process: name, f: 'half-send' as const, topic: HALF_TOPIC, partition, value };
      partition = (partition + 1) % partitions;
      await record({ time: clock(), type: 'invoke', ...sendFields });
      let id: string;
      try {
        id = (await me.producer.sendHalf(HALF_TOPIC, { key: value, value, partition: sendFields.partition })).id;
        this.outcomes.set(value, outcome);
        await record({ time: clock(), type: 'ok', ...sendFields, id });
      } catch (err) {
        // The local transaction did not run: if the half message was stored after all, its
        // check-back is answered rollback.
        this.outcomes.set(value, 'rollback');
        await record({ time: clock(), type: isDefiniteFailure(err) ? 'fail' : 'info', ...sendFields, error: describeError(err) });
        await sleep(200);
        continue;
      }
      if (roll >= 0.8) {
        if (prng.next() < 1 / 3) {
          this.deaths++;
          this.alive.delete(me);
          await me.client.close();
          await sleep(prng.int(1_000, 3_000));
          me = this.incarnation(name);
        }
        continue;
      }
      if (roll >= 0.7) await sleep(prng.int(1_000, 5_000));
      const commit = outcome === 'commit';
      const endFields = { process: name, f: 'half-end' as const, topic: HALF_TOPIC, value, id, commit };
      await record({ time: clock(), type: 'invoke', ...endFields });
      try {
        if (commit) await me.producer.commit(id);
        else await me.producer.rollback(id);
        await record({ time: clock(), type: 'ok', ...endFields });
      } catch (err) {
        const refused = err instanceof HeraldError && endRefusals.has(err.reason);
        await record({ time: clock(), type: refused ? 'fail' : 'info', ...endFields, error: describeError(err) });
      }
    }
  }
}
