// Measures what one host turn costs on this disk. Method: a fresh store in a temp dir; first
// 1,000 turns that each write one 1 KiB entry with one sync (the latency a QUORUM produce waits
// for at least once), then three turns that each write 1,000 entries of 1 KiB with one sync
// (group commit), then the same 1,000 single-entry turns without sync, for scale. Reports, never fails.
//
//   pnpm exec tsx packages/storage/bench/sync-write.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '@herald/raft';
import { NodeStore } from '../src/index.js';

const entryBytes = 1024;
const writeCount = 1000;

function entryAt(index: number): Entry {
  return { index, term: 1, type: 'normal', data: Buffer.alloc(entryBytes, index % 251) };
}

function percentile(sortedMs: readonly number[], fraction: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(fraction * sortedMs.length))] ?? Number.NaN;
}

async function singleEntryTurns(store: NodeStore, groupId: string, sync: boolean): Promise<string> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (let index = 1; index <= writeCount; index++) {
    const before = performance.now();
    await store.batch().append(groupId, [entryAt(index)]).write({ sync });
    latenciesMs.push(performance.now() - before);
  }
  const elapsedMs = performance.now() - started;
  latenciesMs.sort((a, b) => a - b);
  return `${writeCount} turns of one ${entryBytes} B entry, sync ${sync}: ${Math.round((writeCount / elapsedMs) * 1000)} writes/s, ` +
    `p50 ${percentile(latenciesMs, 0.5).toFixed(3)} ms, p99 ${percentile(latenciesMs, 0.99).toFixed(3)} ms`;
}

async function oneBigTurn(store: NodeStore, groupId: string): Promise<string> {
  const entries = Array.from({ length: writeCount }, (_, i) => entryAt(i + 1));
  const before = performance.now();
  const batch = store.batch().append(groupId, entries);
  const builtMs = performance.now() - before;
  await batch.write({ sync: true });
  const elapsedMs = performance.now() - before;
  const mib = batch.byteSize / (1024 * 1024);
  return `one turn of ${writeCount} × ${entryBytes} B entries, one sync: ${elapsedMs.toFixed(2)} ms ` +
    `(building the batch ${builtMs.toFixed(2)} ms; ${(mib / (elapsedMs / 1000)).toFixed(1)} MiB/s, ${batch.byteSize} bytes)`;
}

const dir = await mkdtemp(join(tmpdir(), 'herald-storage-bench-'));
try {
  const store = await NodeStore.open(dir);
  try {
    console.log(`store in ${dir}`);
    console.log(await singleEntryTurns(store, 'p.0.0', true));
    // The first big turn runs code V8 has not optimized yet; the next ones show a warm node.
    for (const groupId of ['p.1.0', 'p.1.1', 'p.1.2']) console.log(await oneBigTurn(store, groupId));
    console.log(await singleEntryTurns(store, 'p.2.0', false));
  } finally {
    await store.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
