// Shows that the `herald` command works as a user runs it: help everywhere, usage errors with a
// clear message and exit code 2, and topic create/list/describe, produce, consume, leader
// transfer and cluster status against a real cluster; and that `cluster up --detach` starts
// node processes that `cluster down` stops. Method: the real command (src/main.ts under tsx, in
// a child process) against 3 nodes in this process on free ports (test/support/cluster.ts).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { freePorts } from '../support/ports.js';
import { herald, ROOT } from '../support/herald-cli.js';
import { waitFor } from '../support/wait-for.js';

describe.concurrent('herald without a cluster', () => {
  it.each([[[]], [['--help']], [['topic', '--help']], [['topic', 'create', '--help']], [['cluster', 'up', '--help']], [['node', 'start', '--help']], [['produce', '--help']], [['consume', '--help']], [['leader', 'transfer', '--help']]])(
    'herald %j shows help',
    async (args) => {
      const run = await herald(args.length === 0 ? ['--help'] : args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: herald/);
    },
  );

  it.each([
    { args: ['topic', 'list', '--bogus'], message: "unknown option '--bogus'" },
    { args: ['topic', 'create', 'x', '--partitions', 'zero'], message: "option '--partitions <n>' argument 'zero' is invalid. must be an integer from 1 to 1024" },
    { args: ['topic', 'create', 'x'], message: "required option '--partitions <n>' not specified" },
    { args: ['produce', 't', '--acks', 'most'], message: "argument 'most' is invalid. Allowed choices are none, leader, quorum, all" },
    { args: ['consume', 't', '--from-beginning', '--offset', '3'], message: '--from-beginning and --offset cannot be used together' },
    { args: ['leader', 'transfer', 'orders', '--to', '2'], message: '"orders" is not TOPIC/PARTITION' },
    { args: ['topic', 'list', '--brokers', 'nowhere'], message: '"nowhere" is not host:port' },
    { args: ['nope'], message: "unknown command 'nope'" },
    { args: ['node', 'start', '--id', '5', '--peers', '1=127.0.0.1:17401:17501'], message: 'peers must include this node (id 5)' },
  ])('herald $args is a usage error (exit 2)', async ({ args, message }) => {
    const run = await herald(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('says plainly when no broker answers (exit 1)', async () => {
    const [port] = await freePorts(1);
    const run = await herald(['topic', 'list', '--brokers', `127.0.0.1:${port}`, '--timeout-ms', '3000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: no broker answered \(is the cluster up\?/);
  });
});

describe('herald against a 3-node cluster', () => {
  let cluster: TestCluster;
  let env: Record<string, string>;

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 3 });
    env = { HERALD_BROKERS: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',') };
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('creates, lists and describes a topic', async () => {
    const created = await herald(['topic', 'create', 'cli-orders', '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=2'], { env });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toBe('created topic cli-orders: 3 partitions, replication factor 3\n');

    const again = await herald(['topic', 'create', 'cli-orders', '--partitions', '3'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: topic "cli-orders" already exists\n');

    const list = await herald(['topic', 'list'], { env });
    expect(list.stdout).toMatch(/^NAME\s+PARTITIONS\s+REPLICATION FACTOR\ncli-orders\s+3\s+3\n$/);
    const json = await herald(['topic', 'list', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'cli-orders', partitions: 3, replicationFactor: 3 }]);

    await cluster.createTopic('cli-orders-ready', 1); // waits for leaders
    const described = await herald(['topic', 'describe', 'cli-orders'], { env });
    expect(described.code).toBe(0);
    expect(described.stdout.split('\n')[0]).toBe('topic cli-orders: 3 partitions, replication factor 3, min.insync.replicas=2');
    expect(described.stdout).toMatch(/TOPIC\s+PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+HIGH WATERMARK/);
  });

  it('produces one record, then lines of standard input, and consumes them back', async () => {
    const one = await herald(['produce', 'cli-orders', '--key', 'k1', '--value', 'hello'], { env });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^cli-orders\/[0-2] offset 0\n$/);

    const lines = await herald(['produce', 'cli-orders', '--key', 'k2', '--json'], { env, input: 'one\ntwo\nthree\n' });
    expect(lines.code).toBe(0);
    const results = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(results).toHaveLength(3);
    expect(new Set(results.map((r) => r.partition)).size).toBe(1); // one key, one partition
    expect(results.map((r) => r.offset)).toEqual([results[0]!.offset, results[0]!.offset + 1, results[0]!.offset + 2]);

    const consumed = await herald(['consume', 'cli-orders', '--from-beginning', '--count', '4', '--json'], { env });
    expect(consumed.code).toBe(0);
    const records = consumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string; partition: number });
    expect(records.map((r) => r.value).sort()).toEqual(['hello', 'one', 'three', 'two']);
    expect(records.filter((r) => r.key === 'k2').map((r) => r.value)).toEqual(['one', 'two', 'three']);

    const human = await herald(['consume', 'cli-orders', '--partition', String(results[0]!.partition), '--offset', String(results[0]!.offset + 2), '--count', '1'], { env });
    expect(human.stdout).toBe(`cli-orders/${results[0]!.partition} offset ${results[0]!.offset + 2}  key k2  value three\n`);
  });

  it('transfers a leadership and shows the cluster', async () => {
    await cluster.createTopic('cli-moves', 1);
    const from = await cluster.leaderOf('cli-moves', 0);
    const to = from === 1 ? 2 : 1;
    await waitFor(() => cluster.node(from).node.partitionView('cli-moves', 0).isr.length === 3, { timeoutMs: 10_000, what: 'cli-moves/0 ISR of 3' });
    const moved = await herald(['leader', 'transfer', 'cli-moves/0', '--to', String(to)], { env });
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toMatch(new RegExp(`^cli-moves/0: leader is now node ${to} \\(term \\d+\\)\\n$`));

    const status = await herald(['cluster', 'status', '--json'], { env });
    const parsed = JSON.parse(status.stdout) as { controllerId: number; nodes: { id: number }[]; topics: { name: string; partitions: { leaderId: number }[] }[] };
    expect(parsed.controllerId).toBeGreaterThan(0);
    expect(parsed.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(parsed.topics.find((t) => t.name === 'cli-moves')!.partitions[0]!.leaderId).toBe(to);

    const table = await herald(['cluster', 'status'], { env });
    expect(table.stdout).toMatch(/^cluster herald: 3 nodes, controller node \d/);
    expect(table.stdout).toMatch(/NODE\s+ADDRESS\s+ALIVE\s+ROLE/);
    expect(table.stdout).toMatch(/cli-moves\s+0\s+\d\s+[123],[123],[123]/);
  });

  it('drains a node: every leadership it held moves to another in-sync replica', async () => {
    await cluster.createTopic('cli-drain', 4);
    for (let p = 0; p < 4; p++) {
      const leader = await cluster.leaderOf('cli-drain', p);
      await waitFor(() => cluster.node(leader).node.partitionView('cli-drain', p).isr.length === 3, { timeoutMs: 10_000, what: `cli-drain/${p} ISR of 3` });
    }
    // Node 2 leads at least two partitions of the topic, so that the drain has work to do.
    for (const p of [0, 1]) expect((await herald(['leader', 'transfer', `cli-drain/${p}`, '--to', '2'], { env })).code).toBe(0);
    const leaders = async () => (JSON.parse((await herald(['topic', 'describe', 'cli-drain', '--json'], { env })).stdout) as { partitions: { id: number; leaderId: number }[] }).partitions;
    const led = (await leaders()).filter((p) => p.leaderId === 2).map((p) => p.id);
    expect(led.length).toBeGreaterThanOrEqual(2);

    const drained = await herald(['node', 'drain', '--node', '2'], { env });
    expect(drained.stderr).toBe('');
    expect(drained.code).toBe(0);
    for (const p of led) expect(drained.stdout).toMatch(new RegExp(`^cli-drain/${p}: leader node 2 -> node [13]$`, 'm'));
    expect(drained.stdout).toMatch(/^node 2 leads no partition \(\d+ leaderships? moved\)$/m);
    expect((await leaders()).filter((p) => p.leaderId === 2)).toEqual([]);

    const again = await herald(['node', 'drain', '--node', '2', '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ node: 2, moved: [], kept: [] });
    const stranger = await herald(['node', 'drain', '--node', '7'], { env });
    expect(stranger).toMatchObject({ code: 2, stderr: 'error: node 7 is not a member of the cluster (nodes 1, 2, 3)\n' });

    // The controller's drain hands the controller role away too.
    const controller = await cluster.controller();
    await waitFor(async () => (JSON.parse((await herald(['cluster', 'status', '--json'], { env })).stdout) as { controllerIsr: number[] }).controllerIsr.length === 3, { timeoutMs: 10_000, what: 'the meta group ISR of 3' });
    const handed = JSON.parse((await herald(['node', 'drain', '--node', String(controller), '--json'], { env })).stdout) as { controllerMovedTo: number };
    expect(handed.controllerMovedTo).not.toBe(0);
    expect(handed.controllerMovedTo).not.toBe(controller);
  });

  it('plans a roll, and rolls with --manual as the operator confirms each restart', async () => {
    const status = JSON.parse((await herald(['cluster', 'status', '--json'], { env })).stdout) as { controllerId: number };
    const order = [1, 2, 3].filter((id) => id !== status.controllerId).concat(status.controllerId);
    const plan = await herald(['cluster', 'roll', '--dry-run'], { env });
    expect(plan.stdout.split('\n')[0]).toBe(`roll order: ${order.map((id) => `node ${id}${id === status.controllerId ? ' (controller)' : ''}`).join(', ')}`);
    for (const id of order) expect(plan.stdout).toContain(`node ${id}: safe to restart now\n`);

    // Nothing restarts the in-process nodes here: the operator "restarts" each at once, so the
    // roll sees every node safe and in sync, and moves the leaderships and the controller role.
    const rolled = await herald(['cluster', 'roll', '--manual', '--json'], { env, input: '\n\n\n', timeoutMs: 60_000 });
    expect(rolled.code).toBe(0);
    expect(rolled.stderr).toBe(order.map((id) => `node ${id} is drained and safe to restart: restart it now, then press Enter\n`).join(''));
    const result = JSON.parse(rolled.stdout) as { nodes: { node: number; controllerMoved: boolean }[] };
    expect(result.nodes.map((n) => n.node)).toEqual(order);
    expect(result.nodes.at(-1)!.controllerMoved).toBe(true);

    const short = await herald(['cluster', 'roll', '--manual', '--json'], { env, input: '\n', timeoutMs: 60_000 });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('error: standard input closed before the restart was confirmed');
    const stranger = await herald(['cluster', 'roll', '--nodes', '1,7'], { env });
    expect(stranger).toMatchObject({ code: 2, stderr: 'error: node 7 is not a member of the cluster (nodes 1, 2, 3)\n' });
    const notLocal = await herald(['cluster', 'roll', '--data', '/nonexistent'], { env });
    expect(notLocal.code).toBe(2);
    expect(notLocal.stderr).toContain('does not run from /nonexistent');
  });

  it('deletes a topic', async () => {
    const deleted = await herald(['topic', 'delete', 'cli-orders-ready'], { env });
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted topic cli-orders-ready\n' });
    const described = await herald(['topic', 'describe', 'cli-orders-ready'], { env });
    expect(described.code).toBe(1);
    expect(described.stderr).toContain('topic "cli-orders-ready" does not exist');
  });
});

describe('herald cluster up --detach and cluster down', () => {
  it('starts node processes in the background and stops exactly those', async () => {
    const data = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    try {
      // One node, so that four free ports suffice: node 1 listens on base + 1.
      const [client, peer, metrics, kafka] = await freePorts(4);
      const up = await herald(
        ['cluster', 'up', '--detach', '--nodes', '1', '--data', data, '--ports', `${client! - 1},${peer! - 1},${metrics! - 1}`, '--kafka-port', String(kafka! - 1), '--log-level', 'warn'],
        { timeoutMs: 40_000 },
      );
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(/^Herald cluster is up: 1 node, controller node 1, secure \(TLS, logins, ACLs\)\n/);
      const pid = Number(readFileSync(join(data, 'node-1', 'herald.pid'), 'utf8'));
      expect(() => process.kill(pid, 0)).not.toThrow();
      // The node runs the compiled CLI, never tsx, even when `cluster up` itself runs from sources.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.slice(1, 4)).toEqual([join(ROOT, 'packages/cli/dist/main.js'), 'node', 'start']);
      expect(cmdline.join(' ')).not.toContain('tsx');
      expect(up.stdout).toMatch(new RegExp(`Stop it with: .+ cluster down --data ${data}\n`));
      expect(up.stdout).toContain(`Kafka clients: bootstrap servers 127.0.0.1:${kafka} (librdkafka settings: `);
      const kafkaProperties = readFileSync(join(data, 'kafka.properties'), 'utf8');
      expect(kafkaProperties).toContain(`bootstrap.servers=127.0.0.1:${kafka}\nsecurity.protocol=SASL_SSL\nssl.ca.location=${join(data, 'certs', 'ca.crt')}\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=admin\n`);
      expect(existsSync(join(data, 'node-1', 'herald.log'))).toBe(true);

      const again = await herald(['cluster', 'up', '--detach', '--nodes', '1', '--data', data], { timeoutMs: 10_000 });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`a cluster already runs from ${data} (pids ${pid})`);

      // Secure by default: the CLI reads the client config cluster up wrote (CA, admin).
      const status = await herald(['cluster', 'status', '--json', '--brokers', `127.0.0.1:${client}`], { env: { HERALD_CLIENT_CONFIG: join(data, 'client.json') } });
      expect(JSON.parse(status.stdout)).toMatchObject({ controllerId: 1, nodes: [{ id: 1, address: `127.0.0.1:${client}`, alive: true }] });

      const down = await herald(['cluster', 'down', '--data', data]);
      expect(down).toMatchObject({ code: 0, stdout: `stopped node-1 (pid ${pid})\n` });
      expect(() => process.kill(pid, 0)).toThrow();
      expect(existsSync(join(data, 'node-1', 'herald.pid'))).toBe(false);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
