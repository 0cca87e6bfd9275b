// Original file: proto/herald/v1/security.proto

import type { Quota as _herald_v1_Quota, Quota__Output as _herald_v1_Quota__Output } from '../../herald/v1/Quota.js';

export interface QuotaEntry {
  'principal'?: (string);
  'quota'?: (_herald_v1_Quota | null);
}

export interface QuotaEntry__Output {
  'principal': (string);
  'quota': (_herald_v1_Quota__Output | null);
}
