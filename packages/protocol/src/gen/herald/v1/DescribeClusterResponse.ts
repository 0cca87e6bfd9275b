// Original file: proto/herald/v1/admin.proto

import type { Node as _herald_v1_Node, Node__Output as _herald_v1_Node__Output } from '../../herald/v1/Node.js';

export interface DescribeClusterResponse {
  /**
   * The cluster's id, fixed when the cluster was first formed.
   */
  'clusterId'?: (string);
  /**
   * The controller: the node leading the meta group; 0 when none is known.
   */
  'controllerId'?: (number);
  /**
   * Every node of the cluster, ordered by id.
   */
  'nodes'?: (_herald_v1_Node)[];
  /**
   * The meta group's in-sync voters, the controller included, as the controller reports them
   * (Kafka's definition, as for a partition). Empty when the answering node could not learn
   * them (no controller, or it did not answer in time).
   */
  'controllerIsr'?: (number)[];
}

export interface DescribeClusterResponse__Output {
  /**
   * The cluster's id, fixed when the cluster was first formed.
   */
  'clusterId': (string);
  /**
   * The controller: the node leading the meta group; 0 when none is known.
   */
  'controllerId': (number);
  /**
   * Every node of the cluster, ordered by id.
   */
  'nodes': (_herald_v1_Node__Output)[];
  /**
   * The meta group's in-sync voters, the controller included, as the controller reports them
   * (Kafka's definition, as for a partition). Empty when the answering node could not learn
   * them (no controller, or it did not answer in time).
   */
  'controllerIsr': (number)[];
}
