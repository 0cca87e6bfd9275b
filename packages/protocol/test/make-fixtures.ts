// Writes test/fixtures/<name>.bin for every golden batch. Run once, when the batch format
// changes (then review the new bytes):
//   pnpm --filter @herald/protocol exec tsx test/make-fixtures.ts
import { writeFileSync } from 'node:fs';
import { encodeBatch } from '../src/index.js';
import { goldenBatches, goldenRecords } from './golden-batches.js';

for (const golden of goldenBatches) {
  const bytes = await encodeBatch(goldenRecords, golden.options);
  const file = new URL(`fixtures/${golden.name}.bin`, import.meta.url);
  writeFileSync(file, bytes);
  console.log(`${golden.name}.bin: ${bytes.length} bytes`);
}
