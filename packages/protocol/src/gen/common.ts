import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Error as _herald_v1_Error, Error__Output as _herald_v1_Error__Output } from './herald/v1/Error.js';
import type { RecordBatch as _herald_v1_RecordBatch, RecordBatch__Output as _herald_v1_RecordBatch__Output } from './herald/v1/RecordBatch.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  herald: {
    v1: {
      Error: MessageTypeDefinition<_herald_v1_Error, _herald_v1_Error__Output>
      RecordBatch: MessageTypeDefinition<_herald_v1_RecordBatch, _herald_v1_RecordBatch__Output>
    }
  }
}

