// Original file: proto/herald/v1/groups.proto


export interface LeaveGroupRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * The member's id.
   */
  'memberId'?: (string);
}

export interface LeaveGroupRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * The member's id.
   */
  'memberId': (string);
}
