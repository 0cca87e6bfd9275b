// The catalog of refusals: every reason a Herald node refuses a request, the gRPC status it
// travels as, and whether a client may retry it. Shared by the broker (which throws these and
// maps them to statuses in broker/src/api) and the client (which retries exactly the reasons
// marked retryable). Names the gRPC code; imports no gRPC.

/** The gRPC status codes Herald refusals use, by name. */
export type GrpcCodeName =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'UNAVAILABLE'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNKNOWN';

/**
 * What a refused request did, for requests that change something (produce, commits, acks,
 * admin changes): `not-written` — refused before anything entered a log, so nothing changed and
 * a retry cannot duplicate; `unknown` — it may or may not have taken effect (a blind retry of a
 * non-idempotent write may duplicate it); `n/a` — only reads are refused this way.
 */
export const Outcome = { NotWritten: 'not-written', Unknown: 'unknown', NotApplicable: 'n/a' } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Every reason, with its gRPC status, whether the same request may succeed if retried, and
 *  what a refused write did (Outcome). */
export const Reason = {
  /** A request field is missing or wrong, or a record batch is malformed or fails its CRC. */
  InvalidArgument: { code: 'INVALID_ARGUMENT', retryable: false, outcome: 'not-written' },
  TopicNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  PartitionNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  GroupNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** No such queue subscription on the partition (DescribeSubscriptions, DeleteSubscription). */
  SubscriptionNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** An ack, nack or extend named a delivery its sender no longer holds: its lease expired and
   *  the record was delivered again, or it was settled or given back. Reported per receipt. */
  NotHeld: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  TopicExists: { code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
  /** This node does not lead the partition (or is not the controller), so it refused the request
   *  before proposing anything. Retry at the leader named in `herald-leader-id` /
   *  `herald-leader-addr`. */
  NotLeader: { code: 'FAILED_PRECONDITION', retryable: true, outcome: 'not-written' },
  /** The leader proposed the request and then lost its leadership (stepped down, or stopped)
   *  before the entry was committed: a new leader may still commit it. Retry at the new leader
   *  (named like NotLeader when known); idempotent producers retry safely. */
  LeadershipLost: { code: 'UNAVAILABLE', retryable: true, outcome: 'unknown' },
  /** The ISR is smaller than min.insync.replicas; it may grow back. */
  NotEnoughReplicas: { code: 'FAILED_PRECONDITION', retryable: true, outcome: 'not-written' },
  /** An idempotent producer's batch skips sequence numbers: a batch before it was lost. The
   *  producer must not retry it as is (Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER). */
  OutOfOrderSequence: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** An idempotent producer's epoch is older than the partition's: a newer instance of the
   *  same producer took over (Kafka's INVALID_PRODUCER_EPOCH). */
  ProducerFenced: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** A consumer-group request carries a generation that is not the group's current one (or a
   *  member that does not own the partition in it): a newer generation owns the partitions.
   *  The member must join again; the same request never succeeds (Kafka's ILLEGAL_GENERATION). */
  FencedGeneration: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** The group is rebalancing: the member must call JoinGroup again (Kafka's
   *  REBALANCE_IN_PROGRESS); repeating the same heartbeat does not help. */
  RebalanceInProgress: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** The member is not in the group (its session expired, or it left): join again with an
   *  empty member id (Kafka's UNKNOWN_MEMBER_ID). */
  UnknownMember: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** Resetting offsets or deleting a group needs a group without members (Kafka's
   *  NON_EMPTY_GROUP). */
  GroupNotEmpty: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** A read below log_start_offset or above the high watermark (Kafka's OFFSET_OUT_OF_RANGE). */
  OffsetOutOfRange: { code: 'OUT_OF_RANGE', retryable: false, outcome: 'n/a' },
  /** No leader is elected yet, or a new one is still applying its log; one usually is ready
   *  within an election timeout. Refused before proposing anything. */
  NoLeader: { code: 'UNAVAILABLE', retryable: true, outcome: 'not-written' },
  /** The node is stopping and refused the request before proposing it; another node (or this
   *  one, restarted) will answer. */
  ShuttingDown: { code: 'UNAVAILABLE', retryable: true, outcome: 'not-written' },
  RecordTooLarge: { code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
  RequestTooLarge: { code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
  /** The node's limit on concurrent streams is reached. Not retried automatically: a client
   *  that opens too many streams should learn it, not spin. */
  TooManyStreams: { code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
  /** The node's data disk has less free space than its guard (limits.diskFreeMinBytes), so it
   *  refused the produce before proposing it. Retryable: the space may return, or leadership
   *  move to a node with room (Kafka's KAFKA_STORAGE_ERROR is retriable too). */
  DiskFull: { code: 'RESOURCE_EXHAUSTED', retryable: true, outcome: 'not-written' },
  /** The deadline passed before the batch was committed: the outcome is unknown, so a blind
   *  retry could duplicate the batch (idempotent producers may retry themselves). */
  CommitTimedOut: { code: 'DEADLINE_EXCEEDED', retryable: false, outcome: 'unknown' },
  /** The request carries no credentials the node accepts: no session token and no client
   *  certificate, a token that is expired, malformed or signed with an unknown key, or a login
   *  that failed. `herald-auth-failure` says which (AuthFailure). A client with credentials logs
   *  in again once on `token-expired` or `token-invalid`; nothing else is retried. */
  Unauthenticated: { code: 'UNAUTHENTICATED', retryable: false, outcome: 'not-written' },
  /** The principal is known but no ACL allows the operation (or one denies it). The message and
   *  the `herald-operation`, `herald-resource-type`, `herald-resource-name` details name the
   *  missing permission. */
  PermissionDenied: { code: 'PERMISSION_DENIED', retryable: false, outcome: 'not-written' },
  /** No such user (deleting a user or changing its password). */
  UserNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** A user of that name exists already. */
  UserExists: { code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
  /** No half message of that id on the partition: never sent there, or decided so long ago that
   *  the partition no longer remembers it (transactions.proto). */
  HalfNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** A half message was already decided the other way (a commit after a rollback, or the
   *  reverse); the message says when and by whom. Final: the same request never succeeds. */
  HalfAlreadyDecided: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** The partition holds as many undecided half messages as it may; decide some first. */
  TooManyHalfMessages: { code: 'RESOURCE_EXHAUSTED', retryable: false, outcome: 'not-written' },
  /** No node of that id in the cluster (herald node remove, partition reassignment). */
  NodeNotFound: { code: 'NOT_FOUND', retryable: false, outcome: 'not-written' },
  /** A node of that id, or at that address, is a member of the cluster already. */
  NodeExists: { code: 'ALREADY_EXISTS', retryable: false, outcome: 'not-written' },
  /** The node cannot leave: it still holds partition replicas (decommission it), or it is the
   *  cluster's last node. */
  NodeInUse: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** The change needs a metadata feature level the cluster has not finalized: some node runs an
   *  older release, or did not answer (KIP-584; docs/operations.md, "Feature levels"). */
  FeatureDisabled: { code: 'FAILED_PRECONDITION', retryable: false, outcome: 'not-written' },
  /** Made only by fromWireError() for a reason this catalog does not know (a newer node). */
  Unknown: { code: 'UNKNOWN', retryable: false, outcome: 'unknown' },
} as const satisfies Record<string, { code: GrpcCodeName; retryable: boolean; outcome: Outcome }>;
export type Reason = keyof typeof Reason;

/** Keys of the trailing metadata (and of HeraldError.details) that carry machine-readable
 *  details of a refusal. Lower case: gRPC metadata keys are. */
export const MetadataKey = {
  /** The reason, a key of Reason. */
  Reason: 'herald-reason',
  /** NotLeader: the leader's node id. */
  LeaderId: 'herald-leader-id',
  /** NotLeader: the leader's client address, host:port. */
  LeaderAddr: 'herald-leader-addr',
  /** RecordTooLarge, RequestTooLarge, TooManyStreams, NotEnoughReplicas, TooManyHalfMessages,
   *  DiskFull: the limit, a number. */
  Limit: 'herald-limit',
  /** NoLeader, ShuttingDown: how long to wait before retrying, in milliseconds. */
  RetryAfterMs: 'herald-retry-after-ms',
  /** InvalidArgument: the request field that is wrong. */
  Field: 'herald-field',
  /** Unauthenticated: what failed, an AuthFailure. */
  AuthFailure: 'herald-auth-failure',
  /** PermissionDenied: the operation refused (read, write, create, delete, alter, describe). */
  Operation: 'herald-operation',
  /** PermissionDenied: the type of the resource (topic, group, queue, cluster). */
  ResourceType: 'herald-resource-type',
  /** PermissionDenied: the name of the resource. */
  ResourceName: 'herald-resource-name',
} as const;
export type MetadataKey = (typeof MetadataKey)[keyof typeof MetadataKey];

/** Why a request was Unauthenticated: it carried neither a session token nor a client
 *  certificate; its token expired; its token is malformed, forged, or signed with a key the
 *  cluster no longer has (or names a user that no longer exists); a login (SCRAM) failed. */
export const AuthFailure = { NoCredentials: 'no-credentials', TokenExpired: 'token-expired', TokenInvalid: 'token-invalid', LoginFailed: 'login-failed' } as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

/** A refusal the caller can act on. `details` travel as trailing metadata, keyed by
 *  MetadataKey values. */
export class HeraldError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly details: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HeraldError';
  }

  /** The gRPC status code name this refusal travels as. */
  get code(): GrpcCodeName {
    return Reason[this.reason].code;
  }

  /** Whether a client may send the same request again. */
  get retryable(): boolean {
    return Reason[this.reason].retryable;
  }

  /** What the refused request did (see Outcome). */
  get outcome(): Outcome {
    return Reason[this.reason].outcome;
  }
}

/** Whether `reason` names a reason of the catalog. */
export function isReason(reason: string): reason is Reason {
  return Object.prototype.hasOwnProperty.call(Reason, reason);
}

/** Whether a request refused for `reason` may be retried. Unknown reasons are not retryable. */
export function isRetryable(reason: string): boolean {
  return isReason(reason) && Reason[reason].retryable;
}

/** Whether `err` is a HeraldError. */
export function isHeraldError(err: unknown): err is HeraldError {
  return err instanceof HeraldError;
}

/** A refusal as it travels: in the `herald.v1.Error` message of a stream, or as the message
 *  and trailing metadata of a failed call. */
export interface WireError {
  readonly reason: string;
  readonly message: string;
  readonly details: Readonly<Record<string, string>>;
}

/** The wire form of a refusal, for in-band errors (ProduceStream). */
export function toWireError(err: HeraldError): WireError {
  return { reason: err.reason, message: err.message, details: err.details };
}

/**
 * Rebuilds a HeraldError from what a client received: the `herald-reason` value and the
 * other details (from a stream's Error message or a call's trailing metadata). A missing or
 * unknown reason becomes `Unknown`, keeping the original under `herald-reason`; keys other
 * than herald-* ones are dropped, and so is `herald-reason` itself for a known reason.
 */
export function fromWireError(wire: {
  readonly reason: string | undefined;
  readonly message: string;
  readonly details?: Readonly<Record<string, string>>;
}): HeraldError {
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(wire.details ?? {})) {
    if (key.startsWith('herald-') && key !== MetadataKey.Reason) details[key] = value;
  }
  const reason = wire.reason ?? '';
  if (isReason(reason)) return new HeraldError(reason, wire.message, details);
  details[MetadataKey.Reason] = reason;
  const what = reason === '' ? 'no reason' : `unknown reason ${JSON.stringify(reason)}`;
  return new HeraldError('Unknown', `${wire.message} (${what})`, details);
}

const numberFormat = new Intl.NumberFormat('en-US');

/** Formats a count for a message: 1048576 → "1,048,576". */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

// Constructors: every refusal the broker and the adapters make is built here, so that a reason's
// message and details have one form. `what` names the partition ("orders/3") or the group.

/** A request field is missing or wrong: names the field (also in `herald-field`) and says why. */
export const invalidArgument = (field: string, why: string, options?: ErrorOptions) =>
  new HeraldError('InvalidArgument', `${field}: ${why}`, { [MetadataKey.Field]: field }, options);

export const topicNotFound = (topic: string) =>
  new HeraldError('TopicNotFound', `topic ${JSON.stringify(topic)} does not exist`);

export const partitionNotFound = (topic: string, partition: number, partitionCount: number) =>
  new HeraldError(
    'PartitionNotFound',
    `topic ${JSON.stringify(topic)} has no partition ${partition}; its partitions are 0 to ${partitionCount - 1}`,
  );

export const groupNotFound = (group: string) =>
  new HeraldError('GroupNotFound', `consumer group ${JSON.stringify(group)} does not exist`);

export const fencedGeneration = (group: string, generation: number, currentGeneration: number) =>
  new HeraldError(
    'FencedGeneration',
    `generation ${generation} of consumer group ${JSON.stringify(group)} is fenced: the group is at generation ${currentGeneration}; join again`,
  );

export const rebalanceInProgress = (group: string) =>
  new HeraldError('RebalanceInProgress', `consumer group ${JSON.stringify(group)} is rebalancing; join again`);

export const unknownMember = (group: string, memberId: string) =>
  new HeraldError(
    'UnknownMember',
    `member ${JSON.stringify(memberId)} is not in consumer group ${JSON.stringify(group)} (its session expired or it left); join again without a member id`,
  );

export const groupNotEmpty = (group: string, members: number) =>
  new HeraldError(
    'GroupNotEmpty',
    `consumer group ${JSON.stringify(group)} has ${members} active member${members === 1 ? '' : 's'}; stop them first`,
  );

export const topicExists = (topic: string) =>
  new HeraldError('TopicExists', `topic ${JSON.stringify(topic)} already exists`);

/** The details that name a leader, for NotLeader and LeadershipLost. */
function leaderDetails(leader: { readonly id: number; readonly addr: string } | undefined): Record<string, string> {
  return leader === undefined ? {} : { [MetadataKey.LeaderId]: String(leader.id), [MetadataKey.LeaderAddr]: leader.addr };
}

/** This node does not lead `what` and refused before writing anything; the client should send
 *  to the named leader. */
export const notLeader = (what: string, leader: { readonly id: number; readonly addr: string }) =>
  new HeraldError('NotLeader', `this node does not lead ${what}; send to node ${leader.id} at ${leader.addr}`, leaderDetails(leader));

/** `what` has no leader yet (or a new one still applying its log); nothing was written. */
export const noLeader = (what: string, retryAfterMs: number, why = 'has no leader yet') =>
  new HeraldError('NoLeader', `${what} ${why}; retry in ${formatCount(retryAfterMs)} ms`, {
    [MetadataKey.RetryAfterMs]: String(retryAfterMs),
  });

/** The leader proposed the write, then stopped leading before it was committed: a new leader may
 *  still commit it (outcome unknown). Names the new leader when it is known. */
export const leadershipLost = (what: string, why: string, leader?: { readonly id: number; readonly addr: string }) =>
  new HeraldError('LeadershipLost', `${what}: ${why} before the write was committed; it may or may not be written`, leaderDetails(leader));

export const notEnoughReplicas = (what: string, isrSize: number, minInsyncReplicas: number) =>
  new HeraldError(
    'NotEnoughReplicas',
    `${what} has ${isrSize} in-sync replica${isrSize === 1 ? '' : 's'}, fewer than min.insync.replicas ${minInsyncReplicas}; retry when a replica catches up`,
    { [MetadataKey.Limit]: String(minInsyncReplicas) },
  );

export const shuttingDown = (nodeId: number) =>
  new HeraldError('ShuttingDown', `node ${nodeId} is shutting down; retry on another node`, { [MetadataKey.RetryAfterMs]: '100' });

/** One record is larger than the topic allows. */
export const recordTooLarge = (recordBytes: number, limitBytes: number, setting = 'max.message.bytes') =>
  new HeraldError(
    'RecordTooLarge',
    `record of ${formatCount(recordBytes)} bytes exceeds ${setting} ${formatCount(limitBytes)}`,
    { [MetadataKey.Limit]: String(limitBytes) },
  );

/** A batch (or a whole request) is larger than allowed. */
export const requestTooLarge = (what: string, sizeBytes: number, limitBytes: number, setting: string) =>
  new HeraldError(
    'RequestTooLarge',
    `${what} of ${formatCount(sizeBytes)} bytes exceeds ${setting} ${formatCount(limitBytes)}`,
    { [MetadataKey.Limit]: String(limitBytes) },
  );

export const tooManyStreams = (limit: number, scope: string) =>
  new HeraldError(
    'TooManyStreams',
    `${scope} already has ${formatCount(limit)} streams open, its limit; close some or use another node`,
    { [MetadataKey.Limit]: String(limit) },
  );

/** `what` (e.g. "the batch") was not committed within the timeout: outcome unknown. */
export const commitTimedOut = (what: string, timeoutMs: number) =>
  new HeraldError('CommitTimedOut', `${what} was not committed within ${formatCount(timeoutMs)} ms; it may or may not be written`);

/** The request is not authenticated; `why` says what to do. */
export const unauthenticated = (failure: AuthFailure, why: string) =>
  new HeraldError('Unauthenticated', why, { [MetadataKey.AuthFailure]: failure });

/**
 * The principal may not perform `operation` on the resource. The message names the permission
 * missing, e.g. `User:alice may not write topic "orders" (no ACL allows it)`, and `why` says
 * whether no ACL allows it or one denies it.
 */
export const permissionDenied = (principal: string, operation: string, resource: { readonly type: string; readonly name: string }, why: string) =>
  new HeraldError('PermissionDenied', `${principal} may not ${operation} ${resource.type} ${JSON.stringify(resource.name)} (${why})`, {
    [MetadataKey.Operation]: operation,
    [MetadataKey.ResourceType]: resource.type,
    [MetadataKey.ResourceName]: resource.name,
  });

export const userNotFound = (name: string) => new HeraldError('UserNotFound', `user ${JSON.stringify(name)} does not exist`);

export const userExists = (name: string) =>
  new HeraldError('UserExists', `user ${JSON.stringify(name)} already exists; change its password with \`herald user passwd\``);

export const outOfOrderSequence = (producerId: number, expectedSequence: number, baseSequence: number) =>
  new HeraldError(
    'OutOfOrderSequence',
    `producer ${producerId} sent sequence ${baseSequence} but the partition expects ${expectedSequence}; an earlier batch was lost`,
  );

export const producerFenced = (producerId: number, producerEpoch: number, currentEpoch: number) =>
  new HeraldError(
    'ProducerFenced',
    `producer ${producerId} epoch ${producerEpoch} is fenced by epoch ${currentEpoch}; a newer instance of this producer took over`,
  );

export const halfNotFound = (what: string, id: string) =>
  new HeraldError('HalfNotFound', `${what} holds no half message ${JSON.stringify(id)} (never sent there, or decided long ago and forgotten)`);

/** A half message was decided the other way already: `decision` is what it became. */
export const halfAlreadyDecided = (what: string, id: string, decision: 'committed' | 'rolled back', by: string, decidedMs: number) =>
  new HeraldError(
    'HalfAlreadyDecided',
    `half message ${JSON.stringify(id)} of ${what} was already ${decision} (by ${by}, at ${new Date(decidedMs).toISOString()}); a decision is final`,
  );

export const tooManyHalfMessages = (what: string, limit: number) =>
  new HeraldError('TooManyHalfMessages', `${what} already holds ${formatCount(limit)} undecided half messages, its limit; commit or roll back some first`, {
    [MetadataKey.Limit]: String(limit),
  });

export const offsetOutOfRange = (offset: number, logStartOffset: number, highWatermark: number) =>
  new HeraldError(
    'OffsetOutOfRange',
    `offset ${offset} is outside the partition's range ${logStartOffset} to ${highWatermark} (log start to high watermark)`,
  );
