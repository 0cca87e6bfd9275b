import type { HalfCheckNotice } from './half-leader.js';

/** A check-back as a WatchChecks stream carries it: the notice and where its half message is. */
export interface HalfCheckMessage extends HalfCheckNotice {
  readonly topic: string;
  readonly partition: number;
}

/** One WatchChecks stream: its principal's permission to write a topic, and how to send. */
export interface CheckWatcher {
  /** Whether the stream's principal may write `topic` (a check-back shows the half message's
   *  records, so only a principal that could have sent it gets it). */
  mayWrite(topic: string): boolean;
  /** Sends a check-back and calls `flushed` once it left for the connection (or the stream
   *  ended); false, without calling it, when the stream cannot take it now (one check-back at a
   *  time per stream: its reader is behind). */
  send(check: HalfCheckMessage, flushed: () => void): boolean;
}

/**
 * The live members of producer groups on this node: the WatchChecks streams open here, by
 * producer group. A partition leader on this node hands its check-backs to the members of the
 * half message's group (RocketMQ asks one live producer of the group; Herald asks them all, and
 * the first answer decides, since a decision is final). A producer holds a stream on every node,
 * because any node may come to lead its partitions; so the leader reaches every live member
 * without asking its peers.
 */
export class CheckRegistry {
  private readonly watchers = new Map<string, Set<CheckWatcher>>();
  private held = 0;

  /** `capacityBytes`: what all streams may hold written and not yet flushed to their
   *  connections; a check-back that does not fit is not sent (the leader asks again at the next
   *  interval), so readers that stop reading cannot make a node hold more. */
  constructor(private readonly capacityBytes: number) {}

  /** Bytes of check-backs written and not yet flushed. */
  get heldBytes(): number {
    return this.held;
  }

  /** The streams open here. */
  get size(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Adds a stream of `producerGroup`; the function returned removes it. */
  watch(producerGroup: string, watcher: CheckWatcher): () => void {
    let set = this.watchers.get(producerGroup);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(producerGroup, set);
    }
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(producerGroup) === set) this.watchers.delete(producerGroup);
    };
  }

  /** Sends a check-back to every stream of its producer group allowed to see it, within the
   *  capacity; how many took it. */
  deliver(check: HalfCheckMessage): number {
    const bytes = check.batch.byteLength;
    let delivered = 0;
    for (const watcher of this.watchers.get(check.producerGroup) ?? []) {
      if (!watcher.mayWrite(check.topic) || (this.held > 0 && this.held + bytes > this.capacityBytes)) continue;
      this.held += bytes;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.held -= bytes;
      };
      if (watcher.send(check, release)) delivered++;
      else release();
    }
    return delivered;
  }
}
