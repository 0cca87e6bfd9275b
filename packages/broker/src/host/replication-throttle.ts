/**
 * A token bucket of bytes per second for the log data a node's leaders send to learners (the
 * replicas a reassignment adds, catching up before they vote): Kafka's
 * `leader.replication.throttled.rate` (KIP-73), one budget for the whole node. Voters are never
 * throttled: they carry the partitions' commits. The bucket holds at most one second of data,
 * so an idle spell does not let a burst through; an Append larger than that passes once the
 * bucket is full (and leaves it in debt), so that no Append waits forever.
 */
export class ReplicationThrottle {
  private bytesPerSecond = 0;
  private tokens = 0;
  private lastMs: number;

  constructor(private readonly nowMs: () => number) {
    this.lastMs = nowMs();
  }

  /** The rate in bytes per second; 0 turns the throttle off. */
  get rate(): number {
    return this.bytesPerSecond;
  }

  set rate(bytesPerSecond: number) {
    if (bytesPerSecond === this.bytesPerSecond) return;
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = Math.min(this.tokens, bytesPerSecond);
  }

  /** Whether `bytes` may be sent now; if so they are taken from the budget. */
  take(bytes: number): boolean {
    if (this.bytesPerSecond <= 0) return true;
    const now = this.nowMs();
    this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.lastMs) * this.bytesPerSecond) / 1000);
    this.lastMs = now;
    if (this.tokens < Math.min(bytes, this.bytesPerSecond)) return false;
    this.tokens -= bytes;
    return true;
  }
}
