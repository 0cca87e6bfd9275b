// Kafka's error codes, and the one table that turns Herald's refusals (the catalog in
// @herald/protocol errors.ts) into them. Codes and names from Kafka's Errors.java.

import { isHeraldError, type HeraldError, type Reason } from '@herald/protocol';

/** The Kafka error codes this listener answers with. */
export const ErrorCode = {
  UnknownServerError: -1,
  None: 0,
  OffsetOutOfRange: 1,
  CorruptMessage: 2,
  UnknownTopicOrPartition: 3,
  LeaderNotAvailable: 5,
  NotLeaderOrFollower: 6,
  RequestTimedOut: 7,
  MessageTooLarge: 10,
  CoordinatorNotAvailable: 15,
  NotCoordinator: 16,
  InvalidTopicException: 17,
  NotEnoughReplicas: 19,
  InvalidRequiredAcks: 21,
  IllegalGeneration: 22,
  InconsistentGroupProtocol: 23,
  InvalidGroupId: 24,
  UnknownMemberId: 25,
  InvalidSessionTimeout: 26,
  RebalanceInProgress: 27,
  TopicAuthorizationFailed: 29,
  GroupAuthorizationFailed: 30,
  ClusterAuthorizationFailed: 31,
  UnsupportedSaslMechanism: 33,
  IllegalSaslState: 34,
  UnsupportedVersion: 35,
  TopicAlreadyExists: 36,
  InvalidPartitions: 37,
  InvalidReplicationFactor: 38,
  InvalidReplicaAssignment: 39,
  InvalidConfig: 40,
  NotController: 41,
  InvalidRequest: 42,
  UnsupportedForMessageFormat: 43,
  OutOfOrderSequenceNumber: 45,
  InvalidProducerEpoch: 47,
  InvalidTxnState: 48,
  KafkaStorageError: 56,
  SaslAuthenticationFailed: 58,
  NonEmptyGroup: 68,
  GroupIdNotFound: 69,
  FetchSessionIdNotFound: 70,
  UnsupportedCompressionType: 76,
  InvalidRecord: 87,
  ResourceNotFound: 91,
  DuplicateResource: 92,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What a request addresses, which decides some codes: a NotLeader refusal means "not the
 *  partition's leader" to Produce, "not the coordinator" to a group request and "not the
 *  controller" to CreateTopics. */
export const Scope = { Partition: 'partition', Group: 'group', Controller: 'controller' } as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

type Codes = ErrorCode | { readonly [S in Scope]: ErrorCode };

const byScope = (partition: ErrorCode, group: ErrorCode, controller: ErrorCode) => ({ partition, group, controller });

/**
 * Herald reason → Kafka error code. Every reason of the catalog must be here (the type checks
 * it), so a reason added to the catalog is mapped before the listener builds.
 */
export const KAFKA_ERROR_BY_REASON = {
  // Refined by the field at fault where Kafka has a more specific code: invalidArgumentCode().
  InvalidArgument: ErrorCode.InvalidRequest,
  TopicNotFound: ErrorCode.UnknownTopicOrPartition,
  PartitionNotFound: ErrorCode.UnknownTopicOrPartition,
  GroupNotFound: ErrorCode.GroupIdNotFound,
  SubscriptionNotFound: ErrorCode.InvalidRequest,
  NotHeld: ErrorCode.InvalidRequest,
  TopicExists: ErrorCode.TopicAlreadyExists,
  NotLeader: byScope(ErrorCode.NotLeaderOrFollower, ErrorCode.NotCoordinator, ErrorCode.NotController),
  // Kafka answers NOT_LEADER_OR_FOLLOWER for both: the client retries at the new leader, and an
  // idempotent producer's retry is stored once.
  LeadershipLost: byScope(ErrorCode.NotLeaderOrFollower, ErrorCode.NotCoordinator, ErrorCode.NotController),
  NotEnoughReplicas: ErrorCode.NotEnoughReplicas,
  OutOfOrderSequence: ErrorCode.OutOfOrderSequenceNumber,
  ProducerFenced: ErrorCode.InvalidProducerEpoch,
  FencedGeneration: ErrorCode.IllegalGeneration,
  RebalanceInProgress: ErrorCode.RebalanceInProgress,
  UnknownMember: ErrorCode.UnknownMemberId,
  GroupNotEmpty: ErrorCode.NonEmptyGroup,
  OffsetOutOfRange: ErrorCode.OffsetOutOfRange,
  NoLeader: byScope(ErrorCode.LeaderNotAvailable, ErrorCode.CoordinatorNotAvailable, ErrorCode.NotController),
  // A stopping node hands its leaderships away: the client looks for the new leader.
  ShuttingDown: byScope(ErrorCode.NotLeaderOrFollower, ErrorCode.CoordinatorNotAvailable, ErrorCode.NotController),
  RecordTooLarge: ErrorCode.MessageTooLarge,
  RequestTooLarge: ErrorCode.MessageTooLarge,
  TooManyStreams: ErrorCode.UnknownServerError,
  // Retriable in Kafka too: the producer retries, and refreshes its metadata.
  DiskFull: ErrorCode.KafkaStorageError,
  CommitTimedOut: ErrorCode.RequestTimedOut,
  Unauthenticated: ErrorCode.SaslAuthenticationFailed,
  PermissionDenied: byScope(ErrorCode.TopicAuthorizationFailed, ErrorCode.GroupAuthorizationFailed, ErrorCode.ClusterAuthorizationFailed),
  UserNotFound: ErrorCode.ResourceNotFound,
  UserExists: ErrorCode.DuplicateResource,
  // Half messages have no Kafka API; these only reach a Kafka client through a shared helper.
  HalfNotFound: ErrorCode.InvalidRequest,
  HalfAlreadyDecided: ErrorCode.InvalidTxnState,
  TooManyHalfMessages: ErrorCode.UnknownServerError,
  // Node membership has no Kafka API either.
  NodeNotFound: ErrorCode.InvalidRequest,
  NodeExists: ErrorCode.InvalidRequest,
  NodeInUse: ErrorCode.InvalidRequest,
  FeatureDisabled: ErrorCode.InvalidRequest,
  Unknown: ErrorCode.UnknownServerError,
} as const satisfies Record<Reason, Codes>;

/** InvalidArgument refusals whose field has a specific Kafka code (the broker names the field
 *  in the `herald-field` detail). Matched by prefix: "configs.retention.ms" is a config. */
const INVALID_ARGUMENT_BY_FIELD: readonly (readonly [string, ErrorCode])[] = [
  ['partitions', ErrorCode.InvalidPartitions],
  ['replication_factor', ErrorCode.InvalidReplicationFactor],
  ['replicationFactor', ErrorCode.InvalidReplicationFactor],
  ['configs', ErrorCode.InvalidConfig],
  ['name', ErrorCode.InvalidTopicException],
  ['topic', ErrorCode.InvalidTopicException],
  ['group', ErrorCode.InvalidGroupId],
  ['session_timeout_ms', ErrorCode.InvalidSessionTimeout],
  ['sessionTimeoutMs', ErrorCode.InvalidSessionTimeout],
  ['strategies', ErrorCode.InconsistentGroupProtocol],
];

const FIELD_DETAIL = 'herald-field';

function invalidArgumentCode(err: HeraldError, scope: Scope): ErrorCode {
  const fieldName = err.details[FIELD_DETAIL];
  if (fieldName !== undefined) {
    for (const [prefix, code] of INVALID_ARGUMENT_BY_FIELD) {
      if (fieldName === prefix || fieldName.startsWith(`${prefix}.`)) return code;
    }
  }
  // A batch the broker refused as malformed (the only InvalidArgument of a partition write).
  return scope === Scope.Partition ? ErrorCode.InvalidRecord : ErrorCode.InvalidRequest;
}

/** A refusal made by this listener itself, already in Kafka's terms. */
export class KafkaProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KafkaProtocolError';
  }
}

/** The Kafka error code for an error thrown while serving a request about `scope`. Anything
 *  that is neither a HeraldError nor a KafkaProtocolError is UNKNOWN_SERVER_ERROR (and a bug
 *  the caller logs). */
export function errorCodeOf(err: unknown, scope: Scope): ErrorCode {
  if (err instanceof KafkaProtocolError) return err.code;
  if (!isHeraldError(err)) return ErrorCode.UnknownServerError;
  if (err.reason === 'InvalidArgument') return invalidArgumentCode(err, scope);
  const codes: Codes = KAFKA_ERROR_BY_REASON[err.reason];
  return typeof codes === 'number' ? codes : codes[scope];
}

/** Whether `err` is a refusal (expected, answered with its code) rather than a bug. */
export function isRefusal(err: unknown): boolean {
  return err instanceof KafkaProtocolError || isHeraldError(err);
}

