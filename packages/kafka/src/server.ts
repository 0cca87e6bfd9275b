// The Kafka listener: a TCP (or TLS) server whose connections speak Kafka's wire protocol over
// a KafkaBackend.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { KafkaBackend } from './backend.js';
import { KafkaConnection, type KafkaMetrics } from './connection.js';
import type { KafkaLogger } from './handlers/context.js';
import type { SaslMechanism } from './sasl.js';

/** Options of a KafkaServer; all but the backend have defaults. */
export interface KafkaServerOptions {
  readonly backend: KafkaBackend;
  /** Where to listen; 127.0.0.1 and port 0 (any free port) by default. */
  readonly host?: string;
  readonly port?: number;
  /** TLS on the listener (the secure cluster's certificates); plaintext without. */
  readonly tls?: TlsOptions;
  /** Makes the server; a seam for other transports. Defaults to node:net or node:tls. */
  readonly createServer?: (onConnection: (socket: Socket) => void) => Server;
  /** The largest request frame (Kafka's socket.request.max.bytes): 100 MiB. */
  readonly frameBytesMax?: number;
  /** The largest record batch (Kafka's message.max.bytes): 1,048,588. */
  readonly messageBytesMax?: number;
  /** Requests read ahead per connection before reading pauses: 64. */
  readonly requestsInFlightMax?: number;
  /** Answer bytes queued for a client before reading from it pauses: 64 MiB. */
  readonly outputBytesMax?: number;
  /** Idle connections close after this long (Kafka's connections.max.idle.ms): 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** The longest a Fetch waits for data (long poll): 30 s. */
  readonly fetchWaitMaxMs?: number;
  /** Require authentication with one of these mechanisms; none by default. */
  readonly saslMechanisms?: readonly SaslMechanism[];
  readonly log?: KafkaLogger;
  readonly metrics?: KafkaMetrics;
}

const MIB = 1024 * 1024;

const silentLog: KafkaLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Serves Kafka clients on one port. */
export class KafkaServer {
  private readonly server: Server;
  private readonly connections = new Set<KafkaConnection>();

  constructor(private readonly options: KafkaServerOptions) {
    const log = options.log ?? silentLog;
    const deps = {
      backend: options.backend,
      settings: {
        messageBytesMax: options.messageBytesMax ?? 1_048_588,
        saslMechanisms: options.saslMechanisms ?? [],
        fetchWaitMaxMs: options.fetchWaitMaxMs ?? 30_000,
      },
      log,
      metrics: options.metrics ?? null,
      frameBytesMax: options.frameBytesMax ?? 100 * MIB,
      requestsInFlightMax: options.requestsInFlightMax ?? 64,
      outputBytesMax: options.outputBytesMax ?? 64 * MIB,
      idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    };
    const onConnection = (socket: Socket) => {
      socket.setNoDelay(true);
      const connection = new KafkaConnection(socket, deps);
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
    };
    if (options.createServer !== undefined) this.server = options.createServer(onConnection);
    else if (options.tls !== undefined) this.server = createTlsServer(options.tls, onConnection);
    else this.server = createServer(onConnection);
    this.server.on('error', (err) => log.error({ err }, 'kafka listener error'));
  }

  /** Starts listening; resolves with the address bound. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const connection of this.connections) connection.close('the listener is closing');
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
