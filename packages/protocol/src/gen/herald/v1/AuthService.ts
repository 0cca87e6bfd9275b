// Original file: proto/herald/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ScramFinishRequest as _herald_v1_ScramFinishRequest, ScramFinishRequest__Output as _herald_v1_ScramFinishRequest__Output } from '../../herald/v1/ScramFinishRequest.js';
import type { ScramFinishResponse as _herald_v1_ScramFinishResponse, ScramFinishResponse__Output as _herald_v1_ScramFinishResponse__Output } from '../../herald/v1/ScramFinishResponse.js';
import type { ScramStartRequest as _herald_v1_ScramStartRequest, ScramStartRequest__Output as _herald_v1_ScramStartRequest__Output } from '../../herald/v1/ScramStartRequest.js';
import type { ScramStartResponse as _herald_v1_ScramStartResponse, ScramStartResponse__Output as _herald_v1_ScramStartResponse__Output } from '../../herald/v1/ScramStartResponse.js';
import type { WhoAmIRequest as _herald_v1_WhoAmIRequest, WhoAmIRequest__Output as _herald_v1_WhoAmIRequest__Output } from '../../herald/v1/WhoAmIRequest.js';
import type { WhoAmIResponse as _herald_v1_WhoAmIResponse, WhoAmIResponse__Output as _herald_v1_WhoAmIResponse__Output } from '../../herald/v1/WhoAmIResponse.js';

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
export interface AuthServiceClient extends grpc.Client {
  /**
   * Finishes a SCRAM exchange started at this node: takes the client-final message, checks the
   * proof, and answers the server-final message and a session token.
   */
  ScramFinish(argument: _herald_v1_ScramFinishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  ScramFinish(argument: _herald_v1_ScramFinishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  ScramFinish(argument: _herald_v1_ScramFinishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  ScramFinish(argument: _herald_v1_ScramFinishRequest, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Finishes a SCRAM exchange started at this node: takes the client-final message, checks the
   * proof, and answers the server-final message and a session token.
   */
  scramFinish(argument: _herald_v1_ScramFinishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  scramFinish(argument: _herald_v1_ScramFinishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  scramFinish(argument: _herald_v1_ScramFinishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  scramFinish(argument: _herald_v1_ScramFinishRequest, callback: grpc.requestCallback<_herald_v1_ScramFinishResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Starts a SCRAM exchange: takes the client-first message, answers the server-first message
   * and the id of the exchange for ScramFinish.
   */
  ScramStart(argument: _herald_v1_ScramStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  ScramStart(argument: _herald_v1_ScramStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  ScramStart(argument: _herald_v1_ScramStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  ScramStart(argument: _herald_v1_ScramStartRequest, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Starts a SCRAM exchange: takes the client-first message, answers the server-first message
   * and the id of the exchange for ScramFinish.
   */
  scramStart(argument: _herald_v1_ScramStartRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  scramStart(argument: _herald_v1_ScramStartRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  scramStart(argument: _herald_v1_ScramStartRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  scramStart(argument: _herald_v1_ScramStartRequest, callback: grpc.requestCallback<_herald_v1_ScramStartResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The principal this call was authenticated as (by token or client certificate), and whether
   * it is a superuser. Needs a token or a certificate like any other call.
   */
  WhoAmI(argument: _herald_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _herald_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _herald_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _herald_v1_WhoAmIRequest, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The principal this call was authenticated as (by token or client certificate), and whether
   * it is a superuser. Needs a token or a certificate like any other call.
   */
  whoAmI(argument: _herald_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _herald_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _herald_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _herald_v1_WhoAmIRequest, callback: grpc.requestCallback<_herald_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  
}

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
export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Finishes a SCRAM exchange started at this node: takes the client-final message, checks the
   * proof, and answers the server-final message and a session token.
   */
  ScramFinish: grpc.handleUnaryCall<_herald_v1_ScramFinishRequest__Output, _herald_v1_ScramFinishResponse>;
  
  /**
   * Starts a SCRAM exchange: takes the client-first message, answers the server-first message
   * and the id of the exchange for ScramFinish.
   */
  ScramStart: grpc.handleUnaryCall<_herald_v1_ScramStartRequest__Output, _herald_v1_ScramStartResponse>;
  
  /**
   * The principal this call was authenticated as (by token or client certificate), and whether
   * it is a superuser. Needs a token or a certificate like any other call.
   */
  WhoAmI: grpc.handleUnaryCall<_herald_v1_WhoAmIRequest__Output, _herald_v1_WhoAmIResponse>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  ScramFinish: MethodDefinition<_herald_v1_ScramFinishRequest, _herald_v1_ScramFinishResponse, _herald_v1_ScramFinishRequest__Output, _herald_v1_ScramFinishResponse__Output>
  ScramStart: MethodDefinition<_herald_v1_ScramStartRequest, _herald_v1_ScramStartResponse, _herald_v1_ScramStartRequest__Output, _herald_v1_ScramStartResponse__Output>
  WhoAmI: MethodDefinition<_herald_v1_WhoAmIRequest, _herald_v1_WhoAmIResponse, _herald_v1_WhoAmIRequest__Output, _herald_v1_WhoAmIResponse__Output>
}
