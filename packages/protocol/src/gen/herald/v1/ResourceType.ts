// Original file: proto/herald/v1/security.proto

/**
 * What an ACL protects.
 */
export const ResourceType = {
  /**
   * In a binding: refused. In a filter: any type.
   */
  RESOURCE_TYPE_UNSPECIFIED: 'RESOURCE_TYPE_UNSPECIFIED',
  RESOURCE_TYPE_TOPIC: 'RESOURCE_TYPE_TOPIC',
  /**
   * A consumer group.
   */
  RESOURCE_TYPE_GROUP: 'RESOURCE_TYPE_GROUP',
  /**
   * A queue subscription, by its name.
   */
  RESOURCE_TYPE_QUEUE: 'RESOURCE_TYPE_QUEUE',
  /**
   * The cluster; its one resource is named "herald-cluster".
   */
  RESOURCE_TYPE_CLUSTER: 'RESOURCE_TYPE_CLUSTER',
  /**
   * A transactional producer's id (KIP-98): Write to use it, over Kafka's protocol.
   */
  RESOURCE_TYPE_TRANSACTIONAL_ID: 'RESOURCE_TYPE_TRANSACTIONAL_ID',
} as const;

/**
 * What an ACL protects.
 */
export type ResourceType =
  /**
   * In a binding: refused. In a filter: any type.
   */
  | 'RESOURCE_TYPE_UNSPECIFIED'
  | 0
  | 'RESOURCE_TYPE_TOPIC'
  | 1
  /**
   * A consumer group.
   */
  | 'RESOURCE_TYPE_GROUP'
  | 2
  /**
   * A queue subscription, by its name.
   */
  | 'RESOURCE_TYPE_QUEUE'
  | 3
  /**
   * The cluster; its one resource is named "herald-cluster".
   */
  | 'RESOURCE_TYPE_CLUSTER'
  | 4
  /**
   * A transactional producer's id (KIP-98): Write to use it, over Kafka's protocol.
   */
  | 'RESOURCE_TYPE_TRANSACTIONAL_ID'
  | 5

/**
 * What an ACL protects.
 */
export type ResourceType__Output = typeof ResourceType[keyof typeof ResourceType]
