// Shows the half-message commands as a user runs them: `herald txn send` printing the id,
// `txn list` and `txn describe` showing it pending, `txn commit` printing its offset (and the
// record then read by `herald consume`), `txn rollback` of a committed one refused with the
// reason (exit 1), `txn list --all`, a malformed id (exit 2) and the usage errors. Method: the real command in a child
// process against 3 nodes in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { herald } from '../support/herald-cli.js';

describe.concurrent('herald txn usage', () => {
  it.each([[['txn', '--help']], [['txn', 'send', '--help']], [['txn', 'list', '--help']]])('herald %j shows help', async (args) => {
    const run = await herald(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: herald txn/);
  });

  it.each([
    { args: ['txn', 'send', 't', '--value', 'v'], message: "required option '--producer-group <name>' not specified" },
    { args: ['txn', 'send', 't', '--producer-group', 'g'], message: "required option '--value <value>' not specified" },
    { args: ['txn', 'send', 't', '--value', 'v', '--producer-group', 'g', '--partition', '-1'], message: 'must be an integer from 0 to 1023' },
  ])('herald $args is a usage error (exit 2)', async ({ args, message }) => {
    const run = await herald(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('herald txn against a 3-node cluster', () => {
  let cluster: TestCluster;
  let env: Record<string, string>;

  beforeAll(async () => {
    cluster = await TestCluster.start();
    env = { HERALD_BROKERS: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',') };
    // No check-back during the test: each command takes seconds on a loaded machine.
    await cluster.createTopic('orders', 2, 3, { 'transaction.check.after.ms': '600000' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('sends, lists, describes, commits and refuses a late rollback', async () => {
    const sent = await herald(['txn', 'send', 'orders', '--key', 'order-1', '--value', 'paid', '--producer-group', 'billing'], { env });
    expect(sent.stderr).toBe('');
    const id = sent.stdout.trim();
    expect(id).toMatch(/^orders\/[01]\/[0-9a-f-]{36}$/);

    const list = await herald(['txn', 'list', 'orders'], { env });
    expect(list.stdout).toMatch(/^ID\s+STATE\s+PRODUCER GROUP\s+RECORDS\s+AGE\s+CHECKS/);
    expect(list.stdout).toContain(`${id}  pending  billing`);
    const described = await herald(['txn', 'describe', id, '--json'], { env });
    expect(JSON.parse(described.stdout)).toMatchObject({ id, state: 'pending', producerGroup: 'billing', recordCount: 1, checks: 0 });

    const committed = await herald(['txn', 'commit', id], { env });
    expect(committed.stdout).toMatch(new RegExp(`^committed ${id}: orders/[01] offset 0\n$`));
    const consumed = await herald(['consume', 'orders', '--from-beginning', '--count', '1', '--json'], { env });
    expect(JSON.parse(consumed.stdout)).toMatchObject({ key: 'order-1', value: 'paid', offset: 0 });

    const late = await herald(['txn', 'rollback', id], { env });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/was already committed \(by producer, at .*\); a decision is final/);
    expect((await herald(['txn', 'list', 'orders'], { env })).stdout).toBe('no undecided half messages on orders\n');
    expect((await herald(['txn', 'list', 'orders', '--all'], { env })).stdout).toContain(`${id}  committed  billing`);
    expect((await herald(['txn', 'describe', id], { env })).stdout).toMatch(/^half message .*: committed\n.*\n.*\ncommitted by producer at .*, first offset 0\n$/);
  });

  it('says plainly what is wrong with an id (exit 2, a bad argument) or that a half message is missing (exit 1)', async () => {
    const bad = await herald(['txn', 'commit', 'orders-0-x'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a half message id (topic/partition/id');
    const missing = await herald(['txn', 'describe', 'orders/0/nothing-here'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no half message orders/0/nothing-here');
  });
});
