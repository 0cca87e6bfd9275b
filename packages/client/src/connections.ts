// One gRPC channel per node address, shared by the services' stubs and reused for the client's
// lifetime; over TLS, with the session's token on every call, when the client has them
// (security.ts). grpc-js reconnects a channel by itself; its default reconnect backoff (1 s
// growing to 120 s) would keep a restarted node unused for minutes, so it is capped here.

import * as grpc from '@grpc/grpc-js';
import { invalidArgument, loadApiDefinition, type ApiGrpcType } from '@herald/protocol';
import { toHeraldError } from './errors.js';
import { channelCredentials, checkSecurityOptions, Session, tokenRefusalInterceptor, type AuthStub, type ClientCredentials, type TlsOptions } from './security.js';

type V1 = ApiGrpcType['herald']['v1'];

/** The stubs of one node's client API. */
export interface NodeStubs {
  readonly address: string;
  readonly admin: InstanceType<V1['AdminService']>;
  readonly consume: InstanceType<V1['ConsumeService']>;
  readonly produce: InstanceType<V1['ProduceService']>;
  readonly groups: InstanceType<V1['GroupService']>;
  readonly queues: InstanceType<V1['QueueService']>;
  readonly auth: AuthStub;
  readonly security: InstanceType<V1['SecurityService']>;
  readonly transactions: InstanceType<V1['TransactionService']>;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // Fetch answers up to 64 MiB of batches (the broker's cap on max_bytes).
  'grpc.max_receive_message_length': 128 << 20,
  'grpc.max_send_message_length': 128 << 20,
};

let v1: V1 | undefined;

/** Whether `address` is host:port, with a port from 1 to 65535 (surrounding spaces allowed). */
export function isAddress(address: string): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)$/.exec(address.trim());
  const port = Number(match?.[2]);
  return match !== null && port >= 1 && port <= 65535;
}

/** Checks a broker address: host:port, with a port from 1 to 65535. */
export function checkAddress(address: string): string {
  if (!isAddress(address)) throw invalidArgument('brokers', `"${address}" is not host:port`);
  return address.trim();
}

/** The channels of a client, one per address. */
export class Connections {
  private readonly nodes = new Map<string, NodeStubs>();
  private closed = false;
  /** The login session, when the client has credentials. */
  readonly session: Session | undefined;

  /** Plaintext channels without options; TLS with `tls`; a SCRAM session with `credentials`
   *  (which need `tls`). Throws InvalidArgument on options that cannot work. */
  constructor(
    private readonly tls?: TlsOptions,
    credentials?: ClientCredentials,
  ) {
    checkSecurityOptions(tls, credentials);
    this.session = credentials === undefined ? undefined : new Session(credentials, (address) => this.get(address).auth);
  }

  /** The stubs for `address`, opening its channel on first use. */
  get(address: string): NodeStubs {
    if (this.closed) throw new Error('the client is closed');
    let stubs = this.nodes.get(address);
    if (stubs === undefined) {
      v1 ??= (grpc.loadPackageDefinition(loadApiDefinition()) as unknown as ApiGrpcType).herald.v1;
      const credentials = channelCredentials(address, this.tls, this.session);
      const interceptors = this.session === undefined ? [] : [tokenRefusalInterceptor(this.session)];
      const admin = new v1.AdminService(address, credentials, { ...CHANNEL_OPTIONS, interceptors });
      const channelOverride = admin.getChannel();
      stubs = {
        address,
        admin,
        consume: new v1.ConsumeService(address, credentials, { channelOverride, interceptors }),
        produce: new v1.ProduceService(address, credentials, { channelOverride, interceptors }),
        groups: new v1.GroupService(address, credentials, { channelOverride, interceptors }),
        queues: new v1.QueueService(address, credentials, { channelOverride, interceptors }),
        auth: new v1.AuthService(address, credentials, { channelOverride, interceptors }),
        security: new v1.SecurityService(address, credentials, { channelOverride, interceptors }),
        transactions: new v1.TransactionService(address, credentials, { channelOverride, interceptors }),
      };
      this.nodes.set(address, stubs);
    }
    return stubs;
  }

  /** Closes every channel; calls still running fail with CANCELLED. */
  close(): void {
    this.closed = true;
    for (const stubs of this.nodes.values()) stubs.admin.close();
    this.nodes.clear();
  }
}

/**
 * Runs one unary call as a promise, with an absolute deadline and an optional abort signal.
 * Every failure is rejected as a HeraldError (errors.ts).
 */
export function unaryCall<Res>(
  address: string,
  start: (options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall,
  deadline: number,
  signal?: AbortSignal,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const call = start({ deadline }, (err, response) => {
      signal?.removeEventListener('abort', cancel);
      if (err !== null || response === undefined) reject(toHeraldError(err ?? new Error('empty response'), address));
      else resolve(response);
    });
    function cancel() {
      call.cancel();
    }
    if (signal?.aborted === true) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}
