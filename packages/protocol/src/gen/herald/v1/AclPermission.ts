// Original file: proto/herald/v1/security.proto

/**
 * Whether a binding allows or denies. A matching deny wins over any allow; with no matching
 * allow the answer is no.
 */
export const AclPermission = {
  /**
   * In a binding: refused. In a filter: either.
   */
  ACL_PERMISSION_UNSPECIFIED: 'ACL_PERMISSION_UNSPECIFIED',
  ACL_PERMISSION_ALLOW: 'ACL_PERMISSION_ALLOW',
  ACL_PERMISSION_DENY: 'ACL_PERMISSION_DENY',
} as const;

/**
 * Whether a binding allows or denies. A matching deny wins over any allow; with no matching
 * allow the answer is no.
 */
export type AclPermission =
  /**
   * In a binding: refused. In a filter: either.
   */
  | 'ACL_PERMISSION_UNSPECIFIED'
  | 0
  | 'ACL_PERMISSION_ALLOW'
  | 1
  | 'ACL_PERMISSION_DENY'
  | 2

/**
 * Whether a binding allows or denies. A matching deny wins over any allow; with no matching
 * allow the answer is no.
 */
export type AclPermission__Output = typeof AclPermission[keyof typeof AclPermission]
