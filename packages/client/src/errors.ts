// How a failed call becomes a HeraldError, and which failures the client tries again. A refusal
// carries its reason in the `herald-reason` trailer and is rebuilt with the catalog's
// fromWireError(); a call that never reached a node (connection refused, reset, node gone)
// carries no reason and is marked here as unreachable.

import type * as grpc from '@grpc/grpc-js';
import { AuthFailure, fromWireError, HeraldError, MetadataKey, Outcome, type Reason } from '@herald/protocol';

/** The detail key under which the client records the gRPC status of a failure that carried no
 *  `herald-reason` (e.g. "UNAVAILABLE"). Not a herald-* key: no broker sends it. */
export const GRPC_STATUS_DETAIL = 'grpc-status';

/** The detail key under which the client records the address a failure came from. */
export const ADDRESS_DETAIL = 'address';

// grpc.status by number, without importing grpc-js at run time here.
const STATUS_NAMES: Record<number, string> = {
  1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION',
  10: 'ABORTED', 11: 'OUT_OF_RANGE', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE',
  15: 'DATA_LOSS', 16: 'UNAUTHENTICATED',
};

/** The name of a gRPC status code, e.g. 14 → "UNAVAILABLE". */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? `STATUS_${code}`;
}

/**
 * Rebuilds the HeraldError a failed call stands for. With a `herald-reason` trailer it is the
 * broker's refusal (reason, message and herald-* details as sent). Without one it is a failure
 * of the call itself; its reason is `Unknown` (`Unauthenticated` when the login before the call
 * failed) and its details name the gRPC status, so that isUnreachable() can tell a node that
 * could not be reached.
 */
export function toHeraldError(err: unknown, address: string): HeraldError {
  if (err instanceof HeraldError) return err;
  const serviceError = err as Partial<grpc.ServiceError>;
  if (typeof serviceError.code !== 'number') {
    const message = err instanceof Error ? err.message : String(err);
    return new HeraldError('Unknown', `${address}: ${message}`, { [ADDRESS_DETAIL]: address }, { cause: err });
  }
  const reasonValue = serviceError.metadata?.get(MetadataKey.Reason)[0];
  if (reasonValue !== undefined) {
    const details: Record<string, string> = {};
    for (const [key, value] of Object.entries(serviceError.metadata?.getMap() ?? {})) details[key] = value.toString();
    const error = fromWireError({ reason: reasonValue.toString(), message: serviceError.details ?? '', details });
    return new HeraldError(error.reason, error.message, { ...error.details, [ADDRESS_DETAIL]: address }, { cause: err });
  }
  const status = statusName(serviceError.code);
  // grpc-js appends its name-resolution notes to connection failures, and prefixes failures of
  // call credentials (a login that failed, security.ts); neither says anything here.
  const raw = (serviceError.details ?? '').replace(/\s*Resolution note:[\s\S]*$/, '');
  const loginFailed = PLUGIN_PREFIX.test(raw);
  let details = raw.replace(PLUGIN_PREFIX, '');
  if (details.startsWith(`${address}: `)) details = details.slice(address.length + 2);
  // Refusals without a reason: the login of the call failed (UNAUTHENTICATED), or a node that
  // predates the catalog's reasons refused it. They are what they say, not unknown.
  const reason: Reason = STATUS_REASONS[status] ?? (status === 'RESOURCE_EXHAUSTED' && TOO_LARGE.test(details) ? 'RequestTooLarge' : 'Unknown');
  const what = details === '' ? status : reason === 'Unknown' ? `${status}: ${details}` : details;
  const extra: Record<string, string> = reason === 'Unauthenticated' && loginFailed ? { [MetadataKey.AuthFailure]: AuthFailure.LoginFailed } : {};
  return new HeraldError(reason, `${address}: ${what}`, { [GRPC_STATUS_DETAIL]: status, [ADDRESS_DETAIL]: address, ...extra }, { cause: err });
}

/** What grpc-js says when a node refuses a message above its receive limit from its length
 *  prefix alone, before any Herald code sees it: the request was never written. */
const TOO_LARGE = /larger than max/i;

/** What grpc-js puts before the message of a call whose call credentials failed. */
const PLUGIN_PREFIX = /^Getting metadata from plugin failed with error: /;

/** The reasons of statuses that carry no `herald-reason`. */
const STATUS_REASONS: Readonly<Record<string, Reason>> = { UNAUTHENTICATED: 'Unauthenticated', PERMISSION_DENIED: 'PermissionDenied' };

/** Whether a refusal says the node no longer takes the session's token (expired, or signed with
 *  a key the cluster dropped, or its user is gone): a client with credentials logs in again
 *  and retries once (withRetries). */
