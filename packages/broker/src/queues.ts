import { HeraldError } from '@herald/protocol';
import type { HeraldNode } from './node.js';
import type { SubscriptionSummary } from './queue/queue-leader.js';

/** A subscription across the partitions of a topic that this node leads. */
export interface SubscriptionDescription {
  readonly name: string;
  readonly orderedByKey: boolean;
  readonly partitions: readonly (SubscriptionSummary & { readonly partition: number })[];
}

/**
 * The queue subscriptions of a topic (or the one named `only`), as the partitions this node
 * leads know them; the client asks every node and merges. Refuses SubscriptionNotFound when
 * `only` is named and no partition led here knows it.
 */
export function describeSubscriptions(node: HeraldNode, topicName: string, only: string | undefined): SubscriptionDescription[] {
  node.topic(topicName);
  const out = new Map<string, { name: string; orderedByKey: boolean; partitions: (SubscriptionSummary & { partition: number })[] }>();
  for (const { topic, partition } of node.hostedPartitions()) {
    if (topic.name !== topicName || !partition.group.isCurrentLeader()) continue;
    for (const summary of partition.leader.queues.describe()) {
      if (only !== undefined && summary.name !== only) continue;
      let entry = out.get(summary.name);
      if (entry === undefined) out.set(summary.name, (entry = { name: summary.name, orderedByKey: summary.orderedByKey, partitions: [] }));
      entry.partitions.push({ ...summary, partition: partition.settings.partition });
    }
  }
  if (only !== undefined && out.size === 0) {
    throw new HeraldError('SubscriptionNotFound', `subscription "${only}" does not exist on the partitions of "${topicName}" led by node ${node.nodeId}`);
  }
  return [...out.values()];
}

/** Deletes a subscription from the partitions of a topic this node leads; resolves with how
 *  many partitions had it. */
export async function deleteSubscription(node: HeraldNode, topicName: string, subscription: string): Promise<number> {
  node.topic(topicName);
  let partitions = 0;
  for (const { topic, partition } of node.hostedPartitions()) {
    if (topic.name !== topicName || !partition.group.isLeader()) continue;
    if (await partition.leader.queues.delete(subscription)) partitions++;
  }
  return partitions;
}
