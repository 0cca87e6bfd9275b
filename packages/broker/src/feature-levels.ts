import { HeraldError } from '@herald/protocol';
import { delay } from './host/clock.js';
import { META_GROUP_ID } from './meta/meta-state.js';
import type { NodeId } from '@herald/raft';
import type { Logger } from 'pino';
import type { Clock } from './host/clock.js';
import type { MetaGroup } from './meta/meta-group.js';
import type { FeatureLevel } from './store-format.js';
import type { PeerTransport } from './transport/peer-transport.js';

/** What of a node the feature levels need (a HeraldNode: structural, so that the node can use
 *  this module without an import cycle). */
export interface FeatureNode {
  readonly nodeId: NodeId;
  readonly meta: MetaGroup;
  readonly transport: PeerTransport;
  readonly clock: Clock;
  readonly logger: Logger;
  nodeIds(): NodeId[];
}

/** How long one FinalizeFeatureLevel may take to commit. */
const CHANGE_TIMEOUT_MS = 10_000;

/** How long the controller waits for the nodes to report their feature levels. */
const FEATURE_ASK_MS = 1_000;

/** How often the controller asks the nodes' feature levels while the highest is not final. */
export const FEATURE_CHECK_MS = 2_000;

/** How long a request that needs a feature level waits for the controller to finalize it, and
 *  how often it looks. */
const FEATURE_WAIT_MS = 5_000;
const FEATURE_POLL_MS = 50;

/**
 * Finalizes metadata feature level `level` if every node supports it (KIP-584: each node reports
 * the highest level it supports in its DescribeReplicas answer for the meta group), or refuses
 * with FeatureDisabled naming the nodes that do not (or did not answer). Called by the
 * controller on the first change that needs a level, and in the background for
 * FEATURE_LEVEL_BACKGROUND (the membership driver, every FEATURE_CHECK_MS until it is final), so
 * that features whose entries partition leaders write (half messages) turn on once the last
 * node runs this release.
 */
export async function requireFeatureLevel(node: FeatureNode, level: FeatureLevel): Promise<void> {
  if (node.meta.state.finalizedFeatureLevel() >= level) return;
  const { voters, learners } = node.meta.group.status().membership;
  const ids = [...new Set([...node.nodeIds(), ...voters, ...learners])].filter((id) => id !== node.nodeId).sort((a, b) => a - b);
  const answers = await node.transport.describeReplicas([META_GROUP_ID], FEATURE_ASK_MS);
  const behind = ids.map((id) => ({ id, level: answers.find((a) => a.nodeId === id)?.featureLevel ?? 0 })).filter((n) => n.level < level);
  if (behind.length > 0) {
    const named = behind.map((n) => (n.level === 0 ? `node ${n.id} (did not answer, or runs a release before feature levels)` : `node ${n.id} (level ${n.level})`)).join(', ');
    throw new HeraldError('FeatureDisabled', `this change needs metadata feature level ${level}, which not every node supports: ${named}; upgrade every node to this release first`);
  }
  const outcome = await node.meta.propose({ type: 'FinalizeFeatureLevel', level }, CHANGE_TIMEOUT_MS);
  if (!outcome.ok) throw new HeraldError(outcome.reason, outcome.message);
  node.logger.info({ level }, 'finalized a metadata feature level');
}

/**
 * Waits up to `waitMs` for metadata feature level `level` to be final in this node's copy of the
 * meta state (the controller finalizes it once every node supports it), else refuses with
 * FeatureDisabled: what needs it would write entries a node of an older release cannot read.
 */
export async function awaitFeatureLevel(node: FeatureNode, level: FeatureLevel, what: string, waitMs = FEATURE_WAIT_MS): Promise<void> {
  for (let waited = 0; node.meta.state.finalizedFeatureLevel() < level; waited += FEATURE_POLL_MS) {
    if (waited >= waitMs) {
      throw new HeraldError('FeatureDisabled', `${what} needs metadata feature level ${level}, not yet final: not every node runs a release that supports it (upgrade every node to this release first)`);
    }
    await delay(node.clock, FEATURE_POLL_MS);
  }
}

