// Shows the error table and the group bridge in isolation: every Herald reason has a Kafka code,
// NotLeader and NoLeader depend on what the request addresses, InvalidArgument is refined by the
// field at fault; and JoinGroup reads the consumer subscription, maps assignor names to Herald
// strategies, names no leader and names back the client's eager protocol, refusing what
// Herald's coordinator cannot serve. Method: table-driven calls of errorCodeOf() and of the
// handlers with a FakeBackend.

import { HeraldError, Reason, notLeader } from '@herald/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSubscription } from '../src/consumer-protocol.js';
import { ErrorCode, errorCodeOf, KAFKA_ERROR_BY_REASON, KafkaProtocolError, Scope } from '../src/errors.js';
import { ANONYMOUS, type HandlerContext } from '../src/handlers/context.js';
import { handleJoinGroup, handleOffsetCommit, handleSyncGroup } from '../src/handlers/groups.js';
import { FakeBackend } from './support/fake-backend.js';
import { kafkajsAssignerProtocol } from './support/kafkajs.js';

describe('error table', () => {
  it('maps every reason of the catalog', () => {
    expect(Object.keys(KAFKA_ERROR_BY_REASON).sort()).toEqual(Object.keys(Reason).sort());
  });

  it.each([
    { reason: 'NotLeader', scope: Scope.Partition, code: ErrorCode.NotLeaderOrFollower },
    { reason: 'NotLeader', scope: Scope.Group, code: ErrorCode.NotCoordinator },
    { reason: 'NotLeader', scope: Scope.Controller, code: ErrorCode.NotController },
    { reason: 'NoLeader', scope: Scope.Partition, code: ErrorCode.LeaderNotAvailable },
    { reason: 'NoLeader', scope: Scope.Group, code: ErrorCode.CoordinatorNotAvailable },
    { reason: 'TopicNotFound', scope: Scope.Partition, code: ErrorCode.UnknownTopicOrPartition },
    { reason: 'OutOfOrderSequence', scope: Scope.Partition, code: ErrorCode.OutOfOrderSequenceNumber },
    { reason: 'ProducerFenced', scope: Scope.Partition, code: ErrorCode.InvalidProducerEpoch },
    { reason: 'RecordTooLarge', scope: Scope.Partition, code: ErrorCode.MessageTooLarge },
    { reason: 'OffsetOutOfRange', scope: Scope.Partition, code: ErrorCode.OffsetOutOfRange },
    { reason: 'NotEnoughReplicas', scope: Scope.Partition, code: ErrorCode.NotEnoughReplicas },
    { reason: 'CommitTimedOut', scope: Scope.Partition, code: ErrorCode.RequestTimedOut },
    { reason: 'FencedGeneration', scope: Scope.Group, code: ErrorCode.IllegalGeneration },
    { reason: 'RebalanceInProgress', scope: Scope.Group, code: ErrorCode.RebalanceInProgress },
    { reason: 'UnknownMember', scope: Scope.Group, code: ErrorCode.UnknownMemberId },
    { reason: 'GroupNotEmpty', scope: Scope.Group, code: ErrorCode.NonEmptyGroup },
    { reason: 'TopicExists', scope: Scope.Controller, code: ErrorCode.TopicAlreadyExists },
    { reason: 'GroupNotFound', scope: Scope.Group, code: ErrorCode.GroupIdNotFound },
    { reason: 'InvalidArgument', scope: Scope.Group, code: ErrorCode.InvalidRequest },
    { reason: 'InvalidArgument', scope: Scope.Partition, code: ErrorCode.InvalidRecord },
  ] as const)('$reason about a $scope is $code', ({ reason, scope, code }) => {
    expect(errorCodeOf(new HeraldError(reason, 'x'), scope)).toBe(code);
  });

  it.each([
    { field: 'partitions', code: ErrorCode.InvalidPartitions },
    { field: 'replication_factor', code: ErrorCode.InvalidReplicationFactor },
    { field: 'configs.retention.ms', code: ErrorCode.InvalidConfig },
    { field: 'topic', code: ErrorCode.InvalidTopicException },
    { field: 'sessionTimeoutMs', code: ErrorCode.InvalidSessionTimeout },
    { field: 'strategies', code: ErrorCode.InconsistentGroupProtocol },
    { field: 'partitionsCount', code: ErrorCode.InvalidRequest },
  ])('InvalidArgument about $field is $code', ({ field, code }) => {
    expect(errorCodeOf(new HeraldError('InvalidArgument', 'x', { 'herald-field': field }), Scope.Controller)).toBe(code);
  });

  it('keeps the code of a listener refusal, and calls anything else UNKNOWN_SERVER_ERROR', () => {
    expect(errorCodeOf(new KafkaProtocolError(ErrorCode.InvalidTxnState, 'x'), Scope.Partition)).toBe(ErrorCode.InvalidTxnState);
    expect(errorCodeOf(new TypeError('bug'), Scope.Partition)).toBe(ErrorCode.UnknownServerError);
    expect(errorCodeOf(notLeader('t/0', { id: 2, addr: 'x' }), Scope.Partition)).toBe(ErrorCode.NotLeaderOrFollower);
  });
});

