// Shows that the message codecs read what a real client writes and write what it reads. Method:
// kafkajs's own request encoders (every version kafkajs has, up to the versions served) make
// bytes that our codec must decode completely and re-encode to the same bytes; responses built
// here, encoded by our codec, must decode in kafkajs's own response decoders.

import { describe, expect, it } from 'vitest';
import { KafkaReader } from '../src/codec/reader.js';
import { decode } from '../src/codec/schema.js';
import { KafkaWriter } from '../src/codec/writer.js';
import { encodeResponse } from '../src/connection.js';
import { Apis, type ApiName } from '../src/messages/apis.js';
import { KafkajsEncoder, kafkajsRequestBody, kafkajsResponse } from './support/kafkajs.js';

const bytesField = (text: string) => new KafkajsEncoder().writeBytes(Buffer.from(text)).buffer as Buffer;

const topicPartitions = [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 3 }] }];

/** kafkajs folder, our API, the versions to check, and kafkajs's arguments. */
const requests: { folder: string; api: ApiName; versions: number[]; args: object }[] = [
  { folder: 'apiVersions', api: 'ApiVersions', versions: [0, 1, 2], args: {} },
  { folder: 'metadata', api: 'Metadata', versions: [0, 1, 2, 3, 4, 5, 6], args: { topics: ['orders', 'audit'], allowAutoTopicCreation: false } },
  {
    folder: 'produce',
    api: 'Produce',
    versions: [3, 4, 5, 6, 7],
    args: { acks: -1, timeout: 30000, topicData: [{ topic: 'orders', partitions: [{ partition: 1, firstSequence: 0, messages: [{ key: 'k', value: 'v', timestamp: 1700000000000 }] }] }] },
  },
  {
    folder: 'fetch',
    api: 'Fetch',
    versions: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    args: { replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, topics: [{ topic: 'orders', partitions: [{ partition: 2, fetchOffset: '42', maxBytes: 1048576 }] }] },
  },
  { folder: 'listOffsets', api: 'ListOffsets', versions: [0, 1, 2, 3], args: { replicaId: -1, isolationLevel: 1, topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -2 }] }] } },
  { folder: 'findCoordinator', api: 'FindCoordinator', versions: [0, 1, 2], args: { groupId: 'billing', coordinatorKey: 'billing', coordinatorType: 0 } },
  {
    folder: 'joinGroup',
    api: 'JoinGroup',
    versions: [0, 1, 2, 3, 4, 5],
    args: { groupId: 'billing', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: '', protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 0]) }] },
  },
  { folder: 'syncGroup', api: 'SyncGroup', versions: [0, 1, 2, 3], args: { groupId: 'billing', generationId: 3, memberId: 'm-1', groupAssignment: [{ memberId: 'm-1', memberAssignment: Buffer.from([0, 0]) }] } },
  { folder: 'heartbeat', api: 'Heartbeat', versions: [0, 1, 2, 3], args: { groupId: 'billing', groupGenerationId: 3, memberId: 'm-1' } },
  { folder: 'leaveGroup', api: 'LeaveGroup', versions: [0, 1, 2], args: { groupId: 'billing', memberId: 'm-1' } },
  { folder: 'leaveGroup', api: 'LeaveGroup', versions: [3], args: { groupId: 'billing', members: [{ memberId: 'm-1' }, { memberId: 'm-2' }] } },
  {
    folder: 'offsetCommit',
    api: 'OffsetCommit',
    versions: [0, 1, 2, 3, 4, 5],
    args: { groupId: 'billing', groupGenerationId: 3, memberId: 'm-1', retentionTime: -1, topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '17', timestamp: 1700000000000 }] }] },
  },
  { folder: 'offsetFetch', api: 'OffsetFetch', versions: [1, 2, 3, 4], args: { groupId: 'billing', topics: topicPartitions } },
  { folder: 'initProducerId', api: 'InitProducerId', versions: [0, 1], args: { transactionalId: null, transactionTimeout: 30000 } },
  {
    folder: 'createTopics',
    api: 'CreateTopics',
    versions: [0, 1, 2, 3],
    args: { topics: [{ topic: 'orders', numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'retention.ms', value: '60000' }] }], validateOnly: false, timeout: 5000 },
  },
  { folder: 'deleteTopics', api: 'DeleteTopics', versions: [0, 1], args: { topics: ['orders'], timeout: 5000 } },
  { folder: 'describeConfigs', api: 'DescribeConfigs', versions: [0, 1, 2], args: { resources: [{ type: 2, name: 'orders', configNames: ['retention.ms'] }], includeSynonyms: false } },
  { folder: 'listGroups', api: 'ListGroups', versions: [0, 1, 2], args: {} },
  { folder: 'describeGroups', api: 'DescribeGroups', versions: [0, 1, 2], args: { groupIds: ['billing', 'audit'] } },
  { folder: 'deleteRecords', api: 'DeleteRecords', versions: [0, 1], args: { topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '100' }] }], timeout: 5000 } },
  { folder: 'saslHandshake', api: 'SaslHandshake', versions: [0, 1], args: { mechanism: 'SCRAM-SHA-256' } },
  { folder: 'saslAuthenticate', api: 'SaslAuthenticate', versions: [0, 1], args: { authBytes: bytesField('\0alice\0secret') } },
  { folder: 'addPartitionsToTxn', api: 'AddPartitionsToTxn', versions: [0, 1], args: { transactionalId: 't-1', producerId: '1000', producerEpoch: 2, topics: [{ topic: 'orders', partitions: [0, 1] }] } },
  { folder: 'addOffsetsToTxn', api: 'AddOffsetsToTxn', versions: [0, 1], args: { transactionalId: 't-1', producerId: '1000', producerEpoch: 2, groupId: 'billing' } },
  { folder: 'endTxn', api: 'EndTxn', versions: [0, 1], args: { transactionalId: 't-1', producerId: '1000', producerEpoch: 2, transactionResult: true } },
  {
    folder: 'txnOffsetCommit',
    api: 'TxnOffsetCommit',
    versions: [0, 1],
    args: { transactionalId: 't-1', groupId: 'billing', producerId: '1000', producerEpoch: 2, topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '5', metadata: 'm' }] }] },
  },
];

