import { HeraldClient } from '@herald/client';
import type { ClusterAccess } from './cluster-security.js';
import type { PolledRecord } from './history.js';
import { describeError, PollReader, sleep, type Recorder } from './workload.js';

/** Options of finalRead(). */
export interface FinalReadOptions {
  /** How the clients reach the cluster: the proxies, TLS and the admin (cluster-security.ts). */
  readonly cluster: ClusterAccess;
  readonly topic: string;
  readonly partitions: number;
  /** The history process, e.g. `final` or `final-n2`. */
  readonly process: string;
  /** Set when every read goes to one node: recorded on the polls so the checker can tell
   *  which replica lacks what (`lost-on-node`). */
  readonly node?: number;
  /** Read only these partitions (with `node`: those it holds a replica of, recorded on the final
   *  poll as the partitions its copy covers); every partition by default. */
  readonly only?: readonly number[];
  /** Read each partition up to here (exclusive); the leaders' high watermarks by default. */
  readonly endOffsets?: readonly number[];
  readonly record: Recorder;
  readonly clock: () => number;
  /** The whole read's budget. */
  readonly timeoutMs: number;
  /** Records per recorded poll (a history line stays a reasonable size). */
  readonly chunkRecords?: number;
}

/** What a final read got, per partition. */
export interface FinalReadResult {
  readonly complete: boolean;
  readonly partitions: readonly { readonly partition: number; readonly endOffset: number; readonly readTo: number; readonly error?: string }[];
}

/**
 * Reads every partition of the topic from offset 0 to its end and records it as polls by one
 * process: the first invoke says `reset` (a new position), and the last ok says `final` when
 * every partition was read to its end, which tells the checker that any acknowledged value not
 * read anywhere is lost rather than unseen.
 */
export async function finalRead(options: FinalReadOptions): Promise<FinalReadResult> {
  const { topic, process, record, clock } = options;
  const chunkRecords = options.chunkRecords ?? 5_000;
  const deadline = performance.now() + options.timeoutMs;
  const client = new HeraldClient({ ...options.cluster, callTimeoutMs: 5_000 });
  const node = { ...(options.node === undefined ? {} : { node: options.node }), ...(options.only === undefined ? {} : { partitions: options.only }) };
  const results: { partition: number; endOffset: number; readTo: number; error?: string }[] = [];
  let first = true;
  let complete = true;
  let pending: PolledRecord[] = [];

  const flush = async (final: boolean): Promise<void> => {
    await record({ time: clock(), type: 'invoke', process, f: 'poll', topic, ...(first ? { reset: true } : {}) });
    first = false;
    await record({ time: clock(), type: 'ok', process, f: 'poll', topic, records: pending, ...node, ...(final ? { final: true } : {}) });
    pending = [];
  };

  try {
    const endOffsets = options.endOffsets ?? (await leaderEndOffsets(client, topic, options.partitions, deadline));
    for (const partition of options.only ?? Array.from({ length: options.partitions }, (_, p) => p)) {
      const endOffset = endOffsets[partition] ?? 0;
      let readTo = 0;
      let error: string | undefined;
      while (readTo < endOffset && performance.now() < deadline) {
        const consumer = client.consumer({ topic, partitions: [partition], from: { offset: readTo }, maxWaitMs: 200, failTimeoutMs: 10_000 });
        const reader = new PollReader(consumer);
        try {
          while (readTo < endOffset && performance.now() < deadline) {
            const windowMs = Math.min(1_000, Math.max(1, deadline - performance.now()));
            const records = await reader.poll(windowMs, chunkRecords - pending.length, undefined, (r) => r.offset >= endOffset - 1);
            for (const r of records) {
              if (r.offset >= endOffset) continue; // written after the end was taken: not needed
              pending.push(r);
              readTo = r.offset + 1;
            }
            if (pending.length >= chunkRecords) await flush(false);
          }
        } catch (err) {
          error = describeError(err);
          await sleep(200);
        } finally {
          await reader.close();
        }
      }
      if (readTo < endOffset) {
        complete = false;
        error ??= `timed out at offset ${readTo} of ${endOffset}`;
      }
      results.push(error === undefined ? { partition, endOffset, readTo } : { partition, endOffset, readTo, error });
    }
  } catch (err) {
    complete = false;
    results.push({ partition: -1, endOffset: 0, readTo: 0, error: describeError(err) });
  } finally {
    await flush(complete);
    await client.close();
  }
  return { complete, partitions: results };
}

/**
 * The high watermark of each partition as its leader reports it, waiting (until `deadline`)
 * for every partition to have a leader.
 */
export async function leaderEndOffsets(client: HeraldClient, topic: string, partitions: number, deadline: number): Promise<number[]> {
  let lastError = 'no answer';
  while (performance.now() < deadline) {
    try {
      const description = await client.describeTopic(topic, { timeoutMs: 3_000 });
      if (description.partitions.length >= partitions && description.partitions.every((p) => p.leaderId !== 0)) {
        return description.partitions.map((p) => p.highWatermark);
      }
      lastError = `partitions without a leader: ${description.partitions.filter((p) => p.leaderId === 0).map((p) => p.id).join(', ')}`;
    } catch (err) {
      lastError = describeError(err);
    }
    await sleep(250);
  }
  throw new Error(`could not learn every partition's end offset: ${lastError}`);
}
