import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Which way a fault applies on one proxied link: `forward` is from the dialling side (the
 * client of the link) to the target, `backward` is the target's replies.
 */
export const Direction = { Both: 'both', Forward: 'forward', Backward: 'backward' } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** The fault on one direction of a link. */
export interface FlowFault {
  /** Drop every byte (and the FIN), keeping the connection open: a blackhole. */
  readonly drop: boolean;
  /** Hold every chunk this long before delivering it, in order. */
  readonly delayMs: number;
}

/** The faults on a link; `reset` wins over both flows. */
export interface LinkFaults {
  readonly forward: FlowFault;
  readonly backward: FlowFault;
  /** Current connections were reset and new ones are reset on arrival. */
  readonly reset: boolean;
}

/** Where a proxy forwards to. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** Options of LinkProxy.start(). */
export interface LinkProxyOptions {
  readonly target: ProxyTarget;
  /** Names the link in errors and reports, e.g. `1->2`. */
  readonly name?: string;
  /** Bytes one delayed direction of one connection may hold before its reader pauses. */
  readonly bufferBytesMax?: number;
  /** The address to listen on; default 127.0.0.1, port chosen by the OS. */
  readonly listenHost?: string;
}

/** Counters of one proxy since it started. */
export interface ProxyStats {
  readonly connectionsAccepted: number;
  readonly connectionsOpen: number;
  /** Connections reset on arrival while the link was in reset. */
  readonly connectionsRefused: number;
  /** Connections the proxy reset: by reset(), or on heal because a blackhole cut their stream. */
  readonly connectionsReset: number;
  /** Bytes delivered to the target and back to the client. */
  readonly bytesForward: number;
  readonly bytesBackward: number;
  /** Bytes dropped by a blackhole, each way. */
  readonly droppedBytesForward: number;
  readonly droppedBytesBackward: number;
  /** The most bytes any delayed direction of any connection held at once. */
  readonly bufferedBytesMax: number;
}

const passing: FlowFault = { drop: false, delayMs: 0 };

type Counters = { -readonly [K in keyof ProxyStats]: ProxyStats[K] };

/**
 * A user-space TCP proxy for one directed link (there is no `tc netem` here; RELIABILITY.md).
 * It listens on 127.0.0.1 and forwards each connection to the target, and the harness changes
 * what happens to the bytes at run time: pass, blackhole one or both directions, reset, delay.
 *
 * Robustness: every socket has an 'error' listener, so a peer's reset never becomes an uncaught
 * exception; buffering is bounded (a direction's reader pauses while its writer is backed up or
 * its delay queue is full), so a slow or blocked side cannot grow memory without bound.
 *
 * A blackhole drops bytes, which leaves a hole in the TCP stream that no protocol can resume
 * from. So when a direction that dropped bytes stops dropping, the proxy resets that connection
 * and the peers reconnect, as they would after a real partition long enough to break it.
 * Connections that lost nothing survive the heal.
 */
