import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { HeraldError, MetadataKey, Reason } from '@herald/protocol';
import type { Logger } from 'pino';

/** The one place a refusal becomes a gRPC status: the reason and its details travel as trailing
 *  metadata (`herald-reason`, leader hints, limits); anything else is a bug, logged in full here
 *  and answered INTERNAL without internals. A broken invariant is not answered away: it is
 *  thrown again outside the request, so that the process stops (STYLE.md §3). */
export function toServiceError(err: unknown, log: Logger): Partial<StatusObject> & { code: status } {
  if (err instanceof HeraldError) {
    const metadata = new Metadata();
    metadata.set(MetadataKey.Reason, err.reason);
    for (const [key, value] of Object.entries(err.details)) metadata.set(key, value);
    return { code: status[Reason[err.reason].code as keyof typeof status] as status, details: err.message, metadata };
  }
  if (err instanceof Error && err.name === 'InvariantViolation') {
    log.fatal({ err }, 'invariant violated while serving a request; stopping');
    setImmediate(() => {
      throw err;
    });
  } else {
    log.error({ err }, 'unexpected error in handler');
  }
  return { code: status.INTERNAL, details: 'internal error; see server log' };
}
