// Original file: proto/herald/v1/security.proto

import type { QuotaEntry as _herald_v1_QuotaEntry, QuotaEntry__Output as _herald_v1_QuotaEntry__Output } from '../../herald/v1/QuotaEntry.js';

export interface ListQuotasResponse {
  'quotas'?: (_herald_v1_QuotaEntry)[];
}

export interface ListQuotasResponse__Output {
  'quotas': (_herald_v1_QuotaEntry__Output)[];
}
