// Original file: proto/herald/v1/security.proto

import type { ResourceType as _herald_v1_ResourceType, ResourceType__Output as _herald_v1_ResourceType__Output } from '../../herald/v1/ResourceType.js';
import type { PatternType as _herald_v1_PatternType, PatternType__Output as _herald_v1_PatternType__Output } from '../../herald/v1/PatternType.js';
import type { AclOperation as _herald_v1_AclOperation, AclOperation__Output as _herald_v1_AclOperation__Output } from '../../herald/v1/AclOperation.js';
import type { AclPermission as _herald_v1_AclPermission, AclPermission__Output as _herald_v1_AclPermission__Output } from '../../herald/v1/AclPermission.js';

export interface AclBinding {
  /**
   * "User:<name>", or "User:*" for every user.
   */
  'principal'?: (string);
  'resourceType'?: (_herald_v1_ResourceType);
  'patternType'?: (_herald_v1_PatternType);
  /**
   * A topic, group or subscription name (1 to 249 of [a-zA-Z0-9._-]), a prefix of one, "*"
   * (literal only), or "herald-cluster".
   */
  'resourceName'?: (string);
  'operation'?: (_herald_v1_AclOperation);
  'permission'?: (_herald_v1_AclPermission);
}

export interface AclBinding__Output {
  /**
   * "User:<name>", or "User:*" for every user.
   */
  'principal': (string);
  'resourceType': (_herald_v1_ResourceType__Output);
  'patternType': (_herald_v1_PatternType__Output);
  /**
   * A topic, group or subscription name (1 to 249 of [a-zA-Z0-9._-]), a prefix of one, "*"
   * (literal only), or "herald-cluster".
   */
  'resourceName': (string);
  'operation': (_herald_v1_AclOperation__Output);
  'permission': (_herald_v1_AclPermission__Output);
}
