// Original file: proto/herald/v1/security.proto

import type { AclBinding as _herald_v1_AclBinding, AclBinding__Output as _herald_v1_AclBinding__Output } from '../../herald/v1/AclBinding.js';

export interface CreateAclsRequest {
  'acls'?: (_herald_v1_AclBinding)[];
}

export interface CreateAclsRequest__Output {
  'acls': (_herald_v1_AclBinding__Output)[];
}
