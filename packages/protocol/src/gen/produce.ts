import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Error as _herald_v1_Error, Error__Output as _herald_v1_Error__Output } from './herald/v1/Error.js';
import type { ProduceRequest as _herald_v1_ProduceRequest, ProduceRequest__Output as _herald_v1_ProduceRequest__Output } from './herald/v1/ProduceRequest.js';
import type { ProduceResponse as _herald_v1_ProduceResponse, ProduceResponse__Output as _herald_v1_ProduceResponse__Output } from './herald/v1/ProduceResponse.js';
import type { ProduceServiceClient as _herald_v1_ProduceServiceClient, ProduceServiceDefinition as _herald_v1_ProduceServiceDefinition } from './herald/v1/ProduceService.js';
import type { ProduceStreamResponse as _herald_v1_ProduceStreamResponse, ProduceStreamResponse__Output as _herald_v1_ProduceStreamResponse__Output } from './herald/v1/ProduceStreamResponse.js';
import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from './herald/v1/RecordBatch.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      Acks: EnumTypeDefinition
      Error: MessageTypeDefinition<_herald_v1_Error, _herald_v1_Error__Output>
      ProduceRequest: MessageTypeDefinition<_herald_v1_ProduceRequest, _herald_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_herald_v1_ProduceResponse, _herald_v1_ProduceResponse__Output>
      /**
       * Appends record batches to partitions. Send each request to the partition's leader; any
       * other node refuses with FAILED_PRECONDITION, reason NotLeader, naming the leader in
       * `herald-leader-id` and `herald-leader-addr`.
       */
      ProduceService: SubtypeConstructor<typeof grpc.Client, _herald_v1_ProduceServiceClient> & { service: _herald_v1_ProduceServiceDefinition }
      ProduceStreamResponse: MessageTypeDefinition<_herald_v1_ProduceStreamResponse, _herald_v1_ProduceStreamResponse__Output>
      RecordBatch: MessageTypeDefinition<_herald_v1_RecordBatch, _herald_v1_RecordBatch__Output>
    }
  }
}

