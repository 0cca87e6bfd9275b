// Measures encodeBatch + validateBatch throughput for a 64 KiB batch of 1 KiB records, the
// path every produce request takes (client encodes, leader validates). Reports figures; never
// fails on time.
//   pnpm --filter @herald/protocol exec tsx bench/batch.bench.ts [seconds per case]
import { performance } from 'node:perf_hooks';
import { Compression, decodeBatch, encodeBatch, validateBatch, type RecordInput } from '../src/index.js';

const secondsPerCase = Number(process.argv[2] ?? 2);
const RECORD_BYTES = 1024;
const RECORDS = 64;

// Seeded text-like values (mulberry32 over a small vocabulary), so compression has realistic
// work: neither random noise nor runs of zeros.
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(42);
const words = ['order', 'created', 'customer', 'amount', 'EUR', 'shipped', 'id', 'status', 'warehouse', 'priority'];
function value(): Uint8Array {
  let s = '';
  while (s.length < RECORD_BYTES) s += `${words[Math.floor(random() * words.length)]}=${Math.floor(random() * 1e6)} `;
  return new TextEncoder().encode(s.slice(0, RECORD_BYTES));
}
const records: RecordInput[] = Array.from({ length: RECORDS }, (_, i) => ({
  key: new TextEncoder().encode(`key-${i}`),
  value: value(),
  headers: [{ key: 'source', value: new TextEncoder().encode('bench') }],
  timestampMs: 1_700_000_000_000 + i,
}));
const limits = { recordBytesMax: 1024 * 1024, batchBytesMax: 1024 * 1024 };

async function measure(name: string, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await run(); // warm up
  let iterations = 0;
  const start = performance.now();
  while (performance.now() - start < secondsPerCase * 1000) {
    await run();
    iterations++;
  }
  const seconds = (performance.now() - start) / 1000;
  const perSecond = iterations / seconds;
  const mib = (perSecond * RECORDS * RECORD_BYTES) / (1024 * 1024);
  console.log(
    `${name.padEnd(34)} ${perSecond.toFixed(0).padStart(7)} batches/s  ${mib.toFixed(0).padStart(5)} MiB/s of values  ${((1e6 / perSecond)).toFixed(1).padStart(7)} µs/batch`,
  );
  return perSecond;
}

console.log(`batch: ${RECORDS} records × ${RECORD_BYTES} B values (${(RECORDS * RECORD_BYTES) / 1024} KiB), ${secondsPerCase} s per case, node ${process.version}`);
for (const compression of [Compression.None, Compression.Lz4, Compression.Snappy, Compression.Zstd, Compression.Gzip]) {
  const batch = await encodeBatch(records, { compression });
  console.log(`-- ${compression}: ${batch.length} bytes on the wire`);
  await measure(`${compression} encode`, () => encodeBatch(records, { compression }));
  await measure(`${compression} validate`, () => validateBatch(batch, limits));
  await measure(`${compression} encode+validate`, async () => validateBatch(await encodeBatch(records, { compression }), limits));
  await measure(`${compression} decode`, () => decodeBatch(batch));
}
