// Original file: proto/herald/v1/admin.proto


/**
 * A node of the cluster.
 */
export interface Node {
  /**
   * The node's id, at least 1.
   */
  'id'?: (number);
  /**
   * The address clients reach the node's gRPC API at, as host:port.
   */
  'address'?: (string);
  /**
   * Whether the answering node currently hears from this node (it answered within the
   * liveness timeout).
   */
  'alive'?: (boolean);
}

/**
 * A node of the cluster.
 */
export interface Node__Output {
  /**
   * The node's id, at least 1.
   */
  'id': (number);
  /**
   * The address clients reach the node's gRPC API at, as host:port.
   */
  'address': (string);
  /**
   * Whether the answering node currently hears from this node (it answered within the
   * liveness timeout).
   */
  'alive': (boolean);
}
