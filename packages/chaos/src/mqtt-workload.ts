import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ReceivedMessage } from './history.js';
import type { ExtraWorkload, Listener, WorkloadContext } from './run.js';
import { createPrng, type Prng } from './schedule.js';
import { describeError, raceTimeout, sleep, timedOut } from './workload.js';

// The MQTT workload of a chaos run (issue #14): mqtt.js, a client no one here wrote, talks to
// the nodes' MQTT listeners through the run's proxies, so every fault hits it too. Publishers
// send QoS 1 messages with unique payloads, each to an MQTT topic of its own (`chaos-mqtt/m1`:
// one key, so one partition, so one order); one subscriber with a persistent session
// (clean start false, a session expiry) receives `chaos-mqtt/#` at QoS 1, and every few
// seconds leaves and comes back on the next node, so its session must carry it across nodes.
// mqtt-checks.ts holds them to QoS 1: every acknowledged publish received (duplicates allowed
// and counted), nothing received that was not published, each publisher's messages first
// received in the order acknowledged.

/** Options of MqttWorkload. */
export interface MqttWorkloadOptions {
  /** QoS 1 publishers (processes m1, m2, ...), one publish outstanding each; 2 by default. */
  readonly publishers?: number;
  /** The subscriber reconnects, to the next node, after a seeded time in this range; 5 to 15 s
   *  by default, 0 for never. */
  readonly reconnectMsMin?: number;
  readonly reconnectMsMax?: number;
}

/** The MQTT topics the workload publishes to, under one prefix (the subscriber's filter). */
const TOPIC_PREFIX = 'chaos-mqtt';
const SUBSCRIBER = 'ms';
/** How long a publish waits for its PUBACK before it is recorded as unknown. */
const PUBLISH_TIMEOUT_MS = 15_000;
/** How long the subscriber waits for a connection before it tries the next node. */
const CONNECT_WAIT_MS = 15_000;
/** How long one recorded receive collects messages. */
const RECEIVE_WINDOW_MS = 250;

/** QoS 1 publishers and a persistent-session subscriber over MQTT (see above). */
export class MqttWorkload implements ExtraWorkload {
  readonly name: string;
  readonly listeners: readonly Listener[] = ['mqtt'];
  private context: WorkloadContext | null = null;
  private readonly publisherCount: number;
  private readonly reconnectMsMin: number;
  private readonly reconnectMsMax: number;
  private readonly loops: Promise<void>[] = [];
  private readonly clients = new Set<MqttClient>();
  private stopping = false;
  private readonly subscriberStop = new AbortController();
  private subscriberLoop: Promise<void> | null = null;
  /** Payloads whose PUBACK arrived, and those the subscriber received. */
  private readonly acknowledged = new Set<string>();
  private readonly received = new Set<string>();
  private inbox: ReceivedMessage[] = [];
  /** Whether the subscriber's subscription exists: the publishers wait for it, since QoS 1
   *  promises nothing to a subscription made after a message was stored. */
  private subscribed = false;
  /** Connections of the subscriber, after its first subscription, on which the broker had no
   *  session for it (it should have kept it: the expiry is 10 min). */
  private sessionsLost = 0;

  constructor(options: MqttWorkloadOptions = {}) {
    this.publisherCount = options.publishers ?? 2;
    this.reconnectMsMin = options.reconnectMsMin ?? 5_000;
    this.reconnectMsMax = Math.max(this.reconnectMsMin, options.reconnectMsMax ?? 15_000);
    if (!(Number.isSafeInteger(this.publisherCount) && this.publisherCount >= 1)) throw new RangeError(`publishers must be a positive integer (got ${this.publisherCount})`);
    this.name = `mqtt: ${this.publisherCount} QoS 1 mqtt.js publishers and a persistent-session subscriber`;
  }

  start(context: WorkloadContext): void {
    const servers = context.listeners.mqtt;
    if (servers === undefined || servers.length === 0) throw new Error("the MQTT workload needs the nodes' MQTT listeners (ExtraWorkload.listeners)");
    this.context = context;
    for (let k = 1; k <= this.publisherCount; k++) this.loops.push(this.publish(`m${k}`, k - 1));
    this.subscriberLoop = this.subscribe(createPrng(context.seed * 31 + 7));
  }

  /** Stops the publishers, waiting for their last publishes; the subscriber goes on until
   *  drain() or close(). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  async close(): Promise<void> {
    await this.stop();
    this.subscriberStop.abort();
    await this.subscriberLoop;
    await Promise.all([...this.clients].map((client) => this.end(client)));
  }

  async drain(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const deadline = performance.now() + timeoutMs;
    const missing = (): number => [...this.acknowledged].filter((value) => !this.received.has(value)).length;
    while (missing() > 0 && performance.now() < deadline && !signal.aborted) await sleep(250, signal);
    // Anything late (a duplicate) arrives now.
    await sleep(1_000, signal);
    this.subscriberStop.abort();
    await this.subscriberLoop;
    const left = missing();
    const problems = [
      ...(left === 0 ? [] : [`the persistent subscriber had not received ${left} acknowledged QoS 1 publishes ${(timeoutMs / 1000).toFixed(0)} s after the publishers stopped`]),
      ...(this.sessionsLost === 0 ? [] : [`the broker had no session for the persistent subscriber on ${this.sessionsLost} of its connections`]),
    ];
    return problems.length === 0 ? null : problems.join('; ');
  }

  /** mqtt.js options for a client starting at node `first` and trying the others in turn. */
  private options(first: number, extra: IClientOptions): IClientOptions {
    const { cluster, listeners } = this.context!;
    const servers = listeners.mqtt!.map((address) => {
      const at = address.lastIndexOf(':');
      return { host: address.slice(0, at), port: Number(address.slice(at + 1)), protocol: cluster.tls === undefined ? ('mqtt' as const) : ('mqtts' as const) };
    });
    const rotated = [...servers.slice(first % servers.length), ...servers.slice(0, first % servers.length)];
    return {
      servers: rotated,
      protocolVersion: 5,
      connectTimeout: 5_000,
      reconnectPeriod: 500,
      // A node may refuse a CONNECT for a while (just restarted, its gateway's topics not known
      // yet): try again, as a device would.
      reconnectOnConnackError: true,
      ...(cluster.tls?.ca === undefined ? {} : { ca: typeof cluster.tls.ca === 'string' ? cluster.tls.ca : Buffer.from(cluster.tls.ca) }),
      ...(cluster.credentials === undefined ? {} : { username: cluster.credentials.username, password: cluster.credentials.password }),
      ...extra,
    };
  }

