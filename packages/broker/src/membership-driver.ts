import type { Timer } from './host/clock.js';
import type { HeraldNode } from './node.js';
import { FEATURE_CHECK_MS, requireFeatureLevel } from './feature-levels.js';
import { MEMBERSHIP_CHECK_MS, reconcileMetaMembership } from './nodes.js';
import { FEATURE_LEVEL_BACKGROUND } from './store-format.js';
import { completeReassignments, stepReassignments } from './reassign.js';

/**
 * Drives a node's part in membership changes (docs/operations.md, "Membership at runtime"), every
 * MEMBERSHIP_CHECK_MS, one pass at a time: it keeps the peer transport and the failure detector
 * on the cluster's nodes and the replication throttle at the meta state's value; as controller,
 * it moves the meta group's membership towards the node list, records completed
 * reassignments and finalizes feature levels once every node supports them; as a partition leader, it takes the next step of each reassignment there.
 * Separate from HeraldNode so that the node does not import what operates on it.
 */
export class MembershipDriver {
  private readonly timer: Timer;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** When the controller may next ask the nodes' feature levels (clock.now() milliseconds). */
  private nextFeatureCheck = 0;

  constructor(private readonly node: HeraldNode) {
    this.timer = node.clock.setInterval(() => this.pass(), MEMBERSHIP_CHECK_MS);
  }

  private pass(): void {
    if (this.stopped) return;
    const node = this.node;
    node.followPeers();
    node.host.setReplicationThrottle(node.meta.state.replicationThrottle());
    if (this.running !== null) return;
    const controller = node.meta.isController();
    this.running = Promise.allSettled([controller ? reconcileMetaMembership(node) : undefined, controller ? completeReassignments(node) : undefined, stepReassignments(node), controller ? this.finalizeFeatures() : undefined])
      .then((results) => {
        for (const r of results) if (r.status === 'rejected') node.logger.debug({ err: r.reason as Error }, 'membership change not made yet; retried');
      })
      .finally(() => (this.running = null));
  }

  /** As controller, finalizes FEATURE_LEVEL_BACKGROUND once every node supports it (a rolling
   *  upgrade's last node): asked every FEATURE_CHECK_MS until it is final, then never again. */
  private async finalizeFeatures(): Promise<void> {
    const node = this.node;
    if (node.meta.state.finalizedFeatureLevel() >= FEATURE_LEVEL_BACKGROUND || node.clock.now() < this.nextFeatureCheck) return;
    this.nextFeatureCheck = node.clock.now() + FEATURE_CHECK_MS;
    await requireFeatureLevel(node, FEATURE_LEVEL_BACKGROUND);
  }

  /** Stops the passes. One in progress is not waited for: the node's stop fails what it waits
   *  on (a commit of up to 10 s otherwise). */
  stop(): void {
    this.stopped = true;
    this.timer.cancel();
  }
}
