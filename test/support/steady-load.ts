import type { HeraldClient } from '@herald/client';
import { expect } from 'vitest';
import { readTopic } from './read-topic.js';

/** When one acknowledged record was sent and acknowledged (performance.now() times). */
export interface Ack {
  readonly sentMs: number;
  readonly ackedMs: number;
}

/** A running producer of unique values `v0`, `v1`, ... over a topic's partitions in turn. */
export interface SteadyLoad {
  /** Every acknowledged value, where it was stored. */
  readonly acked: Map<string, { partition: number; offset: number }>;
  readonly acks: Ack[];
  /** Values whose send failed (the delivery timeout passed). */
  readonly failed: string[];
  /** Values sent so far. */
  sent(): number;
  /** Stops sending and resolves once every send was answered. */
  stop(): Promise<void>;
}

/** Starts an idempotent producer with acks ALL writing unique values to `partitions` partitions
 *  of `topic` round robin, at most `window` unanswered: a steady load that follows the
 *  cluster's pace. */
export function startSteadyLoad(client: HeraldClient, topic: string, partitions: number, window = 64): SteadyLoad {
  const producer = client.producer({ acks: 'all', idempotent: true, deliveryTimeoutMs: 120_000 });
  const acked = new Map<string, { partition: number; offset: number }>();
  const acks: Ack[] = [];
  const failed: string[] = [];
  let sent = 0;
  let stopping = false;
  const running = (async () => {
    const inFlight = new Set<Promise<void>>();
    while (!stopping) {
      const value = `v${sent}`;
      const sentMs = performance.now();
      const send: Promise<void> = producer.send(topic, { value, partition: sent % partitions }).then(
        (r) => {
          acked.set(value, { partition: r.partition, offset: r.offset });
          acks.push({ sentMs, ackedMs: performance.now() });
        },
        () => void failed.push(value),
      );
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send));
      sent++;
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await producer.close();
  })();
  return {
    acked,
    acks,
    failed,
    sent: () => sent,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}

/** What clients saw between `fromMs` and `toMs`: the longest time without any acknowledgement,
 *  and the slowest acknowledgement of a record sent then. */
export function unavailability(acks: readonly Ack[], fromMs: number, toMs: number): { gapMs: number; slowestMs: number } {
  const times = acks.map((a) => a.ackedMs).sort((a, b) => a - b);
  let gapMs = 0;
  let previous = times.filter((t) => t < fromMs).at(-1) ?? fromMs;
  for (const t of times.filter((t) => t >= fromMs && t <= toMs)) {
    gapMs = Math.max(gapMs, t - previous);
    previous = t;
  }
  const slowestMs = Math.max(0, ...acks.filter((a) => a.sentMs >= fromMs && a.sentMs <= toMs).map((a) => a.ackedMs - a.sentMs));
  return { gapMs, slowestMs };
}

/** Reads the whole topic back and checks the load's records: each acknowledged value exactly
 *  once, at its acknowledged partition and offset, in send order per partition. */
export async function expectExactlyOnce(client: HeraldClient, topic: string, partitions: number, load: SteadyLoad): Promise<void> {
  expect(load.failed).toEqual([]);
  expect(load.acked.size).toBe(load.sent());
  const records = await readTopic(client, topic, load.acked.size, { timeoutMs: 60_000 });
  const values = records.map((r) => r.value!.toString());
  expect(new Set(values).size).toBe(values.length); // nothing twice
  expect(values.length).toBe(load.acked.size); // nothing lost
  for (const r of records) expect(load.acked.get(r.value!.toString())).toEqual({ partition: r.partition, offset: r.offset });
  for (let p = 0; p < partitions; p++) {
    const inPartition = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(1)));
    expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b)); // in send order
  }
}
