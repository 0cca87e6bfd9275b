import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '@herald/raft';
import { NodeStore, type LoadedGroup } from '../src/index.js';
import { GroupKeys } from '../src/keys.js';
import { entries, flipByte, hardState, snapshot, tempDir, withRawDatabase } from './support.js';

// Shows that load() finds each kind of damage, says what it found, keeps only what it can
// trust, and asks for repair up to the highest index the node may have acknowledged, rather
// than truncating (RELIABILITY.md "Storage faults"). Method: write group "p.7.3" with a
// snapshot at 2, entries 3..10 of term 2 and commitIndex 8, damage it through a raw LevelDB
// handle, and load it again.

const group = 'p.7.3';
const keys = new GroupKeys(group);
let dir: { path: string; remove: () => Promise<void> };
let store: NodeStore | null = null;

beforeEach(async () => {
  dir = await tempDir();
  const s = await NodeStore.open(dir.path);
  await s.batch()
    .compact(group, snapshot(2, 1))
    .append(group, entries(3, 10, 2))
    .setHardState(group, hardState(2, 3, 8))
    .compact('meta', snapshot(0, 0))
    .append('meta', entries(1, 4, 1))
    .setHardState('meta', hardState(1, 1, 4))
    .write({ sync: true });
  await s.close();
});

afterEach(async () => {
  await store?.close();
  store = null;
  await dir.remove();
});

async function load(groupId = group): Promise<LoadedGroup> {
  store ??= await NodeStore.open(dir.path);
  return store.load(groupId);
}

function indexes(loaded: readonly Entry[] | undefined): number[] {
  return (loaded ?? []).map((e) => e.index);
}

/** The untouched group beside the damaged one must load intact: damage stays in its group. */
async function expectMetaIntact(): Promise<void> {
  const meta = await load('meta');
  expect(meta.problems).toEqual([]);
  expect(indexes(meta.state?.entries)).toEqual([1, 2, 3, 4]);
}

