// Shows the MQTT gateway with a client no one here wrote (mqtt.js), on an in-process 3-node
// cluster over real sockets: QoS 0/1/2 across nodes, wildcards, MQTT 3.1.1 and 5, MQTT 5
// properties, retained messages, shared subscriptions, persistent sessions that survive the loss
// of their node, wills, takeover, WebSocket, SSE and POST, and bad input. Every wait is on a
// condition with a deadline.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as connectTcp, type Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster;
const clients: MqttClient[] = [];

const mqttPort = (id: number) => cluster.node(id).listenerPorts.mqtt!;
const httpPort = (id: number) => cluster.node(id).listenerPorts.ws!;

/** A connected mqtt.js client; `got` collects its messages from the start (a resumed session
 *  is sent messages right after CONNACK). */
async function client(node: number, options: IClientOptions = {}, got?: Received[]): Promise<MqttClient> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort(node)}`, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  clients.push(c);
  if (got !== undefined) c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), packet }));
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

interface Received {
  topic: string;
  payload: string;
  packet: mqttPacket.IPublishPacket;
}

function collect(c: MqttClient): Received[] {
  const out: Received[] = [];
  c.on('message', (topic, payload, packet) => out.push({ topic, payload: payload.toString(), packet }));
  return out;
}

async function metric(node: number, name: string, labels = ''): Promise<number> {
  const text = await cluster.node(node).node.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

beforeAll(async () => {
  cluster = await TestCluster.start({
    mqtt: true,
    overrides: {
      mqtt: { limits: { maxPacketBytes: 64 * 1024, subscriptionsMax: 5, writeStallMs: 2_000, outgoingBytesMax: 64 * 1024, positionCommitMs: 100, sessionExpiryMaxSec: 3_600 } },
    },
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.endAsync(true)));
  await cluster?.stop();
});

describe('publish and subscribe', () => {
  it('delivers QoS 0, 1 and 2 across nodes to wildcard subscribers of MQTT 3.1.1 and 5', async () => {
    const v5 = await client(1, { protocolVersion: 5, clientId: 'wild-v5' });
    const v3 = await client(3, { protocolVersion: 4, clientId: 'wild-v3' });
    const got5 = collect(v5);
    const got3 = collect(v3);
    await v5.subscribeAsync('home/+/temperature', { qos: 2 });
    await v3.subscribeAsync('home/#', { qos: 1 });
    const pub = await client(2, { protocolVersion: 5, clientId: 'wild-pub' });
    await pub.publishAsync('home/kitchen/temperature', '21.5', { qos: 0 });
    await pub.publishAsync('home/hall/temperature', '19.0', { qos: 1 });
    await pub.publishAsync('home/attic/temperature', '25.0', { qos: 2 });
    await pub.publishAsync('home/hall/humidity', '40', { qos: 1 });
    await waitFor(() => got5.length >= 3 && got3.length >= 4, { timeoutMs: 10_000, what: 'every matching message' });
    expect(got5.map((m) => `${m.topic}=${m.payload}@${m.packet.qos}`).sort()).toEqual(['home/attic/temperature=25.0@2', 'home/hall/temperature=19.0@1', 'home/kitchen/temperature=21.5@0']);
    // Delivered at the lower of the published QoS and the subscription's.
    expect(got3.map((m) => `${m.topic}=${m.payload}@${m.packet.qos}`).sort()).toEqual(['home/attic/temperature=25.0@1', 'home/hall/humidity=40@1', 'home/hall/temperature=19.0@1', 'home/kitchen/temperature=21.5@0']);
    expect(await metric(2, 'herald_mqtt_messages_received_total', 'qos="2"')).toBeGreaterThanOrEqual(1);
  });

  it('keeps one MQTT topic in order (one key, one partition)', async () => {
    const sub = await client(1, { protocolVersion: 5, clientId: 'order-sub' });
    const got = collect(sub);
    await sub.subscribeAsync('order/t', { qos: 1 });
    const pub = await client(3, { protocolVersion: 5, clientId: 'order-pub' });
    await Promise.all(Array.from({ length: 200 }, (_, i) => pub.publishAsync('order/t', String(i), { qos: 1 })));
    await waitFor(() => got.length >= 200, { timeoutMs: 10_000, what: '200 messages' });
    expect(got.map((m) => Number(m.payload))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('carries MQTT 5 properties: user properties, content type, response topic, correlation data, expiry, topic aliases, subscription ids, no local', async () => {
    const sub = await client(2, { protocolVersion: 5, clientId: 'props-sub' });
    const got = collect(sub);
    await sub.subscribeAsync('props/#', { qos: 1, nl: true, properties: { subscriptionIdentifier: 42 } });
    const pub = await client(1, { protocolVersion: 5, clientId: 'props-pub', properties: { topicAliasMaximum: 0 } });
    await pub.publishAsync('props/a', 'with properties', {
      qos: 1,
      properties: { userProperties: { site: 'lyon', unit: ['c', 'k'] }, contentType: 'text/plain', responseTopic: 'props/reply', correlationData: Buffer.from('abc'), messageExpiryInterval: 60, payloadFormatIndicator: true },
    });
    // A topic alias: set once, then used with an empty topic.
    await pub.publishAsync('props/aliased', 'first', { qos: 1, properties: { topicAlias: 3 } });
    await pub.publishAsync('', 'second', { qos: 1, properties: { topicAlias: 3 } });
    // No Local: the subscriber's own publish is not sent back to it.
    await sub.publishAsync('props/own', 'mine', { qos: 1 });
    await waitFor(() => got.length >= 3, { timeoutMs: 10_000, what: 'three messages' });
    // Ordered per MQTT topic only: props/a and props/aliased may lie in different partitions.
    const first = got.find((m) => m.topic === 'props/a');
    const [aliased1, aliased2] = got.filter((m) => m.topic === 'props/aliased');
    expect(first!.packet.properties).toMatchObject({ userProperties: { site: 'lyon', unit: ['c', 'k'] }, contentType: 'text/plain', responseTopic: 'props/reply', payloadFormatIndicator: true, subscriptionIdentifier: 42 });
    expect(first!.packet.properties!.correlationData!.toString()).toBe('abc');
    expect(first!.packet.properties!.messageExpiryInterval).toBeGreaterThan(50);
    expect([aliased1!.topic, aliased1!.payload, aliased2!.topic, aliased2!.payload]).toEqual(['props/aliased', 'first', 'props/aliased', 'second']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got.map((m) => m.topic)).not.toContain('props/own');
  });

  it('assigns a client identifier, and reports session present for a persistent session only', async () => {
    const connack = (c: MqttClient) => (c as unknown as { connackPacket: mqttPacket.IConnackPacket }).connackPacket;
    const anonymous = await client(1, { protocolVersion: 5, clientId: '' });
    expect(connack(anonymous).properties?.assignedClientIdentifier).toMatch(/^herald-[0-9a-f]{24}$/);
    const first = await client(2, { protocolVersion: 5, clientId: 'present', clean: false, properties: { sessionExpiryInterval: 600 } });
    expect(connack(first).sessionPresent).toBe(false);
    await first.subscribeAsync('present/x', { qos: 1 });
    await first.endAsync();
    expect(connack(await client(3, { protocolVersion: 5, clientId: 'present', clean: false, properties: { sessionExpiryInterval: 600 } })).sessionPresent).toBe(true);
    // A clean start discards it.
    expect(connack(await client(1, { protocolVersion: 5, clientId: 'present', clean: true })).sessionPresent).toBe(false);
  });
});

describe('retained messages', () => {
  it('gives a new subscriber the last retained message of each topic, and forgets a cleared one', async () => {
    const pub = await client(1, { protocolVersion: 5, clientId: 'ret-pub' });
    await pub.publishAsync('status/door', 'open', { qos: 1, retain: true });
    await pub.publishAsync('status/door', 'closed', { qos: 1, retain: true });
    await pub.publishAsync('status/window', 'open', { qos: 1, retain: true });
    await pub.publishAsync('status/light', 'on', { qos: 1, retain: true });
    await pub.publishAsync('status/light', '', { qos: 1, retain: true });
    await waitFor(
      async () => {
        const probe = await client(3, { protocolVersion: 4, clientId: `ret-probe-${Date.now()}` });
        const got = collect(probe);
        await probe.subscribeAsync('status/#', { qos: 1 });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await probe.endAsync();
        const seen = got.map((m) => `${m.topic}=${m.payload}:${m.packet.retain}`).sort();
        return JSON.stringify(seen) === JSON.stringify(['status/door=closed:true', 'status/window=open:true']) ? seen : undefined;
      },
      { timeoutMs: 10_000, what: 'the retained messages on node 3' },
    );
  });
});

describe('shared subscriptions', () => {
  it('gives each message to one member, across nodes', async () => {
    const a = await client(1, { protocolVersion: 5, clientId: 'share-a' });
    const b = await client(2, { protocolVersion: 5, clientId: 'share-b' });
    const gotA = collect(a);
    const gotB = collect(b);
    await a.subscribeAsync('$share/workers/jobs/#', { qos: 1 });
    await b.subscribeAsync('$share/workers/jobs/#', { qos: 1 });
    // A queue subscription starts at the tail once its consumers are receiving.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const pub = await client(3, { protocolVersion: 5, clientId: 'share-pub' });
    for (let i = 0; i < 40; i++) await pub.publishAsync(`jobs/j${i % 7}`, String(i), { qos: 1 });
    await waitFor(() => gotA.length + gotB.length >= 40, { timeoutMs: 15_000, what: '40 shared messages' });
    const all = [...gotA, ...gotB].map((m) => Number(m.payload)).sort((x, y) => x - y);
    expect(new Set(all).size).toBe(40);
    expect(gotA.length).toBeGreaterThan(0);
    expect(gotB.length).toBeGreaterThan(0);
  });

  it('delivers again, to another member, what a member that went away had not acknowledged', async () => {
    const holder = await raw(1, 'share-holder');
    holder.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g2/tasks/#', qos: 1 }] }, { protocolVersion: 5 }));
    await waitFor(() => holder.packets.some((p) => p.cmd === 'suback'), { timeoutMs: 10_000, what: 'SUBACK' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const pub = await client(3, { protocolVersion: 5, clientId: 'share-pub-2' });
    for (let i = 0; i < 10; i++) await pub.publishAsync(`tasks/t${i}`, String(i), { qos: 1 });
    // The holder never acknowledges, then vanishes; a member that joins gets everything.
    await waitFor(() => holder.packets.filter((p) => p.cmd === 'publish').length >= 10, { timeoutMs: 10_000, what: 'the holder receiving all 10' });
    const other: Received[] = [];
    await (await client(2, { protocolVersion: 5, clientId: 'share-other' }, other)).subscribeAsync('$share/g2/tasks/#', { qos: 1 });
    holder.socket.destroy();
    await waitFor(() => new Set(other.map((m) => m.payload)).size === 10, { timeoutMs: 20_000, what: 'the 10 unacknowledged messages at the other member' });
    expect(other.every((m) => m.packet.dup)).toBe(true);
  });
});

describe('persistent sessions', () => {
  it('resume on another node with every QoS 1 message published while offline, and expired ones dropped', async () => {
    const device = await client(1, { protocolVersion: 5, clientId: 'persist-1', clean: false, properties: { sessionExpiryInterval: 600 } });
    await device.subscribeAsync('alerts/#', { qos: 1 });
    await device.endAsync();
    const pub = await client(2, { protocolVersion: 5, clientId: 'persist-pub' });
    for (let i = 0; i < 30; i++) await pub.publishAsync(`alerts/a${i % 3}`, String(i), { qos: 1 });
    await pub.publishAsync('alerts/short', 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const got: Received[] = [];
    await client(3, { protocolVersion: 5, clientId: 'persist-1', clean: false, properties: { sessionExpiryInterval: 600 } }, got);
    await waitFor(() => got.length >= 30, { timeoutMs: 10_000, what: '30 messages after resuming' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got.map((m) => Number(m.payload)).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(got.map((m) => m.topic)).not.toContain('alerts/short');
  });

  it('answer a PUBREL repeated after a reconnect to another node with PUBCOMP success, and store the message once', async () => {
    const watcher = await client(3, { protocolVersion: 5, clientId: 'pubrel-watch' });
    const got = collect(watcher);
    await watcher.subscribeAsync('pubrel/#', { qos: 1 });
    const persistent = { clean: false, properties: { sessionExpiryInterval: 600 } };
    const first = await raw(1, 'pubrel-dev', persistent);
    first.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'pubrel/x', payload: Buffer.from('once'), qos: 2, messageId: 7, dup: false, retain: false }, { protocolVersion: 5 }));
    await waitFor(() => first.packets.some((p) => p.cmd === 'pubrec'), { timeoutMs: 10_000, what: 'PUBREC' });
    first.socket.write(mqttPacket.generate({ cmd: 'pubrel', messageId: 7 }, { protocolVersion: 5 }));
    await waitFor(() => first.packets.some((p) => p.cmd === 'pubcomp'), { timeoutMs: 10_000, what: 'PUBCOMP' });
    first.socket.destroy();
    // The client did not see that PUBCOMP (as when its node died): it resumes elsewhere and repeats the PUBREL.
    const again = await raw(2, 'pubrel-dev', persistent);
    again.socket.write(mqttPacket.generate({ cmd: 'pubrel', messageId: 7 }, { protocolVersion: 5 }));
    await waitFor(() => again.packets.some((p) => p.cmd === 'pubcomp'), { timeoutMs: 10_000, what: 'the second PUBCOMP' });
    expect((again.packets.find((p) => p.cmd === 'pubcomp') as mqttPacket.IPubcompPacket).reasonCode ?? 0).toBe(0);
    again.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'pubrel/end', payload: Buffer.from('end'), qos: 1, messageId: 8, dup: false, retain: false }, { protocolVersion: 5 }));
    await waitFor(() => got.some((m) => m.topic === 'pubrel/end'), { timeoutMs: 10_000, what: 'the end marker' });
    expect(got.filter((m) => m.topic === 'pubrel/x').map((m) => m.payload)).toEqual(['once']);
    again.socket.destroy();
  });
});

describe('wills and takeover', () => {
  it('publishes the will of a client that vanished, and not of one that disconnected', async () => {
    const watcher = await client(3, { protocolVersion: 5, clientId: 'will-watch' });
    const got = collect(watcher);
    await watcher.subscribeAsync('wills/#', { qos: 1 });
    const polite = await client(1, { protocolVersion: 5, clientId: 'will-polite', will: { topic: 'wills/polite', payload: Buffer.from('gone'), qos: 1, retain: false } });
    await polite.endAsync();
    const rude = await client(2, { protocolVersion: 4, clientId: 'will-rude', will: { topic: 'wills/rude', payload: Buffer.from('gone'), qos: 1, retain: false } });
    (rude as unknown as { stream: Socket }).stream.destroy();
    await waitFor(() => got.some((m) => m.topic === 'wills/rude'), { timeoutMs: 10_000, what: 'the will of will-rude' });
    expect(got.filter((m) => m.topic === 'wills/polite')).toEqual([]);
  });

  it('publishes a delayed will once the delay passed, and not when the session came back in time', async () => {
    const watcher: Received[] = [];
    await (await client(1, { protocolVersion: 5, clientId: 'delay-watch' }, watcher)).subscribeAsync('delayed/#', { qos: 1 });
    const will = (topic: string) => ({ topic, payload: Buffer.from('gone'), qos: 1 as const, retain: false, properties: { willDelayInterval: 2 } });
    const options = { protocolVersion: 5 as const, clean: false, properties: { sessionExpiryInterval: 60 } };
    const late = await client(2, { ...options, clientId: 'delay-late', will: will('delayed/late') });
    const back = await client(3, { ...options, clientId: 'delay-back', will: will('delayed/back') });
    const vanished = Date.now();
    (late as unknown as { stream: Socket }).stream.destroy();
    (back as unknown as { stream: Socket }).stream.destroy();
    await client(1, { ...options, clientId: 'delay-back' });
    await waitFor(() => watcher.some((m) => m.topic === 'delayed/late'), { timeoutMs: 15_000, what: 'the delayed will' });
    expect(Date.now() - vanished).toBeGreaterThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(watcher.map((m) => m.topic)).toEqual(['delayed/late']);
  });

  it('takes over a session connected to another node (DISCONNECT 0x8E)', async () => {
    const first = await client(1, { protocolVersion: 5, clientId: 'takeover' });
    const disconnected = new Promise<mqttPacket.IDisconnectPacket>((resolve) => first.once('disconnect', resolve));
    // The second connection's session record reaches node 1, which disconnects the first.
    await client(2, { protocolVersion: 5, clientId: 'takeover' });
    expect((await disconnected).reasonCode).toBe(0x8e);
  });
});

describe('transports', () => {
  it('serves MQTT over WebSocket at /mqtt', async () => {
    const ws = await mqtt.connectAsync(`ws://127.0.0.1:${httpPort(2)}/mqtt`, { protocolVersion: 5, clientId: 'ws-1', reconnectPeriod: 0 });
    clients.push(ws);
    const got = collect(ws);
    await ws.subscribeAsync('web/#', { qos: 1 });
    const pub = await client(1, { protocolVersion: 4, clientId: 'ws-pub' });
    await pub.publishAsync('web/page', 'hello browser', { qos: 1 });
    await waitFor(() => got.length >= 1, { timeoutMs: 10_000, what: 'a message over WebSocket' });
    expect(got[0]!.payload).toBe('hello browser');
  });

  it('accepts POST /topics/<topic> and streams a filter as Server-Sent Events that resume from Last-Event-ID', async () => {
    const base = `http://127.0.0.1:${httpPort(3)}`;
    const events: { id: string; data: { key: string; value: string } }[] = [];
    const abort = new AbortController();
    const read = async (lastEventId?: string) => {
      const res = await fetch(`${base}/sse?filter=${encodeURIComponent('feed/#')}`, { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId }, signal: abort.signal });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id !== undefined && data !== undefined) events.push({ id, data: JSON.parse(data) });
        }
      }
    };
    const reading = read().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    const post = await fetch(`${base}/topics/mqtt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'feed/one', value: 'first' }) });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({ topic: 'mqtt' });
    const pub = await client(1, { protocolVersion: 5, clientId: 'sse-pub' });
    await pub.publishAsync('feed/two', 'second', { qos: 1 });
    await pub.publishAsync('other/x', 'not matched', { qos: 1 });
    await waitFor(() => events.length >= 2, { timeoutMs: 10_000, what: 'two events' });
    abort.abort();
    await reading;
    const lastId = events[events.length - 1]!.id;
    await pub.publishAsync('feed/three', 'third', { qos: 1 });
    const resumedAt = events.length;
    const again = new AbortController();
    const resumed = (async () => {
      const res = await fetch(`${base}/sse?filter=${encodeURIComponent('feed/#')}`, { headers: { 'last-event-id': lastId }, signal: again.signal });
      for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
        const text = new TextDecoder().decode(chunk);
        for (const m of text.matchAll(/^data: (.*)$/gm)) events.push({ id: '', data: JSON.parse(m[1]!) });
      }
    })().catch(() => {});
    await waitFor(() => events.length > resumedAt, { timeoutMs: 10_000, what: 'the event published while disconnected' });
    again.abort();
    await resumed;
    expect(events.map((e) => `${e.data.key}=${e.data.value}`)).toEqual(['feed/one=first', 'feed/two=second', 'feed/three=third']);
    const bad = await fetch(`${base}/topics/no%20such`, { method: 'POST', body: 'x' });
    expect(bad.status).toBe(400);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI !== undefined) throw new Error(`${CHROMIUM} is missing; CI must install it (scripts/lib/ensure-chromium.sh)`);

interface Page {
  addScriptTag(options: { path: string }): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
}
interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }> };
}

describe.skipIf(chromiumMissing)('in a browser (headless Chromium)', () => {
  it('receives a topic over MQTT over WebSocket and over Server-Sent Events', async () => {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core') as PlaywrightCore;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      // mqtt.js's own browser bundle, as a web page would load it.
      await page.addScriptTag({ path: require.resolve('mqtt/dist/mqtt.min') });
      const port = httpPort(1);
      await page.evaluate(`(() => {
        window.got = [];
        const c = mqtt.connect('ws://127.0.0.1:${port}/mqtt', { protocolVersion: 5, clientId: 'browser-tab' });
        c.on('connect', () => c.subscribe('browser/#', { qos: 1 }, () => (window.subscribed = true)));
        c.on('message', (topic, payload) => window.got.push('ws ' + topic + '=' + payload.toString()));
        const events = new EventSource('http://127.0.0.1:${port}/sse?filter=' + encodeURIComponent('browser/#'));
        events.onopen = () => (window.sseOpen = true);
        events.onmessage = (e) => { const d = JSON.parse(e.data); window.got.push('sse ' + d.key + '=' + d.value); };
      })()`);
      await waitFor(() => page.evaluate<boolean>('window.subscribed === true && window.sseOpen === true'), { timeoutMs: 15_000, what: 'the page subscribed over WebSocket and SSE' });
      const pub = await client(2, { protocolVersion: 5, clientId: 'browser-pub' });
      await pub.publishAsync('browser/chat/room1', 'hello tab', { qos: 1 });
      const got = await waitFor(async () => {
        const list = await page.evaluate<string[]>('window.got');
        return list.length >= 2 ? list : undefined;
      }, { timeoutMs: 15_000, what: 'the message in the page, twice' });
      expect(got.sort()).toEqual(['sse browser/chat/room1=hello tab', 'ws browser/chat/room1=hello tab']);
    } finally {
      await browser.close();
    }
  });
});

/** A raw MQTT 5 connection, for what mqtt.js would refuse to send. */
async function raw(node: number, clientId: string, session: Partial<mqttPacket.IConnectPacket> = { clean: true }): Promise<{ socket: Socket; packets: mqttPacket.Packet[]; closed: Promise<unknown> }> {
  const socket = connectTcp(mqttPort(node), '127.0.0.1');
  await once(socket, 'connect');
  const packets: mqttPacket.Packet[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  parser.on('packet', (p: mqttPacket.Packet) => packets.push(p));
  socket.on('data', (chunk) => parser.parse(chunk));
  const closed = once(socket, 'close');
  socket.write(mqttPacket.generate({ cmd: 'connect', clientId, protocolVersion: 5, keepalive: 0, ...session } as mqttPacket.IConnectPacket, { protocolVersion: 5 }));
  await waitFor(() => packets.some((p) => p.cmd === 'connack'), { timeoutMs: 10_000, what: 'CONNACK' });
  return { socket, packets, closed };
}

describe('bad input', () => {
  it.each([
    { what: 'a publish to a topic with a wildcard', packet: { cmd: 'publish', topic: 'bad/+', payload: Buffer.from('x'), qos: 0, dup: false, retain: false }, reasonCode: 0x90 },
    { what: 'a publish over the maximum packet size', packet: { cmd: 'publish', topic: 'big', payload: Buffer.alloc(70 * 1024), qos: 1, messageId: 1, dup: false, retain: false }, reasonCode: 0x95 },
    { what: 'an unknown topic alias', packet: { cmd: 'publish', topic: '', payload: Buffer.from('x'), qos: 0, dup: false, retain: false, properties: { topicAlias: 5 } }, reasonCode: 0x82 },
  ])('closes on $what with DISCONNECT $reasonCode', async ({ packet, reasonCode }) => {
    const c = await raw(1, `bad-${reasonCode}`);
    c.socket.write(mqttPacket.generate(packet as mqttPacket.Packet, { protocolVersion: 5 }));
    await c.closed;
    expect(c.packets.find((p) => p.cmd === 'disconnect')).toMatchObject({ reasonCode });
  });

  it('closes on an invalid UTF-8 topic with DISCONNECT 0x90, and other clients go on', async () => {
    const bystander = await client(2, { protocolVersion: 5, clientId: 'bystander' });
    const got = collect(bystander);
    await bystander.subscribeAsync('utf8/#', { qos: 1 });
    const c = await raw(1, 'bad-utf8');
    const publish = mqttPacket.generate({ cmd: 'publish', topic: 'utf8/ab', payload: Buffer.from('x'), qos: 0, dup: false, retain: false }, { protocolVersion: 5 });
    publish.set([0xc3, 0x28], publish.indexOf('ab'));
    c.socket.write(publish);
    await c.closed;
    expect(c.packets.find((p) => p.cmd === 'disconnect')).toMatchObject({ reasonCode: 0x90 });
    const pub = await client(3, { protocolVersion: 5, clientId: 'utf8-pub' });
    await pub.publishAsync('utf8/ok', 'fine', { qos: 1 });
    await waitFor(() => got.length === 1, { timeoutMs: 10_000, what: 'the bystander still served' });
  });

  it('closes a client silent past 1.5 times its keep-alive with DISCONNECT 0x8D', async () => {
    const socket = connectTcp(mqttPort(2), '127.0.0.1');
    await once(socket, 'connect');
    const packets: mqttPacket.Packet[] = [];
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    parser.on('packet', (p: mqttPacket.Packet) => packets.push(p));
    socket.on('data', (chunk) => parser.parse(chunk));
    const closed = once(socket, 'close');
    const opened = Date.now();
    socket.write(mqttPacket.generate({ cmd: 'connect', clientId: 'silent', protocolVersion: 5, clean: true, keepalive: 1 } as mqttPacket.IConnectPacket, { protocolVersion: 5 }));
    await closed;
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1_500);
    expect(packets.map((p) => p.cmd)).toEqual(['connack', 'disconnect']);
    expect(packets[1]).toMatchObject({ reasonCode: 0x8d });
  });

  it('refuses subscriptions beyond the session quota with SUBACK 0x97', async () => {
    const c = await raw(1, 'flood');
    c.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 9, subscriptions: Array.from({ length: 8 }, (_, i) => ({ topic: `flood/${i}`, qos: 1 as const })) }, { protocolVersion: 5 }));
    const suback = await waitFor(() => c.packets.find((p): p is mqttPacket.ISubackPacket => p.cmd === 'suback'), { timeoutMs: 10_000, what: 'SUBACK' });
    expect(suback.granted).toEqual([1, 1, 1, 1, 1, 0x97, 0x97, 0x97]);
    c.socket.destroy();
  });

  it('drops QoS 0 for a client that never reads, counts it, and closes it; others are not held up', async () => {
    const dropped = await metric(1, 'herald_mqtt_messages_dropped_total', 'reason="slow_client"');
    const c = await raw(1, 'never-reads');
    c.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flood0/#', qos: 0 }] }, { protocolVersion: 5 }));
    await waitFor(() => c.packets.some((p) => p.cmd === 'suback'), { timeoutMs: 10_000, what: 'SUBACK' });
    c.socket.pause();
    const reader = await client(3, { protocolVersion: 5, clientId: 'reads' });
    const got = collect(reader);
    await reader.subscribeAsync('flood0/#', { qos: 0 });
    const pub = await client(2, { protocolVersion: 5, clientId: 'flooder' });
    // More than the loopback socket buffers hold (several MB), so that the gateway's fills up.
    const payload = Buffer.alloc(32 * 1024, 1);
    for (let i = 0; i < 400; i++) await pub.publishAsync('flood0/x', payload, { qos: 1 });
    await waitFor(async () => (await metric(1, 'herald_mqtt_messages_dropped_total', 'reason="slow_client"')) > dropped, { timeoutMs: 10_000, what: 'QoS 0 dropped for the slow client' });
    await waitFor(() => got.length >= 300, { timeoutMs: 20_000, what: 'the reading client served' });
    // Closed once its socket took nothing for writeStallMs (it sees that once it reads again).
    await waitFor(async () => (await metric(1, 'herald_mqtt_disconnects_total', 'reason="slow_client"')) >= 1, { timeoutMs: 10_000, what: 'the slow client disconnected' });
    c.socket.resume();
    await c.closed;
  });
});
