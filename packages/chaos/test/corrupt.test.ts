import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { damageLogTail, flipBytes, logFiles } from '../src/corrupt.js';
import { createPrng } from '../src/schedule.js';

// Shows that the corrupt fault damages only the files that hold the raft log, changes exactly
// the bytes it reports, and does the same for the same seed; and that the wal-tail fault cuts or
// overwrites the end of the newest non-empty write-ahead log only. Method: a fake LevelDB folder.

let dir: string;
const original = new Map<string, Buffer>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-corrupt-'));
  original.clear();
  const files: Record<string, Buffer> = {
    '000005.ldb': Buffer.alloc(4_000, 0x11),
    '000012.log': Buffer.alloc(1_000, 0x22),
    'MANIFEST-000004': Buffer.alloc(500, 0x33),
    CURRENT: Buffer.from('MANIFEST-000004\n'),
    LOG: Buffer.from('info log\n'),
    '000013.log': Buffer.alloc(0),
  };
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(dir, name), bytes);
    original.set(name, bytes);
  }
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('logFiles', () => {
  it('lists the non-empty write-ahead logs and tables only', async () => {
    expect(await logFiles(dir)).toEqual([
      { name: '000005.ldb', size: 4_000 },
      { name: '000012.log', size: 1_000 },
    ]);
    expect(await logFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('flipBytes', () => {
  it('changes exactly the bytes it reports, in log files only', async () => {
    const flips = await flipBytes(dir, createPrng(5), 6);
    expect(flips).toHaveLength(6);
    // Replay the reported flips on a copy of the originals: the disk must equal the copy.
    const model = new Map([...original].map(([name, bytes]) => [name, Buffer.from(bytes)]));
    for (const flip of flips) {
      expect(['000005.ldb', '000012.log']).toContain(flip.file);
      expect(flip.after).not.toBe(flip.before);
      const bytes = model.get(flip.file)!;
      expect(bytes[flip.offset]).toBe(flip.before);
      bytes[flip.offset] = flip.after;
    }
    for (const [name, bytes] of model) expect((await readFile(join(dir, name))).equals(bytes), name).toBe(true);
  });

  it('picks the same places for the same seed', async () => {
    const first = await flipBytes(dir, createPrng(9), 3);
    for (const flip of [...first].reverse()) {
      // Undo, so the second run sees the same bytes.
      const path = join(dir, flip.file);
      const bytes = await readFile(path);
      bytes[flip.offset] = flip.before;
      await writeFile(path, bytes);
    }
    expect(await flipBytes(dir, createPrng(9), 3)).toEqual(first);
  });

  it('does nothing in a folder without log files', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'herald-corrupt-empty-'));
    try {
      expect(await flipBytes(empty, createPrng(1), 3)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('damageLogTail', () => {
  it('cuts the end off the newest non-empty write-ahead log, and nothing else', async () => {
    const damage = await damageLogTail(dir, createPrng(3), 'truncate');
    expect(damage).toMatchObject({ file: '000012.log', size: 1_000, damage: 'truncate' });
    expect(damage!.bytes).toBeGreaterThanOrEqual(1);
    expect(damage!.bytes).toBeLessThanOrEqual(1_000);
    expect((await readFile(join(dir, '000012.log'))).equals(original.get('000012.log')!.subarray(0, 1_000 - damage!.bytes))).toBe(true);
    for (const name of ['000005.ldb', 'MANIFEST-000004', 'CURRENT', '000013.log']) {
      expect((await readFile(join(dir, name))).equals(original.get(name)!), name).toBe(true);
    }
  });

  it('overwrites the end with other bytes, keeping the size', async () => {
    const damage = await damageLogTail(dir, createPrng(4), 'garbage');
    const after = await readFile(join(dir, '000012.log'));
    expect(after.length).toBe(1_000);
    const kept = 1_000 - damage!.bytes;
    expect(after.subarray(0, kept).equals(original.get('000012.log')!.subarray(0, kept))).toBe(true);
    expect(after.subarray(kept).equals(original.get('000012.log')!.subarray(kept))).toBe(false);
  });

  it('does nothing in a folder without a write-ahead log', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'herald-corrupt-empty-'));
    try {
      expect(await damageLogTail(empty, createPrng(1), 'truncate')).toBeNull();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
