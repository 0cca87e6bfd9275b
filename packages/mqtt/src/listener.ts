// The gateway's listeners on one node: MQTT over TCP, and one HTTP port serving MQTT over
// WebSocket at /mqtt (subprotocol "mqtt"), POST /topics/<topic> and GET /sse. Started through
// the broker's ListenerFactory seam by `herald node start` (or a test cluster).

import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { HeraldNode, Listener, ListenerFactory } from '@herald/broker';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifiedCertificate } from './auth.js';
import { Connection, ReasonCode, type Wire } from './connection.js';
import { Gateway } from './gateway.js';
import { HttpPush } from './sse.js';

/** How often keep-alives and stalled writers are checked. */
const TICK_MS = 1_000;
/** How long a closing connection may take to flush before it is destroyed. */
const END_GRACE_MS = 1_000;

function tcpWire(socket: Socket): Wire {
  socket.setNoDelay(true);
  // A reset or a broken pipe is the client gone: 'close' follows, and the connection ends there.
  socket.on('error', () => {});
  // The acknowledgements of one turn of the event loop (the PUBACKs of a committed batch) leave
  // in one system call: the socket stays corked until the turn's callbacks and promise reactions
  // have run (Node's cork-then-nextTick-uncork pattern). Profiled: one write per PUBACK was 3.5%
  // of a gateway node's CPU. Deliveries are written at once, as before.
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return {
    transport: 'tcp',
    remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
    certificate: verifiedCertificate(socket),
    // Nothing is written once the connection is ending (a refusal, a protocol error).
    write: (bytes) => void (socket.writableEnded || socket.write(bytes)),
    writeBatched: (bytes) => {
      if (socket.writableEnded) return;
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      socket.write(bytes);
    },
    bufferedBytes: () => socket.writableLength,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => {
      socket.end();
      setTimeout(() => socket.destroy(), END_GRACE_MS).unref();
    },
    onData: (listener) => socket.on('data', listener),
    onDrain: (listener) => socket.on('drain', listener),
    onClose: (listener) => socket.once('close', listener),
  };
}

function wsWire(ws: WebSocket, req: IncomingMessage, drainBelow: number): Wire {
  const drainListeners: (() => void)[] = [];
  const write = (bytes: Buffer) =>
    ws.send(bytes, { binary: true }, () => {
      if (ws.bufferedAmount < drainBelow) for (const listener of drainListeners) listener();
    });
  // A malformed frame or a reset: ws closes the socket, and 'close' ends the connection.
  ws.on('error', () => {});
  return {
    transport: 'ws',
    remoteAddress: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`,
    certificate: verifiedCertificate(req.socket),
    // ws calls back once the frame is handed to the socket; below half the limit is "drained".
    write,
    writeBatched: write,
    bufferedBytes: () => ws.bufferedAmount,
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    end: () => {
      ws.close();
      setTimeout(() => ws.terminate(), END_GRACE_MS).unref();
    },
    onData: (listener) => ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => listener(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data))),
    onDrain: (listener) => drainListeners.push(listener),
    onClose: (listener) => ws.once('close', listener),
  };
}

/** Binds a server to host:port; resolves with the bound port. */
function listen(server: TcpServer | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * A ListenerFactory starting the MQTT gateway's listeners with a node, on `mqtt.port` and
 * `mqtt.httpPort` of its config. On a secure cluster (security.mode secure) both are TLS with the
 * node's certificate (MQTT over TLS, WSS and HTTPS), asking for a client certificate without
 * requiring one, and every client logs in (clusterAuthenticator) and is held to the cluster's
 * ACLs (clusterAuthorizer); an insecure cluster's are plaintext, without authentication, as its
 * gRPC port is.
 */
export function mqttListener(): ListenerFactory {
  return (node, logger) => startMqtt(node, logger.child({ component: 'mqtt' }));
}

async function startMqtt(node: HeraldNode, log: Logger): Promise<Listener> {
  const config = node.config.mqtt;
  const gateway = new Gateway(node, config, log);
  const limits = config.limits;
  const connections = new Set<Connection>();
  const accept = (wire: Wire, close: () => void) => {
    if (gateway.connectionCount() >= limits.connectionsMax) {
      gateway.metrics.connects.inc({ result: 'server_busy' });
      return close();
    }
    const connection = new Connection(wire, gateway);
    connections.add(connection);
    gateway.mqttConnections++;
    wire.onClose(() => {
      connections.delete(connection);
      gateway.mqttConnections--;
    });
  };

  const secure = node.security.secure;
  const tls: TlsOptions = { key: node.security.tls.key, cert: node.security.tls.cert, ca: node.security.tls.ca, requestCert: true, rejectUnauthorized: false };
  const tcp = secure ? createTlsServer(tls) : createTcpServer();
  tcp.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => accept(tcpWire(socket), () => socket.destroy()));
  if (secure) tcp.on('tlsClientError', () => gateway.metrics.connects.inc({ result: 'tls_failed' }));
  tcp.on('error', (err) => log.warn({ err }, 'MQTT listener error'));

  const push = new HttpPush(gateway);
  const http = secure ? createHttpsServer(tls) : createHttpServer();
  http.on('request', (req, res) => {
    if (push.handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('MQTT over WebSocket is at /mqtt; POST /topics/<topic>; GET /sse?topic=<topic> or ?filter=<mqtt filter>\n');
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPacketBytes,
    // MQTT over WebSocket: the subprotocol is "mqtt" (MQTT 5 §6), "mqttv3.1" for old clients.
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
  });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mqtt') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(wsWire(ws, req, limits.outgoingBytesMax / 2), () => ws.terminate()));
  });

  const tick = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      if (connection.keepAliveExpired(now)) connection.keepAliveTimeout();
      else if (connection.writeStalled(now)) connection.protocolError(ReasonCode.QuotaExceeded, 'the client does not read', 'slow_client');
    }
  }, TICK_MS);
  tick.unref();

  let ports: { mqtt: number; ws: number };
  try {
    ports = { mqtt: await listen(tcp, node.config.host, config.port ?? 0), ws: await listen(http, node.config.host, config.httpPort ?? 0) };
  } catch (err) {
    clearInterval(tick);
    tcp.close();
    http.close();
    await gateway.close();
    throw err;
  }
  log.info({ ...ports, secure }, 'MQTT gateway listening');
  return {
    ports,
    async close() {
      clearInterval(tick);
      tcp.close();
      for (const connection of connections) connection.shutdown();
      wss.close();
      http.closeAllConnections();
      http.close();
      await gateway.close();
    },
  };
}
