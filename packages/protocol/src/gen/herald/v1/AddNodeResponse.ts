// Original file: proto/herald/v1/admin.proto

import type { Node as _herald_v1_Node, Node__Output as _herald_v1_Node__Output } from '../../herald/v1/Node.js';

export interface AddNodeResponse {
  /**
   * The node as the controller sees it once it became a voter or wait_ms passed.
   */
  'node'?: (_herald_v1_Node | null);
}

export interface AddNodeResponse__Output {
  /**
   * The node as the controller sees it once it became a voter or wait_ms passed.
   */
  'node': (_herald_v1_Node__Output | null);
}
