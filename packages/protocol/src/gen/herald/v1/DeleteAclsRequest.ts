// Original file: proto/herald/v1/security.proto

import type { AclFilter as _herald_v1_AclFilter, AclFilter__Output as _herald_v1_AclFilter__Output } from '../../herald/v1/AclFilter.js';

export interface DeleteAclsRequest {
  /**
   * At least one filter.
   */
  'filters'?: (_herald_v1_AclFilter)[];
}

export interface DeleteAclsRequest__Output {
  /**
   * At least one filter.
   */
  'filters': (_herald_v1_AclFilter__Output)[];
}
