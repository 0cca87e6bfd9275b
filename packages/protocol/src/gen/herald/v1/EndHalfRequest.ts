// Original file: proto/herald/v1/transactions.proto

import type { HalfDecision as _herald_v1_HalfDecision, HalfDecision__Output as _herald_v1_HalfDecision__Output } from '../../herald/v1/HalfDecision.js';

export interface EndHalfRequest {
  'topic'?: (string);
  'partition'?: (number);
  'id'?: (string);
  'decision'?: (_herald_v1_HalfDecision);
  /**
   * 0 means the broker's default.
   */
  'timeoutMs'?: (number);
  /**
   * Set when the decision answers a HalfCheck: recorded as decided by "check".
   */
  'answersCheck'?: (boolean);
}

export interface EndHalfRequest__Output {
  'topic': (string);
  'partition': (number);
  'id': (string);
  'decision': (_herald_v1_HalfDecision__Output);
  /**
   * 0 means the broker's default.
   */
  'timeoutMs': (number);
  /**
   * Set when the decision answers a HalfCheck: recorded as decided by "check".
   */
  'answersCheck': (boolean);
}
