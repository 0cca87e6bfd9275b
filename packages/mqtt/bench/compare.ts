// Herald's MQTT gateway next to Mosquitto (one node, no replication) and NATS's MQTT support
// (nats-server 2.9, JetStream, 3 nodes, R3), on this machine, driven by the same Node client
// (mqtt.js; raw mqtt-packet sockets for idle connections), one system at a time:
//   1. QoS 1 publish throughput of 1 KiB messages (4 publishers, 64 in flight each);
//   2. fan-out of one QoS 1 publisher to 1,000 subscribers (at QoS 0): delivery latency p50/p99;
//   3. memory per node with 10,000 idle connections (RSS growth of the broker processes).
// Herald runs 3 `herald node start --mqtt` processes (the compiled CLI: `pnpm build` first),
// every topic replicated 3 times with acks quorum. Prints one table with the ratios; never fails
// on speed. Stops exactly the processes it started, by PID.
//   scripts/bench-mqtt.sh [--quick] [--out FILE]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureClusterCertificates } from '@herald/security';
import mqtt, { type MqttClient } from 'mqtt';
import * as mqttPacket from 'mqtt-packet';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERALD = join(ROOT, 'packages/cli/dist/main.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : undefined;

const PUBLISHERS = 4;
const WINDOW = 64;
const MESSAGES = quick ? 4_000 : 40_000;
const SUBSCRIBERS = quick ? 200 : 1_000;
const FANOUT_MESSAGES = quick ? 20 : 50;
const FANOUT_RATE_PER_S = 10;
const IDLE = quick ? 2_000 : 10_000;
const PAYLOAD = Buffer.alloc(1024, 'herald mqtt bench ');

const work = mkdtempSync(join(tmpdir(), 'herald-bench-mqtt-'));
const children: ChildProcess[] = [];

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

function start(file: string, argv: string[], logFile: string): ChildProcess {
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logStream = join(work, logFile);
  child.stdout!.on('data', (d) => writeFileSync(logStream, d, { flag: 'a' }));
  child.stderr!.on('data', (d) => writeFileSync(logStream, d, { flag: 'a' }));
  children.push(child);
  return child;
}

async function stopAll(): Promise<void> {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** A system under test: where its MQTT listeners are and which processes serve them. */
interface System {
  readonly name: string;
  readonly ports: readonly number[];
  readonly pids: readonly number[];
}

async function waitConnectable(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 2_000, clientId: `probe-${Date.now()}` });
      await c.endAsync();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`port ${port} not serving MQTT after ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

async function startMosquitto(): Promise<System> {
  const port = await freePort();
  const conf = join(work, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 100000', ''].join('\n'));
  const child = start('mosquitto', ['-c', conf], 'mosquitto.log');
  await waitConnectable(port, 10_000);
  return { name: 'Mosquitto 2.0 (1 node)', ports: [port], pids: [child.pid!] };
}

async function startNats(): Promise<System> {
  const ports = await Promise.all([1, 2, 3].map(async () => ({ client: await freePort(), route: await freePort(), mqtt: await freePort() })));
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`).join(', ');
  const pids: number[] = [];
  for (const [i, p] of ports.entries()) {
    const dir = join(work, `nats-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'nats.conf');
    writeFileSync(
      conf,
      [
        `server_name: n${i + 1}`,
        'host: 127.0.0.1',
        `port: ${p.client}`,
        `jetstream { store_dir: "${join(dir, 'store')}", max_memory_store: 1GB, max_file_store: 20GB }`,
        `cluster { name: bench, host: 127.0.0.1, port: ${p.route}, routes: [ ${routes} ] }`,
        `mqtt { host: 127.0.0.1, port: ${p.mqtt}, stream_replicas: 3, consumer_replicas: 3 }`,
        '',
      ].join('\n'),
    );
    pids.push(start('nats-server', ['-c', conf], `nats-${i + 1}.log`).pid!);
  }
  // MQTT needs JetStream's meta leader: wait until every node serves a connection.
  for (const p of ports) await waitConnectable(p.mqtt, 60_000);
  const version = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^nats-server: /, '');
  return { name: `NATS ${version} MQTT (3 nodes, JetStream R3)`, ports: ports.map((p) => p.mqtt), pids };
}

async function startHerald(): Promise<System> {
  const ports = await Promise.all([1, 2, 3].map(async () => ({ client: await freePort(), peer: await freePort(), metrics: await freePort(), kafka: await freePort(), mqtt: await freePort(), http: await freePort() })));
  const peers = ports.map((p, i) => `${i + 1}=127.0.0.1:${p.client}:${p.peer}:${p.kafka}`).join(',');
  // The peer port is mutual TLS in every mode: the nodes find their certificates in <work>/certs.
  // The client ports are plaintext (--insecure), as the other two systems' are here.
  await ensureClusterCertificates(join(work, 'certs'), [1, 2, 3]);
  const pids: number[] = [];
  for (const [i, p] of ports.entries()) {
    const argv = [HERALD, 'node', 'start', '--id', String(i + 1), '--data-dir', join(work, `herald-${i + 1}`), '--peers', peers, '--client-port', String(p.client), '--peer-port', String(p.peer), '--metrics-port', String(p.metrics)];
    argv.push('--insecure', '--kafka-port', String(p.kafka), '--log-level', 'warn', '--mqtt', '--mqtt-port', String(p.mqtt), '--mqtt-http-port', String(p.http));
    pids.push(start(process.execPath, argv, `herald-${i + 1}.log`).pid!);
  }
  for (const p of ports) await waitConnectable(p.mqtt, 60_000);
  return { name: 'Herald (3 nodes, R3, acks quorum)', ports: ports.map((p) => p.mqtt), pids };
}

/** Connected mqtt.js clients, `count` of them round robin over the system's ports. */
async function clients(system: System, count: number, prefix: string, options: mqtt.IClientOptions = {}): Promise<MqttClient[]> {
  const out: MqttClient[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${system.ports[(i + j) % system.ports.length]}`, { clientId: `${prefix}-${i + j}`, reconnectPeriod: 0, connectTimeout: 30_000, keepalive: 0, ...options }),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Workload 1: QoS 1 publishes of 1 KiB, PUBLISHERS clients keeping WINDOW each in flight. */
async function throughput(system: System): Promise<number> {
  const pubs = await clients(system, PUBLISHERS, 'tput');
  const burst = async (total: number): Promise<number> => {
    const perPublisher = total / PUBLISHERS;
    const started = performance.now();
    await Promise.all(
      pubs.map(async (p, i) => {
        let sent = 0;
        const lane = async () => {
          while (sent < perPublisher) {
            const n = sent++;
            await p.publishAsync(`bench/p${i}/t${n % 8}`, PAYLOAD, { qos: 1 });
          }
        };
        await Promise.all(Array.from({ length: WINDOW }, lane));
      }),
    );
    return total / ((performance.now() - started) / 1000);
  };
  // Warm-up (topics, leaders, routes, JIT), then the measured run.
  await burst(MESSAGES / 4);
  const rate = await burst(MESSAGES);
  await Promise.all(pubs.map((p) => p.endAsync()));
  return rate;
}

/** Workload 2: one QoS 1 publisher, SUBSCRIBERS subscribers at QoS 0 (NATS 2.9 makes a
 *  replicated JetStream consumer of every QoS 1 subscription, and refuses hundreds of them made
 *  at once); latency from publish to delivery. */
async function fanout(system: System): Promise<{ p50: number; p99: number; delivered: number; expected: number }> {
  const subs = await clients(system, SUBSCRIBERS, 'fan');
  const latencies: number[] = [];
  for (const s of subs) s.on('message', (_t, payload) => latencies.push(performance.now() - Number(payload.toString())));
  for (let i = 0; i < subs.length; i += 100) await Promise.all(subs.slice(i, i + 100).map((s) => s.subscribeAsync('fan/out', { qos: 0 })));
  const [pub] = await clients(system, 1, 'fan-pub');
  // Let subscriptions settle everywhere (a cluster learns them asynchronously).
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  latencies.length = 0;
  for (let i = 0; i < FANOUT_MESSAGES; i++) {
    await pub!.publishAsync('fan/out', String(performance.now()), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000 / FANOUT_RATE_PER_S));
  }
  const expected = FANOUT_MESSAGES * SUBSCRIBERS;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  await Promise.all([...subs, pub!].map((c) => c.endAsync(true)));
  return { p50: at(0.5), p99: at(0.99), delivered: latencies.length, expected };
}

