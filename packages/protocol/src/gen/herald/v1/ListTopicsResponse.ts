// Original file: proto/herald/v1/admin.proto

import type { TopicSummary as _herald_v1_TopicSummary, TopicSummary__Output as _herald_v1_TopicSummary__Output } from '../../herald/v1/TopicSummary.js';

export interface ListTopicsResponse {
  /**
   * Every topic, ordered by name.
   */
  'topics'?: (_herald_v1_TopicSummary)[];
}

export interface ListTopicsResponse__Output {
  /**
   * Every topic, ordered by name.
   */
  'topics': (_herald_v1_TopicSummary__Output)[];
}
