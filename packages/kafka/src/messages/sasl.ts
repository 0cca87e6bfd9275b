// SaslHandshake and SaslAuthenticate (KIP-43, KIP-152). Field layouts from Kafka's
// SaslHandshake*.json and SaslAuthenticate*.json, up to the versions served.

import { array, bytes, field, int16, int64, nullableString, string, struct } from '../codec/schema.js';

/** SaslHandshake request: the SASL mechanism a client wants. */
export const SaslHandshakeRequest = struct({ mechanism: field(string, '0+') });

/** SaslHandshake response: an error code and the enabled mechanisms. */
export const SaslHandshakeResponse = struct({
  errorCode: field(int16, '0+'),
  mechanisms: field(array(string), '0+'),
});

/** SaslAuthenticate request: one SASL message from the client. */
export const SaslAuthenticateRequest = struct({ authBytes: field(bytes, '0+') });

/** SaslAuthenticate response: the server's SASL message, or why authentication failed. */
export const SaslAuthenticateResponse = struct({
  errorCode: field(int16, '0+'),
  errorMessage: field(nullableString, '0+'),
  authBytes: field(bytes, '0+'),
  sessionLifetimeMs: field(int64, '1+'),
});
