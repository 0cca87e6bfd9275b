// Original file: proto/herald/v1/security.proto

import type { CredentialInfo as _herald_v1_CredentialInfo, CredentialInfo__Output as _herald_v1_CredentialInfo__Output } from '../../herald/v1/CredentialInfo.js';

export interface UserDescription {
  'name'?: (string);
  /**
   * The user's credentials, without salts or keys.
   */
  'credentials'?: (_herald_v1_CredentialInfo)[];
}

export interface UserDescription__Output {
  'name': (string);
  /**
   * The user's credentials, without salts or keys.
   */
  'credentials': (_herald_v1_CredentialInfo__Output)[];
}
