// What readers that never read cost a node (issue #12): a three-node cluster of real `herald node
// start` processes, one partition holding `megabytes` MB, and `streams` Subscribe calls opened on
// its leader by a raw HTTP/2 client that never reads a byte (the cheapest attack: no gRPC
// library buffers anything on the reader's side). Samples the leader's RSS and its
// herald_stream_buffer_bytes while the streams are open, then cancels them all and samples
// again; counts elections in each phase (there should be none) and notes the machine's load
// average, which decides whether an election is the streams' doing. Prints one JSON line.
//
//   pnpm exec tsx --conditions=@herald/source test/bench/unread-streams.ts [streams] [megabytes] [open seconds]
import { HeraldClient } from '@herald/client';
import { loadApiDefinition } from '@herald/protocol';
import * as http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { heraldCompiled, ProcessCluster } from '../support/process-cluster.js';
import { waitFor } from '../support/wait-for.js';

const streamCount = Number(process.argv[2] ?? 1000);
const megabytes = Number(process.argv[3] ?? 100);
const openSeconds = Number(process.argv[4] ?? 20);
const STREAMS_PER_CONNECTION = 100; // under the node's limits.maxConcurrentStreams (256)

const subscribe = (loadApiDefinition()['herald.v1.ConsumeService'] as Record<string, { requestSerialize: (request: object) => Buffer }>).Subscribe!;

const herald = heraldCompiled();
const profileDir = process.env.PROFILE_DIR; // the nodes write CPU profiles there on a clean stop
const cluster = await ProcessCluster.start(3, profileDir === undefined ? herald : { file: herald.file, args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...herald.args] });
const client = new HeraldClient({ brokers: cluster.brokers });
const sessions: http2.ClientHttp2Session[] = [];
try {
  await cluster.ready();
  await client.createTopic('unread', { partitions: 1, replicationFactor: 3 });
  const producer = client.producer({ lingerMs: 5, batchBytesMax: 256 << 10 });
  const value = Buffer.alloc(16 << 10, 7);
  const records = Math.ceil((megabytes << 20) / value.byteLength);
  for (let sent = 0; sent < records; sent += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, records - sent) }, () => producer.send('unread', { value, partition: 0 })));
  }
  await producer.close();
  const before = (await client.describeTopic('unread')).partitions[0]!;
  const leader = before.leaderId;
  const pid = cluster.pid(leader)!;
  const metricsPort = cluster.peers.find((p) => p.id === leader)!.metricsPort;

  const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
  const scrape = async (port: number, name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  };
  const elections = async () => {
    let n = 0;
    for (const p of cluster.peers) n += await scrape(p.metricsPort, 'herald_raft_elections_total');
    return n;
  };
  const sampleFor = async (seconds: number) => {
    let peak = 0;
    let peakHeld = 0;
    for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; ) {
      peak = Math.max(peak, rssMb());
      const held = await scrape(metricsPort, 'herald_stream_buffer_bytes');
      peakHeld = Math.max(peakHeld, held);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { peak, peakHeld };
  };

  if (process.env.TIMELINE) {
    const timer = setInterval(() => {
      void (async () => console.error(new Date().toISOString().slice(11, 23), 'rss', rssMb(), 'heapMb', Math.round((await scrape(metricsPort, 'herald_nodejs_heap_size_used_bytes')) / 1e6), 'extMb', Math.round((await scrape(metricsPort, 'herald_nodejs_external_memory_bytes')) / 1e6), 'held', await scrape(metricsPort, 'herald_stream_buffer_bytes'), 'open', await scrape(metricsPort, 'herald_subscriptions_open')))().catch(() => {});
    }, 1000);
    timer.unref();
  }
  const electionsBefore = await elections();
  const baseline = (await sampleFor(3)).peak;

  const body = subscribe.requestSerialize({ topic: 'unread', partition: 0, startPosition: 'START_POSITION_EARLIEST', maxBytes: 1 << 20 });
  const frame = Buffer.alloc(5 + body.byteLength);
  frame.writeUInt32BE(body.byteLength, 1);
  body.copy(frame, 5);
  const address = `http://127.0.0.1:${cluster.peers.find((p) => p.id === leader)!.clientPort}`;
  for (let opened = 0; opened < streamCount; opened += STREAMS_PER_CONNECTION) {
    const session = http2.connect(address);
    session.on('error', () => {});
    sessions.push(session);
    for (let i = 0; i < Math.min(STREAMS_PER_CONNECTION, streamCount - opened); i++) {
      const stream = session.request({ ':method': 'POST', ':path': '/herald.v1.ConsumeService/Subscribe', 'content-type': 'application/grpc', te: 'trailers' });
      stream.on('error', () => {});
      stream.pause(); // never reads: its window (64 KiB) fills and the node must hold the rest
      stream.end(frame);
    }
  }
  await waitFor(async () => (await scrape(metricsPort, 'herald_subscriptions_open')) >= streamCount, { timeoutMs: 60_000, what: `${streamCount} subscriptions open` });
  const open = await sampleFor(openSeconds);
  const electionsOpen = (await elections()) - electionsBefore;

  for (const session of sessions) session.destroy();
  await waitFor(async () => (await scrape(metricsPort, 'herald_subscriptions_open')) === 0, { timeoutMs: 60_000, what: 'every subscription closed' });
  const after = (await sampleFor(5)).peak;
  const electionsAfterCancel = (await elections()) - electionsBefore - electionsOpen;
  const leaderAfter = (await client.describeTopic('unread')).partitions[0]!;
  console.log(
    JSON.stringify({
      streams: streamCount,
      partitionMb: megabytes,
      openSeconds,
      leaderRssMb: { baseline, peakOpen: open.peak, afterCancel: after, growth: open.peak - baseline },
      peakStreamBufferMb: Math.round(open.peakHeld / (1 << 20)),
      elections: { whileOpen: electionsOpen, afterCancel: electionsAfterCancel },
      loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
      leaderUnchanged: leaderAfter.leaderId === leader && leaderAfter.leaderTerm === before.leaderTerm,
    }),
  );
} finally {
  for (const session of sessions) session.destroy();
  await client.close();
  if (process.env.KEEP_LOGS || profileDir !== undefined) {
    await cluster.stop(); // SIGTERM: a node run with --cpu-prof writes its profile
    console.error('logs kept in', cluster.keepLogs('unread-streams'));
  }
  await cluster.destroy();
}
