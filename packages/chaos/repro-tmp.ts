// Repro (not committed): a wiped node restarted a second time before it was repaired votes with an
// empty log, so a lagging replica can win and acknowledged writes are lost.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeraldClient } from '@herald/client';
import { LinkTable, NodeProcesses, freePorts, sleep, type NodeLaunchSpec } from './src/index.js';

const cliEntry = '/work/main/packages/cli/src/main.ts';
const root = await mkdtemp(join(tmpdir(), 'repro-rejoin-'));
const ids = [1, 2, 3];
const ports = await freePorts(9);
const real = new Map(ids.map((id, i) => [id, { client: ports[3 * i]!, peer: ports[3 * i + 1]!, metrics: ports[3 * i + 2]! }]));
const links = await LinkTable.start(ids.map((id) => ({ id, peer: { host: '127.0.0.1', port: real.get(id)!.peer }, client: { host: '127.0.0.1', port: real.get(id)!.client } })));
const specs = new Map<number, Omit<NodeLaunchSpec, 'rejoin'>>(ids.map((id) => [id, {
  id, dataDir: join(root, `node-${id}`), host: '127.0.0.1', clientPort: real.get(id)!.client, peerPort: real.get(id)!.peer, metricsPort: real.get(id)!.metrics, logLevel: 'info',
  peers: ids.map((o) => `${o}=127.0.0.1:${links.clientLink(o).port}:${o === id ? real.get(id)!.peer : links.peerLink(id, o).port}`).join(','),
}]));
const t0 = Date.now();
const nodes = new NodeProcesses({
  launcher: (s) => ({ command: process.execPath, args: ['--import', 'tsx', '--conditions=@herald/source', cliEntry, 'node', 'start', '--id', String(s.id), '--data-dir', s.dataDir, '--host', s.host, '--client-port', String(s.clientPort), '--peer-port', String(s.peerPort), '--metrics-port', String(s.metricsPort), '--peers', s.peers, '--log-level', 'info', ...(s.rejoin ? ['--rejoin'] : [])], cwd: '/work/main' }),
  specs, logDir: join(root, 'logs'), clock: () => Date.now() - t0,
});
const log = (m: string) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s ${m}`);
const ready = async (id: number) => { for (let i = 0; i < 300; i++) { const r = await fetch(`http://127.0.0.1:${real.get(id)!.metrics}/readyz`).catch(() => undefined); if (r?.status === 200) return; await sleep(100); } throw new Error(`node ${id} not ready`); };
const brokers = ids.map((id) => links.clientLink(id).address);
try {
  for (const id of ids) await nodes.start(id);
  for (const id of ids) await ready(id);
  const client = new HeraldClient({ brokers, callTimeoutMs: 20_000 });
  await client.createTopic('t', { partitions: 1, replicationFactor: 3 });
  let d = await client.describeTopic('t');
  for (let i = 0; i < 100 && (d.partitions[0]!.leaderId === 0 || d.partitions[0]!.isr.length < 3); i++) { await sleep(200); d = await client.describeTopic('t'); }
  const leader = d.partitions[0]!.leaderId;
  // lagger: the other follower that is not the one we wipe
  const [wiped, lagger] = ids.filter((x) => x !== leader) as [number, number];
  log(`leader ${leader}, will wipe ${wiped}, lagger ${lagger}`);
  const producer = client.producer({ acks: 'quorum', idempotent: true });
  for (let i = 0; i < 200; i++) await producer.send('t', { value: `a${i}`, partition: 0 });
  // the lagger is down while b0..b199 are written, so only the leader and `wiped` hold them
  await nodes.kill(lagger);
  const acked: number[] = [];
  for (let i = 0; i < 200; i++) acked.push((await producer.send('t', { value: `b${i}`, partition: 0 })).offset);
  log(`acknowledged b0..b199 at offsets ${acked[0]}..${acked[199]} (leader + node ${wiped})`);
  // wipe, and slow the leader's bytes to the wiped node so its partition repair lags its meta repair
  await nodes.kill(wiped);
  await nodes.wipe(wiped);
  links.peerLink(leader, wiped).configure({ forward: { drop: false, delayMs: 1500 }, backward: { drop: false, delayMs: 0 } });
  const logPath = nodes.logPath(wiped);
  const from = (await readFile(logPath, 'utf8')).length;
  await nodes.start(wiped, { rejoin: true });
  let seen = false;
  for (let i = 0; i < 600 && !seen; i++) { const text = (await readFile(logPath, 'utf8').catch(() => '')).slice(from); seen = text.includes('opened partition replica'); if (!seen) await sleep(50); }
  log(`seen=${seen}`);
  await sleep(300);
  log(`node ${wiped} opened the partition in repair mode; killing it and the leader`);
  await nodes.kill(wiped);
  await nodes.kill(leader);
  links.heal();
  await nodes.start(lagger);
  await nodes.start(wiped, { rejoin: true });
  log(`restarted node ${lagger} (lagging) and node ${wiped} (--rejoin, never repaired); the leader stays down`);
  const c2 = new HeraldClient({ brokers: [links.clientLink(lagger).address, links.clientLink(wiped).address], callTimeoutMs: 20_000 });
  let p;
  for (let i = 0; i < 150; i++) { try { p = (await c2.describeTopic('t', { timeoutMs: 2000 })).partitions[0]; if (p && p.leaderId !== 0) break; } catch { /* */ } await sleep(200); }
  log(`partition leader now ${p?.leaderId} (term ${p?.leaderTerm}), high watermark ${p?.highWatermark}`);
  const consumer = c2.consumer({ topic: 't', partitions: [0], from: 'earliest', maxWaitMs: 200 });
  const values: string[] = [];
  const deadline = Date.now() + 10_000;
  const it = consumer[Symbol.asyncIterator]();
  while (Date.now() < deadline && values.length < 400) {
    const r = await Promise.race([it.next(), sleep(2000).then(() => null)]);
    if (r === null || r.done) break;
    values.push(r.value.value!.toString());
  }
  await consumer.close();
  const missing = Array.from({ length: 200 }, (_, i) => `b${i}`).filter((v) => !values.includes(v));
  log(`read ${values.length} records; acknowledged b-values missing: ${missing.length}`);
  await c2.close(); await client.close();
} finally {
  await nodes.killAll(); await nodes.close(); await links.close();
  console.log('logs in', join(root, 'logs'));
}