export class LinkProxy {
  private readonly connections = new Set<Connection>();
  private readonly counters: Counters = {
    connectionsAccepted: 0,
    connectionsOpen: 0,
    connectionsRefused: 0,
    connectionsReset: 0,
    bytesForward: 0,
    bytesBackward: 0,
    droppedBytesForward: 0,
    droppedBytesBackward: 0,
    bufferedBytesMax: 0,
  };
  private state: LinkFaults = { forward: passing, backward: passing, reset: false };
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: Server,
    readonly name: string,
    readonly target: ProxyTarget,
    readonly bufferBytesMax: number,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', () => {
      // After listen() succeeded the server has nothing left to fail on that we could act on;
      // the listener exists so an 'error' can never go unhandled.
    });
  }

  /** Starts a proxy listening on an OS-chosen port of 127.0.0.1. */
  static async start(options: LinkProxyOptions): Promise<LinkProxy> {
    const server = createServer({ allowHalfOpen: true });
    const name = options.name ?? `->${options.target.host}:${options.target.port}`;
    const proxy = new LinkProxy(server, name, options.target, options.bufferBytesMax ?? 1024 * 1024);
    server.listen(0, options.listenHost ?? '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  /** The port clients dial. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `host:port` clients dial. */
  get address(): string {
    const info = this.server.address() as AddressInfo;
    return `${info.address}:${info.port}`;
  }

  /** The faults now in force. */
  get faults(): LinkFaults {
    return this.state;
  }

  /** Forwards everything again, at once. */
  pass(): void {
    this.configure({ forward: passing, backward: passing, reset: false });
  }

  /** Drops bytes in `direction`, keeping connections open; the other direction passes. */
  blackhole(direction: Direction = Direction.Both): void {
    const dropped: FlowFault = { drop: true, delayMs: 0 };
    this.configure(flows(direction, dropped, passing));
  }

  /** Delays each chunk in `direction` by `delayMs`, preserving order; the other direction passes. */
  delay(delayMs: number, direction: Direction = Direction.Both): void {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`delayMs must be a non-negative number (got ${delayMs})`);
    this.configure(flows(direction, { drop: false, delayMs }, passing));
  }

  /** Resets every current connection (both ends see ECONNRESET) and resets new ones on arrival. */
  reset(): void {
    this.configure({ ...this.state, reset: true });
  }

  /**
   * Sets the whole fault state of the link. Flows not given pass; `reset` defaults to false.
   * The link table composes faults through this.
   */
  configure(faults: { forward?: FlowFault; backward?: FlowFault; reset?: boolean }): void {
    this.state = { forward: faults.forward ?? passing, backward: faults.backward ?? passing, reset: faults.reset ?? false };
    for (const connection of [...this.connections]) {
      if ((this.state.reset || connection.isCutBy(this.state)) && connection.reset()) this.counters.connectionsReset += 1;
    }
  }

  /** Counters since start. */
  stats(): ProxyStats {
    return { ...this.counters, connectionsOpen: this.connections.size };
  }

  /** Stops listening and destroys every connection; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const connection of this.connections) connection.destroy();
    });
    return this.closing;
  }

  private accept(client: Socket): void {
    client.on('error', ignoreError);
    this.counters.connectionsAccepted += 1;
    if (this.closing) {
      client.destroy();
      return;
    }
    if (this.state.reset) {
      this.counters.connectionsRefused += 1;
      resetSocket(client);
      return;
    }
    const connection = new Connection(client, this.target, this.bufferBytesMax, this.counters, () => this.state);
    this.connections.add(connection);
    connection.onClosed = () => this.connections.delete(connection);
  }
}

function flows(direction: Direction, faulty: FlowFault, other: FlowFault): { forward: FlowFault; backward: FlowFault } {
  return {
    forward: direction === Direction.Backward ? other : faulty,
    backward: direction === Direction.Forward ? other : faulty,
  };
}

const ignoreError = (): void => {
  // Errors on proxied sockets are the faults we inject or the peers' doing; 'close' follows and
  // handles them. The listener keeps them from being thrown as uncaught exceptions.
};

/** Sends an RST (not a FIN) and destroys the socket; already-destroyed sockets are left alone. */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // not a TCP handle (cannot happen for net sockets); still close it
  }
}

/** One proxied TCP connection: the accepted client socket and its upstream to the target. */
class Connection {
  private readonly upstream: Socket;
  private readonly forward: Flow;
  private readonly backward: Flow;
  private openSockets = 2;
  private wasReset = false;
  onClosed: () => void = () => {};

  constructor(
    private readonly client: Socket,
    target: ProxyTarget,
    bufferBytesMax: number,
    counters: Counters,
    faults: () => LinkFaults,
  ) {
    this.upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    this.upstream.on('error', ignoreError);
    client.setNoDelay(true);
    this.upstream.setNoDelay(true);
    this.forward = new Flow(client, this.upstream, bufferBytesMax, () => faults().forward, {
      delivered: (bytes) => (counters.bytesForward += bytes),
      dropped: (bytes) => (counters.droppedBytesForward += bytes),
      buffered: (bytes) => (counters.bufferedBytesMax = Math.max(counters.bufferedBytesMax, bytes)),
    });
    this.backward = new Flow(this.upstream, client, bufferBytesMax, () => faults().backward, {
      delivered: (bytes) => (counters.bytesBackward += bytes),
      dropped: (bytes) => (counters.droppedBytesBackward += bytes),
      buffered: (bytes) => (counters.bufferedBytesMax = Math.max(counters.bufferedBytesMax, bytes)),
    });
    this.watch(client, this.upstream);
    this.watch(this.upstream, client);
  }

  /** Whether a blackhole cut this connection's stream and `faults` no longer drops that way. */
  isCutBy(faults: LinkFaults): boolean {
    return (this.forward.damaged && !faults.forward.drop) || (this.backward.damaged && !faults.backward.drop);
  }

