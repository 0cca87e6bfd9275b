import * as grpc from '@grpc/grpc-js';
import { loadApiDefinition } from '@herald/protocol';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { HeraldNode } from '../node.js';
import { groupService } from './group-service.js';
import { queueService } from './queue-service.js';
import { authService, securityService } from './security-service.js';
import { adminService, consumeService, produceService } from './services.js';
import { transactionService } from './transaction-service.js';

type Services = {
  herald: { v1: Record<'ProduceService' | 'ConsumeService' | 'AdminService' | 'GroupService' | 'QueueService' | 'AuthService' | 'SecurityService' | 'TransactionService', grpc.ServiceClientConstructor> };
};

/**
 * The client-facing gRPC server: Produce, Consume, Admin, Group, Queue, Auth, Security, Transaction, and
 * grpc.health.v1; TLS with an optional client certificate, or plaintext on an insecure node.
 * Limits from the node's config bound message sizes and concurrent streams; keepalive evicts
 * dead clients.
 */
export class ClientServer {
  private readonly server: grpc.Server;
  readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private port = 0;

  private readonly credentials: grpc.ServerCredentials;

  constructor(node: HeraldNode, log: Logger) {
    this.credentials = node.security.clientServerCredentials();
    const limits = node.config.limits;
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': limits.maxRequestBytes,
      'grpc.max_send_message_length': 128 << 20,
      'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    });
    const v1 = (grpc.loadPackageDefinition(loadApiDefinition()) as unknown as Services).herald.v1;
    this.server.addService(v1.ProduceService.service, produceService(node, log));
    this.server.addService(v1.ConsumeService.service, consumeService(node, log));
    this.server.addService(v1.AdminService.service, adminService(node, log));
    this.server.addService(v1.GroupService.service, groupService(node, log));
    this.server.addService(v1.QueueService.service, queueService(node, log));
    this.server.addService(v1.AuthService.service, authService(node, log));
    this.server.addService(v1.SecurityService.service, securityService(node, log));
    this.server.addService(v1.TransactionService.service, transactionService(node, log));
    this.health.addToServer(this.server);
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, this.credentials, (err, bound) => {
        if (err !== null) return reject(new Error(`cannot listen for clients on ${host}:${port}: ${err.message}`));
        this.port = bound;
        this.health.setStatus('', 'SERVING');
        resolve(bound);
      });
    });
  }

  get boundPort(): number {
    return this.port;
  }

  async close(): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2_000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
