// Shows that a node accepts MQTT connections right after it starts: a CONNECT that arrives
// before the node knows the gateway's topics (mqtt.sessions above all) waits for them, within a
// bound, instead of being refused with Server unavailable. Method: real `herald node start
// --mqtt` processes, fresh and then restarted, and an in-process cluster restarted as a whole;
// as soon as a node's MQTT port accepts TCP, one CONNECT (no retry) of a clean MQTT 3.1.1 client
// and of a persistent MQTT 5 client (mqtt.js) to every node. Each must be accepted, and a message
// published on one node must reach a subscriber on another.
import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

/** The MQTT port of a node of the cluster under test. */
let mqttPort: (node: number) => number = () => 0;
/** connectTimeoutMs of the in-process cluster: how long a CONNECT waits for the cluster. */
const CONNECT_WAIT_MS = 8_000;
let processes: ProcessCluster | undefined;
let cluster: TestCluster | undefined;
const clients: MqttClient[] = [];

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.endAsync(true)));
  await processes?.stop();
  await cluster?.stop();
});

/** Waits until the port takes a TCP connection (the listener is bound), and closes it. */
async function listening(port: number): Promise<void> {
  await waitFor(
    async () => {
      const socket = connectTcp(port, '127.0.0.1');
      socket.on('error', () => {});
      const [event] = await Promise.race([once(socket, 'connect').then(() => ['connect']), once(socket, 'close').then(() => ['close'])]);
      socket.destroy();
      return event === 'connect';
    },
    { timeoutMs: 60_000, what: `port ${port} listening`, intervalMs: 50 },
  );
}

/** Connects once (no retries): resolves with the client and the CONNACK's reason code, or
 *  rejects with mqtt.js's error (a refusal names its code). */
async function connectOnce(node: number, options: IClientOptions): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort(node)}`, { reconnectPeriod: 0, connectTimeout: 30_000, ...options });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', (connack) => resolve({ client: c, sessionPresent: connack.sessionPresent }));
    c.once('error', reject);
    c.once('close', () => reject(new Error(`node ${node}: the connection closed before CONNACK`)));
  });
}

/** A clean 3.1.1 client and a persistent MQTT 5 client to every node, all at once. */
async function connectEverywhere(round: string): Promise<MqttClient[]> {
  const ids = [1, 2, 3];
  await Promise.all(ids.map((id) => listening(mqttPort(id))));
  const attempts = ids.flatMap((node) => [
    connectOnce(node, { protocolVersion: 4, clean: true, clientId: `${round}-clean-${node}` }),
    connectOnce(node, { protocolVersion: 5, clean: false, clientId: `${round}-persistent-${node}`, properties: { sessionExpiryInterval: 600 } }),
  ]);
  const settled = await Promise.allSettled(attempts);
  const refused = settled.flatMap((s, i) => (s.status === 'rejected' ? [`node ${ids[Math.floor(i / 2)]}: ${(s.reason as Error).message}`] : []));
  expect(refused).toEqual([]);
  return settled.map((s) => (s as PromiseFulfilledResult<{ client: MqttClient }>).value.client);
}

/** A QoS 1 message published on node 1's client reaches a subscriber on node 3. */
async function roundTrip(connected: MqttClient[], topic: string): Promise<void> {
  const subscriber = connected[5]!;
  const got: string[] = [];
  subscriber.on('message', (t, payload) => t === topic && got.push(payload.toString()));
  await subscriber.subscribeAsync(topic, { qos: 1 });
  await connected[0]!.publishAsync(topic, 'hello', { qos: 1 });
  await waitFor(() => got.includes('hello'), { timeoutMs: 15_000, what: `${topic} delivered across nodes` });
}

describe('CONNECT right after a node starts', () => {
  it('is accepted on every node of a fresh cluster of processes', async () => {
    processes = await ProcessCluster.start(3, undefined, { mqtt: true });
    mqttPort = (node) => processes!.peers[node - 1]!.mqttPort!;
    const connected = await connectEverywhere('fresh');
    await roundTrip(connected, 'startup/fresh');
  });

  it('is accepted on every node of a cluster of processes restarted one by one', async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.endAsync(true)));
    for (const id of [1, 2, 3]) {
      await processes!.stopNode(id);
      processes!.startNode(id);
      await listening(mqttPort(id));
      const { client } = await connectOnce(id, { protocolVersion: 5, clean: false, clientId: `rolled-${id}`, properties: { sessionExpiryInterval: 600 } });
      await client.endAsync();
    }
  });

  it('is accepted on every node of a restarted in-process cluster', async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.endAsync(true)));
    await processes?.stop();
    cluster = await TestCluster.start({ mqtt: true, overrides: { mqtt: { limits: { connectTimeoutMs: CONNECT_WAIT_MS } } } });
    mqttPort = (node) => cluster!.node(node).listenerPorts.mqtt!;
    for (const id of [1, 2, 3]) await cluster.stopNode(id);
    await Promise.all([1, 2, 3].map((id) => cluster!.startNode(id)));
    const connected = await connectEverywhere('restarted');
    await roundTrip(connected, 'startup/restarted');
  });

  it('waits for a quorum within connectTimeoutMs, and only then answers Server unavailable', async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.endAsync(true)));
    await cluster!.stopNode(2);
    await cluster!.stopNode(3);
    // Node 1 alone can neither read nor write a persistent session: refused once the wait is over.
    const started = Date.now();
    const refusal = await connectOnce(1, { protocolVersion: 5, clean: false, clientId: 'alone', properties: { sessionExpiryInterval: 600 } }).then(
      () => undefined,
      (err: Error & { code?: number }) => err,
    );
    const waitedMs = Date.now() - started;
    expect(refusal?.code).toBe(0x88);
    expect(waitedMs).toBeGreaterThanOrEqual(CONNECT_WAIT_MS - 500);
    expect(waitedMs).toBeLessThan(CONNECT_WAIT_MS + 4_000);
    // The same CONNECT, with the quorum back while it waits: accepted.
    const waiting = connectOnce(1, { protocolVersion: 5, clean: false, clientId: 'alone', properties: { sessionExpiryInterval: 600 } });
    await Promise.all([2, 3].map((id) => cluster!.startNode(id)));
    await waiting;
  });
});
