// Original file: proto/herald/v1/queues.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteSubscriptionRequest as _herald_v1_DeleteSubscriptionRequest, DeleteSubscriptionRequest__Output as _herald_v1_DeleteSubscriptionRequest__Output } from '../../herald/v1/DeleteSubscriptionRequest.js';
import type { DeleteSubscriptionResponse as _herald_v1_DeleteSubscriptionResponse, DeleteSubscriptionResponse__Output as _herald_v1_DeleteSubscriptionResponse__Output } from '../../herald/v1/DeleteSubscriptionResponse.js';
import type { DescribeSubscriptionsRequest as _herald_v1_DescribeSubscriptionsRequest, DescribeSubscriptionsRequest__Output as _herald_v1_DescribeSubscriptionsRequest__Output } from '../../herald/v1/DescribeSubscriptionsRequest.js';
import type { DescribeSubscriptionsResponse as _herald_v1_DescribeSubscriptionsResponse, DescribeSubscriptionsResponse__Output as _herald_v1_DescribeSubscriptionsResponse__Output } from '../../herald/v1/DescribeSubscriptionsResponse.js';
import type { ReceiveRequest as _herald_v1_ReceiveRequest, ReceiveRequest__Output as _herald_v1_ReceiveRequest__Output } from '../../herald/v1/ReceiveRequest.js';
import type { ReceiveResponse as _herald_v1_ReceiveResponse, ReceiveResponse__Output as _herald_v1_ReceiveResponse__Output } from '../../herald/v1/ReceiveResponse.js';
import type { SettleRequest as _herald_v1_SettleRequest, SettleRequest__Output as _herald_v1_SettleRequest__Output } from '../../herald/v1/SettleRequest.js';
import type { SettleResponse as _herald_v1_SettleResponse, SettleResponse__Output as _herald_v1_SettleResponse__Output } from '../../herald/v1/SettleResponse.js';

/**
 * A queue subscription reads a topic as a queue (RabbitMQ's quorum queues, Kafka's share
 * groups): any number of members receive from every partition, each record is leased to one
 * member at a time until an ack deadline, and each is acknowledged on its own. The state of a
 * subscription (leases, delivery counts, acks) lives in the partition's replicated log, so it
 * survives the loss of the partition's leader: an acknowledged record is never delivered
 * again, and an unacknowledged one is always delivered again once its lease expires.
 * 
 * Send every call to the partition's leader; any other node refuses with FAILED_PRECONDITION,
 * reason NotLeader, naming the leader in `herald-leader-id` and `herald-leader-addr`.
 * 
 * A delivery is named by a receipt, its offset and delivery count: an ack for an older
 * delivery of a record that was leased again since does not settle the newer one.
 * 
 * Topic configs that shape queues (CreateTopic `configs`):
 * - max.deliveries: after this many deliveries, a record whose lease expires or that is
 * nacked goes to the dead-letter topic instead of back out (unset: no limit);
 * - dead.letter.topic: where dead letters go (default "<topic>.dlq"; created with the topic
 * when max.deliveries is set). A dead letter keeps the record's key, value and headers,
 * plus the headers herald-dlq-reason ("max-deliveries" or "rejected"),
 * herald-dlq-topic, herald-dlq-partition, herald-dlq-offset, herald-dlq-subscription and
 * herald-dlq-deliveries. Without a dead-letter topic, rejected records are dropped
 * (RabbitMQ's rule);
 * - retention.unacked: "keep" (the default) stops retention at the first record a
 * subscription has not settled; "delete" lets retention remove it.
 * 
 * Delayed delivery: a record with the header herald-deliver-at (epoch milliseconds, decimal
 * text) is not delivered to queue subscriptions before that time. Readers of the log (Fetch,
 * Subscribe, consumer groups) see it at once.
 * 
 * Refusals specific to queues (trailer `herald-reason`):
 * - SubscriptionNotFound (NOT_FOUND): no such subscription on the partition.
 */
