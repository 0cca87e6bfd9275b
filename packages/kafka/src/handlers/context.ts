// What every handler gets: the backend, the listener's settings, the request's context and the
// connection's session (authentication state).

import type { KafkaBackend, RequestContext } from '../backend.js';
import { errorCodeOf, isRefusal, Scope, type ErrorCode } from '../errors.js';
import type { ApiName, RequestOf, ResponseOf } from '../messages/apis.js';
import type { SaslExchange, SaslMechanism } from '../sasl.js';

/** Settings of the listener that shape answers. */
export interface ListenerSettings {
  /** The largest record batch a producer may send (Kafka's message.max.bytes); topics may set
   *  a smaller max.message.bytes, which the broker enforces. */
  readonly messageBytesMax: number;
  /** Mechanisms clients may authenticate with; empty: no authentication. */
  readonly saslMechanisms: readonly SaslMechanism[];
  /** The longest a Fetch waits for data, whatever its max.wait.ms asks. */
  readonly fetchWaitMaxMs: number;
}

/** A connection's authentication state. */
export interface Session {
  principal: string;
  authenticated: boolean;
  /** Set by SaslHandshake; fed by SaslAuthenticate (or raw frames after a v0 handshake). */
  exchange: SaslExchange | null;
  /** A v0 handshake: the client sends the SASL messages as raw frames, not SaslAuthenticate. */
  rawSasl: boolean;
  /** Set by a handler whose response must be the last: the connection closes after it. */
  closeAfterResponse: string | null;
}

/** The principal of an unauthenticated connection, as Kafka names it. */
export const ANONYMOUS = 'User:ANONYMOUS';

/** The logging the listener does; pino's Logger fits. */
export interface KafkaLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A request's context as a handler sees it. */
export interface HandlerContext extends RequestContext {
  readonly version: number;
  readonly log: KafkaLogger;
  readonly session: Session;
  readonly backend: KafkaBackend;
  readonly settings: ListenerSettings;
}

/** Thrown by a handler when the connection must close without an answer (Kafka's reaction to
 *  an acks=0 produce that failed, so that the producer notices). */
export class CloseConnection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloseConnection';
  }
}

/** A response as a handler builds it: fields absent from the version, or equal to their
 *  default, may be left out. */
export type Loose<T> = T extends Uint8Array ? T : T extends readonly (infer E)[] ? Loose<E>[] : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;

/** The handler of API `N`: the response, or null when none is sent (acks=0). */
export type Handler<N extends ApiName> = (request: RequestOf<N>, ctx: HandlerContext) => Promise<Loose<ResponseOf<N>> | null>;

/** The Kafka code and message for an error met while serving `what`. Anything that is not a
 *  refusal is a bug: logged here, answered UNKNOWN_SERVER_ERROR without its details. */
export function refusal(err: unknown, ctx: HandlerContext, what: string, scope: Scope = Scope.Partition): { errorCode: ErrorCode; errorMessage: string } {
  if (!isRefusal(err)) {
    ctx.log.error({ err }, `${what} failed unexpectedly`);
    return { errorCode: errorCodeOf(err, scope), errorMessage: 'internal error; see the server log' };
  }
  return { errorCode: errorCodeOf(err, scope), errorMessage: (err as Error).message };
}