  private track(client: MqttClient): MqttClient {
    this.clients.add(client);
    client.on('error', () => {}); // mqtt.js reconnects; errors are recorded per operation
    return client;
  }

  private async end(client: MqttClient): Promise<void> {
    this.clients.delete(client);
    await client.endAsync(true).catch(() => undefined);
  }

  /** One publisher: QoS 1 publishes of `m1-0`, `m1-1`, ... to its own MQTT topic. */
  private async publish(name: string, first: number): Promise<void> {
    const { record, clock } = this.context!;
    const topic = `${TOPIC_PREFIX}/${name}`;
    while (!this.subscribed && !this.stopping) await sleep(100);
    const client = this.track(mqtt.connect(this.options(first, { clientId: `chaos-${name}`, clean: true })));
    try {
      for (let n = 0; !this.stopping; n++) {
        const value = `${name}-${n}`;
        const fields = { process: name, f: 'publish' as const, topic, value, qos: 1 };
        await record({ time: clock(), type: 'invoke', ...fields });
        try {
          const publishing = client.publishAsync(topic, value, { qos: 1 });
          // A publish given up on may still settle (mqtt.js resends it after a reconnect).
          publishing.catch(() => undefined);
          const done = await raceTimeout(publishing, PUBLISH_TIMEOUT_MS);
          if (done === timedOut) {
            await record({ time: clock(), type: 'info', ...fields, error: `no PUBACK within ${PUBLISH_TIMEOUT_MS} ms` });
          } else {
            this.acknowledged.add(value);
            await record({ time: clock(), type: 'ok', ...fields });
          }
        } catch (err) {
          await record({ time: clock(), type: 'info', ...fields, error: `mqtt.js: ${describeError(err)}` });
          await sleep(200);
        }
      }
    } finally {
      await this.end(client);
    }
  }

  /**
   * The persistent subscriber: one client id, clean start false and a session expiry, so the
   * broker keeps its subscription and position while it is away. It subscribes once; each
   * later connection resumes the session, on the next node every few seconds. What it receives
   * is recorded in windows of RECEIVE_WINDOW_MS.
   */
  private async subscribe(prng: Prng): Promise<void> {
    const signal = this.subscriberStop.signal;
    const filter = `${TOPIC_PREFIX}/#`;
    const stopped = new Promise<false>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true }));
    const flusher = (async () => {
      while (!signal.aborted) {
        await sleep(RECEIVE_WINDOW_MS, signal);
        await this.flush(false);
      }
    })();
    for (let node = 0; !signal.aborted; node++) {
      const client = this.track(mqtt.connect(this.options(node, { clientId: 'chaos-mqtt-subscriber', clean: false, resubscribe: false, properties: { sessionExpiryInterval: 600 } })));
      client.on('message', (topic, payload) => {
        const value = payload.toString();
        this.received.add(value);
        this.inbox.push({ topic, value });
      });
      const connected = await Promise.race([
        sleep(CONNECT_WAIT_MS, signal).then(() => false),
        new Promise<true>((resolve) => {
          // Also on mqtt.js's own reconnections: without the session, the subscription is gone
          // and is made again (what was stored meanwhile is lost to it, and found so).
          client.on('connect', (connack) => {
            if (!connack.sessionPresent && this.subscribed) {
              this.sessionsLost++;
              void client.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
            }
            resolve(true);
          });
        }),
        stopped,
      ]);
      if (!connected) {
        await this.end(client);
        continue;
      }
      while (!this.subscribed && !signal.aborted) {
        this.subscribed = await client.subscribeAsync(filter, { qos: 1 }).then(
          () => true,
          () => false,
        );
        if (!this.subscribed) await sleep(500, signal);
      }
      const stayMs = this.reconnectMsMin === 0 ? Number.POSITIVE_INFINITY : prng.int(this.reconnectMsMin, this.reconnectMsMax);
      await sleep(Number.isFinite(stayMs) ? stayMs : 2 ** 31 - 1, signal);
      await this.end(client);
    }
    await flusher;
    await this.flush(true);
  }

  /** Records what arrived since the last flush as one receive. */
  private async flush(final: boolean): Promise<void> {
    const { record, clock } = this.context!;
    const messages = this.inbox;
    this.inbox = [];
    if (messages.length === 0 && !final) return;
    const fields = { process: SUBSCRIBER, f: 'receive' as const, topic: `${TOPIC_PREFIX}/#` };
    await record({ time: clock(), type: 'invoke', ...fields });
    await record({ time: clock(), type: 'ok', ...fields, messages, ...(final ? { final: true } : {}) });
  }
}
