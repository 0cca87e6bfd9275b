import { ClassicLevel } from 'classic-level';
import { assert } from './assert.js';
import { formatVersionKey, GroupKeys, groupIdOfKey, groupNamespace } from './keys.js';
import { loadGroup, type Database, type LoadedGroup } from './load-group.js';
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

/**
 * The durable state of every Raft group a node hosts (the meta group and one per partition):
 * hard state, log and snapshot, in one LevelDB database per node directory. The host writes all
 * groups' changes of a turn in one StoreBatch with one sync (group commit).
 *
 * The store remembers each group's first and last stored entry index (found at open, kept
 * current by each write), so a batch deletes a replaced tail key by key without reading. For
 * that to hold, batches are written one at a time, each built after the previous one was
 * written.
 */
export class NodeStore {
  private readonly bounds = new Map<string, GroupBounds>();
  private readonly keys = new Map<string, GroupKeys>();
  /** Counts written batches: a batch built before another was written has stale bounds. */
  private generation = 0;
  private writing = false;
  /** The first failed write. After it nothing is written: the node must stop. */
  private failure: Error | null = null;

  private constructor(
    private readonly db: Database,
    private readonly log: StoreLogger,
  ) {}

  /** Opens (creating if needed) the database in `dir` and finds the groups it stores. Rejects
   *  when LevelDB cannot open it, e.g. when another process holds it. */
  static async open(dir: string, options: NodeStoreOptions = {}): Promise<NodeStore> {
    const db: Database = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const store = new NodeStore(db, options.logger ?? silentLogger);
    try {
      await store.findGroups();
    } catch (err) {
      await db.close();
      throw err;
    }
    store.log.info({ dir, groups: store.bounds.size }, 'opened node store');
    return store;
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
    // Nothing stored (open() found every stored group): no read needed. A node opening thousands
    // of new partition replicas would otherwise read two missing keys for each.
    if (!bounds.stored) return { state: null, repairIndex: 0, problems: [], fatal: false };
    const { loaded, snapshotIndex } = await loadGroup(this.db, this.keysOf(groupId), bounds);
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
      try {
        await this.db.batch(operations.slice(), { sync });
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