/** Workload 3: RSS growth per node with IDLE raw connections (CONNECT, clean, no keep-alive). */
async function idleMemory(system: System): Promise<{ perNodeBytes: number; connectSeconds: number }> {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const before = system.pids.map(rssBytes);
  const sockets: Socket[] = [];
  const started = performance.now();
  const connectOne = async (i: number) => {
    const socket = connectTcp(system.ports[i % system.ports.length]!, '127.0.0.1');
    sockets.push(socket);
    await once(socket, 'connect');
    const acked = new Promise<void>((resolve, reject) => {
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (p: mqttPacket.Packet) => (p.cmd === 'connack' && (p.returnCode ?? 0) === 0 ? resolve() : reject(new Error(`refused: ${JSON.stringify(p)}`))));
      socket.on('data', (d) => parser.parse(d));
      socket.once('close', () => reject(new Error('closed before CONNACK')));
    });
    socket.write(mqttPacket.generate({ cmd: 'connect', clientId: `idle-${i}`, protocolVersion: 4, clean: true, keepalive: 0 } as mqttPacket.IConnectPacket));
    await acked;
  };
  for (let i = 0; i < IDLE; i += 200) await Promise.all(Array.from({ length: Math.min(200, IDLE - i) }, (_, j) => connectOne(i + j)));
  const connectSeconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = system.pids.map(rssBytes);
  for (const s of sockets) s.destroy();
  const growth = after.map((a, i) => a - before[i]!);
  return { perNodeBytes: growth.reduce((a, b) => a + b, 0) / growth.length, connectSeconds };
}

