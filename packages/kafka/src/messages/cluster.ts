// ApiVersions, Metadata and FindCoordinator: how a client learns what this listener speaks,
// where the brokers are, and which one coordinates a group. Field layouts from Kafka's
// ApiVersions*.json, Metadata*.json and FindCoordinator*.json, up to the versions served.

import { array, bool, field, int16, int32, int8, nullableArray, nullableString, string, struct } from '../codec/schema.js';

/** Kafka's "no authorized operations asked for" (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** ApiVersions request: the first request of every client. */
export const ApiVersionsRequest = struct({
  clientSoftwareName: field(string, '3+'),
  clientSoftwareVersion: field(string, '3+'),
});

/** ApiVersions response: every served API with its version range. */
export const ApiVersionsResponse = struct({
  errorCode: field(int16, '0+'),
  apiKeys: field(array(struct({ apiKey: field(int16, '0+'), minVersion: field(int16, '0+'), maxVersion: field(int16, '0+') })), '0+'),
  throttleTimeMs: field(int32, '1+'),
});

/** Metadata request: the topics a client wants to know about (null: all). */
export const MetadataRequest = struct({
  // v0: an empty array means every topic; v1+: null means every topic, empty means none.
  topics: field(nullableArray(struct({ name: field(string, '0+') })), '0+', { nullable: '1+' }),
  allowAutoTopicCreation: field(bool, '4+', { default: true }),
  includeClusterAuthorizedOperations: field(bool, '8+'),
  includeTopicAuthorizedOperations: field(bool, '8+'),
});

/** Metadata response: brokers, controller, and each topic's partitions with leaders and replicas. */
export const MetadataResponse = struct({
  throttleTimeMs: field(int32, '3+'),
  brokers: field(
    array(struct({ nodeId: field(int32, '0+'), host: field(string, '0+'), port: field(int32, '0+'), rack: field(nullableString, '1+') })),
    '0+',
  ),
  clusterId: field(nullableString, '2+'),
  controllerId: field(int32, '1+', { default: -1 }),
  topics: field(
    array(
      struct({
        errorCode: field(int16, '0+'),
        name: field(string, '0+'),
        isInternal: field(bool, '1+'),
        partitions: field(
          array(
            struct({
              errorCode: field(int16, '0+'),
              partitionIndex: field(int32, '0+'),
              leaderId: field(int32, '0+'),
              leaderEpoch: field(int32, '7+', { default: -1 }),
              replicaNodes: field(array(int32), '0+'),
              isrNodes: field(array(int32), '0+'),
              offlineReplicas: field(array(int32), '5+'),
            }),
          ),
          '0+',
        ),
        topicAuthorizedOperations: field(int32, '8+', { default: AUTHORIZED_OPERATIONS_OMITTED }),
      }),
    ),
    '0+',
  ),
  clusterAuthorizedOperations: field(int32, '8+', { default: AUTHORIZED_OPERATIONS_OMITTED }),
});

/** FindCoordinator request: which node coordinates a group (or a transactional id). */
export const FindCoordinatorRequest = struct({
  key: field(string, '0+'),
  /** 0: a consumer group; 1: a transactional id. */
  keyType: field(int8, '1+'),
});

/** FindCoordinator response: the coordinator's node id and address. */
export const FindCoordinatorResponse = struct({
  throttleTimeMs: field(int32, '1+'),
  errorCode: field(int16, '0+'),
  errorMessage: field(nullableString, '1+'),
  nodeId: field(int32, '0+'),
  host: field(string, '0+'),
  port: field(int32, '0+'),
});
