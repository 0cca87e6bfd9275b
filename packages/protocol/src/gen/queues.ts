import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConsumeServiceClient as _herald_v1_ConsumeServiceClient, ConsumeServiceDefinition as _herald_v1_ConsumeServiceDefinition } from './herald/v1/ConsumeService.js';
import type { DeleteSubscriptionRequest as _herald_v1_DeleteSubscriptionRequest, DeleteSubscriptionRequest__Output as _herald_v1_DeleteSubscriptionRequest__Output } from './herald/v1/DeleteSubscriptionRequest.js';
import type { DeleteSubscriptionResponse as _herald_v1_DeleteSubscriptionResponse, DeleteSubscriptionResponse__Output as _herald_v1_DeleteSubscriptionResponse__Output } from './herald/v1/DeleteSubscriptionResponse.js';
import type { DescribeSubscriptionsRequest as _herald_v1_DescribeSubscriptionsRequest, DescribeSubscriptionsRequest__Output as _herald_v1_DescribeSubscriptionsRequest__Output } from './herald/v1/DescribeSubscriptionsRequest.js';
import type { DescribeSubscriptionsResponse as _herald_v1_DescribeSubscriptionsResponse, DescribeSubscriptionsResponse__Output as _herald_v1_DescribeSubscriptionsResponse__Output } from './herald/v1/DescribeSubscriptionsResponse.js';
import type { Error as _herald_v1_Error, Error__Output as _herald_v1_Error__Output } from './herald/v1/Error.js';
import type { FetchRequest as _herald_v1_FetchRequest, FetchRequest__Output as _herald_v1_FetchRequest__Output } from './herald/v1/FetchRequest.js';
import type { FetchResponse as _herald_v1_FetchResponse, FetchResponse__Output as _herald_v1_FetchResponse__Output } from './herald/v1/FetchResponse.js';
import type { ListOffsetsRequest as _herald_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _herald_v1_ListOffsetsRequest__Output } from './herald/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _herald_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _herald_v1_ListOffsetsResponse__Output } from './herald/v1/ListOffsetsResponse.js';
import type { QueueHeader as _herald_v1_QueueHeader, QueueHeader__Output as _herald_v1_QueueHeader__Output } from './herald/v1/QueueHeader.js';
import type { QueueMessage as _herald_v1_QueueMessage, QueueMessage__Output as _herald_v1_QueueMessage__Output } from './herald/v1/QueueMessage.js';
import type { QueueServiceClient as _herald_v1_QueueServiceClient, QueueServiceDefinition as _herald_v1_QueueServiceDefinition } from './herald/v1/QueueService.js';
import type { Receipt as _herald_v1_Receipt, Receipt__Output as _herald_v1_Receipt__Output } from './herald/v1/Receipt.js';
import type { ReceiveRequest as _herald_v1_ReceiveRequest, ReceiveRequest__Output as _herald_v1_ReceiveRequest__Output } from './herald/v1/ReceiveRequest.js';
import type { ReceiveResponse as _herald_v1_ReceiveResponse, ReceiveResponse__Output as _herald_v1_ReceiveResponse__Output } from './herald/v1/ReceiveResponse.js';
import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from './herald/v1/RecordBatch.js';
import type { RefusedReceipt as _herald_v1_RefusedReceipt, RefusedReceipt__Output as _herald_v1_RefusedReceipt__Output } from './herald/v1/RefusedReceipt.js';
import type { SettleRequest as _herald_v1_SettleRequest, SettleRequest__Output as _herald_v1_SettleRequest__Output } from './herald/v1/SettleRequest.js';
import type { SettleResponse as _herald_v1_SettleResponse, SettleResponse__Output as _herald_v1_SettleResponse__Output } from './herald/v1/SettleResponse.js';
import type { SubscribeRequest as _herald_v1_SubscribeRequest, SubscribeRequest__Output as _herald_v1_SubscribeRequest__Output } from './herald/v1/SubscribeRequest.js';
import type { SubscribeResponse as _herald_v1_SubscribeResponse, SubscribeResponse__Output as _herald_v1_SubscribeResponse__Output } from './herald/v1/SubscribeResponse.js';
import type { Subscription as _herald_v1_Subscription, Subscription__Output as _herald_v1_Subscription__Output } from './herald/v1/Subscription.js';
import type { SubscriptionPartition as _herald_v1_SubscriptionPartition, SubscriptionPartition__Output as _herald_v1_SubscriptionPartition__Output } from './herald/v1/SubscriptionPartition.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      /**
       * Reads committed record batches. Readers only ever see batches below the high watermark
       * (committed by a Raft majority), so nothing read can later disappear; reading committed (the
       * default), only below the last stable offset and without aborted transactions. Batches are returned
       * as stored, without decoding; a batch may start before the requested offset, and the reader
       * skips the records below it.
       * 
       * Consumer groups (membership, assignment, committed offsets) come in a separate GroupService
       * (herald/v1/groups.proto); queues (per-message acknowledgement) in a QueueService. Neither
       * changes the messages below except in the field ranges kept for them.
       */
      ConsumeService: SubtypeConstructor<typeof grpc.Client, _herald_v1_ConsumeServiceClient> & { service: _herald_v1_ConsumeServiceDefinition }
      DeleteSubscriptionRequest: MessageTypeDefinition<_herald_v1_DeleteSubscriptionRequest, _herald_v1_DeleteSubscriptionRequest__Output>
      DeleteSubscriptionResponse: MessageTypeDefinition<_herald_v1_DeleteSubscriptionResponse, _herald_v1_DeleteSubscriptionResponse__Output>
      DescribeSubscriptionsRequest: MessageTypeDefinition<_herald_v1_DescribeSubscriptionsRequest, _herald_v1_DescribeSubscriptionsRequest__Output>
      DescribeSubscriptionsResponse: MessageTypeDefinition<_herald_v1_DescribeSubscriptionsResponse, _herald_v1_DescribeSubscriptionsResponse__Output>
      Error: MessageTypeDefinition<_herald_v1_Error, _herald_v1_Error__Output>
      FetchRequest: MessageTypeDefinition<_herald_v1_FetchRequest, _herald_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_herald_v1_FetchResponse, _herald_v1_FetchResponse__Output>
      Isolation: EnumTypeDefinition
      ListOffsetsRequest: MessageTypeDefinition<_herald_v1_ListOffsetsRequest, _herald_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_herald_v1_ListOffsetsResponse, _herald_v1_ListOffsetsResponse__Output>
      QueueHeader: MessageTypeDefinition<_herald_v1_QueueHeader, _herald_v1_QueueHeader__Output>
      QueueMessage: MessageTypeDefinition<_herald_v1_QueueMessage, _herald_v1_QueueMessage__Output>
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
      QueueService: SubtypeConstructor<typeof grpc.Client, _herald_v1_QueueServiceClient> & { service: _herald_v1_QueueServiceDefinition }
      Receipt: MessageTypeDefinition<_herald_v1_Receipt, _herald_v1_Receipt__Output>
      ReceiveRequest: MessageTypeDefinition<_herald_v1_ReceiveRequest, _herald_v1_ReceiveRequest__Output>
      ReceiveResponse: MessageTypeDefinition<_herald_v1_ReceiveResponse, _herald_v1_ReceiveResponse__Output>
      RecordBatch: MessageTypeDefinition<_herald_v1_RecordBatch, _herald_v1_RecordBatch__Output>
      RefusedReceipt: MessageTypeDefinition<_herald_v1_RefusedReceipt, _herald_v1_RefusedReceipt__Output>
      SettleRequest: MessageTypeDefinition<_herald_v1_SettleRequest, _herald_v1_SettleRequest__Output>
      SettleResponse: MessageTypeDefinition<_herald_v1_SettleResponse, _herald_v1_SettleResponse__Output>
      StartPosition: EnumTypeDefinition
      SubscribeRequest: MessageTypeDefinition<_herald_v1_SubscribeRequest, _herald_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_herald_v1_SubscribeResponse, _herald_v1_SubscribeResponse__Output>
      Subscription: MessageTypeDefinition<_herald_v1_Subscription, _herald_v1_Subscription__Output>
      SubscriptionPartition: MessageTypeDefinition<_herald_v1_SubscriptionPartition, _herald_v1_SubscriptionPartition__Output>
    }
  }
}

