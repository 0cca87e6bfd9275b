import { ClassicLevel } from 'classic-level';
import { assert } from './assert.js';
import { decodeHardState, decodeWriteCount, encodeHardState, encodeWriteCount } from './codec.js';
import { formatVersionKey, GroupKeys, groupIdOfKey, groupNamespace, writeCountKey } from './keys.js';
import { isCorruption, loadGroup, type Database, type LoadedGroup } from './load-group.js';
import { findLostWrites, levelDbDrops, marksPending, WriteMarker, type StoredCount } from './lost-writes.js';
import { StoreBatch, emptyBounds, type BatchTarget, type GroupBounds, type Operation } from './store-batch.js';

/** The subset of pino's interface the store logs through. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NodeStoreOptions {
  readonly logger?: StoreLogger;
}

const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} };

/** The repair index of a group that may have lost any part of its log: what `--rejoin` uses
 *  for a node that lost its disk. Raft clears it once the group holds its leader's log through
 *  the leader's commit index (docs/design-notes.md, "Storage repair"). */
export const unknownRepairIndex = Number.MAX_SAFE_INTEGER;

/** The store found at open that it may have lost writes it had synced (see NodeStore.open). */
export interface LostWrites {
  /** Why it thinks so, with the numbers. */
  readonly reason: string;
}

/**
 * The durable state of every Raft group a node hosts (the meta group and one per partition):
 * hard state, log and snapshot, in one LevelDB database per node directory. The host writes all
 * groups' changes of a turn in one StoreBatch with one sync (group commit).
 *
 * The store remembers each group's first and last stored entry index (found at open, kept
 * current by each write), so a batch deletes a replaced tail key by key without reading. For
 * that to hold, batches are written one at a time, each built after the previous one was
 * written.
 *
 * LevelDB drops a damaged or truncated tail of its write-ahead log when it opens a database,
 * silently, so a node could come back without entries it acknowledged, and vote. So every batch
 * also puts its number (the write count), and after each synced batch the store rewrites a
 * marker file outside LevelDB with that number (WriteMarker). At open, fewer batches than the
 * marker claims, or LevelDB's report that it dropped log records, means writes were lost: every
 * group then opens in repair mode with an unknown repair index, durably, so it neither votes nor
 * campaigns until a leader has given its log back (`lostWrites` says why).
 */
export class NodeStore {
  private readonly bounds = new Map<string, GroupBounds>();
  private readonly keys = new Map<string, GroupKeys>();
  /** Counts written batches: a batch built before another was written has stale bounds. */
  private generation = 0;
  private writing = false;
  /** The first failed write. After it nothing is written: the node must stop. */
  private failure: Error | null = null;
  /** The number of the last batch written (every batch puts it under writeCountKey). */
  private writeCount = 0;
  private marker: WriteMarker | null = null;
  private lost: LostWrites | null = null;

  private constructor(
    private readonly db: Database,
    private readonly log: StoreLogger,
  ) {}

  /** Opens (creating if needed) the database in `dir`, finds the groups it stores, and checks
   *  that LevelDB kept every batch it had synced (see the class comment). Rejects when LevelDB
   *  cannot open it, e.g. when another process holds it. */
  static async open(dir: string, options: NodeStoreOptions = {}): Promise<NodeStore> {
    const db: Database = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const store = new NodeStore(db, options.logger ?? silentLogger);
    try {
      await store.findGroups();
      await store.checkWrites(dir);
    } catch (err) {
      await store.marker?.close();
      await db.close();
      throw err;
    }
    store.log.info({ dir, groups: store.bounds.size, writeCount: store.writeCount }, 'opened node store');
    return store;
  }

  /** Set when the store found at open that it may have lost writes it had synced: every group
   *  it loads is then in repair mode. Null otherwise. */
  get lostWrites(): LostWrites | null {
    return this.lost;
  }

  /**
   * The version of what the store's owner writes into entries and snapshots, as last recorded
   * with setFormatVersion(); null when none was ever recorded (a new store, or one written
   * before versions were recorded). The store itself does not interpret it: the broker decides
   * what it can read, and refuses a store written by a newer version instead of misreading it.
   */
  async formatVersion(): Promise<number | null> {
    const value = await this.db.get(formatVersionKey);
    if (value === undefined) return null;
    assert(value.length === 4, 'the format version record is 4 bytes');
    return value.readUInt32BE(0);
  }

  /** Records the format version (synced). */
  async setFormatVersion(version: number): Promise<void> {
    assert(Number.isInteger(version) && version > 0 && version <= 0xffffffff, 'a format version is a positive u32');
    assert(!this.writing, 'the format version is recorded between batches');
    const value = Buffer.alloc(4);
    value.writeUInt32BE(version, 0);
    await this.db.put(formatVersionKey, value, { sync: true });
  }

