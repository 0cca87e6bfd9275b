// The APIs the listener serves: their versions (what ApiVersions advertises) and handlers.

import { Apis, type ApiName, type ApiSpec } from '../messages/apis.js';
import { handleCreateTopics, handleDeleteTopics, handleDescribeConfigs, handleFindCoordinator, handleInitProducerId, handleMetadata } from './cluster.js';
import type { Handler } from './context.js';
import { handleDescribeGroups, handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleListGroups, handleOffsetCommit, handleOffsetFetch, handleSyncGroup } from './groups.js';
import { handleDeleteRecords, handleFetch, handleListOffsets, handleProduce } from './records.js';
import { handleSaslAuthenticate, handleSaslHandshake } from './sasl.js';
import { handleAddOffsetsToTxn, handleAddPartitionsToTxn, handleEndTxn, handleTxnOffsetCommit } from './txn.js';

/** A served API. */
export interface ServedApi {
  readonly spec: ApiSpec;
  readonly versionMin: number;
  readonly versionMax: number;
  readonly handler: Handler<ApiName>;
  /**
   * Whether the request runs alone on its connection: after every earlier request completed and
   * before any later one starts, as Kafka runs every request. Reads and produces run
   * concurrently (still started, and answered, in order); group, admin and authentication
   * requests are exclusive, so that pipelined requests that depend on one another (a commit and
   * then a fetch of offsets, a handshake and then the authentication) see each other's effects.
   */
  readonly exclusive: boolean;
}

function serve<N extends ApiName>(name: N, versionMin: number, versionMax: number, handler: Handler<N>, exclusive: boolean): ServedApi {
  const spec = Apis[name] as ApiSpec;
  if (versionMin < spec.versionMin || versionMax > spec.versionMax) throw new Error(`${name} ${versionMin}-${versionMax} is beyond its codec`);
  return { spec, versionMin, versionMax, handler: handler as unknown as Handler<ApiName>, exclusive };
}

/** ApiVersions: every served API with its versions. Also answers (in the v0 layout, with
 *  UNSUPPORTED_VERSION) a request in a version not served; the connection does that. */
const handleApiVersions: Handler<'ApiVersions'> = async () => ({ apiKeys: advertised() });

/**
 * The served APIs. Minimum versions are low on purpose: librdkafka disables features unless the
 * ranges include JoinGroup 0, Produce 2/3/7, Fetch 2/4/10 and InitProducerId 0
 * (ECOSYSTEM.md). Produce and Fetch below v3/v4 speak the older message formats, which Herald
 * does not store: old Produce versions are refused per partition (UNSUPPORTED_FOR_MESSAGE_FORMAT)
 * and old Fetch versions get v2 batches.
 */
export const SERVED: ReadonlyMap<number, ServedApi> = new Map(
  [
    serve('ApiVersions', 0, 3, handleApiVersions, false),
    serve('Metadata', 0, 8, handleMetadata, false),
    serve('Produce', 0, 8, handleProduce, false),
    serve('Fetch', 0, 11, handleFetch, false),
    serve('ListOffsets', 0, 5, handleListOffsets, false),
    serve('FindCoordinator', 0, 2, handleFindCoordinator, false),
    serve('JoinGroup', 0, 5, handleJoinGroup, true),
    serve('SyncGroup', 0, 3, handleSyncGroup, true),
    serve('Heartbeat', 0, 3, handleHeartbeat, true),
    serve('LeaveGroup', 0, 3, handleLeaveGroup, true),
    serve('OffsetCommit', 0, 7, handleOffsetCommit, true),
    serve('OffsetFetch', 0, 7, handleOffsetFetch, true),
    serve('InitProducerId', 0, 1, handleInitProducerId, true),
    serve('AddPartitionsToTxn', 0, 1, handleAddPartitionsToTxn, true),
    serve('AddOffsetsToTxn', 0, 1, handleAddOffsetsToTxn, true),
    serve('EndTxn', 0, 1, handleEndTxn, true),
    serve('TxnOffsetCommit', 0, 2, handleTxnOffsetCommit, true),
    serve('CreateTopics', 0, 4, handleCreateTopics, true),
    serve('DeleteTopics', 0, 3, handleDeleteTopics, true),
    serve('DescribeConfigs', 0, 2, handleDescribeConfigs, false),
    serve('ListGroups', 0, 2, handleListGroups, false),
    serve('DescribeGroups', 0, 4, handleDescribeGroups, false),
    serve('DeleteRecords', 0, 1, handleDeleteRecords, true),
    serve('SaslHandshake', 0, 1, handleSaslHandshake, true),
    serve('SaslAuthenticate', 0, 1, handleSaslAuthenticate, true),
  ].map((api) => [api.spec.key, api]),
);

/** ApiVersions' list, ordered by key. */
export function advertised(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return [...SERVED.values()].sort((a, b) => a.spec.key - b.spec.key).map((a) => ({ apiKey: a.spec.key, minVersion: a.versionMin, maxVersion: a.versionMax }));
}
