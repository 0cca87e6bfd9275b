import { DueSweep } from './host/clock.js';
import type { HeraldNode } from './node.js';
import { FEATURE_CHECK_MS, requireFeatureLevel } from './feature-levels.js';
import { MEMBERSHIP_CHECK_MS, reconcileMetaMembership } from './nodes.js';
import { FEATURE_LEVEL_BACKGROUND } from './store-format.js';
import { completeReassignments, stepReassignments } from './reassign.js';

/**
 * Drives a node's part in membership changes (docs/operations.md, "Membership at runtime"), one
 * pass at a time: after every meta turn (a change of the node list, the meta group's membership,
 * a reassignment, the throttle), and every MEMBERSHIP_CHECK_MS while a change is under way
 * (hasWork); as a fixed poll its passes were 4 wake-ups a second of an idle node (issue #17). It
 * keeps the peer transport and the failure detector on the cluster's nodes and the replication
 * throttle at the meta state's value; as controller, it moves the meta group's membership
 * towards the node list, records completed reassignments and finalizes feature levels once every
 * node supports them; as a partition leader, it takes the next step of each reassignment there.
 * Separate from HeraldNode so that the node does not import what operates on it.
 */
export class MembershipDriver {
  private readonly sweep: DueSweep;
  private readonly unwatch: () => void;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** When the controller may next ask the nodes' feature levels (clock.now() milliseconds). */
  private nextFeatureCheck = 0;

  constructor(private readonly node: HeraldNode) {
    this.sweep = new DueSweep(node.clock, MEMBERSHIP_CHECK_MS, (nowMs) => {
      this.pass();
      return this.hasWork() ? nowMs + MEMBERSHIP_CHECK_MS : Number.POSITIVE_INFINITY;
    });
    this.unwatch = node.meta.watch(() => this.sweep.due(node.clock.now()));
    this.sweep.due(node.clock.now());
  }

  /** Whether a membership change is under way that passes must keep checking on (one waits on
   *  progress outside the meta log: a learner catching up, the nodes' feature levels, a
   *  reassigned partition's replicas). */
  private hasWork(): boolean {
    const node = this.node;
    const state = node.meta.state;
    if (state.reassignments().size > 0) return true;
    if (!node.meta.isController()) return false;
    if (state.finalizedFeatureLevel() < FEATURE_LEVEL_BACKGROUND) return true;
    const listed = state.nodes();
    const { voters, learners } = node.meta.group.status().membership;
    return listed.length > 0 && (learners.length > 0 || voters.length !== listed.length || listed.some((n) => !voters.includes(n.id)));
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
      .finally(() => {
        this.running = null;
        // A meta turn during the pass found it running: its change is looked at now.
        if (!this.stopped && this.hasWork()) this.sweep.due(node.clock.now());
      });
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
    this.sweep.cancel();
    this.unwatch();
  }
}
