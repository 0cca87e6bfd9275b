import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Prng } from './schedule.js';

/** One byte changed on disk. */
export interface ByteFlip {
  /** The file, relative to the store directory (e.g. `000012.ldb`). */
  readonly file: string;
  readonly offset: number;
  readonly before: number;
  readonly after: number;
}

/**
 * The files of a node's store whose bytes hold the raft log: LevelDB's write-ahead logs
 * (`*.log`) and sorted tables (`*.ldb`, `*.sst`). MANIFEST and CURRENT are left alone: damage
 * there only keeps the database from opening, which says nothing about the log.
 */
export async function logFiles(storeDir: string): Promise<{ name: string; size: number }[]> {
  let names: string[];
  try {
    names = await readdir(storeDir);
  } catch {
    return [];
  }
  const files: { name: string; size: number }[] = [];
  for (const name of names.sort()) {
    if (!/\.(log|ldb|sst)$/.test(name)) continue;
    const { size } = await stat(join(storeDir, name));
    if (size > 0) files.push({ name, size });
  }
  return files;
}

/**
 * Flips `count` bytes of a stopped node's stored log, at places chosen by `prng`: each in a
 * file picked with probability proportional to its size, XORed with a random non-zero mask.
 * What the node makes of it is the point of the fault: Herald checksums every stored value
 * and must repair a damaged replica from its peers (or refuse to start), never serve it.
 */
export async function flipBytes(storeDir: string, prng: Prng, count: number): Promise<ByteFlip[]> {
  const files = await logFiles(storeDir);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total === 0) return [];
  const flips: ByteFlip[] = [];
  for (let i = 0; i < count; i++) {
    let at = Math.floor(prng.next() * total);
    const file = files.find((f) => {
      if (at < f.size) return true;
      at -= f.size;
      return false;
    })!;
    const mask = prng.int(1, 255);
    const handle = await open(join(storeDir, file.name), 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, at);
      const before = byte[0]!;
      byte[0] = before ^ mask;
      await handle.write(byte, 0, 1, at);
      await handle.sync();
      flips.push({ file: file.name, offset: at, before, after: byte[0] });
    } finally {
      await handle.close();
    }
  }
  return flips;
}

/** What damageLogTail() did. */
export interface TailDamage {
  /** The write-ahead log file, relative to the store directory (e.g. `000012.log`). */
  readonly file: string;
  /** Its size before. */
  readonly size: number;
  /** How many of its last bytes were cut off or overwritten. */
  readonly bytes: number;
  readonly damage: 'truncate' | 'garbage';
}

/** The most bytes damageLogTail() takes: one LevelDB log block (32 KiB) of recent batches. */
const TAIL_BYTES_MAX = 32 * 1024;

/**
 * Damages the end of a stopped node's newest LevelDB write-ahead log, the part that holds its
 * latest batches: cuts its last 1 to 32 KiB off (`truncate`, what a lost tail of the file looks
 * like), or overwrites them with random bytes (`garbage`). LevelDB drops such a tail when it
 * opens the database, silently for a cut record; the node must notice that it lost writes it had
 * synced, and repair from its peers before it votes. Null when there is no non-empty log.
 */
export async function damageLogTail(storeDir: string, prng: Prng, damage: 'truncate' | 'garbage'): Promise<TailDamage | null> {
  const logs = (await logFiles(storeDir)).filter((file) => file.name.endsWith('.log'));
  // LevelDB numbers its files in creation order, in fixed-width names: the last is the newest.
  const newest = logs[logs.length - 1];
  if (newest === undefined) return null;
  const bytes = prng.int(1, Math.min(newest.size, TAIL_BYTES_MAX));
  const handle = await open(join(storeDir, newest.name), 'r+');
  try {
    if (damage === 'truncate') await handle.truncate(newest.size - bytes);
    else {
      const garbage = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i++) garbage[i] = prng.int(0, 255);
      await handle.write(garbage, 0, bytes, newest.size - bytes);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { file: newest.name, size: newest.size, bytes, damage };
}