describe('load() of a damaged group', () => {
  it('loads the intact group without problems', async () => {
    const loaded = await load();
    expect(loaded).toMatchObject({ repairIndex: 0, problems: [], fatal: false });
    expect(indexes(loaded.state?.entries)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('finds a flipped byte in an entry, keeps the entries before it and asks for repair to the last key', async () => {
    await flipByte(dir.path, keys.entry(6));
    const loaded = await load();
    expect(loaded.fatal).toBe(false);
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems).toEqual([
      'entry 6 of group p.7.3 failed its checksum',
      'entries 6 to 10 of group p.7.3 are not trusted until a leader repairs this replica',
      'commitIndex 8 of group p.7.3 is beyond its last trusted index 5',
    ]);
    expect(indexes(loaded.state?.entries)).toEqual([3, 4, 5]);
    expect(loaded.state?.hardState).toEqual(hardState(2, 3, 5));
    expect(loaded.state?.snapshot.meta.index).toBe(2);
    await expectMetaIntact();
  });

  it('finds a flipped byte in the last entry, above the commit index', async () => {
    await flipByte(dir.path, keys.entry(10));
    const loaded = await load();
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems).toEqual([
      'entry 10 of group p.7.3 failed its checksum',
      'entries 10 to 10 of group p.7.3 are not trusted until a leader repairs this replica',
    ]);
    expect(indexes(loaded.state?.entries)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(loaded.state?.hardState).toEqual(hardState(2, 3, 8));
  });

  it('finds an entry missing in the middle', async () => {
    await withRawDatabase(dir.path, (db) => db.del(keys.entry(7)));
    const loaded = await load();
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems[0]).toBe('entry 7 of group p.7.3 is missing (the next stored entry is 8)');
    expect(indexes(loaded.state?.entries)).toEqual([3, 4, 5, 6]);
    expect(loaded.state?.hardState.commitIndex).toBe(6);
  });

  it('finds the entries after the snapshot missing', async () => {
    await withRawDatabase(dir.path, (db) => db.batch([3, 4].map((index) => ({ type: 'del' as const, key: keys.entry(index) }))));
    const loaded = await load();
    expect(loaded.problems[0]).toBe('entry 3 of group p.7.3 is missing (the next stored entry is 5)');
    expect(indexes(loaded.state?.entries)).toEqual([]);
    expect(loaded.state?.hardState.commitIndex).toBe(2);
    expect(loaded.repairIndex).toBe(10);
  });

  it('finds a value stored under the wrong key', async () => {
    await withRawDatabase(dir.path, async (db) => {
      const value = await db.get(keys.entry(8));
      if (value === undefined) throw new Error('entry 8 not stored');
      await db.put(keys.entry(7), value);
    });
    const loaded = await load();
    expect(loaded.problems[0]).toBe('entry 7 of group p.7.3 holds the value of entry 8');
    expect(indexes(loaded.state?.entries)).toEqual([3, 4, 5, 6]);
    expect(loaded.repairIndex).toBe(10);
  });

  it('finds a truncated entry value', async () => {
    await withRawDatabase(dir.path, async (db) => db.put(keys.entry(4), Buffer.from([1, 0, 0])));
    const loaded = await load();
    expect(loaded.problems[0]).toBe('entry 4 of group p.7.3 is 3 bytes, shorter than the 22 of the smallest valid value');
    expect(indexes(loaded.state?.entries)).toEqual([3]);
  });

  it('finds the commit index beyond the last entry though every entry is intact', async () => {
    await withRawDatabase(dir.path, (db) => db.del(keys.entry(10)).then(() => db.del(keys.entry(9))));
    const s = await NodeStore.open(dir.path);
    await s.batch().setHardState(group, hardState(2, 3, 12)).write({ sync: true });
    await s.close();
    const loaded = await load();
    expect(loaded.problems).toEqual(['commitIndex 12 of group p.7.3 is beyond its last trusted index 8']);
    expect(loaded.repairIndex).toBe(12);
    expect(loaded.state?.hardState).toEqual(hardState(2, 3, 8));
  });

  // A corrupt hard state means term and vote are unknown: voting again could elect two leaders
  // in one term, so the group must not start at all.
  it('finds a flipped byte in the hard state and refuses the group', async () => {
    await flipByte(dir.path, keys.hardState);
    const loaded = await load();
    expect(loaded.fatal).toBe(true);
    expect(loaded.state).toBeNull();
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems).toEqual(['hard state of group p.7.3 failed its checksum; term and vote are unknown']);
    await expectMetaIntact();
  });

  it('finds the hard state missing and refuses the group', async () => {
    await withRawDatabase(dir.path, (db) => db.del(keys.hardState));
    const loaded = await load();
    expect(loaded.fatal).toBe(true);
    expect(loaded.state).toBeNull();
    expect(loaded.problems).toEqual([
      'hard state of group p.7.3 is missing, though its log or snapshot is stored; term and vote are unknown',
    ]);
  });

  it('finds a hard state older than the log and refuses the group', async () => {
    const s = await NodeStore.open(dir.path);
    await s.batch().setHardState(group, hardState(1, 3, 8)).write({ sync: true });
    await s.close();
    const loaded = await load();
    expect(loaded.fatal).toBe(true);
    expect(loaded.state).toBeNull();
    expect(loaded.problems[0]).toBe(
      'hard state of group p.7.3 has term 1, below the term 2 of entry 3: it is older than the log, so its vote may not be the last one cast',
    );
  });

  // A lost snapshot leaves the log without its anchor: keep term and vote (they are intact),
  // start from an empty log with no members, and ask for repair.
  it('finds a flipped byte in the snapshot, keeps term and vote and drops the log after it', async () => {
    await flipByte(dir.path, keys.snapshot);
    const loaded = await load();
    expect(loaded.fatal).toBe(false);
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems[0]).toBe(
      'snapshot of group p.7.3 failed its checksum; the log after it is not used until a leader repairs this replica',
    );
    expect(loaded.state?.hardState).toEqual(hardState(2, 3, 0));
    expect(loaded.state?.snapshot.meta).toEqual({ index: 0, term: 0, membership: { voters: [], learners: [] } });
    expect(loaded.state?.entries).toEqual([]);
    await expectMetaIntact();
  });

  it('finds the snapshot missing', async () => {
    await withRawDatabase(dir.path, (db) => db.del(keys.snapshot));
    const loaded = await load();
    expect(loaded.fatal).toBe(false);
    expect(loaded.repairIndex).toBe(10);
    expect(loaded.problems[0]).toMatch(/^snapshot of group p.7.3 is missing/);
  });

  // What raft does once a leader reaches the damaged replica: it appends from the first
  // untrusted index (replacing the stored tail) or installs a snapshot. Afterwards the group
  // loads intact.
  it('loads intact again after a leader re-sends the damaged entries', async () => {
    await flipByte(dir.path, keys.entry(6));
    const damaged = await load();
    expect(indexes(damaged.state?.entries)).toEqual([3, 4, 5]);
    await store?.batch().append(group, entries(6, 8, 3)).setHardState(group, hardState(3, 0, 8)).write({ sync: true });
    await store?.close();
    store = null;
    const repaired = await load();
    expect(repaired).toMatchObject({ repairIndex: 0, problems: [], fatal: false });
    expect((repaired.state?.entries ?? []).map((e) => `${e.index}@${e.term}`)).toEqual(['3@2', '4@2', '5@2', '6@3', '7@3', '8@3']);
  });

  it('loads intact again after a leader sends a snapshot in place of a damaged one', async () => {
    await flipByte(dir.path, keys.snapshot);
    await load();
    await store?.batch().installSnapshot(group, snapshot(9, 2)).setHardState(group, hardState(3, 0, 9)).write({ sync: true });
    await store?.close();
    store = null;
    const repaired = await load();
    expect(repaired).toMatchObject({ repairIndex: 0, problems: [], fatal: false });
    expect(repaired.state?.snapshot.meta.index).toBe(9);
    expect(repaired.state?.entries).toEqual([]);
  });
});