  /** The ids of the groups with any stored state, sorted. */
  groupIds(): string[] {
    const ids: string[] = [];
    for (const [groupId, bounds] of this.bounds) if (bounds.stored) ids.push(groupId);
    return ids.sort();
  }

  /** Reads and verifies everything stored for the group; call once per group at start, before
   *  writing batches that touch it. See LoadedGroup for what comes back when something is wrong. */
  async load(groupId: string): Promise<LoadedGroup> {
    assert(!this.writing, 'load() runs at start, not while a batch is being written');
    const bounds = this.boundsOf(groupId);
    // Nothing stored (open() found every stored group) on a store that lost nothing: no read
    // needed. A node opening thousands of new partition replicas would otherwise read two missing
    // keys for each.
    if (!bounds.stored && this.lost === null) return { state: null, repairIndex: 0, problems: [], fatal: false };
    const found = await loadGroup(this.db, this.keysOf(groupId), bounds);
    const { snapshotIndex } = found;
    let { loaded } = found;
    if (this.lost !== null && !loaded.fatal) {
      // A group lost whole (nothing stored) may have acknowledged entries too: it starts empty,
      // like a group of a node that rejoins after losing its disk.
      const problem = `group ${groupId} may have lost entries it acknowledged: ${this.lost.reason}; it votes again once a leader has repaired it`;
      loaded = { ...loaded, repairIndex: unknownRepairIndex, problems: [...loaded.problems, problem] };
    }
    this.bounds.set(groupId, { ...bounds, snapshotIndex });
    if (loaded.problems.length > 0) {
      this.log.warn(
        { group: groupId, repairIndex: loaded.repairIndex, fatal: loaded.fatal, problems: loaded.problems },
        loaded.fatal ? 'found a group that must not start' : 'found a group that needs repair',
      );
    }
    return loaded;
  }

  /** Starts the batch of one turn. Batches are built and written one at a time. */
  batch(): StoreBatch {
    this.assertWritable();
    assert(!this.writing, 'a batch built while another is being written would delete by stale bounds');
    const generation = this.generation;
    const target: BatchTarget = {
      keysOf: (groupId) => this.keysOf(groupId),
      boundsOf: (groupId) => this.boundsOf(groupId),
      write: (operations, bounds, byteSize, sync) => this.write(generation, operations, bounds, byteSize, sync),
    };
    return new StoreBatch(target);
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.marker?.close();
    this.marker = null;
    await this.db.close();
    this.log.info({}, 'closed node store');
  }

  private async write(
    generation: number,
    operations: readonly Operation[],
    bounds: ReadonlyMap<string, GroupBounds>,
    byteSize: number,
    sync: boolean,
  ): Promise<void> {
    this.assertWritable();
    assert(generation === this.generation, 'a batch was built before the previous batch was written; its deletions are stale');
    assert(!this.writing, 'batches are written one at a time');
    if (operations.length > 0) {
      this.writing = true;
      const count = this.writeCount + 1;
      try {
        // A chained batch: each operation goes to LevelDB's WriteBatch in one native call. The
        // array form (db.batch(operations)) copied every operation into a new object and had the
        // native side read its properties back, 10 to 20 µs an operation, against under 1 µs
        // here: 14% of a survivor's CPU in a failover of thousands of groups, each election a few
        // hard states and an entry (test/bench/failover-turns.ts).
        const batch = this.db.batch();
        try {
          for (const op of operations) {
            if (op.type === 'put') batch.put(op.key, op.value);
            else batch.del(op.key);
          }
          batch.put(writeCountKey, encodeWriteCount(count));
        } catch (err) {
          await batch.close();
          throw err;
        }
        await batch.write({ sync });
        this.writeCount = count;
        // Only now, and before anyone hears of this batch: the marker never claims a batch
        // LevelDB has not synced, and covers every batch the node acknowledged.
        if (sync) await this.marker!.write(count);
      } catch (err) {
        this.failure = new Error(
          `storage write of ${operations.length} operations (${byteSize} bytes, sync ${sync}) failed; the node must stop`,
          { cause: err },
        );
        this.log.error({ err }, 'failed to write a batch');
        throw this.failure;
      } finally {
        this.writing = false;
      }
    }
    for (const [groupId, groupBounds] of bounds) {
      if (groupBounds.stored) this.bounds.set(groupId, groupBounds);
      else {
        this.bounds.delete(groupId);
        this.keys.delete(groupId);
      }
    }
    this.generation++;
  }

