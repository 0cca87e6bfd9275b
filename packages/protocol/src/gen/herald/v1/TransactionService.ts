// Original file: proto/herald/v1/transactions.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddToTransactionRequest as _herald_v1_AddToTransactionRequest, AddToTransactionRequest__Output as _herald_v1_AddToTransactionRequest__Output } from '../../herald/v1/AddToTransactionRequest.js';
import type { AddToTransactionResponse as _herald_v1_AddToTransactionResponse, AddToTransactionResponse__Output as _herald_v1_AddToTransactionResponse__Output } from '../../herald/v1/AddToTransactionResponse.js';
import type { CommitTransactionOffsetsRequest as _herald_v1_CommitTransactionOffsetsRequest, CommitTransactionOffsetsRequest__Output as _herald_v1_CommitTransactionOffsetsRequest__Output } from '../../herald/v1/CommitTransactionOffsetsRequest.js';
import type { CommitTransactionOffsetsResponse as _herald_v1_CommitTransactionOffsetsResponse, CommitTransactionOffsetsResponse__Output as _herald_v1_CommitTransactionOffsetsResponse__Output } from '../../herald/v1/CommitTransactionOffsetsResponse.js';
import type { EndHalfRequest as _herald_v1_EndHalfRequest, EndHalfRequest__Output as _herald_v1_EndHalfRequest__Output } from '../../herald/v1/EndHalfRequest.js';
import type { EndHalfResponse as _herald_v1_EndHalfResponse, EndHalfResponse__Output as _herald_v1_EndHalfResponse__Output } from '../../herald/v1/EndHalfResponse.js';
import type { EndTransactionRequest as _herald_v1_EndTransactionRequest, EndTransactionRequest__Output as _herald_v1_EndTransactionRequest__Output } from '../../herald/v1/EndTransactionRequest.js';
import type { EndTransactionResponse as _herald_v1_EndTransactionResponse, EndTransactionResponse__Output as _herald_v1_EndTransactionResponse__Output } from '../../herald/v1/EndTransactionResponse.js';
import type { HalfCheck as _herald_v1_HalfCheck, HalfCheck__Output as _herald_v1_HalfCheck__Output } from '../../herald/v1/HalfCheck.js';
import type { InitTransactionsRequest as _herald_v1_InitTransactionsRequest, InitTransactionsRequest__Output as _herald_v1_InitTransactionsRequest__Output } from '../../herald/v1/InitTransactionsRequest.js';
import type { InitTransactionsResponse as _herald_v1_InitTransactionsResponse, InitTransactionsResponse__Output as _herald_v1_InitTransactionsResponse__Output } from '../../herald/v1/InitTransactionsResponse.js';
import type { ListHalvesRequest as _herald_v1_ListHalvesRequest, ListHalvesRequest__Output as _herald_v1_ListHalvesRequest__Output } from '../../herald/v1/ListHalvesRequest.js';
import type { ListHalvesResponse as _herald_v1_ListHalvesResponse, ListHalvesResponse__Output as _herald_v1_ListHalvesResponse__Output } from '../../herald/v1/ListHalvesResponse.js';
import type { ListTransactionsRequest as _herald_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _herald_v1_ListTransactionsRequest__Output } from '../../herald/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _herald_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _herald_v1_ListTransactionsResponse__Output } from '../../herald/v1/ListTransactionsResponse.js';
import type { SendHalfRequest as _herald_v1_SendHalfRequest, SendHalfRequest__Output as _herald_v1_SendHalfRequest__Output } from '../../herald/v1/SendHalfRequest.js';
import type { SendHalfResponse as _herald_v1_SendHalfResponse, SendHalfResponse__Output as _herald_v1_SendHalfResponse__Output } from '../../herald/v1/SendHalfResponse.js';
import type { WatchChecksRequest as _herald_v1_WatchChecksRequest, WatchChecksRequest__Output as _herald_v1_WatchChecksRequest__Output } from '../../herald/v1/WatchChecksRequest.js';

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
export interface TransactionServiceClient extends grpc.Client {
  /**
   * Adds partitions (and groups whose offsets it will commit) to the ongoing transaction, or
   * begins one with them.
   */
  AddToTransaction(argument: _herald_v1_AddToTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  AddToTransaction(argument: _herald_v1_AddToTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  AddToTransaction(argument: _herald_v1_AddToTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  AddToTransaction(argument: _herald_v1_AddToTransactionRequest, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds partitions (and groups whose offsets it will commit) to the ongoing transaction, or
   * begins one with them.
   */
  addToTransaction(argument: _herald_v1_AddToTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  addToTransaction(argument: _herald_v1_AddToTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  addToTransaction(argument: _herald_v1_AddToTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  addToTransaction(argument: _herald_v1_AddToTransactionRequest, callback: grpc.requestCallback<_herald_v1_AddToTransactionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Offsets of a group added to the transaction: committed when the transaction commits.
   */
  CommitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Offsets of a group added to the transaction: committed when the transaction commits.
   */
  commitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitTransactionOffsets(argument: _herald_v1_CommitTransactionOffsetsRequest, callback: grpc.requestCallback<_herald_v1_CommitTransactionOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Commits or rolls back a half message; answered once the decision is committed.
   */
  EndHalf(argument: _herald_v1_EndHalfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  EndHalf(argument: _herald_v1_EndHalfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  EndHalf(argument: _herald_v1_EndHalfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  EndHalf(argument: _herald_v1_EndHalfRequest, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Commits or rolls back a half message; answered once the decision is committed.
   */
  endHalf(argument: _herald_v1_EndHalfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  endHalf(argument: _herald_v1_EndHalfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  endHalf(argument: _herald_v1_EndHalfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  endHalf(argument: _herald_v1_EndHalfRequest, callback: grpc.requestCallback<_herald_v1_EndHalfResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Commits or aborts the ongoing transaction; answered once every marker is written (its
   * records readable, or never), with the epoch for the next transaction.
   */
  EndTransaction(argument: _herald_v1_EndTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  EndTransaction(argument: _herald_v1_EndTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  EndTransaction(argument: _herald_v1_EndTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  EndTransaction(argument: _herald_v1_EndTransactionRequest, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Commits or aborts the ongoing transaction; answered once every marker is written (its
   * records readable, or never), with the epoch for the next transaction.
   */
  endTransaction(argument: _herald_v1_EndTransactionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  endTransaction(argument: _herald_v1_EndTransactionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  endTransaction(argument: _herald_v1_EndTransactionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  endTransaction(argument: _herald_v1_EndTransactionRequest, callback: grpc.requestCallback<_herald_v1_EndTransactionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Atomic transactions across partitions, with consumer-group offsets (KIP-98, with KIP-890's
   * new epoch per transaction). The coordinator runs on the controller: send these there (any
   * other node refuses with NotLeader naming it). Records are written with Produce at each
   * partition's leader, in transactional batches (attributes bit 4) under the producer id and
   * epoch InitTransactions gave; a partition accepts them only once AddToTransaction added it.
   * Each needs Write on the transactional-id resource; AddToTransaction also Write on the
   * topics and Read on the groups, CommitTransactionOffsets Read on the group and its topics.
   * Refusals (trailer `herald-reason`): ProducerFenced (a newer instance of the id, or the
   * coordinator's abort at the timeout, took over), InvalidProducerIdMapping (the producer id is
   * not the id's), InvalidTxnState (no ongoing transaction, or the other decision was made),
   * ConcurrentTransactions (UNAVAILABLE, retryable: the previous transaction is still ending).
   * 
   * A producer id and epoch for a transactional id: its epoch bumped, which fences every older
   * instance; a transaction an older instance left open is aborted first.
   */
  InitTransactions(argument: _herald_v1_InitTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  InitTransactions(argument: _herald_v1_InitTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  InitTransactions(argument: _herald_v1_InitTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  InitTransactions(argument: _herald_v1_InitTransactionsRequest, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Atomic transactions across partitions, with consumer-group offsets (KIP-98, with KIP-890's
   * new epoch per transaction). The coordinator runs on the controller: send these there (any
   * other node refuses with NotLeader naming it). Records are written with Produce at each
   * partition's leader, in transactional batches (attributes bit 4) under the producer id and
   * epoch InitTransactions gave; a partition accepts them only once AddToTransaction added it.
   * Each needs Write on the transactional-id resource; AddToTransaction also Write on the
   * topics and Read on the groups, CommitTransactionOffsets Read on the group and its topics.
   * Refusals (trailer `herald-reason`): ProducerFenced (a newer instance of the id, or the
   * coordinator's abort at the timeout, took over), InvalidProducerIdMapping (the producer id is
   * not the id's), InvalidTxnState (no ongoing transaction, or the other decision was made),
   * ConcurrentTransactions (UNAVAILABLE, retryable: the previous transaction is still ending).
   * 
   * A producer id and epoch for a transactional id: its epoch bumped, which fences every older
   * instance; a transaction an older instance left open is aborted first.
   */
  initTransactions(argument: _herald_v1_InitTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  initTransactions(argument: _herald_v1_InitTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  initTransactions(argument: _herald_v1_InitTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  initTransactions(argument: _herald_v1_InitTransactionsRequest, callback: grpc.requestCallback<_herald_v1_InitTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The half messages of the topic's partitions this node leads: undecided ones, and with
   * include_decided the decisions the partitions still remember (a client asks every node).
   */
  ListHalves(argument: _herald_v1_ListHalvesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  ListHalves(argument: _herald_v1_ListHalvesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  ListHalves(argument: _herald_v1_ListHalvesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  ListHalves(argument: _herald_v1_ListHalvesRequest, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The half messages of the topic's partitions this node leads: undecided ones, and with
   * include_decided the decisions the partitions still remember (a client asks every node).
   */
  listHalves(argument: _herald_v1_ListHalvesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  listHalves(argument: _herald_v1_ListHalvesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  listHalves(argument: _herald_v1_ListHalvesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  listHalves(argument: _herald_v1_ListHalvesRequest, callback: grpc.requestCallback<_herald_v1_ListHalvesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every transactional id and its current or last transaction (Describe on the cluster).
   */
  ListTransactions(argument: _herald_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _herald_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _herald_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _herald_v1_ListTransactionsRequest, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every transactional id and its current or last transaction (Describe on the cluster).
   */
  listTransactions(argument: _herald_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _herald_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _herald_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _herald_v1_ListTransactionsRequest, callback: grpc.requestCallback<_herald_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stores a half message. Answered once committed by a Raft majority (acks QUORUM), so the
   * producer may run its local transaction. Idempotent by id: a retry is answered with
   * duplicate = true and stores nothing.
   */
  SendHalf(argument: _herald_v1_SendHalfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  SendHalf(argument: _herald_v1_SendHalfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  SendHalf(argument: _herald_v1_SendHalfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  SendHalf(argument: _herald_v1_SendHalfRequest, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stores a half message. Answered once committed by a Raft majority (acks QUORUM), so the
   * producer may run its local transaction. Idempotent by id: a retry is answered with
   * duplicate = true and stores nothing.
   */
  sendHalf(argument: _herald_v1_SendHalfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  sendHalf(argument: _herald_v1_SendHalfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  sendHalf(argument: _herald_v1_SendHalfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  sendHalf(argument: _herald_v1_SendHalfRequest, callback: grpc.requestCallback<_herald_v1_SendHalfResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Check-backs for one producer group, pushed by the partitions this node leads, until the
   * client cancels.
   */
  WatchChecks(argument: _herald_v1_WatchChecksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_HalfCheck__Output>;
  WatchChecks(argument: _herald_v1_WatchChecksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_HalfCheck__Output>;
  /**
   * Check-backs for one producer group, pushed by the partitions this node leads, until the
   * client cancels.
   */
  watchChecks(argument: _herald_v1_WatchChecksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_HalfCheck__Output>;
  watchChecks(argument: _herald_v1_WatchChecksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_herald_v1_HalfCheck__Output>;
  
}

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
export interface TransactionServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds partitions (and groups whose offsets it will commit) to the ongoing transaction, or
   * begins one with them.
   */
  AddToTransaction: grpc.handleUnaryCall<_herald_v1_AddToTransactionRequest__Output, _herald_v1_AddToTransactionResponse>;
  
  /**
   * Offsets of a group added to the transaction: committed when the transaction commits.
   */
  CommitTransactionOffsets: grpc.handleUnaryCall<_herald_v1_CommitTransactionOffsetsRequest__Output, _herald_v1_CommitTransactionOffsetsResponse>;
  
  /**
   * Commits or rolls back a half message; answered once the decision is committed.
   */
  EndHalf: grpc.handleUnaryCall<_herald_v1_EndHalfRequest__Output, _herald_v1_EndHalfResponse>;
  
  /**
   * Commits or aborts the ongoing transaction; answered once every marker is written (its
   * records readable, or never), with the epoch for the next transaction.
   */
  EndTransaction: grpc.handleUnaryCall<_herald_v1_EndTransactionRequest__Output, _herald_v1_EndTransactionResponse>;
  
  /**
   * Atomic transactions across partitions, with consumer-group offsets (KIP-98, with KIP-890's
   * new epoch per transaction). The coordinator runs on the controller: send these there (any
   * other node refuses with NotLeader naming it). Records are written with Produce at each
   * partition's leader, in transactional batches (attributes bit 4) under the producer id and
   * epoch InitTransactions gave; a partition accepts them only once AddToTransaction added it.
   * Each needs Write on the transactional-id resource; AddToTransaction also Write on the
   * topics and Read on the groups, CommitTransactionOffsets Read on the group and its topics.
   * Refusals (trailer `herald-reason`): ProducerFenced (a newer instance of the id, or the
   * coordinator's abort at the timeout, took over), InvalidProducerIdMapping (the producer id is
   * not the id's), InvalidTxnState (no ongoing transaction, or the other decision was made),
   * ConcurrentTransactions (UNAVAILABLE, retryable: the previous transaction is still ending).
   * 
   * A producer id and epoch for a transactional id: its epoch bumped, which fences every older
   * instance; a transaction an older instance left open is aborted first.
   */
  InitTransactions: grpc.handleUnaryCall<_herald_v1_InitTransactionsRequest__Output, _herald_v1_InitTransactionsResponse>;
  
  /**
   * The half messages of the topic's partitions this node leads: undecided ones, and with
   * include_decided the decisions the partitions still remember (a client asks every node).
   */
  ListHalves: grpc.handleUnaryCall<_herald_v1_ListHalvesRequest__Output, _herald_v1_ListHalvesResponse>;
  
  /**
   * Every transactional id and its current or last transaction (Describe on the cluster).
   */
  ListTransactions: grpc.handleUnaryCall<_herald_v1_ListTransactionsRequest__Output, _herald_v1_ListTransactionsResponse>;
  
  /**
   * Stores a half message. Answered once committed by a Raft majority (acks QUORUM), so the
   * producer may run its local transaction. Idempotent by id: a retry is answered with
   * duplicate = true and stores nothing.
   */
  SendHalf: grpc.handleUnaryCall<_herald_v1_SendHalfRequest__Output, _herald_v1_SendHalfResponse>;
  
  /**
   * Check-backs for one producer group, pushed by the partitions this node leads, until the
   * client cancels.
   */
  WatchChecks: grpc.handleServerStreamingCall<_herald_v1_WatchChecksRequest__Output, _herald_v1_HalfCheck>;
  
}

export interface TransactionServiceDefinition extends grpc.ServiceDefinition {
  AddToTransaction: MethodDefinition<_herald_v1_AddToTransactionRequest, _herald_v1_AddToTransactionResponse, _herald_v1_AddToTransactionRequest__Output, _herald_v1_AddToTransactionResponse__Output>
  CommitTransactionOffsets: MethodDefinition<_herald_v1_CommitTransactionOffsetsRequest, _herald_v1_CommitTransactionOffsetsResponse, _herald_v1_CommitTransactionOffsetsRequest__Output, _herald_v1_CommitTransactionOffsetsResponse__Output>
  EndHalf: MethodDefinition<_herald_v1_EndHalfRequest, _herald_v1_EndHalfResponse, _herald_v1_EndHalfRequest__Output, _herald_v1_EndHalfResponse__Output>
  EndTransaction: MethodDefinition<_herald_v1_EndTransactionRequest, _herald_v1_EndTransactionResponse, _herald_v1_EndTransactionRequest__Output, _herald_v1_EndTransactionResponse__Output>
  InitTransactions: MethodDefinition<_herald_v1_InitTransactionsRequest, _herald_v1_InitTransactionsResponse, _herald_v1_InitTransactionsRequest__Output, _herald_v1_InitTransactionsResponse__Output>
  ListHalves: MethodDefinition<_herald_v1_ListHalvesRequest, _herald_v1_ListHalvesResponse, _herald_v1_ListHalvesRequest__Output, _herald_v1_ListHalvesResponse__Output>
  ListTransactions: MethodDefinition<_herald_v1_ListTransactionsRequest, _herald_v1_ListTransactionsResponse, _herald_v1_ListTransactionsRequest__Output, _herald_v1_ListTransactionsResponse__Output>
  SendHalf: MethodDefinition<_herald_v1_SendHalfRequest, _herald_v1_SendHalfResponse, _herald_v1_SendHalfRequest__Output, _herald_v1_SendHalfResponse__Output>
  WatchChecks: MethodDefinition<_herald_v1_WatchChecksRequest, _herald_v1_HalfCheck, _herald_v1_WatchChecksRequest__Output, _herald_v1_HalfCheck__Output>
}
