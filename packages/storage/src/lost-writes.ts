import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeWriteCount, encodeWriteCount } from './codec.js';

/** The marker's file, beside LevelDB's own files in the store directory. LevelDB deletes only
 *  files whose names it parses as its own (db/filename.cc), so it leaves this one alone. */
export const markerFileName = 'SYNCED-WRITE';

/** What the marker file said when the store opened. */
export type MarkerReading =
  | { readonly state: 'missing' }
  | { readonly state: 'unreadable'; readonly reason: string }
  | { readonly state: 'ok'; readonly count: number };

/**
 * The synced-write marker: a file outside LevelDB that holds the number of the last batch whose
 * synced write LevelDB confirmed. It is rewritten in place after each synced batch, and before
 * the store reports the batch written, so before anything depending on it is acknowledged.
 * Because it is written only after the sync, it never claims more than LevelDB holds durably; a
 * store whose LevelDB recovers fewer batches than the marker claims lost part of its
 * write-ahead log (NodeStore.open).
 *
 * The rewrite is not synced: a process crash keeps it (it is in the page cache), a power loss
 * may leave an older number, which claims less and cannot cause a false alarm; only a power loss
 * followed by damage to the log's tail could then go unseen. The 13-byte value lies within one
 * disk sector and ends with a CRC32C, so a torn write reads as unreadable, not as a number.
 */
export class WriteMarker {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
  ) {}

  /** Reads the marker in `dir` and opens it for rewriting, creating it (and making its existence
   *  durable, with `count`) when it is missing. */
  static async open(dir: string, count: number): Promise<{ marker: WriteMarker; reading: MarkerReading }> {
    const path = join(dir, markerFileName);
    const reading = await readMarker(path);
    if (reading.state !== 'missing') return { marker: new WriteMarker(await open(path, 'r+'), path), reading };
    const marker = new WriteMarker(await open(path, 'w+'), path);
    try {
      await marker.write(count);
      await marker.sync();
      // The file's directory entry too: a marker that vanished in a power loss would read as
      // missing, which the store treats as lost writes.
      const directory = await open(dir, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    } catch (err) {
      await marker.close();
      throw err;
    }
    return { marker, reading };
  }

  /** Rewrites the number in place. */
  async write(count: number): Promise<void> {
    const value = encodeWriteCount(count);
    const { bytesWritten } = await this.handle.write(value, 0, value.length, 0);
    if (bytesWritten !== value.length) throw new Error(`wrote ${bytesWritten} of the ${value.length} bytes of ${this.path}`);
  }

  /** Makes the last write durable. */
  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function readMarker(path: string): Promise<MarkerReading> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw err;
  }
  const decoded = decodeWriteCount(bytes);
  return decoded.ok ? { state: 'ok', count: decoded.value } : { state: 'unreadable', reason: `${markerFileName} ${decoded.reason}` };
}

/** The marker's value while a store that found lost writes marks its groups as repairing: a
 *  crash before the marks are durable leaves it, and the next open finds the loss again. */
export const marksPending = Number.MAX_SAFE_INTEGER;

/** What the store's own write count said when it opened. */
export type StoredCount = { readonly state: 'ok'; readonly count: number } | { readonly state: 'unreadable'; readonly reason: string };

/**
 * Why the store may have lost writes it had synced, or null when nothing says so. Evidence,
 * strongest first: LevelDB's own report that it dropped parts of its write-ahead log while
 * recovering it (damage it saw: a checksum mismatch, a bad record length, a missing fragment);
 * a stored count below the marker's (a tail LevelDB dropped without a word: a log truncated, or
 * damaged in its last block); and a count or marker that cannot be read, or a marker missing
 * from a store that has written batches since markers exist, which leave the question open. A
 * store from before the marker (no count, no marker) is not suspected.
 */
export function findLostWrites(stored: StoredCount, reading: MarkerReading, drops: readonly string[]): string | null {
  if (drops.length > 0) {
    const more = drops.length > 1 ? ` (and ${drops.length - 1} more)` : '';
    return `LevelDB dropped part of its write-ahead log while opening the store: ${drops[0]}${more}`;
  }
  if (stored.state === 'unreadable') return `the store's write count ${stored.reason}, so it cannot tell whether it lost writes`;
  if (reading.state === 'unreadable') return `${reading.reason}, so the store cannot tell whether it lost writes`;
  if (reading.state === 'missing') {
    return stored.count > 0 ? `${markerFileName} is missing, though the store has written ${stored.count} batches; it cannot tell whether it lost writes` : null;
  }
  if (reading.count === marksPending) {
    return 'the store found at its last open that it may have lost writes, and stopped before it marked every group as repairing';
  }
  if (stored.count < reading.count) {
    return `LevelDB recovered the store's batches up to number ${stored.count}, but batch ${reading.count} had been synced: `
      + `the tail of its write-ahead log was lost`;
  }
  return null;
}

/** The most LevelDB's info log is read for drops: it is rewritten at every open, and the
 *  recovery's lines come first. */
const infoLogBytesMax = 1_000_000;

/**
 * LevelDB's reports, in its info log `LOG` (rewritten at every open, so read right after
 * opening), of bytes it dropped while recovering a write-ahead log. LevelDB (db/db_impl.cc,
 * LogReporter) writes them as `<log file>: dropping <n> bytes; <why>` and, with paranoid checks
 * off as here, goes on without the dropped records.
 */
export async function levelDbDrops(dir: string): Promise<string[]> {
  let text: string;
  try {
    const handle = await open(join(dir, 'LOG'), 'r');
    try {
      const buffer = Buffer.alloc(infoLogBytesMax);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      text = buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const drops: string[] = [];
  for (const line of text.split('\n')) {
    const at = line.search(/\S+\.log: dropping \d+ bytes; /);
    if (at >= 0) drops.push(line.slice(at).trim());
  }
  return drops;
}
