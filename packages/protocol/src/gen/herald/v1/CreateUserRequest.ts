// Original file: proto/herald/v1/security.proto

import type { ScramCredential as _herald_v1_ScramCredential, ScramCredential__Output as _herald_v1_ScramCredential__Output } from '../../herald/v1/ScramCredential.js';

export interface CreateUserRequest {
  'name'?: (string);
  /**
   * One per mechanism; at least one.
   */
  'credentials'?: (_herald_v1_ScramCredential)[];
}

export interface CreateUserRequest__Output {
  'name': (string);
  /**
   * One per mechanism; at least one.
   */
  'credentials': (_herald_v1_ScramCredential__Output)[];
}
