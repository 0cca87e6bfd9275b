// Herald's MQTT gateway next to Mosquitto (one node, no replication) and NATS's MQTT support
// (nats-server 2.9, JetStream, 3 nodes, R3), on this machine, driven by the same Node client
// (mqtt.js; raw mqtt-packet sockets for idle connections), one system at a time:
//   1. QoS 1 publish throughput of 1 KiB messages (4 publishers, 64 in flight each), and QoS 0
//      (the same publishers writing as fast as their sockets take it, then one QoS 1 barrier
//      per topic: the rate is the messages over the time until every barrier is acknowledged);
//   2. fan-out of one QoS 1 publisher to 1,000 subscribers (at QoS 0): delivery latency p50/p99;
//   3. memory per node with 10,000 idle connections (RSS growth of the broker processes).
// Herald runs 3 `herald node start --mqtt` processes (the compiled CLI: `pnpm build` first),
// every topic replicated 3 times with acks quorum. Prints one table with the ratios; never fails
// on speed. Stops exactly the processes it started, by PID.
//   scripts/bench-mqtt.sh [--quick] [--out FILE] [--systems herald,mosquitto,nats]
//                         [--workloads qos1,qos0,fanout,idle] [--cpu-prof DIR]
// --cpu-prof writes a V8 CPU profile of Herald's node 1 into DIR when it stops.
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
function listArg(name: string, all: readonly string[]): string[] {
  const at = args.indexOf(name);
  if (at < 0) return [...all];
  const picked = (args[at + 1] ?? '').split(',');
  const unknown = picked.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return picked;
}
const systems = listArg('--systems', ['herald', 'mosquitto', 'nats']);
const workloads = listArg('--workloads', ['qos1', 'qos0', 'fanout', 'idle']);
const cpuProfAt = args.indexOf('--cpu-prof');
const cpuProfDir = cpuProfAt >= 0 ? args[cpuProfAt + 1] : undefined;

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
  /** Herald's metrics ports, for the figures logged after each workload. */
  readonly metricsPorts?: readonly number[];
}

/** Means of a few of Herald's histograms on each node (what batches and syncs looked like),
 *  logged to stderr after each workload (since the node started): mean produced batch (records),
 *  mean synced write, mean quorum append of the partitions it leads, mean QoS 1 PUBLISH to
 *  PUBACK. */
async function logHeraldFigures(system: System, workload: string): Promise<void> {
  for (const [i, port] of (system.metricsPorts ?? []).entries()) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const mean = (name: string, labels = '') => {
      // Every series carries the node's own label (node="N") besides the ones asked for.
      const value = (suffix: string) => Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*${labels}[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      return value('sum') / value('count');
    };
    log(`  node ${i + 1} after ${workload}: ${mean('herald_produce_batch_records').toFixed(1)} records per produced batch, ${(mean('herald_storage_sync_duration_seconds') * 1000).toFixed(1)} ms per synced write, ${(mean('herald_raft_append_duration_seconds', 'acks="quorum"') * 1000).toFixed(1)} ms per quorum append (led here), ${(mean('herald_mqtt_publish_duration_seconds', 'qos="1"') * 1000).toFixed(1)} ms per QoS 1 publish`);
  }
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
    const profile = i === 0 && cpuProfDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
    const argv = [...profile, HERALD, 'node', 'start', '--id', String(i + 1), '--data-dir', join(work, `herald-${i + 1}`), '--peers', peers, '--client-port', String(p.client), '--peer-port', String(p.peer), '--metrics-port', String(p.metrics)];
    argv.push('--insecure', '--kafka-port', String(p.kafka), '--log-level', 'warn', '--mqtt', '--mqtt-port', String(p.mqtt), '--mqtt-http-port', String(p.http));
    pids.push(start(process.execPath, argv, `herald-${i + 1}.log`).pid!);
  }
  for (const p of ports) await waitConnectable(p.mqtt, 60_000);
  return { name: 'Herald (3 nodes, R3, acks quorum)', ports: ports.map((p) => p.mqtt), pids, metricsPorts: ports.map((p) => p.metrics) };
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

/** Workload 1b: QoS 0 publishes of 1 KiB from PUBLISHERS clients, each written once its socket
 *  took the previous ones; then a QoS 1 barrier on each topic of each publisher. A broker
 *  handles a connection's messages to a topic in order, so the barriers' acknowledgements mean
 *  every message before them was taken (Herald: stored, each topic being one partition's
 *  ordered producer stream). */
