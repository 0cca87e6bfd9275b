// Original file: proto/herald/v1/security.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateAclsRequest as _herald_v1_CreateAclsRequest, CreateAclsRequest__Output as _herald_v1_CreateAclsRequest__Output } from '../../herald/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _herald_v1_CreateAclsResponse, CreateAclsResponse__Output as _herald_v1_CreateAclsResponse__Output } from '../../herald/v1/CreateAclsResponse.js';
import type { CreateUserRequest as _herald_v1_CreateUserRequest, CreateUserRequest__Output as _herald_v1_CreateUserRequest__Output } from '../../herald/v1/CreateUserRequest.js';
import type { CreateUserResponse as _herald_v1_CreateUserResponse, CreateUserResponse__Output as _herald_v1_CreateUserResponse__Output } from '../../herald/v1/CreateUserResponse.js';
import type { DeleteAclsRequest as _herald_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _herald_v1_DeleteAclsRequest__Output } from '../../herald/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _herald_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _herald_v1_DeleteAclsResponse__Output } from '../../herald/v1/DeleteAclsResponse.js';
import type { DeleteUserRequest as _herald_v1_DeleteUserRequest, DeleteUserRequest__Output as _herald_v1_DeleteUserRequest__Output } from '../../herald/v1/DeleteUserRequest.js';
import type { DeleteUserResponse as _herald_v1_DeleteUserResponse, DeleteUserResponse__Output as _herald_v1_DeleteUserResponse__Output } from '../../herald/v1/DeleteUserResponse.js';
import type { ListAclsRequest as _herald_v1_ListAclsRequest, ListAclsRequest__Output as _herald_v1_ListAclsRequest__Output } from '../../herald/v1/ListAclsRequest.js';
import type { ListAclsResponse as _herald_v1_ListAclsResponse, ListAclsResponse__Output as _herald_v1_ListAclsResponse__Output } from '../../herald/v1/ListAclsResponse.js';
import type { ListQuotasRequest as _herald_v1_ListQuotasRequest, ListQuotasRequest__Output as _herald_v1_ListQuotasRequest__Output } from '../../herald/v1/ListQuotasRequest.js';
import type { ListQuotasResponse as _herald_v1_ListQuotasResponse, ListQuotasResponse__Output as _herald_v1_ListQuotasResponse__Output } from '../../herald/v1/ListQuotasResponse.js';
import type { ListUsersRequest as _herald_v1_ListUsersRequest, ListUsersRequest__Output as _herald_v1_ListUsersRequest__Output } from '../../herald/v1/ListUsersRequest.js';
import type { ListUsersResponse as _herald_v1_ListUsersResponse, ListUsersResponse__Output as _herald_v1_ListUsersResponse__Output } from '../../herald/v1/ListUsersResponse.js';
import type { SetQuotaRequest as _herald_v1_SetQuotaRequest, SetQuotaRequest__Output as _herald_v1_SetQuotaRequest__Output } from '../../herald/v1/SetQuotaRequest.js';
import type { SetQuotaResponse as _herald_v1_SetQuotaResponse, SetQuotaResponse__Output as _herald_v1_SetQuotaResponse__Output } from '../../herald/v1/SetQuotaResponse.js';
import type { SetUserCredentialsRequest as _herald_v1_SetUserCredentialsRequest, SetUserCredentialsRequest__Output as _herald_v1_SetUserCredentialsRequest__Output } from '../../herald/v1/SetUserCredentialsRequest.js';
import type { SetUserCredentialsResponse as _herald_v1_SetUserCredentialsResponse, SetUserCredentialsResponse__Output as _herald_v1_SetUserCredentialsResponse__Output } from '../../herald/v1/SetUserCredentialsResponse.js';