describe('the group bridge', () => {
  const backend = new FakeBackend();
  backend.addTopic('orders', 4);
  afterEach(() => backend.groups.clear());
  const errors: unknown[] = [];
  const ctx = (version: number): HandlerContext => ({
    principal: ANONYMOUS,
    clientId: 'app',
    clientHost: '127.0.0.1',
    signal: new AbortController().signal,
    version,
    log: { debug() {}, info() {}, warn() {}, error: (o: object) => errors.push(o) },
    session: { principal: ANONYMOUS, authenticated: false, exchange: null, rawSasl: false, closeAfterResponse: null },
    backend,
    settings: { messageBytesMax: 1 << 20, saslMechanisms: [], fetchWaitMaxMs: 1000 },
  });
  const join = (protocols: { name: string; metadata: Uint8Array }[], protocolType = 'consumer') =>
    handleJoinGroup({ groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType, protocols }, ctx(5));
  const subscription = encodeSubscription(['orders']);

  it('joins with the subscription read from the metadata, names no leader, and syncs the coordinator’s assignment', async () => {
    const joined = await join([{ name: 'RoundRobinAssigner', metadata: kafkajsAssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['orders'] }) }]);
    expect(joined).toMatchObject({ generationId: 1, protocolName: 'RoundRobinAssigner', leader: '', members: [] });
    expect(backend.calls.at(-1)).toMatchObject({ method: 'joinGroup', args: [{ topics: ['orders'], strategies: ['roundrobin'], clientId: 'app' }] });
    const synced = await handleSyncGroup({ groupId: 'g', generationId: 1, memberId: joined!.memberId!, groupInstanceId: null, assignments: [{ memberId: 'someone', assignment: new Uint8Array([1, 2]) }] }, ctx(3));
    expect(kafkajsAssignerProtocol.MemberAssignment.decode(Buffer.from(synced!.assignment!))).toMatchObject({ version: 0, assignment: { orders: [0, 1, 2, 3] } });
  });

  it('names the eager protocol back when a client offers both sticky kinds', async () => {
    const joined = await join([
      { name: 'cooperative-sticky', metadata: subscription },
      { name: 'sticky', metadata: subscription },
    ]);
    expect(joined!.protocolName).toBe('sticky');
  });

  it.each([
    { what: 'a protocol type other than consumer', protocols: [{ name: 'range', metadata: subscription }], protocolType: 'connect' },
    { what: 'only assignors Herald does not have', protocols: [{ name: 'MyAssigner', metadata: subscription }], protocolType: 'consumer' },
    { what: 'metadata that is not a subscription', protocols: [{ name: 'range', metadata: new Uint8Array([0, 0, 0, 0, 0, 9]) }], protocolType: 'consumer' },
  ])('refuses $what with INCONSISTENT_GROUP_PROTOCOL', async ({ protocols, protocolType }) => {
    expect((await join(protocols, protocolType))!.errorCode).toBe(ErrorCode.InconsistentGroupProtocol);
  });

  it('answers a stale generation with ILLEGAL_GENERATION, on every partition of a commit', async () => {
    const joined = await join([{ name: 'range', metadata: subscription }]);
    const response = await handleOffsetCommit(
      { groupId: 'g', generationIdOrMemberEpoch: 7, memberId: joined!.memberId!, groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'orders', partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null })) }] },
      ctx(7),
    );
    expect(response!.topics![0]!.partitions!.map((p) => p.errorCode)).toEqual([ErrorCode.IllegalGeneration, ErrorCode.IllegalGeneration]);
    expect(errors).toEqual([]);
  });
});
