// Physical ceiling: how fast LevelDB (classic-level, Herald's storage engine) commits synced
// writes on this machine's disk. (a) 1,000 puts of 1 KiB, one after another, each with
// sync: true (one fsync each): writes/s. (b) the same 1,000 records as one synced batch (one
// fsync for all, as Herald's host writes a turn): MB/s.
//
//   node --import tsx scripts/bench/leveldb-sync.ts [--quick] [--count N]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/ is not a workspace package: load classic-level from the package that depends on it.
const fromStorage = createRequire(new URL('../../packages/storage/package.json', import.meta.url));
const { ClassicLevel } = fromStorage('classic-level') as typeof import('classic-level');

const args = process.argv.slice(2);
const at = args.indexOf('--count');
const count = at >= 0 ? Number(args[at + 1]) : args.includes('--quick') ? 300 : 1000;
// Under /var/tmp, not /tmp: the same disk as ./data on most machines, where /tmp may be memory.
const dir = mkdtempSync(join(process.env.HERALD_BENCH_DIR ?? (process.platform === 'linux' ? '/var/tmp' : tmpdir()), 'herald-leveldb-sync-'));
const db = new ClassicLevel<string, Buffer>(dir, { valueEncoding: 'buffer' });
try {
  await db.open();
  const value = Buffer.alloc(1024, 1);
  for (let i = 0; i < 50; i++) await db.put(`warm-${i}`, value, { sync: true });

  let started = performance.now();
  for (let i = 0; i < count; i++) await db.put(`a-${String(i).padStart(8, '0')}`, value, { sync: true });
  const oneByOne = (performance.now() - started) / 1000;

  const batch = db.batch();
  for (let i = 0; i < count; i++) batch.put(`b-${String(i).padStart(8, '0')}`, value);
  started = performance.now();
  await batch.write({ sync: true });
  const batched = (performance.now() - started) / 1000;

  process.stdout.write(
    `LevelDB (classic-level) synced writes of ${count.toLocaleString('en-US')} × 1 KiB: ${Math.round(count / oneByOne).toLocaleString('en-US')} writes/s one by one (${((oneByOne * 1000) / count).toFixed(2)} ms per fsync'd put); as one synced batch ${((count * 1024) / batched / 1e6).toFixed(0)} MB/s (${(batched * 1000).toFixed(1)} ms)\n`,
  );
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
