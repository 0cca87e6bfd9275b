import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclBinding as _herald_v1_AclBinding, AclBinding__Output as _herald_v1_AclBinding__Output } from './herald/v1/AclBinding.js';
import type { AclFilter as _herald_v1_AclFilter, AclFilter__Output as _herald_v1_AclFilter__Output } from './herald/v1/AclFilter.js';
import type { CreateAclsRequest as _herald_v1_CreateAclsRequest, CreateAclsRequest__Output as _herald_v1_CreateAclsRequest__Output } from './herald/v1/CreateAclsRequest.js';
import type { CreateAclsResponse as _herald_v1_CreateAclsResponse, CreateAclsResponse__Output as _herald_v1_CreateAclsResponse__Output } from './herald/v1/CreateAclsResponse.js';
import type { CreateUserRequest as _herald_v1_CreateUserRequest, CreateUserRequest__Output as _herald_v1_CreateUserRequest__Output } from './herald/v1/CreateUserRequest.js';
import type { CreateUserResponse as _herald_v1_CreateUserResponse, CreateUserResponse__Output as _herald_v1_CreateUserResponse__Output } from './herald/v1/CreateUserResponse.js';
import type { CredentialInfo as _herald_v1_CredentialInfo, CredentialInfo__Output as _herald_v1_CredentialInfo__Output } from './herald/v1/CredentialInfo.js';
import type { DeleteAclsRequest as _herald_v1_DeleteAclsRequest, DeleteAclsRequest__Output as _herald_v1_DeleteAclsRequest__Output } from './herald/v1/DeleteAclsRequest.js';
import type { DeleteAclsResponse as _herald_v1_DeleteAclsResponse, DeleteAclsResponse__Output as _herald_v1_DeleteAclsResponse__Output } from './herald/v1/DeleteAclsResponse.js';
import type { DeleteUserRequest as _herald_v1_DeleteUserRequest, DeleteUserRequest__Output as _herald_v1_DeleteUserRequest__Output } from './herald/v1/DeleteUserRequest.js';
import type { DeleteUserResponse as _herald_v1_DeleteUserResponse, DeleteUserResponse__Output as _herald_v1_DeleteUserResponse__Output } from './herald/v1/DeleteUserResponse.js';
import type { ListAclsRequest as _herald_v1_ListAclsRequest, ListAclsRequest__Output as _herald_v1_ListAclsRequest__Output } from './herald/v1/ListAclsRequest.js';
import type { ListAclsResponse as _herald_v1_ListAclsResponse, ListAclsResponse__Output as _herald_v1_ListAclsResponse__Output } from './herald/v1/ListAclsResponse.js';
import type { ListQuotasRequest as _herald_v1_ListQuotasRequest, ListQuotasRequest__Output as _herald_v1_ListQuotasRequest__Output } from './herald/v1/ListQuotasRequest.js';
import type { ListQuotasResponse as _herald_v1_ListQuotasResponse, ListQuotasResponse__Output as _herald_v1_ListQuotasResponse__Output } from './herald/v1/ListQuotasResponse.js';
import type { ListUsersRequest as _herald_v1_ListUsersRequest, ListUsersRequest__Output as _herald_v1_ListUsersRequest__Output } from './herald/v1/ListUsersRequest.js';
import type { ListUsersResponse as _herald_v1_ListUsersResponse, ListUsersResponse__Output as _herald_v1_ListUsersResponse__Output } from './herald/v1/ListUsersResponse.js';
import type { Quota as _herald_v1_Quota, Quota__Output as _herald_v1_Quota__Output } from './herald/v1/Quota.js';
import type { QuotaEntry as _herald_v1_QuotaEntry, QuotaEntry__Output as _herald_v1_QuotaEntry__Output } from './herald/v1/QuotaEntry.js';
import type { ScramCredential as _herald_v1_ScramCredential, ScramCredential__Output as _herald_v1_ScramCredential__Output } from './herald/v1/ScramCredential.js';
import type { SecurityServiceClient as _herald_v1_SecurityServiceClient, SecurityServiceDefinition as _herald_v1_SecurityServiceDefinition } from './herald/v1/SecurityService.js';
import type { SetQuotaRequest as _herald_v1_SetQuotaRequest, SetQuotaRequest__Output as _herald_v1_SetQuotaRequest__Output } from './herald/v1/SetQuotaRequest.js';
import type { SetQuotaResponse as _herald_v1_SetQuotaResponse, SetQuotaResponse__Output as _herald_v1_SetQuotaResponse__Output } from './herald/v1/SetQuotaResponse.js';
import type { SetUserCredentialsRequest as _herald_v1_SetUserCredentialsRequest, SetUserCredentialsRequest__Output as _herald_v1_SetUserCredentialsRequest__Output } from './herald/v1/SetUserCredentialsRequest.js';
import type { SetUserCredentialsResponse as _herald_v1_SetUserCredentialsResponse, SetUserCredentialsResponse__Output as _herald_v1_SetUserCredentialsResponse__Output } from './herald/v1/SetUserCredentialsResponse.js';
import type { UserDescription as _herald_v1_UserDescription, UserDescription__Output as _herald_v1_UserDescription__Output } from './herald/v1/UserDescription.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      AclBinding: MessageTypeDefinition<_herald_v1_AclBinding, _herald_v1_AclBinding__Output>
      AclFilter: MessageTypeDefinition<_herald_v1_AclFilter, _herald_v1_AclFilter__Output>
      AclOperation: EnumTypeDefinition
      AclPermission: EnumTypeDefinition
      CreateAclsRequest: MessageTypeDefinition<_herald_v1_CreateAclsRequest, _herald_v1_CreateAclsRequest__Output>
      CreateAclsResponse: MessageTypeDefinition<_herald_v1_CreateAclsResponse, _herald_v1_CreateAclsResponse__Output>
      CreateUserRequest: MessageTypeDefinition<_herald_v1_CreateUserRequest, _herald_v1_CreateUserRequest__Output>
      CreateUserResponse: MessageTypeDefinition<_herald_v1_CreateUserResponse, _herald_v1_CreateUserResponse__Output>
      CredentialInfo: MessageTypeDefinition<_herald_v1_CredentialInfo, _herald_v1_CredentialInfo__Output>
      DeleteAclsRequest: MessageTypeDefinition<_herald_v1_DeleteAclsRequest, _herald_v1_DeleteAclsRequest__Output>
      DeleteAclsResponse: MessageTypeDefinition<_herald_v1_DeleteAclsResponse, _herald_v1_DeleteAclsResponse__Output>
      DeleteUserRequest: MessageTypeDefinition<_herald_v1_DeleteUserRequest, _herald_v1_DeleteUserRequest__Output>
      DeleteUserResponse: MessageTypeDefinition<_herald_v1_DeleteUserResponse, _herald_v1_DeleteUserResponse__Output>
      ListAclsRequest: MessageTypeDefinition<_herald_v1_ListAclsRequest, _herald_v1_ListAclsRequest__Output>
      ListAclsResponse: MessageTypeDefinition<_herald_v1_ListAclsResponse, _herald_v1_ListAclsResponse__Output>
      ListQuotasRequest: MessageTypeDefinition<_herald_v1_ListQuotasRequest, _herald_v1_ListQuotasRequest__Output>
      ListQuotasResponse: MessageTypeDefinition<_herald_v1_ListQuotasResponse, _herald_v1_ListQuotasResponse__Output>
      ListUsersRequest: MessageTypeDefinition<_herald_v1_ListUsersRequest, _herald_v1_ListUsersRequest__Output>
      ListUsersResponse: MessageTypeDefinition<_herald_v1_ListUsersResponse, _herald_v1_ListUsersResponse__Output>
      PatternType: EnumTypeDefinition
      Quota: MessageTypeDefinition<_herald_v1_Quota, _herald_v1_Quota__Output>
      QuotaEntry: MessageTypeDefinition<_herald_v1_QuotaEntry, _herald_v1_QuotaEntry__Output>
      ResourceType: EnumTypeDefinition
      ScramCredential: MessageTypeDefinition<_herald_v1_ScramCredential, _herald_v1_ScramCredential__Output>
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
      SecurityService: SubtypeConstructor<typeof grpc.Client, _herald_v1_SecurityServiceClient> & { service: _herald_v1_SecurityServiceDefinition }
      SetQuotaRequest: MessageTypeDefinition<_herald_v1_SetQuotaRequest, _herald_v1_SetQuotaRequest__Output>
      SetQuotaResponse: MessageTypeDefinition<_herald_v1_SetQuotaResponse, _herald_v1_SetQuotaResponse__Output>
      SetUserCredentialsRequest: MessageTypeDefinition<_herald_v1_SetUserCredentialsRequest, _herald_v1_SetUserCredentialsRequest__Output>
      SetUserCredentialsResponse: MessageTypeDefinition<_herald_v1_SetUserCredentialsResponse, _herald_v1_SetUserCredentialsResponse__Output>
      UserDescription: MessageTypeDefinition<_herald_v1_UserDescription, _herald_v1_UserDescription__Output>
    }
  }
}

