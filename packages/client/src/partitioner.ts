import { partitionForKey } from '@herald/protocol';

/**
 * Chooses a record's partition. A keyed record goes where Kafka's default partitioner sends it
 * (murmur2 of the key, partitionForKey), so one key always lands in one partition. Keyless
 * records stick to one partition until its batch closes, then move to the next (Kafka's sticky
 * partitioner, KIP-480): they spread evenly over partitions while still filling whole batches.
 */
export class Partitioner {
  private readonly sticky = new Map<string, number>();

  /** `random` (in [0, 1)) picks each topic's first partition for keyless records. */
  constructor(private readonly random: () => number = Math.random) {}

  partition(topic: string, key: Uint8Array | null, partitionCount: number): number {
    if (key !== null) return partitionForKey(key, partitionCount);
    let partition = this.sticky.get(topic);
    if (partition === undefined || partition >= partitionCount) {
      partition = Math.floor(this.random() * partitionCount);
      this.sticky.set(topic, partition);
    }
    return partition;
  }

  /** A batch of `topic` closed on `partition`: keyless records move on to the next partition. */
  onBatchClosed(topic: string, partition: number, partitionCount: number): void {
    if (this.sticky.get(topic) === partition) this.sticky.set(topic, (partition + 1) % partitionCount);
  }
}
