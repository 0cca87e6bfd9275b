// Original file: proto/herald/v1/security.proto

import type { ResourceType as _herald_v1_ResourceType, ResourceType__Output as _herald_v1_ResourceType__Output } from '../../herald/v1/ResourceType.js';
import type { PatternType as _herald_v1_PatternType, PatternType__Output as _herald_v1_PatternType__Output } from '../../herald/v1/PatternType.js';
import type { AclOperation as _herald_v1_AclOperation, AclOperation__Output as _herald_v1_AclOperation__Output } from '../../herald/v1/AclOperation.js';
import type { AclPermission as _herald_v1_AclPermission, AclPermission__Output as _herald_v1_AclPermission__Output } from '../../herald/v1/AclPermission.js';

/**
 * Matches bindings field by field: an empty string or an UNSPECIFIED enum matches any value; a
 * set field matches that exact value (a filter on "orders" finds the bindings written for
 * "orders", not every binding that would apply to it).
 */
export interface AclFilter {
  'principal'?: (string);
  'resourceType'?: (_herald_v1_ResourceType);
  'patternType'?: (_herald_v1_PatternType);
  'resourceName'?: (string);
  'operation'?: (_herald_v1_AclOperation);
  'permission'?: (_herald_v1_AclPermission);
}

/**
 * Matches bindings field by field: an empty string or an UNSPECIFIED enum matches any value; a
 * set field matches that exact value (a filter on "orders" finds the bindings written for
 * "orders", not every binding that would apply to it).
 */
export interface AclFilter__Output {
  'principal': (string);
  'resourceType': (_herald_v1_ResourceType__Output);
  'patternType': (_herald_v1_PatternType__Output);
  'resourceName': (string);
  'operation': (_herald_v1_AclOperation__Output);
  'permission': (_herald_v1_AclPermission__Output);
}
