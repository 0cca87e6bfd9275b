// Shows that librdkafka, through kcat (Debian's package), works against a real 3-node Herald
// cluster: -L lists the three brokers, the controller, and each partition's leader, replicas
// and ISR as the cluster has them; -P then -C round-trips 100,000 keyed records with headers
// under each of gzip, snappy, lz4 and zstd, every one back in order; -G consumes as a
// group whose commits the Herald coordinator holds. Method: three nodes in this process
// (test/support/cluster.ts, kafka: true), kcat as child processes.

import { HeraldClient } from '@herald/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { hasKcat, kcat } from '../support/kcat.js';

let cluster: TestCluster;
let client: HeraldClient;
let brokers: string;

// CI installs kcat (.ci/run): there a missing kcat fails instead.
describe.skipIf(!hasKcat() && process.env.CI !== 'true')('kcat against a 3-node cluster', () => {
  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 3, kafka: true, overrides: { groups: { initialRebalanceDelayMs: 100 } } });
    client = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`) });
    brokers = cluster.kafkaBrokers.join(',');
  });

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('-L lists every broker, the controller, and each partition with its leader, replicas and ISR', async () => {
    await cluster.createTopic('kc-orders', 3);
    const controller = await cluster.controller();
    const { code, stdout } = await kcat(['-b', cluster.kafkaBrokers[0]!, '-L', '-t', 'kc-orders']);
    expect(code).toBe(0);
    expect(stdout).toContain(' 3 brokers:');
    for (const [i, address] of cluster.kafkaBrokers.entries()) {
      expect(stdout).toContain(`broker ${i + 1} at ${address}${i + 1 === controller ? ' (controller)' : ''}`);
    }
    expect(stdout).toContain('topic "kc-orders" with 3 partitions:');
    for (const partition of [0, 1, 2]) {
      const leader = await cluster.leaderOf('kc-orders', partition);
      expect(stdout).toMatch(new RegExp(`partition ${partition}, leader ${leader}, replicas: [123],[123],[123], isrs: [123],[123],[123]`));
    }
  });

  it('-P then -C round-trips 100,000 keyed records with headers under each of gzip, snappy, lz4 and zstd', async () => {
    const perCodec = 100_000;
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    await cluster.createTopic('kc-bulk', 1);
    for (const codec of codecs) {
      const lines = Array.from({ length: perCodec }, (_, i) => `${codec}-k${i % 100}\t${codec}-value-${i}`).join('\n');
      const produced = await kcat(['-b', brokers, '-P', '-t', 'kc-bulk', '-p', '0', '-K', '\t', '-H', `codec=${codec}`, '-z', codec, '-X', 'enable.idempotence=true'], lines, 120_000);
      expect(produced.stderr).not.toMatch(/fail|error/i);
      expect(produced.code).toBe(0);
    }
    const total = perCodec * codecs.length;
    const consumed = await kcat(['-b', brokers, '-C', '-t', 'kc-bulk', '-p', '0', '-o', 'beginning', '-c', String(total), '-q', '-f', '%o|%k|%s|%h\\n'], '', 120_000);
    expect(consumed.code).toBe(0);
    const rows = consumed.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(total);
    const expected = codecs.flatMap((codec, c) => Array.from({ length: perCodec }, (_, i) => `${c * perCodec + i}|${codec}-k${i % 100}|${codec}-value-${i}|codec=${codec}`));
    const mismatch = rows.findIndex((row, i) => row !== expected[i]);
    expect(mismatch === -1 ? 'every row as sent' : `row ${mismatch}: ${rows[mismatch]} (expected ${expected[mismatch]})`).toBe('every row as sent');
  }, 300_000);

  it('-G consumes as a group; the Herald coordinator holds its commits', async () => {
    await cluster.createTopic('kc-group', 3);
    const produced = await kcat(['-b', brokers, '-P', '-t', 'kc-group', '-K', '\t'], Array.from({ length: 30 }, (_, i) => `k${i}\tv${i}`).join('\n'));
    expect(produced.code).toBe(0);
    const first = await kcat(['-b', brokers, '-G', 'kc-billing', 'kc-group', '-o', 'beginning', '-e', '-q', '-f', '%s\\n', '-X', 'heartbeat.interval.ms=200'], '', 60_000);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n').sort()).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
    const committed = await client.groups.fetchOffsets('kc-billing');
    expect(committed.reduce((sum, o) => sum + o.offset, 0)).toBe(30);
    const second = await kcat(['-b', brokers, '-G', 'kc-billing', 'kc-group', '-e', '-q', '-f', '%s\\n', '-X', 'heartbeat.interval.ms=200'], '', 60_000);
    expect(second.stdout.trim()).toBe('');
  });
});
