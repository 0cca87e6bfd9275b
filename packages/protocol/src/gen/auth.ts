import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthServiceClient as _herald_v1_AuthServiceClient, AuthServiceDefinition as _herald_v1_AuthServiceDefinition } from './herald/v1/AuthService.js';
import type { ScramFinishRequest as _herald_v1_ScramFinishRequest, ScramFinishRequest__Output as _herald_v1_ScramFinishRequest__Output } from './herald/v1/ScramFinishRequest.js';
import type { ScramFinishResponse as _herald_v1_ScramFinishResponse, ScramFinishResponse__Output as _herald_v1_ScramFinishResponse__Output } from './herald/v1/ScramFinishResponse.js';
import type { ScramStartRequest as _herald_v1_ScramStartRequest, ScramStartRequest__Output as _herald_v1_ScramStartRequest__Output } from './herald/v1/ScramStartRequest.js';
import type { ScramStartResponse as _herald_v1_ScramStartResponse, ScramStartResponse__Output as _herald_v1_ScramStartResponse__Output } from './herald/v1/ScramStartResponse.js';
import type { WhoAmIRequest as _herald_v1_WhoAmIRequest, WhoAmIRequest__Output as _herald_v1_WhoAmIRequest__Output } from './herald/v1/WhoAmIRequest.js';
import type { WhoAmIResponse as _herald_v1_WhoAmIResponse, WhoAmIResponse__Output as _herald_v1_WhoAmIResponse__Output } from './herald/v1/WhoAmIResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      /**
       * Authentication on the client port (Kafka's model: authentication yields a principal; ACLs and
       * quotas key on it). A client proves who it is in one of two ways:
       * 
       * - A client certificate, signed by the cluster CA, presented in the TLS handshake: its
       * principal is `User:<name>` from the URI SAN `spiffe://herald/user/<name>` (or the CN). No
       * call of this service is needed.
       * - A SCRAM-SHA-256 or SCRAM-SHA-512 login (RFC 5802, RFC 7677): ScramStart with the
       * client-first message, then ScramFinish with the client-final message, both at the same node
       * (the exchange lives in that node's memory for 10 seconds). ScramFinish answers the
       * server-final message, which the client must check (it proves the node holds the user's
       * credential), and a session token.
       * 
       * The session token is carried on every other call as the metadata entry
       * `authorization: Bearer <token>`. It names the principal and its expiry and is signed with
       * HMAC-SHA256 under a cluster secret replicated by the meta group, so every node verifies it
       * locally and it is valid cluster-wide until it expires (format: packages/security/src/token.ts).
       * A client logs in once, sends the token to every node, and logs in again shortly before the
       * token expires. Tokens and passwords travel over TLS only: a node serving this service
       * without TLS refuses it (FAILED_PRECONDITION).
       * 
       * This service needs no token; every other service does, unless the caller presented a client
       * certificate. Refusals (trailer `herald-reason`):
       * - Unauthenticated (UNAUTHENTICATED), with `herald-auth-failure`:
       * `login-failed`   a wrong password or an unknown user (the same answer for both), an
       * exchange that is unknown, expired or already finished, or a malformed
       * SCRAM message;
       * `no-credentials` a call of another service with neither a token nor a client certificate;
       * `token-expired`  the token's expiry passed: log in again;
       * `token-invalid`  a malformed or forged token, one signed with a key the cluster no longer
       * holds, or one naming a user that was deleted: log in again.
       * A client with credentials logs in again once on token-expired or token-invalid.
       * - InvalidArgument (INVALID_ARGUMENT): an unknown mechanism.
       * - PermissionDenied (PERMISSION_DENIED) on other services: the principal lacks an ACL; the
       * message and the `herald-operation`, `herald-resource-type`, `herald-resource-name` trailers
       * name the permission.
       */
      AuthService: SubtypeConstructor<typeof grpc.Client, _herald_v1_AuthServiceClient> & { service: _herald_v1_AuthServiceDefinition }
      ScramFinishRequest: MessageTypeDefinition<_herald_v1_ScramFinishRequest, _herald_v1_ScramFinishRequest__Output>
      ScramFinishResponse: MessageTypeDefinition<_herald_v1_ScramFinishResponse, _herald_v1_ScramFinishResponse__Output>
      ScramStartRequest: MessageTypeDefinition<_herald_v1_ScramStartRequest, _herald_v1_ScramStartRequest__Output>
      ScramStartResponse: MessageTypeDefinition<_herald_v1_ScramStartResponse, _herald_v1_ScramStartResponse__Output>
      WhoAmIRequest: MessageTypeDefinition<_herald_v1_WhoAmIRequest, _herald_v1_WhoAmIRequest__Output>
      WhoAmIResponse: MessageTypeDefinition<_herald_v1_WhoAmIResponse, _herald_v1_WhoAmIResponse__Output>
    }
  }
}

