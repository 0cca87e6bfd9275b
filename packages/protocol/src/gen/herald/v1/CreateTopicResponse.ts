// Original file: proto/herald/v1/admin.proto

import type { TopicDescription as _herald_v1_TopicDescription, TopicDescription__Output as _herald_v1_TopicDescription__Output } from '../../herald/v1/TopicDescription.js';

export interface CreateTopicResponse {
  /**
   * The topic as created. Its partitions may not have elected leaders yet (leader_id 0).
   */
  'topic'?: (_herald_v1_TopicDescription | null);
}

export interface CreateTopicResponse__Output {
  /**
   * The topic as created. Its partitions may not have elected leaders yet (leader_id 0).
   */
  'topic': (_herald_v1_TopicDescription__Output | null);
}
