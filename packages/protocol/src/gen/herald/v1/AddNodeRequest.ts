// Original file: proto/herald/v1/admin.proto


export interface AddNodeRequest {
  /**
   * The new node's id, at least 1: the id its certificate names.
   */
  'id'?: (number);
  /**
   * The host its peer and client ports are reached at.
   */
  'host'?: (string);
  /**
   * Its client (gRPC API) port.
   */
  'clientPort'?: (number);
  /**
   * Its peer (Raft) port.
   */
  'peerPort'?: (number);
  /**
   * Where Kafka clients reach it, when it serves Kafka; unset: host and 19090 + id.
   */
  'kafkaHost'?: (string);
  'kafkaPort'?: (number);
  /**
   * How long to wait for it to become a voter of the meta group, 0 to 120,000 ms; 0: 30,000.
   * The answer comes at the latest then, with its role at that moment.
   */
  'waitMs'?: (number);
  '_kafkaHost'?: "kafkaHost";
  '_kafkaPort'?: "kafkaPort";
}

export interface AddNodeRequest__Output {
  /**
   * The new node's id, at least 1: the id its certificate names.
   */
  'id': (number);
  /**
   * The host its peer and client ports are reached at.
   */
  'host': (string);
  /**
   * Its client (gRPC API) port.
   */
  'clientPort': (number);
  /**
   * Its peer (Raft) port.
   */
  'peerPort': (number);
  /**
   * Where Kafka clients reach it, when it serves Kafka; unset: host and 19090 + id.
   */
  'kafkaHost'?: (string);
  'kafkaPort'?: (number);
  /**
   * How long to wait for it to become a voter of the meta group, 0 to 120,000 ms; 0: 30,000.
   * The answer comes at the latest then, with its role at that moment.
   */
  'waitMs': (number);
  '_kafkaHost'?: "kafkaHost";
  '_kafkaPort'?: "kafkaPort";
}