export interface QueueServiceClient extends grpc.Client {
  /**
   * Settles the records. Answered once replicated; receipts that do not name a held record
   * are listed in `refused` (the others are settled).
   */
  Ack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Ack(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Settles the records. Answered once replicated; receipts that do not name a held record
   * are listed in `refused` (the others are settled).
   */
  ack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  ack(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Forgets a subscription (its leases, acks and counts) on the partitions of the topic this
   * node leads (a client asks every node).
   */
  DeleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  DeleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  DeleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  DeleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Forgets a subscription (its leases, acks and counts) on the partitions of the topic this
   * node leads (a client asks every node).
   */
  deleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  deleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  deleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  deleteSubscription(argument: _herald_v1_DeleteSubscriptionRequest, callback: grpc.requestCallback<_herald_v1_DeleteSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The subscriptions of a topic, or one of them, on the partitions this node leads (a client
   * asks every node and merges the answers).
   */
  DescribeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  DescribeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The subscriptions of a topic, or one of them, on the partitions this node leads (a client
   * asks every node and merges the answers).
   */
  describeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  describeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  describeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  describeSubscriptions(argument: _herald_v1_DescribeSubscriptionsRequest, callback: grpc.requestCallback<_herald_v1_DescribeSubscriptionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves the records' ack deadline to now + ack_timeout_ms.
   */
  Extend(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Extend(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Extend(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Extend(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves the records' ack deadline to now + ack_timeout_ms.
   */
  extend(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  extend(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  extend(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  extend(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Gives the records back: delivered again after delay_ms, or, with reject, sent to the
   * dead-letter topic.
   */
  Nack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  Nack(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Gives the records back: delivered again after delay_ms, or, with reject, sent to the
   * dead-letter topic.
   */
  nack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _herald_v1_SettleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _herald_v1_SettleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  nack(argument: _herald_v1_SettleRequest, callback: grpc.requestCallback<_herald_v1_SettleResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leases up to max_records records to the member. When none is available, waits up to
   * max_wait_ms for one (new records, an expired lease, a nack's delay or a delivery time
   * passing), then answers, possibly with none. The first Receive of a subscription on a
   * partition creates it there, starting at start_position.
   */
  Receive(argument: _herald_v1_ReceiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  Receive(argument: _herald_v1_ReceiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  Receive(argument: _herald_v1_ReceiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  Receive(argument: _herald_v1_ReceiveRequest, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leases up to max_records records to the member. When none is available, waits up to
   * max_wait_ms for one (new records, an expired lease, a nack's delay or a delivery time
   * passing), then answers, possibly with none. The first Receive of a subscription on a
   * partition creates it there, starting at start_position.
   */
  receive(argument: _herald_v1_ReceiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  receive(argument: _herald_v1_ReceiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  receive(argument: _herald_v1_ReceiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  receive(argument: _herald_v1_ReceiveRequest, callback: grpc.requestCallback<_herald_v1_ReceiveResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * A queue subscription reads a topic as a queue (RabbitMQ's quorum queues, Kafka's share
 * groups): any number of members receive from every partition, each record is leased to one
 * member at a time until an ack deadline, and each is acknowledged on its own. The state of a
 * subscription (leases, delivery counts, acks) lives in the partition's replicated log, so it
 * survives the loss of the partition's leader: an acknowledged record is never delivered
 * again, and an unacknowledged one is always delivered again once its lease expires.
 * 
 * Send every call to the partition's leader; any other node refuses with FAILED_PRECONDITION,
 * reason NotLeader, naming the leader in `herald-leader-id` and `herald-leader-addr`.
 * 
 * A delivery is named by a receipt, its offset and delivery count: an ack for an older
 * delivery of a record that was leased again since does not settle the newer one.
 * 
 * Topic configs that shape queues (CreateTopic `configs`):
 * - max.deliveries: after this many deliveries, a record whose lease expires or that is
 * nacked goes to the dead-letter topic instead of back out (unset: no limit);
 * - dead.letter.topic: where dead letters go (default "<topic>.dlq"; created with the topic
 * when max.deliveries is set). A dead letter keeps the record's key, value and headers,
 * plus the headers herald-dlq-reason ("max-deliveries" or "rejected"),
 * herald-dlq-topic, herald-dlq-partition, herald-dlq-offset, herald-dlq-subscription and
 * herald-dlq-deliveries. Without a dead-letter topic, rejected records are dropped
 * (RabbitMQ's rule);
 * - retention.unacked: "keep" (the default) stops retention at the first record a
 * subscription has not settled; "delete" lets retention remove it.
 * 
 * Delayed delivery: a record with the header herald-deliver-at (epoch milliseconds, decimal
 * text) is not delivered to queue subscriptions before that time. Readers of the log (Fetch,
 * Subscribe, consumer groups) see it at once.
 * 
 * Refusals specific to queues (trailer `herald-reason`):
 * - SubscriptionNotFound (NOT_FOUND): no such subscription on the partition.
 */
export interface QueueServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Settles the records. Answered once replicated; receipts that do not name a held record
   * are listed in `refused` (the others are settled).
   */
  Ack: grpc.handleUnaryCall<_herald_v1_SettleRequest__Output, _herald_v1_SettleResponse>;
  
  /**
   * Forgets a subscription (its leases, acks and counts) on the partitions of the topic this
   * node leads (a client asks every node).
   */
  DeleteSubscription: grpc.handleUnaryCall<_herald_v1_DeleteSubscriptionRequest__Output, _herald_v1_DeleteSubscriptionResponse>;
  
  /**
   * The subscriptions of a topic, or one of them, on the partitions this node leads (a client
   * asks every node and merges the answers).
   */
  DescribeSubscriptions: grpc.handleUnaryCall<_herald_v1_DescribeSubscriptionsRequest__Output, _herald_v1_DescribeSubscriptionsResponse>;
  
  /**
   * Moves the records' ack deadline to now + ack_timeout_ms.
   */
  Extend: grpc.handleUnaryCall<_herald_v1_SettleRequest__Output, _herald_v1_SettleResponse>;
  
  /**
   * Gives the records back: delivered again after delay_ms, or, with reject, sent to the
   * dead-letter topic.
   */
  Nack: grpc.handleUnaryCall<_herald_v1_SettleRequest__Output, _herald_v1_SettleResponse>;
  
  /**
   * Leases up to max_records records to the member. When none is available, waits up to
   * max_wait_ms for one (new records, an expired lease, a nack's delay or a delivery time
   * passing), then answers, possibly with none. The first Receive of a subscription on a
   * partition creates it there, starting at start_position.
   */
  Receive: grpc.handleUnaryCall<_herald_v1_ReceiveRequest__Output, _herald_v1_ReceiveResponse>;
  
}

export interface QueueServiceDefinition extends grpc.ServiceDefinition {
  Ack: MethodDefinition<_herald_v1_SettleRequest, _herald_v1_SettleResponse, _herald_v1_SettleRequest__Output, _herald_v1_SettleResponse__Output>
  DeleteSubscription: MethodDefinition<_herald_v1_DeleteSubscriptionRequest, _herald_v1_DeleteSubscriptionResponse, _herald_v1_DeleteSubscriptionRequest__Output, _herald_v1_DeleteSubscriptionResponse__Output>
  DescribeSubscriptions: MethodDefinition<_herald_v1_DescribeSubscriptionsRequest, _herald_v1_DescribeSubscriptionsResponse, _herald_v1_DescribeSubscriptionsRequest__Output, _herald_v1_DescribeSubscriptionsResponse__Output>
  Extend: MethodDefinition<_herald_v1_SettleRequest, _herald_v1_SettleResponse, _herald_v1_SettleRequest__Output, _herald_v1_SettleResponse__Output>
  Nack: MethodDefinition<_herald_v1_SettleRequest, _herald_v1_SettleResponse, _herald_v1_SettleRequest__Output, _herald_v1_SettleResponse__Output>
  Receive: MethodDefinition<_herald_v1_ReceiveRequest, _herald_v1_ReceiveResponse, _herald_v1_ReceiveRequest__Output, _herald_v1_ReceiveResponse__Output>
}