  /** A storage failure is fatal (STYLE.md §3): once a write failed, the database may hold a state
   *  the bounds do not describe, so writing on would be a bug. */
  private assertWritable(): void {
    if (this.failure !== null) throw new Error('the node store failed a write earlier; the node must stop', { cause: this.failure });
  }

  /**
   * Compares the batches LevelDB recovered with the marker and LevelDB's own reports (see
   * findLostWrites). When writes may have been lost, marks every stored group as repairing in
   * its hard state, with the write count past the marker's in the same synced batch, before the
   * marker moves on: a crash at any point leaves either the evidence or the marks.
   */
  private async checkWrites(dir: string): Promise<void> {
    const raw = await this.db.get(writeCountKey).catch((err: unknown) => {
      if (isCorruption(err)) return err as Error;
      throw err;
    });
    let stored: StoredCount = { state: 'ok', count: 0 };
    if (raw instanceof Error) stored = { state: 'unreadable', reason: `is unreadable (${raw.message})` };
    else if (raw !== undefined) {
      const decoded = decodeWriteCount(raw);
      stored = decoded.ok ? { state: 'ok', count: decoded.value } : { state: 'unreadable', reason: decoded.reason };
    }
    const drops = await levelDbDrops(dir);
    const storedCount = stored.state === 'ok' ? stored.count : 0;
    const { marker, reading } = await WriteMarker.open(dir, storedCount);
    this.marker = marker;
    this.writeCount = Math.max(storedCount, reading.state === 'ok' && reading.count !== marksPending ? reading.count : 0);
    const reason = findLostWrites(stored, reading, drops);
    if (reason === null) return;
    this.lost = { reason };
    const groups = this.groupIds();
    this.log.error({ dir, reason, groups: groups.length }, 'the store may have lost writes it had synced; every group repairs from its peers before it votes');
    // LevelDB has already turned the damaged log into a table and rewritten its info log: until
    // the marks below are written, the marker is the only evidence left, durably.
    await marker.write(marksPending);
    await marker.sync();
    const operations: { type: 'put'; key: Buffer; value: Buffer }[] = [];
    for (const groupId of groups) {
      const key = this.keysOf(groupId).hardState;
      const value = await this.db.get(key).catch(() => undefined);
      const decoded = value === undefined ? null : decodeHardState(value);
      // A hard state that cannot be read makes load() refuse the group; nothing to mark.
      if (decoded?.ok === true) operations.push({ type: 'put', key, value: encodeHardState({ ...decoded.value, repairIndex: unknownRepairIndex }) });
    }
    this.writeCount += 1;
    operations.push({ type: 'put', key: writeCountKey, value: encodeWriteCount(this.writeCount) });
    await this.db.batch(operations, { sync: true });
    await marker.write(this.writeCount);
  }

  private keysOf(groupId: string): GroupKeys {
    let keys = this.keys.get(groupId);
    if (keys === undefined) {
      keys = new GroupKeys(groupId);
      this.keys.set(groupId, keys);
    }
    return keys;
  }

  private boundsOf(groupId: string): GroupBounds {
    return this.bounds.get(groupId) ?? emptyBounds;
  }

  /** Visits each group with a handful of seeks, not a scan of its log: the first key of the
   *  namespace names a group; its first and last entry keys bound its log; the next group starts
   *  after the group's key range. */
  private async findGroups(): Promise<void> {
    const namespaceEnd = Buffer.from([groupNamespace + 1]);
    let cursor: Buffer = Buffer.from([groupNamespace]);
    for (;;) {
      const [key] = await this.db.keys({ gte: cursor, lt: namespaceEnd, limit: 1 }).all();
      if (key === undefined) return;
      const groupId = groupIdOfKey(key);
      if (groupId === null) {
        this.log.error({ key: key.toString('hex') }, 'skipped a malformed key');
        cursor = Buffer.concat([key, Buffer.from([0])]); // the smallest key after it
        continue;
      }
      const keys = this.keysOf(groupId);
      const firstIndex = await this.boundaryEntryIndex(keys, false);
      const lastIndex = await this.boundaryEntryIndex(keys, true);
      this.bounds.set(groupId, { firstIndex, lastIndex, snapshotIndex: null, stored: true });
      cursor = keys.groupEnd;
    }
  }

  /** The lowest (or highest) well-formed entry key of the group, or 0 when it has none. */
  private async boundaryEntryIndex(keys: GroupKeys, reverse: boolean): Promise<number> {
    for await (const key of this.db.keys({ gte: keys.entriesStart, lt: keys.entriesEnd, reverse })) {
      const index = keys.entryIndexOf(key);
      if (index !== null) return index;
      this.log.error({ group: keys.groupId, key: key.toString('hex') }, 'skipped a malformed entry key');
    }
    return 0;
  }
}
