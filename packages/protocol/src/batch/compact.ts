import { decodeBatch, readBatchHeader } from './decode.js';
import { writeBatch } from './encode.js';
import type { BatchRecord } from './format.js';

/**
 * Key compaction of one stored batch: the batch with only the records `keep` accepts, each with
 * its original offsetDelta and timestamp, under the original header (format.ts: a compacted
 * batch), compressed as before. Null when `keep` accepts every record (nothing to rewrite). The
 * result depends only on the records kept, so compacting an already compacted batch the same
 * way gives the same bytes.
 */
export async function compactBatch(bytes: Uint8Array, keep: (record: BatchRecord) => boolean): Promise<Uint8Array | null> {
  const header = readBatchHeader(bytes);
  const records = await decodeBatch(bytes);
  const kept = records.filter(keep);
  if (kept.length === records.length) return null;
  return writeBatch(
    kept.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestampMs: r.timestampMs })),
    header.producerId < 0 ? { compression: header.compression } : { compression: header.compression, producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence },
    { offsetDeltas: kept.map((r) => r.offsetDelta), recordCount: header.recordCount, firstTimestampMs: header.firstTimestampMs, maxTimestampMs: header.maxTimestampMs },
  );
}
