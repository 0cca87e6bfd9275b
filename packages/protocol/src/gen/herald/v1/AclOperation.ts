// Original file: proto/herald/v1/security.proto

/**
 * Operations (Kafka's). Topic: read, write, create, delete, alter, describe. Group and queue:
 * read, delete, describe. Cluster: create (any topic), alter (users, ACLs, quotas, leadership),
 * describe. ALL is every operation. An allow of read, write, delete or alter implies describe.
 */
export const AclOperation = {
  /**
   * In a binding: refused. In a filter: any operation.
   */
  ACL_OPERATION_UNSPECIFIED: 'ACL_OPERATION_UNSPECIFIED',
  ACL_OPERATION_READ: 'ACL_OPERATION_READ',
  ACL_OPERATION_WRITE: 'ACL_OPERATION_WRITE',
  ACL_OPERATION_CREATE: 'ACL_OPERATION_CREATE',
  ACL_OPERATION_DELETE: 'ACL_OPERATION_DELETE',
  ACL_OPERATION_ALTER: 'ACL_OPERATION_ALTER',
  ACL_OPERATION_DESCRIBE: 'ACL_OPERATION_DESCRIBE',
  ACL_OPERATION_ALL: 'ACL_OPERATION_ALL',
} as const;

/**
 * Operations (Kafka's). Topic: read, write, create, delete, alter, describe. Group and queue:
 * read, delete, describe. Cluster: create (any topic), alter (users, ACLs, quotas, leadership),
 * describe. ALL is every operation. An allow of read, write, delete or alter implies describe.
 */
export type AclOperation =
  /**
   * In a binding: refused. In a filter: any operation.
   */
  | 'ACL_OPERATION_UNSPECIFIED'
  | 0
  | 'ACL_OPERATION_READ'
  | 1
  | 'ACL_OPERATION_WRITE'
  | 2
  | 'ACL_OPERATION_CREATE'
  | 3
  | 'ACL_OPERATION_DELETE'
  | 4
  | 'ACL_OPERATION_ALTER'
  | 5
  | 'ACL_OPERATION_DESCRIBE'
  | 6
  | 'ACL_OPERATION_ALL'
  | 7

/**
 * Operations (Kafka's). Topic: read, write, create, delete, alter, describe. Group and queue:
 * read, delete, describe. Cluster: create (any topic), alter (users, ACLs, quotas, leadership),
 * describe. ALL is every operation. An allow of read, write, delete or alter implies describe.
 */
export type AclOperation__Output = typeof AclOperation[keyof typeof AclOperation]
