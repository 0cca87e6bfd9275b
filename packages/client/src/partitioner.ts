import { partitionForKey } from '@herald/protocol';

/** How many bytes of keyless records go to one partition before the next takes over (Kafka's
 *  KIP-794 switches after batch.size, 16 KiB by default). */
export const STICKY_BYTES_MAX = 16 * 1024;

/**
 * Chooses a record's partition. A keyed record goes where Kafka's default partitioner sends it
 * (murmur2 of the key, partitionForKey), so one key always lands in one partition. Keyless
 * records stick to one partition until its batch closes or STICKY_BYTES_MAX went there, then
 * move to the next (Kafka's sticky partitioner, KIP-480 and KIP-794): they spread evenly over
 * partitions while still filling batches. The byte limit matters under load, when a
 * partition's batch stays open while its earlier ones are in flight: without it, every record
 * would pile into that one batch while the other partitions' leaders idle.
 */
export class Partitioner {
  private readonly sticky = new Map<string, number>();
  /** Bytes of keyless records sent to each topic's sticky partition since it became sticky. */
  private readonly stuckBytes = new Map<string, number>();

  /** `random` (in [0, 1)) picks each topic's first partition for keyless records. */
  constructor(
    private readonly random: () => number = Math.random,
    private readonly stickyBytesMax = STICKY_BYTES_MAX,
  ) {}

  partition(topic: string, key: Uint8Array | null, partitionCount: number): number {
    if (key !== null) return partitionForKey(key, partitionCount);
    let partition = this.sticky.get(topic);
    if (partition === undefined || partition >= partitionCount) {
      partition = Math.floor(this.random() * partitionCount);
      this.sticky.set(topic, partition);
    }
    return partition;
  }

  /** A keyless record of `sizeBytes` went to `partition`: past stickyBytesMax, move on. */
  onKeylessAppended(topic: string, partition: number, sizeBytes: number, partitionCount: number): void {
    if (this.sticky.get(topic) !== partition) return;
    const bytes = (this.stuckBytes.get(topic) ?? 0) + sizeBytes;
    if (bytes >= this.stickyBytesMax) this.onBatchClosed(topic, partition, partitionCount);
    else this.stuckBytes.set(topic, bytes);
  }

  /** A batch of `topic` closed on `partition`: keyless records move on to the next partition. */
  onBatchClosed(topic: string, partition: number, partitionCount: number): void {
    if (this.sticky.get(topic) !== partition) return;
    this.sticky.set(topic, (partition + 1) % partitionCount);
    this.stuckBytes.set(topic, 0);
  }
}
