// Original file: proto/herald/v1/transactions.proto

import type { HalfDescription as _herald_v1_HalfDescription, HalfDescription__Output as _herald_v1_HalfDescription__Output } from '../../herald/v1/HalfDescription.js';

export interface ListHalvesResponse {
  'halves'?: (_herald_v1_HalfDescription)[];
  /**
   * The partitions of the topic this node leads (and so answered for).
   */
  'partitions'?: (number)[];
}

export interface ListHalvesResponse__Output {
  'halves': (_herald_v1_HalfDescription__Output)[];
  /**
   * The partitions of the topic this node leads (and so answered for).
   */
  'partitions': (number)[];
}
