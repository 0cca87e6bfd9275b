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
  /**
   * Its part in the meta group: "voter"; "learner" (added, catching up before it votes);
   * "joining" (added, not yet in the meta group); "leaving" (removed, not yet out of the meta
   * group; its address is then empty).
   */
  'role'?: (string);
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
  /**
   * Its part in the meta group: "voter"; "learner" (added, catching up before it votes);
   * "joining" (added, not yet in the meta group); "leaving" (removed, not yet out of the meta
   * group; its address is then empty).
   */
  'role': (string);
}
