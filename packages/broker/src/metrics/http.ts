import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Registry } from 'prom-client';

/**
 * The metrics port: /metrics (Prometheus text format), /healthz (the process answers) and
 * /readyz (the node can serve: it knows a controller). HTTPS with the node's certificate when
 * `tls` is given (a secure node); nothing here needs a login, as with Kafka's JMX exporter and
 * Redpanda's metrics endpoint: a scraper checks the node's certificate.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(registry: Registry, isReady: () => boolean, tls?: { readonly cert: Buffer; readonly key: Buffer }) {
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: Error) => res.writeHead(500).end(`metrics failed: ${err.message}\n`),
        );
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        const ready = isReady();
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready: no controller known\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics, /healthz or /readyz\n');
      }
    };
    this.server = tls === undefined ? createServer(serve) : createHttpsServer({ cert: tls.cert, key: tls.key }, serve);
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