interface Row {
  readonly system: string;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  readonly delivered: string;
  readonly memoryMb: number;
  readonly connectSeconds: number;
}

async function run(startSystem: () => Promise<System>): Promise<Row> {
  const system = await startSystem();
  try {
    log(`${system.name}: throughput`);
    const tput = await throughput(system);
    log(`${system.name}: fan-out to ${SUBSCRIBERS}`);
    const fan = await fanout(system);
    log(`${system.name}: ${IDLE} idle connections`);
    const idle = await idleMemory(system);
    return {
      system: system.name,
      throughput: tput,
      p50: fan.p50,
      p99: fan.p99,
      delivered: `${fan.delivered}/${fan.expected}`,
      memoryMb: idle.perNodeBytes / 2 ** 20,
      connectSeconds: idle.connectSeconds,
    };
  } finally {
    await stopAll();
  }
}

const load = loadavg();
const rows: Row[] = [];
try {
  for (const startSystem of [startHerald, startMosquitto, startNats]) rows.push(await run(startSystem));
} finally {
  await stopAll();
}
const [herald, mosquitto, nats] = rows as [Row, Row, Row];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
const lines = [
  `MQTT side by side, ${quick ? 'quick run' : 'one run'}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.versions.node}, load average ${fmt(load[0]!, 1)} at the start, ${fmt(loadavg()[0]!, 1)} at the end.`,
  `Client: mqtt.js ${JSON.parse(readFileSync(join(ROOT, 'packages/mqtt/node_modules/mqtt/package.json'), 'utf8')).version} in one process (raw mqtt-packet sockets for the idle connections).`,
  '',
  `| system | QoS 1 publish, 1 KiB (msg/s) | fan-out 1→${fmt(SUBSCRIBERS)} (QoS 0 subscribers) p50 (ms) | p99 (ms) | delivered | memory per node, ${fmt(IDLE)} idle connections (MB) | connect time (s) |`,
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.system} | ${fmt(r.throughput)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.delivered} | ${fmt(r.memoryMb, 1)} | ${fmt(r.connectSeconds, 1)} |`),
  '',
  `Herald / Mosquitto: throughput ${ratio(herald.throughput, mosquitto.throughput)}, fan-out p50 ${ratio(herald.p50, mosquitto.p50)}, p99 ${ratio(herald.p99, mosquitto.p99)}, memory ${ratio(herald.memoryMb, mosquitto.memoryMb)}.`,
  `Herald / NATS: throughput ${ratio(herald.throughput, nats.throughput)}, fan-out p50 ${ratio(herald.p50, nats.p50)}, p99 ${ratio(herald.p99, nats.p99)}, memory ${ratio(herald.memoryMb, nats.memoryMb)}.`,
  '(throughput: higher is better; latency and memory: lower is better. Memory per node: RSS growth averaged over the nodes; the 10,000 connections are spread over them.)',
];
process.stdout.write(`${lines.join('\n')}\n`);
if (out !== undefined) writeFileSync(out, `${lines.join('\n')}\n`);
rmSync(work, { recursive: true, force: true });