  /** Resets both sockets; false when this connection was already reset. */
  reset(): boolean {
    if (this.wasReset) return false;
    this.wasReset = true;
    this.forward.dispose();
    this.backward.dispose();
    resetSocket(this.client);
    resetSocket(this.upstream);
    return true;
  }

  destroy(): void {
    this.forward.dispose();
    this.backward.dispose();
    this.client.destroy();
    this.upstream.destroy();
  }

  private watch(socket: Socket, other: Socket): void {
    socket.on('close', (hadError) => {
      // A reset on one side is passed on as a reset, so the far peer learns at once (a killed
      // node's peers see ECONNRESET, which Herald uses to start an election early). A clean
      // close needs nothing: the 'end' already travels through the flow, in order.
      if (hadError) {
        this.forward.dispose();
        this.backward.dispose();
        resetSocket(other);
      }
      this.openSockets -= 1;
      if (this.openSockets === 0) this.onClosed();
    });
  }
}

interface FlowCounters {
  delivered(bytes: number): void;
  dropped(bytes: number): void;
  buffered(bytes: number): void;
}

/**
 * One direction of a connection. Chunks pass straight through unless delayed; a delayed chunk
 * waits in a FIFO queue until its due time. Due times never decrease, so lowering the delay
 * cannot let a later chunk overtake an earlier one.
 *
 * Invariant: the source is paused exactly while the sink is backed up or the queue holds
 * `bufferBytesMax` bytes or more.
 */
class Flow {
  private readonly queue: { chunk: Buffer; dueAt: number }[] = [];
  private queuedBytes = 0;
  private lastDueAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private sinkBlocked = false;
  private sourcePaused = false;
  private sourceEnded = false;
  private disposed = false;
  /** A blackhole dropped bytes (or the FIN) of this direction: the stream has a hole. */
  damaged = false;

  constructor(
    private readonly source: Socket,
    private readonly sink: Socket,
    private readonly bufferBytesMax: number,
    private readonly fault: () => FlowFault,
    private readonly counters: FlowCounters,
  ) {
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => this.onEnd());
    sink.on('drain', () => {
      this.sinkBlocked = false;
      this.flush();
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private onData(chunk: Buffer): void {
    if (this.disposed) return;
    const fault = this.fault();
    if (fault.drop) {
      this.damaged = true;
      this.counters.dropped(chunk.length);
      return;
    }
    const now = performance.now();
    const dueAt = Math.max(now + fault.delayMs, this.lastDueAt);
    this.lastDueAt = dueAt;
    if (this.queue.length === 0 && dueAt <= now && !this.sinkBlocked) {
      this.write(chunk);
    } else {
      this.queue.push({ chunk, dueAt });
      this.queuedBytes += chunk.length;
      this.counters.buffered(this.queuedBytes);
      this.schedule();
    }
    this.updateSource();
  }

  private onEnd(): void {
    if (this.disposed) return;
    if (this.fault().drop) {
      this.damaged = true; // the FIN is lost with the bytes
      return;
    }
    this.sourceEnded = true;
    this.flush();
  }

  /** Delivers every due chunk while the sink takes them; ends the sink after the last one. */
  private flush(): void {
    if (this.disposed) return;
    this.timer = null;
    const now = performance.now();
    while (!this.sinkBlocked) {
      const head = this.queue[0];
      if (!head || head.dueAt > now) break;
      this.queue.shift();
      this.queuedBytes -= head.chunk.length;
      this.write(head.chunk);
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.sourceEnded && !this.sink.destroyed && !this.sink.writableEnded) this.sink.end();
    this.updateSource();
  }

  private write(chunk: Buffer): void {
    if (this.sink.destroyed) {
      // Nowhere to deliver: the kernel would answer with an RST, so close the source too.
      this.source.destroy();
      return;
    }
    this.counters.delivered(chunk.length);
    if (!this.sink.write(chunk)) this.sinkBlocked = true;
  }

  private schedule(): void {
    if (this.timer || this.sinkBlocked) return;
    const head = this.queue[0];
    if (!head) return;
    // A timer may fire a little before performance.now() says the chunk is due; flush() then
    // finds it not yet due and schedules again, so no chunk leaves early.
    this.timer = setTimeout(() => this.flush(), Math.max(1, Math.ceil(head.dueAt - performance.now())));
  }

  private updateSource(): void {
    const backedUp = this.sinkBlocked || this.queuedBytes >= this.bufferBytesMax;
    if (backedUp && !this.sourcePaused) {
      this.sourcePaused = true;
      this.source.pause();
    } else if (!backedUp && this.sourcePaused) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }
}
