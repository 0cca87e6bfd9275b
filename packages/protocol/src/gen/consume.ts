import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConsumeServiceClient as _herald_v1_ConsumeServiceClient, ConsumeServiceDefinition as _herald_v1_ConsumeServiceDefinition } from './herald/v1/ConsumeService.js';
import type { Error as _herald_v1_Error, Error__Output as _herald_v1_Error__Output } from './herald/v1/Error.js';
import type { FetchRequest as _herald_v1_FetchRequest, FetchRequest__Output as _herald_v1_FetchRequest__Output } from './herald/v1/FetchRequest.js';
import type { FetchResponse as _herald_v1_FetchResponse, FetchResponse__Output as _herald_v1_FetchResponse__Output } from './herald/v1/FetchResponse.js';
import type { ListOffsetsRequest as _herald_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _herald_v1_ListOffsetsRequest__Output } from './herald/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _herald_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _herald_v1_ListOffsetsResponse__Output } from './herald/v1/ListOffsetsResponse.js';
import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from './herald/v1/RecordBatch.js';
import type { SubscribeRequest as _herald_v1_SubscribeRequest, SubscribeRequest__Output as _herald_v1_SubscribeRequest__Output } from './herald/v1/SubscribeRequest.js';
import type { SubscribeResponse as _herald_v1_SubscribeResponse, SubscribeResponse__Output as _herald_v1_SubscribeResponse__Output } from './herald/v1/SubscribeResponse.js';

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
      Error: MessageTypeDefinition<_herald_v1_Error, _herald_v1_Error__Output>
      FetchRequest: MessageTypeDefinition<_herald_v1_FetchRequest, _herald_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_herald_v1_FetchResponse, _herald_v1_FetchResponse__Output>
      Isolation: EnumTypeDefinition
      ListOffsetsRequest: MessageTypeDefinition<_herald_v1_ListOffsetsRequest, _herald_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_herald_v1_ListOffsetsResponse, _herald_v1_ListOffsetsResponse__Output>
      RecordBatch: MessageTypeDefinition<_herald_v1_RecordBatch, _herald_v1_RecordBatch__Output>
      StartPosition: EnumTypeDefinition
      SubscribeRequest: MessageTypeDefinition<_herald_v1_SubscribeRequest, _herald_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_herald_v1_SubscribeResponse, _herald_v1_SubscribeResponse__Output>
    }
  }
}

