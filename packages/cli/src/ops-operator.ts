// The operations `herald chaos ops` drives (packages/chaos/src/ops.ts), done by the code of the
// commands an operator types: `node add`, `cluster rebalance`, `node decommission`, `cluster
// roll`. Only the restart differs from `cluster roll`: the harness stops and starts its own
// node processes.

import type { ClusterOperator } from '@herald/chaos';
import { addNodeAndWait, decommission, rebalance } from './reassign.js';
import { rollCluster, RollStopped } from './roll.js';

/** How long each operation may wait, as the commands' defaults: a node add for its vote
 *  (AddNode's longest), moves for completing, a roll for a node to be safe or back in sync. */
const ADD_WAIT_MS = 120_000;
const MOVE_WAIT_MS = 600_000;
const ROLL_WAIT_MS = 120_000;
const DRAIN_MS = 30_000;

/** The ClusterOperator of `herald chaos ops`: each operation as its command does it. */
export const commandOperator: ClusterOperator = {
  async add(client, node) {
    const { node: added, asked } = await addNodeAndWait(client, node, ADD_WAIT_MS);
    if (added.role !== 'voter') throw new Error(`node ${node.id} is ${added.role} in the meta group, not a voter, ${ADD_WAIT_MS / 1000} s after its add`);
    return `node ${node.id} added, votes in the meta group${asked === 1 ? '' : ` (asked ${asked} times: the controller changed before it voted)`}`;
  },

  async rebalance(client) {
    const result = await rebalance(client, { dryRun: false, waitMs: MOVE_WAIT_MS });
    if (result.left.length > 0) throw new Error(`${result.left.length} of ${result.plan.length} partitions still moving after ${MOVE_WAIT_MS / 1000} s`);
    const moves = result.plan.map((r) => `${r.topic}/${r.partition} ${r.from.join(',')}->${r.replicas.join(',')}`);
    return `${result.plan.length} partitions moved (${moves.join(' ')}), ${result.leaders} leaderships to preferred leaders`;
  },

  async decommission(client, id, connect) {
    const result = await decommission(client, connect, { node: id, dryRun: false, waitMs: MOVE_WAIT_MS });
    if (result.left.length > 0) throw new Error(`${result.left.length} of ${result.plan.length} replicas of node ${id} still moving after ${MOVE_WAIT_MS / 1000} s`);
    if (!result.removed) throw new Error(`node ${id} was removed from the node list but is still in the meta group after ${MOVE_WAIT_MS / 1000} s`);
    return `${result.plan.length} replicas moved off node ${id}, node removed and stopped`;
  },

  async roll(client, nodes, restart) {
    try {
      const results = await rollCluster(client, { restart, nodes, waitMs: ROLL_WAIT_MS, drainMs: DRAIN_MS });
      return results
        .map((r) => `node ${r.node}: ${r.leadershipsMoved} leaderships${r.controllerMoved ? ' and the controller' : ''} moved, restart ${(r.restartMs / 1000).toFixed(1)} s, back in every ISR ${(r.healMs / 1000).toFixed(1)} s later`)
        .join('; ');
    } catch (err) {
      if (err instanceof RollStopped) throw new Error(`${err.message}: ${err.reasons.join('; ')}`);
      throw err;
    }
  },
};
