// Shows that MQTT sessions survive the loss of their node, on real `herald node start --mqtt`
// processes: node 1 is SIGKILLed while
//   - a persistent QoS 1 subscriber connected to it reconnects to node 3 (mqtt.js, clean false,
//     session expiry): every message acknowledged to the publisher is delivered, each MQTT topic
//     in order, and a message delivered twice is flagged DUP the second time;
//   - a QoS 2 publisher connected to it re-sends its unfinished exchanges to node 3 (mqtt.js
//     keeps them): every message is in the log exactly once, as a QoS 2 subscriber sees.
// It prints the failover figures (time to reconnect, to the first message after it, the longest
// publish) for docs/mqtt.md.
import mqtt, { type MqttClient } from 'mqtt';
import type * as mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: ProcessCluster;
const clients: MqttClient[] = [];

const server = (id: number) => ({ host: '127.0.0.1', port: cluster.peers[id - 1]!.mqttPort! });

function connect(options: mqtt.IClientOptions): Promise<MqttClient> {
  const c = mqtt.connect({ protocolVersion: 5, connectTimeout: 5_000, ...options });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, undefined, { mqtt: true });
  await cluster.ready();
}, 90_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.endAsync(true)));
  await cluster?.stop();
});

describe('a node with MQTT sessions is SIGKILLed', () => {
  it('loses no acknowledged QoS 1 message of a persistent session, and stores QoS 2 exactly once', async () => {
    const TOPICS = 5;
    const COUNT = 300;
    const QOS2_COUNT = 100;
    // The persistent subscriber, on node 1 then (after the kill) node 3.
    const received: { topic: string; seq: number; dup: boolean; at: number }[] = [];
    const subscriber = await connect({ servers: [server(1), server(3)], clientId: 'failover-sub', clean: false, resubscribe: false, reconnectPeriod: 100, properties: { sessionExpiryInterval: 600 } });
    subscriber.on('message', (topic, payload, packet: mqttPacket.IPublishPacket) => received.push({ topic, seq: Number(payload), dup: packet.dup, at: Date.now() }));
    let reconnectedAt = 0;
    subscriber.on('connect', () => (reconnectedAt = Date.now()));
    await subscriber.subscribeAsync('fo/#', { qos: 1 });
    // A QoS 2 subscriber on node 2 counts what the log holds of the QoS 2 publisher's messages.
    const exact: number[] = [];
    const counter = await connect({ servers: [server(2)], clientId: 'failover-counter', reconnectPeriod: 0 });
    counter.on('message', (_topic, payload) => exact.push(Number(payload)));
    await counter.subscribeAsync('exact/#', { qos: 2 });

    const publisher = await connect({ servers: [server(2)], clientId: 'failover-pub', reconnectPeriod: 0 });
    const qos2 = await connect({ servers: [server(1), server(3)], clientId: 'failover-qos2', clean: false, reconnectPeriod: 100, properties: { sessionExpiryInterval: 600 } });
    const acked = new Set<number>();
    let slowestMs = 0;
    let killedAt = 0;
    const qos2Done: Promise<unknown>[] = [];
    for (let seq = 0; seq < COUNT; seq++) {
      if (seq === COUNT / 3) {
        killedAt = Date.now();
        await cluster.kill(1);
      }
      const started = Date.now();
      await publisher.publishAsync(`fo/t${seq % TOPICS}`, String(seq), { qos: 1 });
      slowestMs = Math.max(slowestMs, Date.now() - started);
      acked.add(seq);
      if (seq < QOS2_COUNT) qos2Done.push(qos2.publishAsync(`exact/t${seq % TOPICS}`, String(seq), { qos: 2 }));
    }
    await Promise.all(qos2Done);
    await waitFor(() => [...acked].every((seq) => received.some((r) => r.seq === seq)), { timeoutMs: 60_000, what: 'every acknowledged message at the subscriber' });
    await waitFor(() => new Set(exact).size === QOS2_COUNT, { timeoutMs: 30_000, what: 'every QoS 2 message at the counter' });
    // Anything late would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Nothing lost; a message seen twice is flagged DUP after its first delivery.
    const seen = new Map<number, number>();
    for (const r of received) {
      const times = seen.get(r.seq) ?? 0;
      if (times > 0) expect(r.dup, `message ${r.seq} delivered again without DUP`).toBe(true);
      seen.set(r.seq, times + 1);
    }
    expect([...acked].filter((seq) => !seen.has(seq))).toEqual([]);
    // Each MQTT topic in order: first deliveries only (redeliveries restart from a position).
    for (let t = 0; t < TOPICS; t++) {
      const firsts: number[] = [];
      const done = new Set<number>();
      for (const r of received) {
        if (r.topic !== `fo/t${t}` || done.has(r.seq)) continue;
        done.add(r.seq);
        firsts.push(r.seq);
      }
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
    // QoS 2: exactly once in the log.
    expect(exact.length).toBe(QOS2_COUNT);
    expect(new Set(exact).size).toBe(QOS2_COUNT);

    const firstAfter = received.find((r) => r.at > reconnectedAt)?.at ?? 0;
    const duplicates = received.length - seen.size;
    console.log(
      `failover: subscriber reconnected ${reconnectedAt - killedAt} ms after the SIGKILL, first message ${firstAfter - killedAt} ms after it; ` +
        `slowest QoS 1 publish ${slowestMs} ms; ${received.length} deliveries of ${seen.size} messages (${duplicates} duplicates, all DUP); QoS 2: ${exact.length} of ${QOS2_COUNT}`,
    );
  }, 180_000);
});
