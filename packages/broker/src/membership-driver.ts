import type { Timer } from './host/clock.js';
import type { HeraldNode } from './node.js';
import { MEMBERSHIP_CHECK_MS, reconcileMetaMembership } from './nodes.js';
import { completeReassignments, stepReassignments } from './reassign.js';

/**
 * Drives a node's part in membership changes (docs/operations.md, "Membership at runtime"), every
 * MEMBERSHIP_CHECK_MS, one pass at a time: it keeps the peer transport and the failure detector
 * on the cluster's nodes and the replication throttle at the meta state's value; as controller,
 * it moves the meta group's membership towards the node list and records completed
 * reassignments; as a partition leader, it takes the next step of each reassignment there.
 * Separate from HeraldNode so that the node does not import what operates on it.
 */
export class MembershipDriver {
  private readonly timer: Timer;
  private running: Promise<void> | null = null;
  private stopped = false;

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
    this.running = Promise.allSettled([controller ? reconcileMetaMembership(node) : undefined, controller ? completeReassignments(node) : undefined, stepReassignments(node)])
      .then((results) => {
        for (const r of results) if (r.status === 'rejected') node.logger.debug({ err: r.reason as Error }, 'membership change not made yet; retried');
      })
      .finally(() => (this.running = null));
  }

  /** Stops the passes. One in progress is not waited for: the node's stop fails what it waits
   *  on (a commit of up to 10 s otherwise). */
  stop(): void {
    this.stopped = true;
    this.timer.cancel();
  }
}
