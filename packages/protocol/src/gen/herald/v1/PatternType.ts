// Original file: proto/herald/v1/security.proto

/**
 * How a binding's resource name matches resources.
 */
export const PatternType = {
  /**
   * In a binding: refused. In a filter: any pattern type.
   */
  PATTERN_TYPE_UNSPECIFIED: 'PATTERN_TYPE_UNSPECIFIED',
  /**
   * The exact name; the name "*" matches every resource of the type.
   */
  PATTERN_TYPE_LITERAL: 'PATTERN_TYPE_LITERAL',
  /**
   * Every name that starts with the binding's name.
   */
  PATTERN_TYPE_PREFIXED: 'PATTERN_TYPE_PREFIXED',
} as const;

/**
 * How a binding's resource name matches resources.
 */
export type PatternType =
  /**
   * In a binding: refused. In a filter: any pattern type.
   */
  | 'PATTERN_TYPE_UNSPECIFIED'
  | 0
  /**
   * The exact name; the name "*" matches every resource of the type.
   */
  | 'PATTERN_TYPE_LITERAL'
  | 1
  /**
   * Every name that starts with the binding's name.
   */
  | 'PATTERN_TYPE_PREFIXED'
  | 2

/**
 * How a binding's resource name matches resources.
 */
export type PatternType__Output = typeof PatternType[keyof typeof PatternType]