/**
 * Administration of users (SCRAM credentials), ACLs and quotas. Every change is a record of the
 * meta group, so any node accepts it and forwards it to the controller, and it applies on every
 * node once committed; reads answer from the node's own copy, which may lag by a moment.
 * 
 * Permissions (see docs/security.md): changes need ALTER on the cluster resource, reads need
 * DESCRIBE on it; superusers may do everything. One exception: a user may change its own
 * credentials (SetUserCredentials naming itself) without ALTER, as `herald user passwd` does.
 * 
 * Passwords never reach a node. The client makes the SCRAM credential (a random salt, the
 * iteration count, StoredKey and ServerKey: RFC 5802 §3) and sends that; a node stores it and
 * can check proofs but cannot recover the password, nor log in as the user with what it stores.
 * Kafka's AlterUserScramCredentials sends the salted password instead; this is stricter.
 * 
 * Refusals (trailer `herald-reason`): UserExists (ALREADY_EXISTS), UserNotFound (NOT_FOUND),
 * InvalidArgument (INVALID_ARGUMENT, naming the field: a bad user name, principal, credential,
 * binding or quota), PermissionDenied (PERMISSION_DENIED), Unauthenticated (UNAUTHENTICATED).
 */
export interface SecurityServiceClient extends grpc.Client {
  /**
   * Adds ACL bindings, all or none. A binding that exists already is kept once.
   */
  CreateAcls(argument: _herald_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _herald_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _herald_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  CreateAcls(argument: _herald_v1_CreateAclsRequest, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds ACL bindings, all or none. A binding that exists already is kept once.
   */
  createAcls(argument: _herald_v1_CreateAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _herald_v1_CreateAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _herald_v1_CreateAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  createAcls(argument: _herald_v1_CreateAclsRequest, callback: grpc.requestCallback<_herald_v1_CreateAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates a user with one credential per mechanism (at least one; `herald user create` makes
   * both). Fails with UserExists when the name is taken. User names: 1 to 128 characters of
   * [A-Za-z0-9._@-], not starting with "herald-node-" (reserved for node certificates).
   */
  CreateUser(argument: _herald_v1_CreateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _herald_v1_CreateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _herald_v1_CreateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  CreateUser(argument: _herald_v1_CreateUserRequest, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a user with one credential per mechanism (at least one; `herald user create` makes
   * both). Fails with UserExists when the name is taken. User names: 1 to 128 characters of
   * [A-Za-z0-9._@-], not starting with "herald-node-" (reserved for node certificates).
   */
  createUser(argument: _herald_v1_CreateUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  createUser(argument: _herald_v1_CreateUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  createUser(argument: _herald_v1_CreateUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  createUser(argument: _herald_v1_CreateUserRequest, callback: grpc.requestCallback<_herald_v1_CreateUserResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes every binding that matches any of the filters, and answers them (Kafka's
   * DeleteAcls). An empty filter matches every binding: the CLI asks for --all to send one.
   */
  DeleteAcls(argument: _herald_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _herald_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _herald_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcls(argument: _herald_v1_DeleteAclsRequest, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes every binding that matches any of the filters, and answers them (Kafka's
   * DeleteAcls). An empty filter matches every binding: the CLI asks for --all to send one.
   */
  deleteAcls(argument: _herald_v1_DeleteAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _herald_v1_DeleteAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _herald_v1_DeleteAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  deleteAcls(argument: _herald_v1_DeleteAclsRequest, callback: grpc.requestCallback<_herald_v1_DeleteAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a user and its credentials. Its session tokens stop working at once (every node
   * checks that a token's user still exists). Its ACLs stay: remove them with DeleteAcls.
   */
  DeleteUser(argument: _herald_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _herald_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _herald_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _herald_v1_DeleteUserRequest, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a user and its credentials. Its session tokens stop working at once (every node
   * checks that a token's user still exists). Its ACLs stay: remove them with DeleteAcls.
   */
  deleteUser(argument: _herald_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _herald_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _herald_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _herald_v1_DeleteUserRequest, callback: grpc.requestCallback<_herald_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists the bindings that match a filter.
   */
  ListAcls(argument: _herald_v1_ListAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _herald_v1_ListAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _herald_v1_ListAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _herald_v1_ListAclsRequest, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists the bindings that match a filter.
   */
  listAcls(argument: _herald_v1_ListAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _herald_v1_ListAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _herald_v1_ListAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _herald_v1_ListAclsRequest, callback: grpc.requestCallback<_herald_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists quotas.
   */
  ListQuotas(argument: _herald_v1_ListQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  ListQuotas(argument: _herald_v1_ListQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  ListQuotas(argument: _herald_v1_ListQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  ListQuotas(argument: _herald_v1_ListQuotasRequest, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists quotas.
   */
  listQuotas(argument: _herald_v1_ListQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  listQuotas(argument: _herald_v1_ListQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  listQuotas(argument: _herald_v1_ListQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  listQuotas(argument: _herald_v1_ListQuotasRequest, callback: grpc.requestCallback<_herald_v1_ListQuotasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists users, with their mechanisms and iteration counts; never keys or salts.
   */
  ListUsers(argument: _herald_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _herald_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _herald_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _herald_v1_ListUsersRequest, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists users, with their mechanisms and iteration counts; never keys or salts.
   */
  listUsers(argument: _herald_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _herald_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _herald_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _herald_v1_ListUsersRequest, callback: grpc.requestCallback<_herald_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sets a principal's quotas, replacing the previous ones; `User:*` sets the default of every
   * principal without its own. All values 0 removes the principal's quotas.
   */
  SetQuota(argument: _herald_v1_SetQuotaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetQuota(argument: _herald_v1_SetQuotaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetQuota(argument: _herald_v1_SetQuotaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetQuota(argument: _herald_v1_SetQuotaRequest, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Sets a principal's quotas, replacing the previous ones; `User:*` sets the default of every
   * principal without its own. All values 0 removes the principal's quotas.
   */
  setQuota(argument: _herald_v1_SetQuotaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  setQuota(argument: _herald_v1_SetQuotaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  setQuota(argument: _herald_v1_SetQuotaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  setQuota(argument: _herald_v1_SetQuotaRequest, callback: grpc.requestCallback<_herald_v1_SetQuotaResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Replaces a user's credentials (a password change). Tokens issued before stay valid until
   * they expire.
   */
  SetUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  SetUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  SetUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  SetUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Replaces a user's credentials (a password change). Tokens issued before stay valid until
   * they expire.
   */
  setUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  setUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  setUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  setUserCredentials(argument: _herald_v1_SetUserCredentialsRequest, callback: grpc.requestCallback<_herald_v1_SetUserCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Administration of users (SCRAM credentials), ACLs and quotas. Every change is a record of the
 * meta group, so any node accepts it and forwards it to the controller, and it applies on every
 * node once committed; reads answer from the node's own copy, which may lag by a moment.
 * 
 * Permissions (see docs/security.md): changes need ALTER on the cluster resource, reads need
 * DESCRIBE on it; superusers may do everything. One exception: a user may change its own
 * credentials (SetUserCredentials naming itself) without ALTER, as `herald user passwd` does.
 * 
 * Passwords never reach a node. The client makes the SCRAM credential (a random salt, the
 * iteration count, StoredKey and ServerKey: RFC 5802 §3) and sends that; a node stores it and
 * can check proofs but cannot recover the password, nor log in as the user with what it stores.
 * Kafka's AlterUserScramCredentials sends the salted password instead; this is stricter.
 * 
 * Refusals (trailer `herald-reason`): UserExists (ALREADY_EXISTS), UserNotFound (NOT_FOUND),
 * InvalidArgument (INVALID_ARGUMENT, naming the field: a bad user name, principal, credential,
 * binding or quota), PermissionDenied (PERMISSION_DENIED), Unauthenticated (UNAUTHENTICATED).
 */
export interface SecurityServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds ACL bindings, all or none. A binding that exists already is kept once.
   */
  CreateAcls: grpc.handleUnaryCall<_herald_v1_CreateAclsRequest__Output, _herald_v1_CreateAclsResponse>;
  
  /**
   * Creates a user with one credential per mechanism (at least one; `herald user create` makes
   * both). Fails with UserExists when the name is taken. User names: 1 to 128 characters of
   * [A-Za-z0-9._@-], not starting with "herald-node-" (reserved for node certificates).
   */
  CreateUser: grpc.handleUnaryCall<_herald_v1_CreateUserRequest__Output, _herald_v1_CreateUserResponse>;
  
  /**
   * Removes every binding that matches any of the filters, and answers them (Kafka's
   * DeleteAcls). An empty filter matches every binding: the CLI asks for --all to send one.
   */
  DeleteAcls: grpc.handleUnaryCall<_herald_v1_DeleteAclsRequest__Output, _herald_v1_DeleteAclsResponse>;
  
  /**
   * Deletes a user and its credentials. Its session tokens stop working at once (every node
   * checks that a token's user still exists). Its ACLs stay: remove them with DeleteAcls.
   */
  DeleteUser: grpc.handleUnaryCall<_herald_v1_DeleteUserRequest__Output, _herald_v1_DeleteUserResponse>;
  
  /**
   * Lists the bindings that match a filter.
   */
  ListAcls: grpc.handleUnaryCall<_herald_v1_ListAclsRequest__Output, _herald_v1_ListAclsResponse>;
  
  /**
   * Lists quotas.
   */
  ListQuotas: grpc.handleUnaryCall<_herald_v1_ListQuotasRequest__Output, _herald_v1_ListQuotasResponse>;
  
  /**
   * Lists users, with their mechanisms and iteration counts; never keys or salts.
   */
  ListUsers: grpc.handleUnaryCall<_herald_v1_ListUsersRequest__Output, _herald_v1_ListUsersResponse>;
  
  /**
   * Sets a principal's quotas, replacing the previous ones; `User:*` sets the default of every
   * principal without its own. All values 0 removes the principal's quotas.
   */
  SetQuota: grpc.handleUnaryCall<_herald_v1_SetQuotaRequest__Output, _herald_v1_SetQuotaResponse>;
  
  /**
   * Replaces a user's credentials (a password change). Tokens issued before stay valid until
   * they expire.
   */
  SetUserCredentials: grpc.handleUnaryCall<_herald_v1_SetUserCredentialsRequest__Output, _herald_v1_SetUserCredentialsResponse>;
  
}

export interface SecurityServiceDefinition extends grpc.ServiceDefinition {
  CreateAcls: MethodDefinition<_herald_v1_CreateAclsRequest, _herald_v1_CreateAclsResponse, _herald_v1_CreateAclsRequest__Output, _herald_v1_CreateAclsResponse__Output>
  CreateUser: MethodDefinition<_herald_v1_CreateUserRequest, _herald_v1_CreateUserResponse, _herald_v1_CreateUserRequest__Output, _herald_v1_CreateUserResponse__Output>
  DeleteAcls: MethodDefinition<_herald_v1_DeleteAclsRequest, _herald_v1_DeleteAclsResponse, _herald_v1_DeleteAclsRequest__Output, _herald_v1_DeleteAclsResponse__Output>
  DeleteUser: MethodDefinition<_herald_v1_DeleteUserRequest, _herald_v1_DeleteUserResponse, _herald_v1_DeleteUserRequest__Output, _herald_v1_DeleteUserResponse__Output>
  ListAcls: MethodDefinition<_herald_v1_ListAclsRequest, _herald_v1_ListAclsResponse, _herald_v1_ListAclsRequest__Output, _herald_v1_ListAclsResponse__Output>
  ListQuotas: MethodDefinition<_herald_v1_ListQuotasRequest, _herald_v1_ListQuotasResponse, _herald_v1_ListQuotasRequest__Output, _herald_v1_ListQuotasResponse__Output>
  ListUsers: MethodDefinition<_herald_v1_ListUsersRequest, _herald_v1_ListUsersResponse, _herald_v1_ListUsersRequest__Output, _herald_v1_ListUsersResponse__Output>
  SetQuota: MethodDefinition<_herald_v1_SetQuotaRequest, _herald_v1_SetQuotaResponse, _herald_v1_SetQuotaRequest__Output, _herald_v1_SetQuotaResponse__Output>
  SetUserCredentials: MethodDefinition<_herald_v1_SetUserCredentialsRequest, _herald_v1_SetUserCredentialsResponse, _herald_v1_SetUserCredentialsRequest__Output, _herald_v1_SetUserCredentialsResponse__Output>
}
