import type { ConsumedRecord, HeraldClient } from '@herald/client';

/** Reads a topic (or some of its partitions) from the start through the SDK until `count`
 *  records are in, or `timeoutMs` has passed (then with what came). */
export async function readTopic(client: HeraldClient, topic: string, count: number, options: { partitions?: number[]; timeoutMs?: number } = {}): Promise<ConsumedRecord[]> {
  const consumer = client.consumer({ topic, ...(options.partitions === undefined ? {} : { partitions: options.partitions }), from: 'earliest', maxWaitMs: 200 });
  const out: ConsumedRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for await (const record of consumer) {
    out.push(record);
    if (out.length >= count || Date.now() > deadline) break;
  }
  await consumer.close();
  return out;
}
