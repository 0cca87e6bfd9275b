// Fan-out from the log. Each node reads each partition it serves subscribers of once: one
// PartitionFeed follows the partition's tail (from the local replica when the node holds one) and
// hands every record to every cursor at the tail, in offset order. A record is stored once and
// decoded once per node, whatever the number of subscribers.
//
// A cursor is one reader's position in one partition (a session's, an SSE stream's). It is
//   live:     at the tail: the feed hands it records as they are committed;
//   catching up: behind the feed's recent records (a persistent session resuming): it reads
//             alone, from the log, until it reaches them, then joins the feed;
//   paused:   its reader is full (a QoS 1/2 window or a socket that does not drain): nothing is
//             read for it until it resumes from where it stopped. Memory per reader is bounded
//             by its window, never by how far behind it falls.

import type { Logger } from 'pino';
import type { ClusterAccess, RecordChunk } from './cluster.js';
import type { LogRecord } from './message.js';

/** What a cursor hands records to. */
export interface CursorSink {
  /** Takes one record (or skips it); false when full: the cursor pauses at this record and
   *  offers it again after resume(). */
  offer(record: LogRecord): boolean;
}

type CursorState = 'live' | 'catching-up' | 'paused' | 'closed';

/** One reader's position in one partition. */
export class Cursor {
  state: CursorState = 'paused';
  private catchUp: AbortController | undefined;

  constructor(
    private readonly feed: PartitionFeed,
    /** The next offset to offer. */
    public offset: number,
    private readonly sink: CursorSink,
  ) {}

  get topic(): string {
    return this.feed.topic;
  }

  get partition(): number {
    return this.feed.partition;
  }

  /** Offers records from `offset` on; false when the sink filled up (the cursor is paused). */
  deliver(records: readonly LogRecord[], next: number): boolean {
    for (const record of records) {
      if (record.offset < this.offset) continue;
      if (!this.sink.offer(record)) {
        this.offset = record.offset;
        this.pause();
        return false;
      }
      this.offset = record.offset + 1;
    }
    this.offset = Math.max(this.offset, next);
    return true;
  }

  /** Reads again from `offset` (after a pause, or to start). */
  resume(): void {
    if (this.state !== 'paused') return;
    this.feed.attach(this);
  }

  private pause(): void {
    if (this.state === 'closed') return;
    this.stopCatchUp();
    this.feed.detach(this);
    this.state = 'paused';
  }

  /** Reads alone from the log until the feed's recent records are reached. */
  startCatchUp(read: (from: number, signal: AbortSignal) => AsyncGenerator<RecordChunk>, log: Logger): void {
    this.state = 'catching-up';
    const abort = new AbortController();
    this.catchUp = abort;
    void (async () => {
      try {
        for await (const chunk of read(this.offset, abort.signal)) {
          if (abort.signal.aborted || !this.deliver(chunk.records, chunk.next)) return;
          if (this.feed.canJoin(this.offset)) {
            abort.abort();
            this.catchUp = undefined;
            this.state = 'paused';
            this.feed.attach(this);
            return;
          }
        }
      } catch (err) {
        log.warn({ err, topic: this.topic, partition: this.partition }, 'catch-up read failed; retried on resume');
        if (this.catchUp === abort) this.pause();
      }
    })();
  }

  private stopCatchUp(): void {
    this.catchUp?.abort();
    this.catchUp = undefined;
  }

  /** Stops reading for good. */
  close(): void {
    this.stopCatchUp();
    this.feed.detach(this);
    this.feed.forget(this);
    this.state = 'closed';
  }
}

