import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '@herald/raft';
import { InvariantViolation, NodeStore } from '../src/index.js';
import { GroupKeys } from '../src/keys.js';
import { entries, entry, hardState, keysWithPrefix, snapshot, tempDir } from './support.js';

let dir: { path: string; remove: () => Promise<void> };
let store: NodeStore | null = null;

beforeEach(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await store?.close();
  store = null;
  await dir.remove();
});

async function open(): Promise<NodeStore> {
  store = await NodeStore.open(dir.path);
  return store;
}

async function reopen(): Promise<NodeStore> {
  await store?.close();
  store = null;
  return open();
}

/** The indexes and terms of loaded entries, for compact expectations. */
function indexTerms(loaded: readonly Entry[]): string[] {
  return loaded.map((e) => `${e.index}@${e.term}`);
}

describe('NodeStore', () => {
  it('has no groups when new, and loads an unknown group as nothing', async () => {
    const s = await open();
    expect(s.groupIds()).toEqual([]);
    expect(await s.load('meta')).toEqual({ state: null, repairIndex: 0, problems: [], fatal: false });
  });

  // Shows that everything a group stores comes back bit for bit after a restart. Method: write
  // a hard state, a snapshot and entries of both types and sizes from empty to 1 MiB, reopen.
  it('keeps hard state, snapshot and entries across close and reopen', async () => {
    const s = await open();
    const big = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const written: Entry[] = [
      { index: 11, term: 3, type: 'normal', data: new Uint8Array(0) },
      { index: 12, term: 3, type: 'config', data: Buffer.from('membership') },
      { index: 13, term: 4, type: 'normal', data: big },
    ];
    await s.batch()
      .compact('p.7.3', snapshot(10, 2, 'state machine bytes'))
      .append('p.7.3', written)
      .setHardState('p.7.3', hardState(4, 2, 12))
      .write({ sync: true });

    const reopened = await reopen();
    expect(reopened.groupIds()).toEqual(['p.7.3']);
    const loaded = await reopened.load('p.7.3');
    expect(loaded.problems).toEqual([]);
    expect(loaded.repairIndex).toBe(0);
    expect(loaded.fatal).toBe(false);
    expect(loaded.state?.hardState).toEqual(hardState(4, 2, 12));
    expect(loaded.state?.snapshot.meta).toEqual({ index: 10, term: 2, membership: { voters: [1, 2, 3], learners: [4] } });
    expect(Buffer.from(loaded.state?.snapshot.data ?? []).toString()).toBe('state machine bytes');
    const got = loaded.state?.entries ?? [];
    expect(got.map((e) => ({ index: e.index, term: e.term, type: e.type }))).toEqual(
      written.map((e) => ({ index: e.index, term: e.term, type: e.type })),
    );
    for (const [i, e] of got.entries()) expect(Buffer.from(e.data).equals(Buffer.from(written[i]?.data ?? []))).toBe(true);
  });

  it('replaces the hard state', async () => {
    const s = await open();
    await s.batch().compact('meta', snapshot(0, 0)).setHardState('meta', hardState(1, 1, 0)).write({ sync: true });
    await s.batch().setHardState('meta', hardState(2, 3, 0)).write({ sync: false });
    const loaded = await (await reopen()).load('meta');
    expect(loaded.state?.hardState).toEqual(hardState(2, 3, 0));
  });

  // Raft §5.3: a follower replaces a conflicting suffix. Shows that no replaced entry survives,
  // both with bounds learned in this process and with bounds recovered at open.
  it('keeps an unfinished repair across reopen, and forgets it once cleared', async () => {
    // A node restarted before its repair finished must still refuse to vote.
    let s = await open();
    await s.batch().installSnapshot('g', snapshot(0, 0)).setHardState('g', { term: 3, vote: 1, commitIndex: 0, repairIndex: Number.MAX_SAFE_INTEGER }).write({ sync: true });
    s = await reopen();
    const repairing = await s.load('g');
    expect(repairing.repairIndex).toBe(Number.MAX_SAFE_INTEGER);
    expect(repairing.state?.hardState.repairIndex).toBe(Number.MAX_SAFE_INTEGER);
    await s.batch().setHardState('g', { term: 3, vote: 1, commitIndex: 0 }).write({ sync: true });
    s = await reopen();
    expect((await s.load('g')).repairIndex).toBe(0);
  });

  it('deletes the replaced suffix when an append overwrites the tail', async () => {
    const s = await open();
    await s.batch().compact('g', snapshot(0, 0)).append('g', entries(1, 10, 1)).setHardState('g', hardState(1, 0, 3)).write({ sync: true });
    await s.batch().append('g', entries(6, 7, 2)).setHardState('g', hardState(2, 0, 3)).write({ sync: true });
    expect(await storedEntryIndexes()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const reopened = await reopen();
    await reopened.batch().append('g', [entry(5, 3)]).setHardState('g', hardState(3, 0, 3)).write({ sync: true });
    const loaded = await (await reopen()).load('g');
    expect(loaded.problems).toEqual([]);
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['1@1', '2@1', '3@1', '4@1', '5@3']);
    expect(await storedEntryIndexes()).toEqual([1, 2, 3, 4, 5]);
  });

  it('appends after the last entry without deleting anything', async () => {
    const s = await open();
    await s.batch().compact('g', snapshot(0, 0)).append('g', entries(1, 3, 1)).setHardState('g', hardState(1, 0, 0)).write({ sync: true });
    await s.batch().append('g', entries(4, 5, 1)).write({ sync: true });
    const loaded = await (await reopen()).load('g');
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['1@1', '2@1', '3@1', '4@1', '5@1']);
  });

  it('deletes the whole log on installSnapshot', async () => {
    const s = await open();
    await s.batch().compact('g', snapshot(0, 0)).append('g', entries(1, 8, 1)).setHardState('g', hardState(1, 0, 2)).write({ sync: true });
    await s.batch().installSnapshot('g', snapshot(20, 3)).setHardState('g', hardState(3, 0, 20)).write({ sync: true });
    expect(await storedEntryIndexes()).toEqual([]);

    const reopened = await reopen();
    await reopened.batch().append('g', entries(21, 22, 3)).write({ sync: true });
    const loaded = await (await reopen()).load('g');
    expect(loaded.problems).toEqual([]);
    expect(loaded.state?.snapshot.meta.index).toBe(20);
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['21@3', '22@3']);
  });

  it('deletes the entries at and below the snapshot index on compact, and keeps the rest', async () => {
    const s = await open();
    await s.batch().compact('g', snapshot(0, 0)).append('g', entries(1, 10, 1)).setHardState('g', hardState(1, 0, 8)).write({ sync: true });
    await s.batch().compact('g', snapshot(6, 1)).write({ sync: true });
    expect(await storedEntryIndexes()).toEqual([7, 8, 9, 10]);

    const reopened = await reopen();
    const loaded = await reopened.load('g');
    expect(loaded.problems).toEqual([]);
    expect(loaded.state?.snapshot.meta.index).toBe(6);
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['7@1', '8@1', '9@1', '10@1']);
    // Bounds recovered at open: a second compaction deletes from 7, not from 1.
    await reopened.batch().compact('g', snapshot(10, 1)).write({ sync: true });
    expect(await storedEntryIndexes()).toEqual([]);
  });

  it('rewrites stored entries in place, never one below the snapshot or past the end', async () => {
    const s = await open();
    await s.batch().compact('g', snapshot(0, 0)).append('g', entries(1, 6, 1)).setHardState('g', hardState(1, 0, 6)).write({ sync: true });
    const rewritten = (index: number) => ({ ...entry(index, 1), data: Buffer.from(`compacted ${index}`) });
    // In one batch: a compaction to 2, then rewrites of 1 (now below the snapshot), 4 and 9 (past the end).
    await s.batch().compact('g', snapshot(2, 1)).rewrite('g', [rewritten(1), rewritten(4), rewritten(9)]).write({ sync: false });
    const loaded = (await reopen()).load('g');
    const state = (await loaded).state!;
    expect(indexTerms(state.entries)).toEqual(['3@1', '4@1', '5@1', '6@1']);
    expect(state.entries.map((e) => Buffer.from(e.data).toString())).toEqual(['entry 3 of term 1', 'compacted 4', 'entry 5 of term 1', 'entry 6 of term 1']);
  });

  it('composes operations on one group within one batch in call order', async () => {
    const s = await open();
    await s.batch()
      .compact('g', snapshot(0, 0))
      .append('g', entries(1, 5, 1))
      .compact('g', snapshot(3, 1))
      .append('g', entries(5, 8, 2))
      .setHardState('g', hardState(2, 0, 6))
      .write({ sync: true });
    expect(await storedEntryIndexes()).toEqual([4, 5, 6, 7, 8]);
    const loaded = await (await reopen()).load('g');
    expect(loaded.problems).toEqual([]);
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['4@1', '5@2', '6@2', '7@2', '8@2']);
  });

  // Group commit: one batch, one sync, for every group of the node.
  it('writes many groups in one batch', async () => {
    const s = await open();
    const ids = Array.from({ length: 100 }, (_, i) => `p.${i}.0`);
    const batch = s.batch();
    for (const [i, id] of ids.entries()) {
      batch.compact(id, snapshot(i, 1)).append(id, entries(i + 1, i + 3, 2)).setHardState(id, hardState(2, 1, i + 2));
    }
    expect(batch.byteSize).toBeGreaterThan(ids.length * 3 * 'entry 1 of term 2'.length);
    await batch.write({ sync: true });

    const reopened = await reopen();
    expect(reopened.groupIds()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries()) {
      const loaded = await reopened.load(id);
      expect(loaded.problems).toEqual([]);
      expect(loaded.state?.hardState.commitIndex).toBe(i + 2);
      expect(indexTerms(loaded.state?.entries ?? [])).toEqual([`${i + 1}@2`, `${i + 2}@2`, `${i + 3}@2`]);
    }
  });

  // Shows that the length prefix keeps ids apart that a plain prefix would mix up: "p.1" is a
  // prefix of "p.1.1" and "p.10", and "p.1\u0003" ends with the byte that marks an entry key.
  it('keeps apart group ids that are prefixes of each other', async () => {
    const ids = ['p', 'p.1', 'p.1.1', 'p.10', 'p.1\u0003', 'p.1\u0000', 'p.1\uffff', 'ü', '🙂.2'];
    const s = await open();
    const batch = s.batch();
    for (const [i, id] of ids.entries()) {
      batch.compact(id, snapshot(0, 0, `state of ${id}`)).append(id, entries(1, i + 1, i + 1)).setHardState(id, hardState(i + 1, i, 0));
    }
    await batch.write({ sync: true });
    await s.batch().deleteGroup('p.1').write({ sync: true });

    const reopened = await reopen();
    expect(reopened.groupIds()).toEqual(ids.filter((id) => id !== 'p.1').sort());
    for (const [i, id] of ids.entries()) {
      const loaded = await reopened.load(id);
      if (id === 'p.1') {
        expect(loaded.state).toBeNull();
        continue;
      }
      expect(loaded.problems).toEqual([]);
      expect(loaded.state?.hardState).toEqual(hardState(i + 1, i, 0));
      expect(Buffer.from(loaded.state?.snapshot.data ?? []).toString()).toBe(`state of ${id}`);
      expect(loaded.state?.entries.length).toBe(i + 1);
      expect(loaded.state?.entries.every((e) => e.term === i + 1)).toBe(true);
    }
  });

  it('deletes every key of a group on deleteGroup, and the group can start again', async () => {
    const s = await open();
    await s.batch()
      .compact('gone', snapshot(3, 1)).append('gone', entries(4, 9, 1)).setHardState('gone', hardState(1, 1, 5))
      .compact('kept', snapshot(0, 0)).setHardState('kept', hardState(1, 1, 0))
      .write({ sync: true });
    await s.batch().deleteGroup('gone').write({ sync: true });
    expect(s.groupIds()).toEqual(['kept']);
    expect(await inspect(() => keysWithPrefix(dir.path, new GroupKeys('gone').prefix))).toEqual([]);

    const reopened = await reopen();
    expect(reopened.groupIds()).toEqual(['kept']);
    expect((await reopened.load('gone')).state).toBeNull();
    await reopened.batch().compact('gone', snapshot(0, 0)).append('gone', [entry(1, 5)]).setHardState('gone', hardState(5, 0, 0)).write({ sync: true });
    const loaded = await (await reopen()).load('gone');
    expect(loaded.problems).toEqual([]);
    expect(indexTerms(loaded.state?.entries ?? [])).toEqual(['1@5']);
  });

  it('counts the bytes of a batch', async () => {
    const s = await open();
    const batch = s.batch().append('g', [{ index: 1, term: 1, type: 'normal', data: new Uint8Array(1000) }]);
    const keyBytes = new GroupKeys('g').entry(1).length;
    expect(batch.byteSize).toBe(keyBytes + 1000 + 1 + 1 + 8 + 8 + 4);
  });

  describe('refuses misuse', () => {
    it.each([
      { what: 'a gap after the last entry', build: (s: NodeStore) => s.batch().append('g', entries(1, 3, 1)).append('g', [entry(5, 1)]) },
      { what: 'entries that are not contiguous', build: (s: NodeStore) => s.batch().append('g', [entry(1, 1), entry(3, 1)]) },
      { what: 'terms that decrease', build: (s: NodeStore) => s.batch().append('g', [entry(1, 2), entry(2, 1)]) },
      { what: 'an append over the snapshot', build: (s: NodeStore) => s.batch().installSnapshot('g', snapshot(5, 1)).append('g', [entry(5, 1)]) },
      { what: 'an older snapshot', build: (s: NodeStore) => s.batch().installSnapshot('g', snapshot(5, 1)).compact('g', snapshot(4, 1)) },
      { what: 'a compaction past the log', build: (s: NodeStore) => s.batch().append('g', entries(1, 3, 1)).compact('g', snapshot(4, 1)) },
      { what: 'a fractional index', build: (s: NodeStore) => s.batch().append('g', [entry(1.5, 1)]) },
      { what: 'an empty group id', build: (s: NodeStore) => s.batch().setHardState('', hardState(1, 0, 0)) },
      { what: 'a group id with a lone surrogate', build: (s: NodeStore) => s.batch().setHardState('p\ud800', hardState(1, 0, 0)) },
    ])('$what', async ({ build }) => {
      const s = await open();
      expect(() => build(s)).toThrow(InvariantViolation);
    });

    it('a batch built before another batch was written', async () => {
      const s = await open();
      const stale = s.batch().append('g', entries(1, 2, 1));
      await s.batch().append('g', entries(1, 5, 1)).write({ sync: false });
      await expect(stale.write({ sync: false })).rejects.toThrow(InvariantViolation);
    });

    it('a batch built while another is being written', async () => {
      const s = await open();
      const writing = s.batch().append('g', entries(1, 2, 1)).write({ sync: true });
      expect(() => s.batch()).toThrow(InvariantViolation);
      await writing;
    });

    it('a second write of one batch', async () => {
      const s = await open();
      const batch = s.batch().append('g', entries(1, 2, 1));
      await batch.write({ sync: false });
      await expect(batch.write({ sync: false })).rejects.toThrow(InvariantViolation);
    });
  });

  // Storage failure is fatal (STYLE.md §3): the write rejects, and the store writes nothing more.
  it('rejects a write LevelDB refuses, and refuses every batch after it', async () => {
    const s = await open();
    const batch = s.batch().append('g', entries(1, 2, 1));
    await s.close();
    store = null;
    await expect(batch.write({ sync: true })).rejects.toThrow(/storage write of 2 operations .* failed; the node must stop/);
    expect(() => s.batch()).toThrow(/failed a write earlier/);
  });
});

/** The indexes of the entry keys stored for `groupId`, read through a raw handle: closes the
 *  open store for the read and opens it again; continue with current(). */
async function storedEntryIndexes(groupId = 'g'): Promise<number[]> {
  const keys = new GroupKeys(groupId);
  const found = await inspect(() => keysWithPrefix(dir.path, keys.entriesStart));
  return found.map((key) => keys.entryIndexOf(key) ?? -1);
}

async function inspect<T>(read: () => Promise<T>): Promise<T> {
  await store?.close();
  store = null;
  const result = await read();
  store = await NodeStore.open(dir.path);
  return result;
}
