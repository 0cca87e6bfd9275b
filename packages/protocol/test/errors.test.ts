// Shows that the catalog maps each reason to the gRPC status DESIGN.md's table gives, that the
// client retries exactly the retryable reasons, and that errors survive the trip through the
// wire form, unknown reasons included.
import { describe, expect, it } from 'vitest';
import {
  HeraldError,
  MetadataKey,
  Reason,
  commitTimedOut,
  formatCount,
  fromWireError,
  isReason,
  isRetryable,
  noLeader,
  notEnoughReplicas,
  notLeader,
  leadershipLost,
  offsetOutOfRange,
  partitionNotFound,
  recordTooLarge,
  requestTooLarge,
  toWireError,
  tooManyStreams,
  topicExists,
  topicNotFound,
  permissionDenied,
  unauthenticated,
  userExists,
  userNotFound,
} from '../src/index.js';

describe('the catalog', () => {
  it.each([
    { reason: 'InvalidArgument', code: 'INVALID_ARGUMENT', retryable: false, outcome: 'not-written' },
    { reason: 'TopicNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'PartitionNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'GroupNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'SubscriptionNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'NotHeld', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'TopicExists', code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
    { reason: 'NotLeader', code: 'FAILED_PRECONDITION', retryable: true, outcome: 'not-written' },
    { reason: 'LeadershipLost', code: 'UNAVAILABLE', retryable: true, outcome: 'unknown' },
    { reason: 'NotEnoughReplicas', code: 'FAILED_PRECONDITION', retryable: true, outcome: 'not-written' },
    { reason: 'OutOfOrderSequence', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'ProducerFenced', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'FencedGeneration', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'RebalanceInProgress', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'UnknownMember', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'GroupNotEmpty', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'OffsetOutOfRange', code: 'OUT_OF_RANGE', retryable: false, outcome: 'n/a' },
    { reason: 'NoLeader', code: 'UNAVAILABLE', retryable: true, outcome: 'not-written' },
    { reason: 'ShuttingDown', code: 'UNAVAILABLE', retryable: true, outcome: 'not-written' },
    { reason: 'RecordTooLarge', code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
    { reason: 'RequestTooLarge', code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
    { reason: 'TooManyStreams', code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
    { reason: 'DiskFull', code: 'RESOURCE_EXHAUSTED', retryable: true, outcome: 'not-written' },
    { reason: 'CommitTimedOut', code: 'DEADLINE_EXCEEDED', retryable: false, outcome: 'unknown' },
    { reason: 'Unauthenticated', code: 'UNAUTHENTICATED', retryable: false, outcome: 'not-written' },
    { reason: 'PermissionDenied', code: 'PERMISSION_DENIED', retryable: false, outcome: 'not-written' },
    { reason: 'UserNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'UserExists', code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
    { reason: 'HalfNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'HalfAlreadyDecided', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'TooManyHalfMessages', code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
    { reason: 'NodeNotFound', code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
    { reason: 'NodeExists', code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
    { reason: 'NodeInUse', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'FeatureDisabled', code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
    { reason: 'Unknown', code: 'UNKNOWN', retryable: false, outcome: 'unknown' },
  ] as const)('$reason is $code, retryable: $retryable, outcome: $outcome', ({ reason, code, retryable, outcome }) => {
    expect(Reason[reason]).toEqual({ code, retryable, outcome });
    expect(isRetryable(reason)).toBe(retryable);
    const err = new HeraldError(reason, 'x');
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.outcome).toBe(outcome);
  });

  it('has no reason the table above misses', () => {
    expect(Object.keys(Reason)).toHaveLength(36);
  });

  it.each(['NotAReason', '', 'toString', '__proto__', 'constructor'])('treats %j as unknown and not retryable', (reason) => {
    expect(isReason(reason)).toBe(false);
    expect(isRetryable(reason)).toBe(false);
  });
});

describe('constructors', () => {
  it('notLeader names the leader in the message and in the details', () => {
    const err = notLeader('orders/3', { id: 2, addr: '127.0.0.1:7402' });
    expect(err).toBeInstanceOf(HeraldError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('HeraldError');
    expect(err.reason).toBe('NotLeader');
    expect(err.message).toBe('this node does not lead orders/3; send to node 2 at 127.0.0.1:7402');
    expect(err.details).toEqual({ 'herald-leader-id': '2', 'herald-leader-addr': '127.0.0.1:7402' });
  });

  it.each([
    { err: recordTooLarge(1_200_000, 1_048_576), text: 'record of 1,200,000 bytes exceeds max.message.bytes 1,048,576' },
    { err: requestTooLarge('batch', 5_000_000, 4_194_304, 'max.request.bytes'), text: 'batch of 5,000,000 bytes exceeds max.request.bytes 4,194,304' },
    { err: topicNotFound('orders'), text: 'topic "orders" does not exist' },
    { err: topicExists('orders'), text: 'topic "orders" already exists' },
    { err: partitionNotFound('orders', 6, 6), text: 'topic "orders" has no partition 6; its partitions are 0 to 5' },
    { err: notEnoughReplicas('orders/3', 1, 2), text: 'orders/3 has 1 in-sync replica, fewer than min.insync.replicas 2; retry when a replica catches up' },
    { err: noLeader('orders/3', 300), text: 'orders/3 has no leader yet; retry in 300 ms' },
    { err: leadershipLost('orders/3', 'this node stopped leading'), text: 'orders/3: this node stopped leading before the write was committed; it may or may not be written' },
    { err: tooManyStreams(1000, 'this node'), text: 'this node already has 1,000 streams open, its limit; close some or use another node' },
    { err: commitTimedOut('orders/3: the batch', 5000), text: 'orders/3: the batch was not committed within 5,000 ms; it may or may not be written' },
    { err: offsetOutOfRange(12, 3, 10), text: "offset 12 is outside the partition's range 3 to 10 (log start to high watermark)" },
  ])('$text', ({ err, text }) => {
    expect(err.message).toBe(text);
  });

  it('permissionDenied names the missing permission in the message and the details', () => {
    const err = permissionDenied('User:alice', 'write', { type: 'topic', name: 'orders' }, 'no ACL allows it');
    expect(err.reason).toBe('PermissionDenied');
    expect(err.message).toBe('User:alice may not write topic "orders" (no ACL allows it)');
    expect(err.details).toEqual({ 'herald-operation': 'write', 'herald-resource-type': 'topic', 'herald-resource-name': 'orders' });
  });

  it('unauthenticated says what failed in herald-auth-failure', () => {
    const err = unauthenticated('token-expired', 'the session expired; log in again');
    expect(err.details).toEqual({ 'herald-auth-failure': 'token-expired' });
    expect(fromWireError(toWireError(err)).details).toEqual({ 'herald-auth-failure': 'token-expired' });
  });

  it.each([
    { err: userNotFound('alice'), text: 'user "alice" does not exist' },
    { err: userExists('alice'), text: 'user "alice" already exists; change its password with `herald user passwd`' },
  ])('$text', ({ err, text }) => {
    expect(err.message).toBe(text);
  });

  it('formats counts with thousands separators', () => {
    expect([0, 999, 1000, 1_048_576].map(formatCount)).toEqual(['0', '999', '1,000', '1,048,576']);
  });
});

describe('the wire form', () => {
  it('a known reason comes back as the same error', () => {
    const original = notLeader('orders/3', { id: 3, addr: 'node-3:7403' });
    const rebuilt = fromWireError(toWireError(original));
    expect(rebuilt.reason).toBe('NotLeader');
    expect(rebuilt.message).toBe(original.message);
    expect(rebuilt.details).toEqual(original.details);
    expect(rebuilt.retryable).toBe(true);
  });

  it('keeps herald-* details from trailing metadata and drops the rest', () => {
    const err = fromWireError({
      reason: 'NoLeader',
      message: 'no leader',
      details: { [MetadataKey.Reason]: 'NoLeader', 'herald-retry-after-ms': '300', 'user-agent': 'grpc-node-js', 'content-type': 'application/grpc' },
    });
    expect(err.details).toEqual({ 'herald-retry-after-ms': '300' });
  });

  it('an unknown reason becomes Unknown, not retryable, keeping the original reason', () => {
    const err = fromWireError({ reason: 'QuotaExceeded', message: 'slow down', details: { 'herald-limit': '5' } });
    expect(err.reason).toBe('Unknown');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('slow down (unknown reason "QuotaExceeded")');
    expect(err.details).toEqual({ 'herald-limit': '5', 'herald-reason': 'QuotaExceeded' });
  });

  it('a missing reason becomes Unknown', () => {
    const err = fromWireError({ reason: undefined, message: 'internal error; see server log' });
    expect(err.reason).toBe('Unknown');
    expect(err.message).toBe('internal error; see server log (no reason)');
  });
});
