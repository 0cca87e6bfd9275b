// Original file: proto/herald/v1/groups.proto


export interface DeleteGroupRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
}

export interface DeleteGroupRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
}
