// Original file: proto/herald/v1/transactions.proto

/**
 * What to do with a half message.
 */
export const HalfDecision = {
  HALF_DECISION_UNSPECIFIED: 'HALF_DECISION_UNSPECIFIED',
  HALF_DECISION_COMMIT: 'HALF_DECISION_COMMIT',
  HALF_DECISION_ROLLBACK: 'HALF_DECISION_ROLLBACK',
} as const;

/**
 * What to do with a half message.
 */
export type HalfDecision =
  | 'HALF_DECISION_UNSPECIFIED'
  | 0
  | 'HALF_DECISION_COMMIT'
  | 1
  | 'HALF_DECISION_ROLLBACK'
  | 2

/**
 * What to do with a half message.
 */
export type HalfDecision__Output = typeof HalfDecision[keyof typeof HalfDecision]
