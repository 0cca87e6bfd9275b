// Loads Herald's .proto files at run time with @grpc/proto-loader. Callers pass the result to
// grpc.loadPackageDefinition() themselves: this package never loads @grpc/grpc-js, so the
// codec and the error catalog work without it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as AdminGrpcType } from './gen/admin.js';
import type { ProtoGrpcType as AuthGrpcType } from './gen/auth.js';
import type { ProtoGrpcType as ConsumeGrpcType } from './gen/consume.js';
import type { ProtoGrpcType as GroupsGrpcType } from './gen/groups.js';
import type { ProtoGrpcType as ProduceGrpcType } from './gen/produce.js';
import type { ProtoGrpcType as QueuesGrpcType } from './gen/queues.js';
import type { ProtoGrpcType as RaftGrpcType } from './gen/raft.js';
import type { ProtoGrpcType as SecurityGrpcType } from './gen/security.js';
import type { ProtoGrpcType as TransactionsGrpcType } from './gen/transactions.js';

/** Where Herald's .proto files can be, relative to this file, which runs from the package's src/
 *  (sources) or dist/ (build): the copy an installed package carries beside dist/ (`npm pack`
 *  copies it in, see package.json), then the repository's proto/ folder three levels up. */
const PROTO_DIRS = ['../proto/', '../../../proto/'] as const;

/** The folder holding Herald's .proto files: the installed package's copy, or the repository's. */
export function protoDir(): string {
  const dirs = PROTO_DIRS.map((dir) => fileURLToPath(new URL(dir, import.meta.url)));
  const found = dirs.find((dir) => existsSync(`${dir}herald/v1/produce.proto`));
  if (found === undefined) throw new Error(`Herald's .proto files are in none of ${dirs.join(', ')}; @herald/protocol carries them in proto/, a clone in its proto/ folder`);
  return found;
}

/** The options every loader of Herald's .proto files uses, and scripts/gen-proto.sh mirrors:
 *  camelCase field names, 64-bit integers as numbers (offsets stay below 2^53), enums as their
 *  names, defaults for absent fields, the name of the set member of a oneof, bytes as Buffers. */
export const protoLoaderOptions = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const satisfies Options;

/** The public API's .proto files (package herald.v1), relative to protoDir(). */
export const API_PROTO_FILES = [
  'herald/v1/produce.proto',
  'herald/v1/consume.proto',
  'herald/v1/admin.proto',
  'herald/v1/groups.proto',
  'herald/v1/queues.proto',
  'herald/v1/auth.proto',
  'herald/v1/security.proto',
  'herald/v1/transactions.proto',
] as const;

/** The peer transport's .proto file (package herald.internal.v1), relative to protoDir(). */
export const PEER_PROTO_FILES = ['herald/internal/v1/raft.proto'] as const;

/** What grpc.loadPackageDefinition(loadApiDefinition()) returns, typed: ProduceService,
 *  ConsumeService, AdminService, GroupService, QueueService, AuthService, SecurityService and
 *  TransactionService under herald.v1. */
export type ApiGrpcType = ProduceGrpcType & ConsumeGrpcType & AdminGrpcType & GroupsGrpcType & QueuesGrpcType & AuthGrpcType & SecurityGrpcType & TransactionsGrpcType;

/** What grpc.loadPackageDefinition(loadPeerDefinition()) returns, typed: RaftTransport under
 *  herald.internal.v1. */
export type PeerGrpcType = RaftGrpcType;

let api: PackageDefinition | undefined;
let peer: PackageDefinition | undefined;

/** The public gRPC API (herald.v1), loaded once. Also what @grpc/reflection should serve. */
export function loadApiDefinition(): PackageDefinition {
  api ??= loadSync([...API_PROTO_FILES], { ...protoLoaderOptions, includeDirs: [protoDir()] });
  return api;
}

/** The internal peer transport (herald.internal.v1), loaded once. Served on the peer port only. */
export function loadPeerDefinition(): PackageDefinition {
  peer ??= loadSync([...PEER_PROTO_FILES], { ...protoLoaderOptions, includeDirs: [protoDir()] });
  return peer;
}
