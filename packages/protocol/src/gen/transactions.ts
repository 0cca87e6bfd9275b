import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddToTransactionRequest as _herald_v1_AddToTransactionRequest, AddToTransactionRequest__Output as _herald_v1_AddToTransactionRequest__Output } from './herald/v1/AddToTransactionRequest.js';
import type { AddToTransactionResponse as _herald_v1_AddToTransactionResponse, AddToTransactionResponse__Output as _herald_v1_AddToTransactionResponse__Output } from './herald/v1/AddToTransactionResponse.js';
import type { CommitTransactionOffsetsRequest as _herald_v1_CommitTransactionOffsetsRequest, CommitTransactionOffsetsRequest__Output as _herald_v1_CommitTransactionOffsetsRequest__Output } from './herald/v1/CommitTransactionOffsetsRequest.js';
import type { CommitTransactionOffsetsResponse as _herald_v1_CommitTransactionOffsetsResponse, CommitTransactionOffsetsResponse__Output as _herald_v1_CommitTransactionOffsetsResponse__Output } from './herald/v1/CommitTransactionOffsetsResponse.js';
import type { EndHalfRequest as _herald_v1_EndHalfRequest, EndHalfRequest__Output as _herald_v1_EndHalfRequest__Output } from './herald/v1/EndHalfRequest.js';
import type { EndHalfResponse as _herald_v1_EndHalfResponse, EndHalfResponse__Output as _herald_v1_EndHalfResponse__Output } from './herald/v1/EndHalfResponse.js';
import type { EndTransactionRequest as _herald_v1_EndTransactionRequest, EndTransactionRequest__Output as _herald_v1_EndTransactionRequest__Output } from './herald/v1/EndTransactionRequest.js';
import type { EndTransactionResponse as _herald_v1_EndTransactionResponse, EndTransactionResponse__Output as _herald_v1_EndTransactionResponse__Output } from './herald/v1/EndTransactionResponse.js';
import type { HalfCheck as _herald_v1_HalfCheck, HalfCheck__Output as _herald_v1_HalfCheck__Output } from './herald/v1/HalfCheck.js';
import type { HalfDescription as _herald_v1_HalfDescription, HalfDescription__Output as _herald_v1_HalfDescription__Output } from './herald/v1/HalfDescription.js';
import type { InitTransactionsRequest as _herald_v1_InitTransactionsRequest, InitTransactionsRequest__Output as _herald_v1_InitTransactionsRequest__Output } from './herald/v1/InitTransactionsRequest.js';
import type { InitTransactionsResponse as _herald_v1_InitTransactionsResponse, InitTransactionsResponse__Output as _herald_v1_InitTransactionsResponse__Output } from './herald/v1/InitTransactionsResponse.js';
import type { ListHalvesRequest as _herald_v1_ListHalvesRequest, ListHalvesRequest__Output as _herald_v1_ListHalvesRequest__Output } from './herald/v1/ListHalvesRequest.js';
import type { ListHalvesResponse as _herald_v1_ListHalvesResponse, ListHalvesResponse__Output as _herald_v1_ListHalvesResponse__Output } from './herald/v1/ListHalvesResponse.js';
import type { ListTransactionsRequest as _herald_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _herald_v1_ListTransactionsRequest__Output } from './herald/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _herald_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _herald_v1_ListTransactionsResponse__Output } from './herald/v1/ListTransactionsResponse.js';
import type { SendHalfRequest as _herald_v1_SendHalfRequest, SendHalfRequest__Output as _herald_v1_SendHalfRequest__Output } from './herald/v1/SendHalfRequest.js';
import type { SendHalfResponse as _herald_v1_SendHalfResponse, SendHalfResponse__Output as _herald_v1_SendHalfResponse__Output } from './herald/v1/SendHalfResponse.js';
import type { TransactionDescription as _herald_v1_TransactionDescription, TransactionDescription__Output as _herald_v1_TransactionDescription__Output } from './herald/v1/TransactionDescription.js';
import type { TransactionOffset as _herald_v1_TransactionOffset, TransactionOffset__Output as _herald_v1_TransactionOffset__Output } from './herald/v1/TransactionOffset.js';
import type { TransactionPartition as _herald_v1_TransactionPartition, TransactionPartition__Output as _herald_v1_TransactionPartition__Output } from './herald/v1/TransactionPartition.js';
import type { TransactionServiceClient as _herald_v1_TransactionServiceClient, TransactionServiceDefinition as _herald_v1_TransactionServiceDefinition } from './herald/v1/TransactionService.js';
import type { WatchChecksRequest as _herald_v1_WatchChecksRequest, WatchChecksRequest__Output as _herald_v1_WatchChecksRequest__Output } from './herald/v1/WatchChecksRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      AddToTransactionRequest: MessageTypeDefinition<_herald_v1_AddToTransactionRequest, _herald_v1_AddToTransactionRequest__Output>
      AddToTransactionResponse: MessageTypeDefinition<_herald_v1_AddToTransactionResponse, _herald_v1_AddToTransactionResponse__Output>
      CommitTransactionOffsetsRequest: MessageTypeDefinition<_herald_v1_CommitTransactionOffsetsRequest, _herald_v1_CommitTransactionOffsetsRequest__Output>
      CommitTransactionOffsetsResponse: MessageTypeDefinition<_herald_v1_CommitTransactionOffsetsResponse, _herald_v1_CommitTransactionOffsetsResponse__Output>
      EndHalfRequest: MessageTypeDefinition<_herald_v1_EndHalfRequest, _herald_v1_EndHalfRequest__Output>
      EndHalfResponse: MessageTypeDefinition<_herald_v1_EndHalfResponse, _herald_v1_EndHalfResponse__Output>
      EndTransactionRequest: MessageTypeDefinition<_herald_v1_EndTransactionRequest, _herald_v1_EndTransactionRequest__Output>
      EndTransactionResponse: MessageTypeDefinition<_herald_v1_EndTransactionResponse, _herald_v1_EndTransactionResponse__Output>
      HalfCheck: MessageTypeDefinition<_herald_v1_HalfCheck, _herald_v1_HalfCheck__Output>
      HalfDecision: EnumTypeDefinition
      HalfDescription: MessageTypeDefinition<_herald_v1_HalfDescription, _herald_v1_HalfDescription__Output>
      InitTransactionsRequest: MessageTypeDefinition<_herald_v1_InitTransactionsRequest, _herald_v1_InitTransactionsRequest__Output>
      InitTransactionsResponse: MessageTypeDefinition<_herald_v1_InitTransactionsResponse, _herald_v1_InitTransactionsResponse__Output>
      ListHalvesRequest: MessageTypeDefinition<_herald_v1_ListHalvesRequest, _herald_v1_ListHalvesRequest__Output>
      ListHalvesResponse: MessageTypeDefinition<_herald_v1_ListHalvesResponse, _herald_v1_ListHalvesResponse__Output>
      ListTransactionsRequest: MessageTypeDefinition<_herald_v1_ListTransactionsRequest, _herald_v1_ListTransactionsRequest__Output>
      ListTransactionsResponse: MessageTypeDefinition<_herald_v1_ListTransactionsResponse, _herald_v1_ListTransactionsResponse__Output>
      SendHalfRequest: MessageTypeDefinition<_herald_v1_SendHalfRequest, _herald_v1_SendHalfRequest__Output>
      SendHalfResponse: MessageTypeDefinition<_herald_v1_SendHalfResponse, _herald_v1_SendHalfResponse__Output>
      TransactionDescription: MessageTypeDefinition<_herald_v1_TransactionDescription, _herald_v1_TransactionDescription__Output>
      TransactionOffset: MessageTypeDefinition<_herald_v1_TransactionOffset, _herald_v1_TransactionOffset__Output>
      TransactionPartition: MessageTypeDefinition<_herald_v1_TransactionPartition, _herald_v1_TransactionPartition__Output>
      /**
       * A half message is a record batch a partition stores but no reader sees: not Fetch, not
       * Subscribe, not consumer groups, not queue subscriptions. Its producer runs a local
       * transaction (a database write, say) and then commits the half message, which makes its
       * records visible at the partition's next offsets, or rolls it back, which discards them.
       * Every step is a command in the partition's Raft log, so a decision survives the loss of the
       * leader; a decision is final: a commit after a rollback (or the reverse) is refused with
       * HalfAlreadyDecided, and repeating the same decision succeeds (it is answered as before).
       * 
       * A half message left undecided is checked back: after transaction.check.after.ms (6 s by
       * default) the partition's leader sends a HalfCheck to the live members of the producer group
       * that sent it (clients holding a WatchChecks stream for that group on the leader's node and
       * allowed to write the topic), and again every transaction.check.interval.ms (60 s); after
       * transaction.check.max checks (15) it rolls the message back. A member answers by calling
       * EndHalf (commit or rollback) or not at all (unknown: it is asked again later). Producers
       * hold a WatchChecks stream on every node, since any node may come to lead the partition.
       * The three settings are node settings (transactions.checkAfterMs, checkIntervalMs,
       * checkMax) that a topic may override with the configs of the same names above.
       * 
       * Send SendHalf, EndHalf and ListHalves to the partition's leader; any other node refuses with
       * FAILED_PRECONDITION, reason NotLeader, naming the leader in `herald-leader-id` and
       * `herald-leader-addr`. Each needs Write on the topic (ListHalves: Describe).
       * 
       * Refusals specific to half messages (trailer `herald-reason`):
       * - HalfNotFound (NOT_FOUND): no half message of that id on the partition (never sent there,
       * or decided so long ago that the partition forgot it);
       * - HalfAlreadyDecided (FAILED_PRECONDITION): it was decided the other way; the message says
       * when and by whom;
       * - TooManyHalfMessages (RESOURCE_EXHAUSTED): the partition holds as many undecided half
       * messages as it may; decide some first.
       */
      TransactionService: SubtypeConstructor<typeof grpc.Client, _herald_v1_TransactionServiceClient> & { service: _herald_v1_TransactionServiceDefinition }
      WatchChecksRequest: MessageTypeDefinition<_herald_v1_WatchChecksRequest, _herald_v1_WatchChecksRequest__Output>
    }
  }
}

