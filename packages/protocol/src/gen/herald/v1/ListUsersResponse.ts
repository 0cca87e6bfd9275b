// Original file: proto/herald/v1/security.proto

import type { UserDescription as _herald_v1_UserDescription, UserDescription__Output as _herald_v1_UserDescription__Output } from '../../herald/v1/UserDescription.js';

export interface ListUsersResponse {
  /**
   * Ordered by name.
   */
  'users'?: (_herald_v1_UserDescription)[];
}

export interface ListUsersResponse__Output {
  /**
   * Ordered by name.
   */
  'users': (_herald_v1_UserDescription__Output)[];
}
