// Shows that keyed records always land in the partition Kafka's partitioner picks, and that
// keyless records stick to a partition per batch (or per STICKY_BYTES_MAX, when a batch stays
// open long) and spread evenly over batches.

import { partitionForKey } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { Partitioner } from '../src/index.js';

describe('Partitioner', () => {
  it('sends every record of a key to one partition, the one partitionForKey names', () => {
    const partitioner = new Partitioner();
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(`customer-${i}`);
      const first = partitioner.partition('t', key, 6);
      expect(first).toBe(partitionForKey(key, 6));
      partitioner.onBatchClosed('t', first, 6);
      expect(partitioner.partition('t', key, 6)).toBe(first);
    }
  });

  it('spreads keys over every partition', () => {
    const partitioner = new Partitioner();
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6_000; i++) counts[partitioner.partition('t', Buffer.from(`k${i}`), 6)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('keeps keyless records on one partition until its batch closes', () => {
    const partitioner = new Partitioner(() => 0.5);
    const first = partitioner.partition('t', null, 4);
    expect(first).toBe(2);
    expect(partitioner.partition('t', null, 4)).toBe(2);
    partitioner.onBatchClosed('t', 1, 4); // another partition's batch: no change
    expect(partitioner.partition('t', null, 4)).toBe(2);
    partitioner.onBatchClosed('t', 2, 4);
    expect(partitioner.partition('t', null, 4)).toBe(3);
  });

  it('moves keyless records on after stickyBytesMax even while the batch stays open', () => {
    const partitioner = new Partitioner(() => 0, 1_000);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const partition = partitioner.partition('t', null, 3);
      seen.push(partition);
      partitioner.onKeylessAppended('t', partition, 500, 3);
    }
    expect(seen).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('spreads keyless records evenly over batches', () => {
    const partitioner = new Partitioner();
    const counts = new Array<number>(5).fill(0);
    for (let batch = 0; batch < 100; batch++) {
      let partition = 0;
      for (let i = 0; i < 10; i++) {
        partition = partitioner.partition('t', null, 5);
        counts[partition]!++;
      }
      partitioner.onBatchClosed('t', partition, 5);
    }
    expect(counts).toEqual([200, 200, 200, 200, 200]);
  });
});
