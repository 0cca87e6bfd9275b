import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Entry, EntryType, HardState, Snapshot } from '@herald/raft';

/** An entry whose data names its index and term, so a misplaced one shows in a diff. */
export function entry(index: number, term: number, type: EntryType = 'normal'): Entry {
  return { index, term, type, data: Buffer.from(`entry ${index} of term ${term}`) };
}

export function entries(from: number, to: number, term: number): Entry[] {
  const result: Entry[] = [];
  for (let index = from; index <= to; index++) result.push(entry(index, term));
  return result;
}

export function snapshot(index: number, term: number, data = `state at ${index}`): Snapshot {
  return { meta: { index, term, membership: { voters: [1, 2, 3], learners: [4] } }, data: Buffer.from(data) };
}

export function hardState(term: number, vote: number, commitIndex: number): HardState {
  return { term, vote, commitIndex };
}

/** A fresh directory under the OS temp dir; `remove()` deletes it. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'herald-storage-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Opens the database behind a closed NodeStore, bypassing the store, to damage it. */
export async function withRawDatabase<T>(dir: string, use: (db: ClassicLevel<Buffer, Buffer>) => Promise<T>): Promise<T> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

/** Inverts one byte of the value stored under `key`, in the middle of the value. */
export async function flipByte(dir: string, key: Buffer): Promise<void> {
  await withRawDatabase(dir, async (db) => {
    const value = await db.get(key);
    if (value === undefined) throw new Error(`no value under key ${key.toString('hex')}`);
    const damaged = Buffer.from(value);
    const offset = Math.floor(damaged.length / 2);
    damaged[offset] = (damaged[offset] ?? 0) ^ 0xff;
    await db.put(key, damaged);
  });
}

/** Every key of the database starting with `prefix`. */
export async function keysWithPrefix(dir: string, prefix: Buffer): Promise<Buffer[]> {
  return withRawDatabase(dir, async (db) => {
    const keys = await db.keys({ gte: prefix }).all();
    return keys.filter((key) => key.subarray(0, prefix.length).equals(prefix));
  });
}
