// Original file: proto/herald/v1/admin.proto


export interface DeleteTopicRequest {
  /**
   * The topic's name.
   */
  'name'?: (string);
}

export interface DeleteTopicRequest__Output {
  /**
   * The topic's name.
   */
  'name': (string);
}
