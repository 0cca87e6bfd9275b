// Original file: proto/herald/v1/queues.proto


export interface DeleteSubscriptionRequest {
  'topic'?: (string);
  'subscription'?: (string);
}

export interface DeleteSubscriptionRequest__Output {
  'topic': (string);
  'subscription': (string);
}
