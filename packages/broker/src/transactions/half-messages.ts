import { awaitFeatureLevel } from '../feature-levels.js';
import { checkProducedBatch } from '../produce.js';
import { FeatureLevel } from '../store-format.js';
import type { HeraldNode } from '../node.js';
import { DecidedBy } from './half-state.js';
import type { EndResult, HalfView } from './half-leader.js';

/** A half message to store (fields validated by the caller, the batch here). */
export interface SendHalfRequest {
  readonly topic: string;
  readonly partition: number;
  readonly id: string;
  readonly producerGroup: string;
  readonly batch: Uint8Array;
  readonly timeoutMs: number;
}

/** A decision on a half message. */
export interface EndHalfRequest {
  readonly topic: string;
  readonly partition: number;
  readonly id: string;
  readonly commit: boolean;
  /** The decision answers a check-back. */
  readonly answersCheck: boolean;
  readonly timeoutMs: number;
}

/** Stores a half message at the partition's leader on this node: invisible to every reader
 *  until committed. The batch is checked as a produced one is (max.message.bytes, CRC). */
export async function sendHalf(node: HeraldNode, request: SendHalfRequest): Promise<{ recordCount: number; duplicate: boolean }> {
  const { partition } = node.partition(request.topic, request.partition);
  await awaitFeatureLevel(node, FeatureLevel.Transactions, 'a half message');
  const facts = await checkProducedBatch(node, request.topic, request.partition, request.batch);
  const result = await partition.leader.halves.send(request.id, request.producerGroup, request.batch, facts, request.timeoutMs);
  if (!result.duplicate) node.metrics.halfSent.inc({ topic: request.topic });
  return result;
}

/** Commits or rolls back a half message at the partition's leader on this node. */
export async function endHalf(node: HeraldNode, request: EndHalfRequest): Promise<EndResult> {
  const { partition } = node.partition(request.topic, request.partition);
  const by = request.answersCheck ? DecidedBy.Check : DecidedBy.Producer;
  const result = await partition.leader.halves.end(request.id, request.commit, by, request.timeoutMs);
  if (!result.duplicate) {
    node.metrics.halfDecisions.inc({ topic: request.topic, decision: request.commit ? 'commit' : 'rollback', by });
    if (result.committed) node.metrics.producedRecords.inc({ topic: request.topic }, result.recordCount);
  }
  return result;
}

/** The half messages of a topic's partitions led by this node (with `decided`, the decisions
 *  they remember too), and which partitions those are. */
export function listHalves(node: HeraldNode, topicName: string, decided: boolean): { partitions: number[]; halves: (HalfView & { readonly partition: number })[] } {
  node.topic(topicName); // refuses an unknown topic
  const partitions: number[] = [];
  const halves: (HalfView & { partition: number })[] = [];
  for (const { topic, partition } of node.hostedPartitions()) {
    if (topic.name !== topicName || !partition.group.isCurrentLeader()) continue;
    const id = partition.settings.partition;
    partitions.push(id);
    for (const half of partition.leader.halves.list(decided)) halves.push({ ...half, partition: id });
  }
  partitions.sort((a, b) => a - b);
  return { partitions, halves };
}