/** The shared reader of one partition on this node. */
export class PartitionFeed {
  /** The next offset the feed reads; undefined until it knows where the tail is. */
  private tail: number | undefined;
  private readonly recent: LogRecord[] = [];
  /** The first offset `recent` covers (the tail when it is empty). */
  private recentStart = 0;
  private readonly live = new Set<Cursor>();
  private readonly cursors = new Set<Cursor>();
  private running: AbortController | undefined;
  private starting: Promise<number> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly access: ClusterAccess,
    private readonly recentMax: number,
    private readonly log: Logger,
    private readonly onIdle: () => void,
  ) {}

  /** The offset a reader starting "now" starts at: the tail. */
  async latest(): Promise<number> {
    if (this.tail !== undefined) return this.tail;
    this.starting ??= this.access.latestOffset(this.topic, this.partition);
    try {
      return await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  /** A cursor at `offset`, reading at once. */
  open(offset: number, sink: CursorSink): Cursor {
    const cursor = new Cursor(this, offset, sink);
    this.cursors.add(cursor);
    this.attach(cursor);
    return cursor;
  }

  /** Whether a cursor at `offset` can be served from memory. */
  canJoin(offset: number): boolean {
    return this.tail !== undefined && offset >= this.recentStart;
  }

  /** Makes a paused cursor live (replaying recent records), or has it catch up alone. */
  attach(cursor: Cursor): void {
    if (cursor.state !== 'paused') return;
    if (this.tail === undefined) {
      // The tail is learned once: a cursor at or beyond it is live at once.
      cursor.state = 'live';
      this.live.add(cursor);
      this.start(cursor.offset);
      return;
    }
    if (cursor.offset < this.recentStart) {
      cursor.startCatchUp((from, signal) => this.access.read(this.topic, this.partition, from, signal), this.log);
      return;
    }
    cursor.state = 'live';
    const replay = this.recent.filter((r) => r.offset >= cursor.offset);
    if (!cursor.deliver(replay, this.tail)) return;
    this.live.add(cursor);
  }

  /** Takes a cursor off the live set (it paused or closed). */
  detach(cursor: Cursor): void {
    this.live.delete(cursor);
  }

  /** Forgets a closed cursor; the feed stops once it has none. */
  forget(cursor: Cursor): void {
    this.cursors.delete(cursor);
    if (this.cursors.size === 0) this.stop();
  }

  private start(from: number): void {
    if (this.running !== undefined) return;
    const abort = new AbortController();
    this.running = abort;
    void (async () => {
      // A feed starts at the tail, or at its first cursor when that one is ahead of nothing.
      let next = from;
      try {
        const latest = await this.access.latestOffset(this.topic, this.partition);
        next = Math.min(from, latest);
      } catch {
        // Unknown tail: start where the first reader asked.
      }
      this.tail = next;
      this.recentStart = next;
      // Cursors that attached meanwhile behind the start read alone until they reach it.
      for (const cursor of [...this.live]) {
        if (cursor.offset >= next) continue;
        this.live.delete(cursor);
        cursor.state = 'paused';
        this.attach(cursor);
      }
      try {
        for await (const chunk of this.access.read(this.topic, this.partition, next, abort.signal)) {
          if (abort.signal.aborted) return;
          this.append(chunk);
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        this.log.warn({ err, topic: this.topic, partition: this.partition }, 'partition feed failed; restarting');
        this.running = undefined;
        const resumeAt = this.tail;
        if (this.cursors.size > 0) setTimeout(() => this.start(resumeAt ?? next), 500).unref();
      }
    })();
  }

  private append(chunk: RecordChunk): void {
    for (const record of chunk.records) this.recent.push(record);
    const drop = this.recent.length - this.recentMax;
    if (drop > 0) this.recent.splice(0, drop);
    this.tail = chunk.next;
    this.recentStart = this.recent[0]?.offset ?? chunk.next;
    for (const cursor of [...this.live]) cursor.deliver(chunk.records, chunk.next);
  }

  private stop(): void {
    this.running?.abort();
    this.running = undefined;
    this.tail = undefined;
    this.recent.length = 0;
    this.live.clear();
    this.onIdle();
  }
}

/** Every partition feed of one node. */
export class Fanout {
  private readonly feeds = new Map<string, PartitionFeed>();

  constructor(
    private readonly access: ClusterAccess,
    private readonly recentMax: number,
    private readonly log: Logger,
  ) {}

  /** The feed of a partition, made on first use and dropped once it has no cursor. */
  feed(topic: string, partition: number): PartitionFeed {
    const key = `${topic}/${partition}`;
    let feed = this.feeds.get(key);
    if (feed === undefined) {
      const made = new PartitionFeed(topic, partition, this.access, this.recentMax, this.log, () => {
        if (this.feeds.get(key) === made) this.feeds.delete(key);
      });
      feed = made;
      this.feeds.set(key, feed);
    }
    return feed;
  }

  /** How many partitions this node reads for its subscribers. */
  get size(): number {
    return this.feeds.size;
  }
}
