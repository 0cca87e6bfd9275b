// SaslHandshake and SaslAuthenticate (KIP-43, KIP-152): the connection's authentication.

import { ErrorCode } from '../errors.js';
import { isSaslMechanism, SaslFailure, startExchange } from '../sasl.js';
import type { Handler, HandlerContext } from './context.js';

/** SaslHandshake: picks the mechanism. v1 is followed by SaslAuthenticate requests; v0 by raw
 *  SASL frames, which the connection hands to the same exchange. */
export const handleSaslHandshake: Handler<'SaslHandshake'> = async (request, ctx) => {
  const mechanisms = [...ctx.settings.saslMechanisms];
  const session = ctx.session;
  if (session.authenticated || session.exchange !== null) {
    session.closeAfterResponse = 'a second SASL handshake';
    return { errorCode: ErrorCode.IllegalSaslState, mechanisms };
  }
  if (!isSaslMechanism(request.mechanism) || !ctx.settings.saslMechanisms.includes(request.mechanism)) {
    return { errorCode: ErrorCode.UnsupportedSaslMechanism, mechanisms };
  }
  session.exchange = startExchange(request.mechanism, ctx.backend);
  session.rawSasl = ctx.version === 0;
  return { errorCode: ErrorCode.None, mechanisms };
};

/** One step of an exchange. On success the connection takes the principal; on failure the
 *  client gets the reason and the connection is closed after it (Kafka's behavior). */
export async function saslStep(message: Uint8Array, ctx: Pick<HandlerContext, 'session' | 'log' | 'clientHost'>): Promise<{ response: Uint8Array; errorCode: ErrorCode; errorMessage: string | null }> {
  const session = ctx.session;
  const exchange = session.exchange;
  if (exchange === null || session.authenticated) {
    session.closeAfterResponse = 'SaslAuthenticate outside a SASL exchange';
    return { response: new Uint8Array(0), errorCode: ErrorCode.IllegalSaslState, errorMessage: 'no SASL exchange in progress; send SaslHandshake first' };
  }
  try {
    const step = await exchange.step(message);
    if (step.principal !== null) {
      session.principal = step.principal;
      session.authenticated = true;
      session.exchange = null;
      ctx.log.info({ principal: step.principal, client: ctx.clientHost }, 'authenticated');
    }
    return { response: step.response, errorCode: ErrorCode.None, errorMessage: null };
  } catch (err) {
    if (!(err instanceof SaslFailure)) throw err;
    session.closeAfterResponse = err.message;
    ctx.log.info({ client: ctx.clientHost, why: err.message }, 'authentication failed');
    return { response: new Uint8Array(0), errorCode: ErrorCode.SaslAuthenticationFailed, errorMessage: err.message };
  }
}

/** SaslAuthenticate (after a v1 handshake): one step of the exchange. */
export const handleSaslAuthenticate: Handler<'SaslAuthenticate'> = async (request, ctx) => {
  const step = await saslStep(request.authBytes, ctx);
  return { errorCode: step.errorCode, errorMessage: step.errorMessage, authBytes: step.response, sessionLifetimeMs: 0 };
};