describe('requests encoded by kafkajs', () => {
  const cases = requests.flatMap((r) => r.versions.map((version) => ({ ...r, version })));
  it.each(cases)('$api v$version decodes completely and re-encodes to the same bytes', async ({ folder, api, version, args }) => {
    const spec = Apis[api];
    const { apiKey, body } = await kafkajsRequestBody(folder, version, args);
    expect(apiKey).toBe(spec.key);
    const ctx = { version, flexible: false };
    const request = decode(spec.request as never, new KafkaReader(body), ctx);
    const w = new KafkaWriter();
    spec.request.write(w, request as never, ctx);
    expect(w.toBuffer().toString('hex')).toBe(body.toString('hex'));
  });

  it('reads the fields a handler needs (spot checks)', async () => {
    const fetch = await kafkajsRequestBody('fetch', 11, requests.find((r) => r.api === 'Fetch')!.args);
    const f = decode(Apis.Fetch.request, new KafkaReader(fetch.body), { version: 11, flexible: false });
    expect(f).toMatchObject({ maxWaitMs: 500, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '' });
    expect(f.topics[0]!.partitions[0]).toMatchObject({ partition: 2, fetchOffset: 42, partitionMaxBytes: 1048576 });
    const meta = await kafkajsRequestBody('metadata', 4, { topics: ['orders'] });
    expect(decode(Apis.Metadata.request, new KafkaReader(meta.body), { version: 4, flexible: false })).toEqual({ topics: [{ name: 'orders' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
  });
});

/** Our response through kafkajs's decoder for `folder` at `version`. */
async function throughKafkajs(api: ApiName, folder: string, version: number, body: unknown): Promise<Record<string, unknown>> {
  const chunks = encodeResponse(Apis[api] as never, version, 99, body);
  const frame = Buffer.concat(chunks);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  expect(frame.readInt32BE(4)).toBe(99);
  const module = kafkajsResponse(folder, version);
  // Some kafkajs response modules are factories of { decode, parse }.
  const decoder = typeof module.decode === 'function' ? module : module({});
  return decoder.decode(frame.subarray(8));
}

describe('responses decoded by kafkajs', () => {
  it.each([0, 1, 2])('ApiVersions v%i', async (version) => {
    const decoded = await throughKafkajs('ApiVersions', 'apiVersions', version, { apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 8 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] });
    expect(decoded).toMatchObject({ errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 8 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }] });
  });

  it.each([0, 1, 4, 5, 6])('Metadata v%i', async (version) => {
    const decoded = await throughKafkajs('Metadata', 'metadata', version, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 19091, rack: null }],
      clusterId: 'c-1',
      controllerId: 1,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] }] },
        { errorCode: 3, name: 'missing', partitions: [] },
      ],
    });
    expect(decoded.brokers).toMatchObject([{ nodeId: 1, host: '127.0.0.1', port: 19091 }]);
    expect(decoded.topicMetadata).toMatchObject([
      { topicErrorCode: 0, topic: 'orders', partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1] }] },
      { topicErrorCode: 3, topic: 'missing', partitionMetadata: [] },
    ]);
  });

  it.each([3, 5, 7])('Produce v%i', async (version) => {
    const decoded = await throughKafkajs('Produce', 'produce', version, {
      responses: [{ name: 'orders', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 1234, logStartOffset: 7 }, { index: 2, errorCode: 6, baseOffset: -1 }] }],
    });
    expect(decoded.topics).toMatchObject([{ topicName: 'orders', partitions: [{ partition: 1, errorCode: 0, baseOffset: '1234' }, { partition: 2, errorCode: 6, baseOffset: '-1' }] }]);
  });

  it.each([4, 11])('Fetch v%i with a batch', async (version) => {
    const { encodeBatch } = await import('@herald/protocol');
    const { heraldToKafka } = await import('../src/records/translate.js');
    const herald = await encodeBatch([{ key: null, value: Buffer.from('v'), timestampMs: 1 }]);
    const decoded = await throughKafkajs('Fetch', 'fetch', version, {
      responses: [{ topic: 'orders', partitions: [{ partitionIndex: 0, highWatermark: 6, lastStableOffset: 6, logStartOffset: 0, abortedTransactions: [], records: await heraldToKafka({ baseOffset: 5, leaderEpoch: 1, bytes: herald }) }] }],
    });
    const partition = (decoded.responses as { partitions: { highWatermark: string; messages: { offset: string; value: Buffer }[] }[] }[])[0]!.partitions[0]!;
    expect(partition.highWatermark).toBe('6');
    expect(partition.messages.map((m) => [m.offset, m.value.toString()])).toEqual([['5', 'v']]);
  });

  it.each([0, 1, 3])('ListOffsets v%i', async (version) => {
    const decoded = await throughKafkajs('ListOffsets', 'listOffsets', version, { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, oldStyleOffsets: [42], offset: 42, timestamp: -1 }] }] });
    const partition = (decoded.responses as { partitions: Record<string, unknown>[] }[])[0]!.partitions[0]!;
    expect(version === 0 ? partition.offsets : partition.offset).toEqual(version === 0 ? ['42'] : '42');
  });

  it.each([0, 1, 2])('FindCoordinator v%i', async (version) => {
    const decoded = await throughKafkajs('FindCoordinator', 'findCoordinator', version, { nodeId: 1, host: 'localhost', port: 19091, errorMessage: null });
    expect(decoded).toMatchObject({ errorCode: 0, coordinator: { nodeId: 1, host: 'localhost', port: 19091 } });
  });

  it.each([0, 2, 5])('JoinGroup v%i', async (version) => {
    const decoded = await throughKafkajs('JoinGroup', 'joinGroup', version, { generationId: 4, protocolName: 'RoundRobinAssigner', leader: '', memberId: 'm-1', members: [] });
    expect(decoded).toMatchObject({ errorCode: 0, generationId: 4, groupProtocol: 'RoundRobinAssigner', leaderId: '', memberId: 'm-1', members: [] });
  });

  it.each([0, 3])('SyncGroup v%i', async (version) => {
    const decoded = await throughKafkajs('SyncGroup', 'syncGroup', version, { assignment: Buffer.from([0, 0, 0, 0, 0, 0, 255, 255, 255, 255]) });
    expect(decoded).toMatchObject({ errorCode: 0 });
    expect(Buffer.from(decoded.memberAssignment as Buffer).toString('hex')).toBe('000000000000ffffffff');
  });

  it.each([0, 3])('Heartbeat v%i and LeaveGroup v%i', async (version) => {
    expect(await throughKafkajs('Heartbeat', 'heartbeat', version, { errorCode: 27 })).toMatchObject({ errorCode: 27 });
    expect(await throughKafkajs('LeaveGroup', 'leaveGroup', version, { members: [{ memberId: 'm-1', errorCode: 0 }] })).toMatchObject({ errorCode: 0 });
  });

  it.each([0, 3, 5])('OffsetCommit v%i', async (version) => {
    const decoded = await throughKafkajs('OffsetCommit', 'offsetCommit', version, { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 22 }] }] });
    expect(decoded.responses).toMatchObject([{ topic: 'orders', partitions: [{ partition: 0, errorCode: 22 }] }]);
  });

  it.each([1, 3, 4])('OffsetFetch v%i', async (version) => {
    const decoded = await throughKafkajs('OffsetFetch', 'offsetFetch', version, { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 17, metadata: '' }] }] });
    expect(decoded.responses).toMatchObject([{ topic: 'orders', partitions: [{ partition: 0, offset: '17', errorCode: 0 }] }]);
  });

  it.each([0, 1])('InitProducerId v%i', async (version) => {
    expect(await throughKafkajs('InitProducerId', 'initProducerId', version, { producerId: 1000, producerEpoch: 0 })).toMatchObject({ errorCode: 0, producerId: '1000', producerEpoch: 0 });
  });

  it.each([0, 1, 3])('CreateTopics v%i', async (version) => {
    const decoded = await throughKafkajs('CreateTopics', 'createTopics', version, { topics: [{ name: 'orders', errorCode: 36, errorMessage: 'exists' }] });
    expect(decoded.topicErrors).toMatchObject([{ topic: 'orders', errorCode: 36 }]);
  });

  it.each([0, 1])('DeleteTopics v%i', async (version) => {
    expect((await throughKafkajs('DeleteTopics', 'deleteTopics', version, { responses: [{ name: 'orders', errorCode: 0 }] })).topicErrors).toMatchObject([{ topic: 'orders', errorCode: 0 }]);
  });

  it.each([0, 1, 2])('DescribeConfigs v%i', async (version) => {
    const decoded = await throughKafkajs('DescribeConfigs', 'describeConfigs', version, {
      results: [{ resourceType: 2, resourceName: 'orders', errorMessage: null, configs: [{ name: 'retention.ms', value: '60000', readOnly: false, isDefault: false, configSource: 1, isSensitive: false, synonyms: [] }] }],
    });
    expect(decoded.resources).toMatchObject([{ errorCode: 0, resourceType: 2, resourceName: 'orders', configEntries: [{ configName: 'retention.ms', configValue: '60000' }] }]);
  });

  it.each([0, 2])('ListGroups v%i and DescribeGroups v%i', async (version) => {
    expect((await throughKafkajs('ListGroups', 'listGroups', version, { groups: [{ groupId: 'billing', protocolType: 'consumer' }] })).groups).toEqual([{ groupId: 'billing', protocolType: 'consumer' }]);
    const described = await throughKafkajs('DescribeGroups', 'describeGroups', version, {
      groups: [{ groupId: 'billing', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: [{ memberId: 'm-1', clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([0, 0]), memberAssignment: Buffer.from([0, 0]) }] }],
    });
    expect(described.groups).toMatchObject([{ errorCode: 0, groupId: 'billing', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: [{ memberId: 'm-1', clientId: 'c' }] }]);
  });

  it.each([0, 1])('DeleteRecords v%i', async (version) => {
    const decoded = await throughKafkajs('DeleteRecords', 'deleteRecords', version, { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, lowWatermark: 100, errorCode: 0 }] }] });
    const partition = (decoded.topics as { topic: string; partitions: { partition: number; lowWatermark: unknown; errorCode: number }[] }[])[0]!;
    expect([partition.topic, partition.partitions[0]!.partition, String(partition.partitions[0]!.lowWatermark), partition.partitions[0]!.errorCode]).toEqual(['orders', 0, '100', 0]);
  });

  it('SaslHandshake v1 and SaslAuthenticate v1', async () => {
    expect(await throughKafkajs('SaslHandshake', 'saslHandshake', 1, { mechanisms: ['PLAIN', 'SCRAM-SHA-256'] })).toMatchObject({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    expect(await throughKafkajs('SaslAuthenticate', 'saslAuthenticate', 1, { authBytes: Buffer.from('r=abc'), errorMessage: null })).toMatchObject({ errorCode: 0 });
  });

  it('the transactional codecs (served later) read their responses', async () => {
    expect(await throughKafkajs('EndTxn', 'endTxn', 1, { errorCode: 0 })).toMatchObject({ errorCode: 0 });
    expect(await throughKafkajs('AddOffsetsToTxn', 'addOffsetsToTxn', 1, { errorCode: 0 })).toMatchObject({ errorCode: 0 });
    const added = await throughKafkajs('AddPartitionsToTxn', 'addPartitionsToTxn', 1, { resultsByTopic: [{ name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }] }] });
    expect(added.errors).toMatchObject([{ topic: 'orders', partitionErrors: [{ errorCode: 0, partition: 0 }] }]);
    const committed = await throughKafkajs('TxnOffsetCommit', 'txnOffsetCommit', 1, { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    expect(committed.topics).toMatchObject([{ topic: 'orders', partitions: [{ errorCode: 0, partition: 0 }] }]);
  });
});
