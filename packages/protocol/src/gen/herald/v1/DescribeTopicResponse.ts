// Original file: proto/herald/v1/admin.proto

import type { TopicDescription as _herald_v1_TopicDescription, TopicDescription__Output as _herald_v1_TopicDescription__Output } from '../../herald/v1/TopicDescription.js';

export interface DescribeTopicResponse {
  /**
   * The topic.
   */
  'topic'?: (_herald_v1_TopicDescription | null);
}

export interface DescribeTopicResponse__Output {
  /**
   * The topic.
   */
  'topic': (_herald_v1_TopicDescription__Output | null);
}
