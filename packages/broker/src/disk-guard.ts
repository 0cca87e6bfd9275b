import { statfs } from 'node:fs/promises';
import { HeraldError, MetadataKey } from '@herald/protocol';
import type { Logger } from 'pino';

/** How often the guard reads the free space of the data directory's filesystem. */
export const DISK_CHECK_MS = 1_000;

/** The free space of the filesystem holding `dir`, in bytes, as an unprivileged writer sees it
 *  (statfs(2) f_bavail: blocks reserved for root are not free to the node). */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/**
 * The free-disk guard (RELIABILITY.md): a produce is refused with DiskFull (gRPC
 * RESOURCE_EXHAUSTED, not written, retryable) while the data directory's filesystem has less
 * than `minFreeBytes` free, before anything is proposed, so that the node never takes a write it
 * may fail to persist and clients learn why at once. It reads the free space every
 * DISK_CHECK_MS and lets writes in again as soon as there is room. Replication, group commits
 * and queue acks are not refused: they are small, and they are what lets the cluster carry on
 * (a follower that cannot write its log stops the node, a storage failure being fatal). Kafka
 * has no such guard: a full log directory takes its replicas offline (KIP-112).
 */
export class DiskGuard {
  private free: number | null = null;
  private full = false;

  constructor(
    private readonly dir: string,
    private readonly minFreeBytes: number,
    private readonly log: Logger,
    private readonly read: (dir: string) => Promise<number> = freeBytes,
  ) {}

  /** Bytes free at the last check; null before the first. */
  get freeBytes(): number | null {
    return this.free;
  }

  /** Reads the free space again, logging when the guard trips or clears. A failed read keeps
   *  the last state (the node's own writes report a failing disk). */
  async refresh(): Promise<void> {
    let free: number;
    try {
      free = await this.read(this.dir);
    } catch (err) {
      this.log.warn({ err, dir: this.dir }, 'could not read the free disk space');
      return;
    }
    this.free = free;
    const full = free < this.minFreeBytes;
    if (full && !this.full) this.log.warn({ dir: this.dir, freeBytes: free, minFreeBytes: this.minFreeBytes }, 'disk full: produce refused until there is room');
    if (!full && this.full) this.log.info({ dir: this.dir, freeBytes: free, minFreeBytes: this.minFreeBytes }, 'disk has room again: produce accepted');
    this.full = full;
  }

  /** Throws DiskFull while the free space is below the guard. */
  check(): void {
    if (!this.full) return;
    throw new HeraldError(
      'DiskFull',
      `disk full: ${this.free ?? 0} bytes free on ${this.dir}, below the ${this.minFreeBytes} byte guard (limits.diskFreeMinBytes); nothing was written, and writes resume once there is room`,
      { [MetadataKey.Limit]: String(this.minFreeBytes) },
    );
  }
}
