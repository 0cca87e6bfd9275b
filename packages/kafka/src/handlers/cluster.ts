// Metadata, FindCoordinator, CreateTopics, DeleteTopics, DescribeConfigs and InitProducerId.

import type { ConfigEntry } from '../backend.js';
import { ErrorCode, KafkaProtocolError, Scope } from '../errors.js';
import { ConfigResourceType, ConfigSource } from '../messages/admin.js';
import { refusal, type Handler } from './context.js';

/** FindCoordinator's key types (KIP-98). */
const CoordinatorKeyType = { Group: 0, Transaction: 1 } as const;

/**
 * Metadata: brokers (their Kafka listeners), the controller, and the topics asked for. A topic
 * that does not exist is UNKNOWN_TOPIC_OR_PARTITION (topics are not created on first use); a
 * partition without a leader is LEADER_NOT_AVAILABLE, which makes clients ask again.
 */
export const handleMetadata: Handler<'Metadata'> = async (request, ctx) => {
  // v0: an empty list means every topic; v1+: null does.
  const names = request.topics === null || (ctx.version === 0 && request.topics.length === 0) ? null : [...new Set(request.topics.map((t) => t.name))];
  let metadata;
  try {
    metadata = await ctx.backend.metadata(names, ctx);
  } catch (err) {
    const errorCode = refusal(err, ctx, 'metadata').errorCode;
    return { brokers: [], controllerId: -1, topics: (names ?? []).map((name) => ({ errorCode, name, partitions: [] })) };
  }
  const found = new Map(metadata.topics.map((t) => [t.name, t]));
  const topics = (names ?? metadata.topics.map((t) => t.name)).map((name) => {
    const topic = found.get(name);
    if (topic === undefined) return { errorCode: ErrorCode.UnknownTopicOrPartition, name, partitions: [] };
    return {
      name,
      partitions: topic.partitions.map((p) => ({
        errorCode: p.leaderId < 0 ? ErrorCode.LeaderNotAvailable : ErrorCode.None,
        partitionIndex: p.partition,
        leaderId: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: [...p.replicas],
        isrNodes: [...p.isr],
        offlineReplicas: [...p.offlineReplicas],
      })),
    };
  });
  return {
    brokers: metadata.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    clusterId: metadata.clusterId,
    controllerId: metadata.controllerId,
    topics,
  };
};

/** FindCoordinator: Herald's group and transaction coordinators both run on the controller, so
 *  the answer is the controller, for either key type. */
export const handleFindCoordinator: Handler<'FindCoordinator'> = async (request, ctx) => {
  const fail = (errorCode: ErrorCode, errorMessage: string) => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
  if (request.keyType !== CoordinatorKeyType.Group && request.keyType !== CoordinatorKeyType.Transaction) {
    return fail(ErrorCode.InvalidRequest, `key type ${request.keyType} is neither 0 (group) nor 1 (transaction)`);
  }
  try {
    const metadata = await ctx.backend.metadata([], ctx);
    const coordinator = metadata.brokers.find((b) => b.nodeId === metadata.controllerId);
    if (coordinator === undefined) return fail(ErrorCode.CoordinatorNotAvailable, 'no controller is elected yet; retry shortly');
    return { errorMessage: null, nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port };
  } catch (err) {
    const { errorCode, errorMessage } = refusal(err, ctx, 'find coordinator', Scope.Group);
    return fail(errorCode, errorMessage);
  }
};

/** CreateTopics: one topic at a time through the controller. Manual replica assignments are
 *  not served (Herald places replicas). A null config value means "the default" and is left
 *  out. */
export const handleCreateTopics: Handler<'CreateTopics'> = async (request, ctx) => {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const topics = [];
  for (const t of request.topics) {
    try {
      if ((counts.get(t.name) ?? 0) > 1) throw new KafkaProtocolError(ErrorCode.InvalidRequest, `topic ${JSON.stringify(t.name)} is named more than once`);
      if (t.assignments.length > 0) throw new KafkaProtocolError(ErrorCode.InvalidReplicaAssignment, 'manual replica assignment is not served; Herald places replicas');
      const configs: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
      await ctx.backend.createTopic({ name: t.name, partitions: t.numPartitions, replicationFactor: t.replicationFactor, configs, validateOnly: request.validateOnly }, ctx);
      topics.push({ name: t.name, errorCode: ErrorCode.None, errorMessage: null });
    } catch (err) {
      topics.push({ name: t.name, ...refusal(err, ctx, 'create topic', Scope.Controller) });
    }
  }
  return { topics };
};

/** DeleteTopics: one topic at a time through the controller. */
export const handleDeleteTopics: Handler<'DeleteTopics'> = async (request, ctx) => {
  const responses = [];
  for (const name of request.topicNames) {
    try {
      await ctx.backend.deleteTopic(name, ctx);
      responses.push({ name, errorCode: ErrorCode.None });
    } catch (err) {
      responses.push({ name, errorCode: refusal(err, ctx, 'delete topic', Scope.Controller).errorCode });
    }
  }
  return { responses };
};

function describeConfig(entry: ConfigEntry) {
  return {
    name: entry.name,
    value: entry.sensitive ? null : entry.value,
    readOnly: entry.readOnly,
    isDefault: !entry.isTopicOverride,
    configSource: entry.isTopicOverride ? ConfigSource.DynamicTopic : ConfigSource.Default,
    isSensitive: entry.sensitive,
    synonyms: [],
  };
}

/** DescribeConfigs: a topic's configs (overrides and defaults). Broker configs are not served
 *  yet: a broker resource answers with no configs. */
export const handleDescribeConfigs: Handler<'DescribeConfigs'> = async (request, ctx) => {
  const results = [];
  for (const resource of request.resources) {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    try {
      if (resource.resourceType === ConfigResourceType.Broker || resource.resourceType === ConfigResourceType.BrokerLogger) {
        results.push({ ...base, errorMessage: null, configs: [] });
        continue;
      }
      if (resource.resourceType !== ConfigResourceType.Topic) throw new KafkaProtocolError(ErrorCode.InvalidRequest, `resource type ${resource.resourceType} is not served`);
      const keys = resource.configurationKeys === null ? null : new Set(resource.configurationKeys);
      const entries = await ctx.backend.topicConfigs(resource.resourceName, ctx);
      results.push({ ...base, errorMessage: null, configs: entries.filter((e) => keys === null || keys.has(e.name)).map(describeConfig) });
    } catch (err) {
      results.push({ ...base, ...refusal(err, ctx, 'describe configs'), configs: [] });
    }
  }
  return { results };
};

/** InitProducerId: an id and epoch for an idempotent producer, or for a transactional id
 *  (fencing its older instances; KIP-98). */
export const handleInitProducerId: Handler<'InitProducerId'> = async (request, ctx) => {
  try {
    const { producerId, producerEpoch } = await ctx.backend.initProducerId(request.transactionalId, request.transactionTimeoutMs, ctx);
    return { producerId, producerEpoch };
  } catch (err) {
    return { errorCode: refusal(err, ctx, 'init producer id', Scope.Group).errorCode, producerId: -1, producerEpoch: -1 };
  }
};
