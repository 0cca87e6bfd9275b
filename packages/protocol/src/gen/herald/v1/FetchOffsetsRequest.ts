// Original file: proto/herald/v1/groups.proto


export interface FetchOffsetsRequest {
  /**
   * The group's name.
   */
  'group'?: (string);
  /**
   * Only these topics; empty means every topic with a committed offset.
   */
  'topics'?: (string)[];
}

export interface FetchOffsetsRequest__Output {
  /**
   * The group's name.
   */
  'group': (string);
  /**
   * Only these topics; empty means every topic with a committed offset.
   */
  'topics': (string)[];
}
