// Every API this package has a codec for: its key, the versions of the codec, where flexible
// versions start, and the request and response types. Which of them the listener serves (and
// advertises in ApiVersions) is the handlers' table, not this one.

import type { Type } from '../codec/schema.js';
import * as admin from './admin.js';
import * as cluster from './cluster.js';
import * as groups from './groups.js';
import * as records from './records.js';
import * as sasl from './sasl.js';
import * as txn from './txn.js';

/** Kafka's API keys (the protocol guide's "Api Keys"), for the APIs with a codec here. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];
export type ApiName = keyof typeof ApiKey;

/** The codec of one API. */
export interface ApiSpec<Req = unknown, Res = unknown> {
  readonly key: ApiKey;
  readonly name: ApiName;
  readonly versionMin: number;
  readonly versionMax: number;
  /** The first flexible version (KIP-482); Infinity when none of versionMin..versionMax is. */
  readonly flexibleMin: number;
  readonly request: Type<Req>;
  readonly response: Type<Res>;
}

function api<Req, Res>(name: ApiName, versionMin: number, versionMax: number, flexibleMin: number, request: Type<Req>, response: Type<Res>): ApiSpec<Req, Res> {
  return { key: ApiKey[name], name, versionMin, versionMax, flexibleMin, request, response };
}

/** The codecs, by name. Version ranges are what the codecs cover, from Kafka's definitions. */
export const Apis = {
  Produce: api('Produce', 0, 8, 9, records.ProduceRequest, records.ProduceResponse),
  Fetch: api('Fetch', 0, 11, 12, records.FetchRequest, records.FetchResponse),
  ListOffsets: api('ListOffsets', 0, 5, 6, records.ListOffsetsRequest, records.ListOffsetsResponse),
  Metadata: api('Metadata', 0, 8, 9, cluster.MetadataRequest, cluster.MetadataResponse),
  OffsetCommit: api('OffsetCommit', 0, 7, 8, groups.OffsetCommitRequest, groups.OffsetCommitResponse),
  OffsetFetch: api('OffsetFetch', 0, 7, 6, groups.OffsetFetchRequest, groups.OffsetFetchResponse),
  FindCoordinator: api('FindCoordinator', 0, 2, 3, cluster.FindCoordinatorRequest, cluster.FindCoordinatorResponse),
  JoinGroup: api('JoinGroup', 0, 5, 6, groups.JoinGroupRequest, groups.JoinGroupResponse),
  Heartbeat: api('Heartbeat', 0, 3, 4, groups.HeartbeatRequest, groups.HeartbeatResponse),
  LeaveGroup: api('LeaveGroup', 0, 3, 4, groups.LeaveGroupRequest, groups.LeaveGroupResponse),
  SyncGroup: api('SyncGroup', 0, 3, 4, groups.SyncGroupRequest, groups.SyncGroupResponse),
  DescribeGroups: api('DescribeGroups', 0, 4, 5, groups.DescribeGroupsRequest, groups.DescribeGroupsResponse),
  ListGroups: api('ListGroups', 0, 2, 3, groups.ListGroupsRequest, groups.ListGroupsResponse),
  SaslHandshake: api('SaslHandshake', 0, 1, Infinity, sasl.SaslHandshakeRequest, sasl.SaslHandshakeResponse),
  ApiVersions: api('ApiVersions', 0, 3, 3, cluster.ApiVersionsRequest, cluster.ApiVersionsResponse),
  CreateTopics: api('CreateTopics', 0, 4, 5, admin.CreateTopicsRequest, admin.CreateTopicsResponse),
  DeleteTopics: api('DeleteTopics', 0, 3, 4, admin.DeleteTopicsRequest, admin.DeleteTopicsResponse),
  DeleteRecords: api('DeleteRecords', 0, 1, 2, records.DeleteRecordsRequest, records.DeleteRecordsResponse),
  InitProducerId: api('InitProducerId', 0, 1, 2, admin.InitProducerIdRequest, admin.InitProducerIdResponse),
  AddPartitionsToTxn: api('AddPartitionsToTxn', 0, 1, 3, txn.AddPartitionsToTxnRequest, txn.AddPartitionsToTxnResponse),
  AddOffsetsToTxn: api('AddOffsetsToTxn', 0, 1, 3, txn.AddOffsetsToTxnRequest, txn.AddOffsetsToTxnResponse),
  EndTxn: api('EndTxn', 0, 1, 3, txn.EndTxnRequest, txn.EndTxnResponse),
  TxnOffsetCommit: api('TxnOffsetCommit', 0, 2, 3, txn.TxnOffsetCommitRequest, txn.TxnOffsetCommitResponse),
  DescribeConfigs: api('DescribeConfigs', 0, 2, 4, admin.DescribeConfigsRequest, admin.DescribeConfigsResponse),
  SaslAuthenticate: api('SaslAuthenticate', 0, 1, 2, sasl.SaslAuthenticateRequest, sasl.SaslAuthenticateResponse),
} as const;
export type Apis = typeof Apis;

/** The decoded request of API `N`. */
export type RequestOf<N extends ApiName> = Apis[N] extends ApiSpec<infer Req, unknown> ? Req : never;
/** The response of API `N`, as a handler builds it. */
export type ResponseOf<N extends ApiName> = Apis[N] extends ApiSpec<unknown, infer Res> ? Res : never;

/** Whether `version` of `spec` uses flexible encodings (and request header v2). */
export function isFlexible(spec: ApiSpec, version: number): boolean {
  return version >= spec.flexibleMin;
}
