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
