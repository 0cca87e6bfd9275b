import type { ConsumedRecord, HeraldClient } from '@herald/client';

/** Reads a topic (or some of its partitions) from the start through the SDK until `count`
 *  records are in (with `distinctOffsets`, records at `count` distinct partition offsets, a
 *  record handed over twice counted once), or `timeoutMs` has passed (then with what came). */
export async function readTopic(
  client: HeraldClient,
  topic: string,
  count: number,
  options: { partitions?: number[]; timeoutMs?: number; distinctOffsets?: boolean } = {},
): Promise<ConsumedRecord[]> {
  if (count === 0) return [];
  const consumer = client.consumer({ topic, ...(options.partitions === undefined ? {} : { partitions: options.partitions }), from: 'earliest', maxWaitMs: 200 });
  const out: ConsumedRecord[] = [];
  const seen = new Set<string>();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for await (const record of consumer) {
    out.push(record);
    seen.add(`${record.partition}/${record.offset}`);
    if ((options.distinctOffsets === true ? seen.size : out.length) >= count || Date.now() > deadline) break;
  }
  await consumer.close();
  return out;
}
