// Original file: proto/herald/v1/admin.proto


export interface RemoveNodeRequest {
  /**
   * The node to remove.
   */
  'id'?: (number);
}

export interface RemoveNodeRequest__Output {
  /**
   * The node to remove.
   */
  'id': (number);
}