export function isTokenRefused(err: HeraldError): boolean {
  const failure = err.details[MetadataKey.AuthFailure];
  return err.reason === 'Unauthenticated' && (failure === AuthFailure.TokenExpired || failure === AuthFailure.TokenInvalid);
}

/** A failure to reach a node at all: the call (or stream) ended UNAVAILABLE without a reason.
 *  Not a refusal of the catalog: the same request may succeed at another node, or at this one
 *  once it is back. `sent: false` says the request certainly never left the client. */
export function unreachable(address: string, why: string, options: { readonly sent?: boolean } = {}): HeraldError {
  const details: Record<string, string> = { [GRPC_STATUS_DETAIL]: 'UNAVAILABLE', [ADDRESS_DETAIL]: address };
  if (options.sent === false) details[SENT_DETAIL] = 'no';
  return new HeraldError('Unknown', `${address}: ${why}`, details);
}

/** Whether `err` says a node could not be reached (as opposed to a refusal by a node). */
export function isUnreachable(err: HeraldError): boolean {
  return err.reason === 'Unknown' && err.details[GRPC_STATUS_DETAIL] === 'UNAVAILABLE';
}

/**
 * Whether the client tries a failed request again: exactly the refusals the catalog marks
 * retryable (NotLeader, NoLeader, NotEnoughReplicas, ShuttingDown), and failures to reach a
 * node, which move the request to another node.
 */
export function shouldRetry(err: HeraldError): boolean {
  return err.retryable || isUnreachable(err);
}

/** The detail key under which the client marks a produce failure whose batch may or may not
 *  have been written (value "unknown"). Not a herald-* key: no broker sends it. */
export const OUTCOME_DETAIL = 'outcome';

/** The detail key under which the client marks an unreachable failure of a request that never
 *  left the client (value "no"): the channel had no connection to send it on. */
export const SENT_DETAIL = 'sent';

/**
 * Whether the batch of a produce attempt that failed with `err` may have been stored anyway:
 * the catalog's outcome column says so for every reason (`not-written`: refused before the
 * batch entered the partition's log; `unknown`: it may be there, as after CommitTimedOut or
 * LeadershipLost; a reason this client does not know counts as unknown). A node that went away
 * after the request was sent may have stored it too; one never reached (the request never left
 * the client) did not.
 */
export function mayHaveBeenWritten(err: HeraldError): boolean {
  if (isUnreachable(err)) return err.details[SENT_DETAIL] !== 'no';
  return err.outcome !== Outcome.NotWritten;
}

/** Whether `err` reports a send whose outcome is unknown: it may or may not have been stored
 *  (the catalog's outcome column: CommitTimedOut, LeadershipLost), or the client marked it so. */
export function isOutcomeUnknown(err: HeraldError): boolean {
  return (err.outcome === Outcome.Unknown && err.reason !== 'Unknown') || err.details[OUTCOME_DETAIL] === 'unknown';
}

/**
 * The failure of a batch after an attempt that may have been written (see mayHaveBeenWritten),
 * whatever the last attempt said: CommitTimedOut, marked unknown, naming the last error (which
 * is its cause). A definite refusal of a later attempt (e.g. TopicNotFound from a node still
 * loading its metadata) says nothing about the earlier one, and the batch may be in the log.
 */
export function outcomeUnknown(last: HeraldError, attempts: number, elapsedMs: number): HeraldError {
  if (last.reason === 'CommitTimedOut' && last.details[OUTCOME_DETAIL] === 'unknown') return last;
  return new HeraldError(
    'CommitTimedOut',
    `outcome unknown: an earlier attempt may have been written; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${Math.round(elapsedMs)} ms, the last refused with ${last.reason}: ${last.message}`,
    { ...last.details, [OUTCOME_DETAIL]: 'unknown' },
    { cause: last },
  );
}

/** The leader a NotLeader (or LeadershipLost) refusal names, if it names one. */
export function leaderHint(err: HeraldError): { readonly id: number; readonly address: string } | undefined {
  if (err.reason !== 'NotLeader' && err.reason !== 'LeadershipLost') return undefined;
  const id = Number(err.details[MetadataKey.LeaderId]);
  const address = err.details[MetadataKey.LeaderAddr];
  if (!Number.isInteger(id) || id < 1 || address === undefined || address === '') return undefined;
  return { id, address };
}

/** The wait a NoLeader or ShuttingDown refusal suggests, in milliseconds, if any. */
export function retryAfterMs(err: HeraldError): number | undefined {
  const value = err.details[MetadataKey.RetryAfterMs];
  if (value === undefined) return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