async function throughputQos0(system: System): Promise<number> {
  const pubs = await clients(system, PUBLISHERS, 'tput0');
  const TOPICS = 8;
  const burst = async (total: number): Promise<number> => {
    const perPublisher = total / PUBLISHERS;
    const started = performance.now();
    await Promise.all(
      pubs.map(async (p, i) => {
        for (let n = 0; n < perPublisher; n++) {
          const written = p.publishAsync(`bench/q0/p${i}/t${n % TOPICS}`, PAYLOAD, { qos: 0 });
          // Let the socket drain now and then (mqtt.js resolves a QoS 0 publish once written).
          if (n % WINDOW === WINDOW - 1) await written;
        }
        await Promise.all(Array.from({ length: TOPICS }, (_, t) => p.publishAsync(`bench/q0/p${i}/t${t}`, PAYLOAD, { qos: 1 })));
      }),
    );
    return total / ((performance.now() - started) / 1000);
  };
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
  readonly qos0: number;
  readonly p50: number;
  readonly p99: number;
  readonly delivered: string;
  readonly memoryMb: number;
  readonly connectSeconds: number;
}

async function run(startSystem: () => Promise<System>): Promise<Row> {
  const system = await startSystem();
  try {
    const step = async <T>(name: string, what: string, work: () => Promise<T>, skipped: T): Promise<T> => {
      if (!workloads.includes(name)) return skipped;
      log(`${system.name}: ${what}`);
      const result = await work();
      await logHeraldFigures(system, name);
      return result;
    };
    const tput = await step('qos1', 'QoS 1 throughput', () => throughput(system), NaN);
    const tput0 = await step('qos0', 'QoS 0 throughput', () => throughputQos0(system), NaN);
    const fan = await step('fanout', `fan-out to ${SUBSCRIBERS}`, () => fanout(system), { p50: NaN, p99: NaN, delivered: 0, expected: 0 });
    const idle = await step('idle', `${IDLE} idle connections`, () => idleMemory(system), { perNodeBytes: NaN, connectSeconds: NaN });
    return {
      system: system.name,
      throughput: tput,
      qos0: tput0,
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
  const starters: Record<string, () => Promise<System>> = { herald: startHerald, mosquitto: startMosquitto, nats: startNats };
  for (const name of systems) rows.push(await run(starters[name]!));
} finally {
  await stopAll();
}
const rowOf = (name: string) => rows[systems.indexOf(name)];
const herald = rowOf('herald');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
const peerRatios = (name: string, peer: Row | undefined): string[] =>
  herald === undefined || peer === undefined
    ? []
    : [`Herald / ${name}: QoS 1 throughput ${ratio(herald.throughput, peer.throughput)}, QoS 0 ${ratio(herald.qos0, peer.qos0)}, fan-out p50 ${ratio(herald.p50, peer.p50)}, p99 ${ratio(herald.p99, peer.p99)}, memory ${ratio(herald.memoryMb, peer.memoryMb)}.`];
const lines = [
  `MQTT side by side, ${quick ? 'quick run' : 'one run'}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.versions.node}, load average ${fmt(load[0]!, 1)} at the start, ${fmt(loadavg()[0]!, 1)} at the end.`,
  `Client: mqtt.js ${JSON.parse(readFileSync(join(ROOT, 'packages/mqtt/node_modules/mqtt/package.json'), 'utf8')).version} in one process (raw mqtt-packet sockets for the idle connections).`,
  '',
  `| system | QoS 1 publish, 1 KiB (msg/s) | QoS 0 publish, 1 KiB (msg/s) | fan-out 1→${fmt(SUBSCRIBERS)} (QoS 0 subscribers) p50 (ms) | p99 (ms) | delivered | memory per node, ${fmt(IDLE)} idle connections (MB) | connect time (s) |`,
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.system} | ${fmt(r.throughput)} | ${fmt(r.qos0)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.delivered} | ${fmt(r.memoryMb, 1)} | ${fmt(r.connectSeconds, 1)} |`),
  '',
  ...peerRatios('Mosquitto', rowOf('mosquitto')),
  ...peerRatios('NATS', rowOf('nats')),
  '(throughput: higher is better; latency and memory: lower is better. Memory per node: RSS growth averaged over the nodes; the 10,000 connections are spread over them.)',
];
process.stdout.write(`${lines.join('\n')}\n`);
if (out !== undefined) writeFileSync(out, `${lines.join('\n')}\n`);
rmSync(work, { recursive: true, force: true });
