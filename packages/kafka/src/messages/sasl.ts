// SaslHandshake and SaslAuthenticate (KIP-43, KIP-152). Field layouts from Kafka's
// SaslHandshake*.json and SaslAuthenticate*.json, up to the versions served.

import { array, bytes, field, int16, int64, nullableString, string, struct } from '../codec/schema.js';

export const SaslHandshakeRequest = struct({ mechanism: field(string, '0+') });

export const SaslHandshakeResponse = struct({
  errorCode: field(int16, '0+'),
  mechanisms: field(array(string), '0+'),
});

export const SaslAuthenticateRequest = struct({ authBytes: field(bytes, '0+') });

export const SaslAuthenticateResponse = struct({
  errorCode: field(int16, '0+'),
  errorMessage: field(nullableString, '0+'),
  authBytes: field(bytes, '0+'),
  sessionLifetimeMs: field(int64, '1+'),
});
