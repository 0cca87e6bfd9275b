// Original file: proto/herald/v1/security.proto

import type { AclFilter as _herald_v1_AclFilter, AclFilter__Output as _herald_v1_AclFilter__Output } from '../../herald/v1/AclFilter.js';

export interface ListAclsRequest {
  'filter'?: (_herald_v1_AclFilter | null);
}

export interface ListAclsRequest__Output {
  'filter': (_herald_v1_AclFilter__Output | null);
}
