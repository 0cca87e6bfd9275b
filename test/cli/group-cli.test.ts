// Shows the consumer-group commands as a user runs them: `herald consume TOPIC --group G
// --from-beginning` printing records and committing them, `herald group describe` with members,
// offsets and lag, `group list`, `group reset-offsets` (refused while members are active) and
// `group delete`, plus their usage errors. Method: the real command in a child process against 3
// nodes in this process.
import { HeraldClient } from '@herald/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { herald } from '../support/herald-cli.js';

describe.concurrent('herald group usage', () => {
  it.each([[['group', '--help']], [['group', 'describe', '--help']], [['group', 'reset-offsets', '--help']]])('herald %j shows help', async (args) => {
    const run = await herald(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: herald group/);
  });

  it.each([
    { args: ['group', 'reset-offsets', 'g', '--topic', 't'], message: 'give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by' },
    { args: ['group', 'reset-offsets', 'g', '--topic', 't', '--to-earliest', '--shift-by', '2'], message: 'give exactly one of' },
    { args: ['group', 'reset-offsets', 'g', '--topic', 't', '--to-datetime', 'yesterday'], message: 'must be epoch milliseconds or an ISO 8601 date-time' },
    { args: ['group', 'reset-offsets', 'g', '--to-earliest'], message: "required option '--topic <topic>' not specified" },
    { args: ['consume', 't', '--group', 'g', '--offset', '3'], message: '--group cannot be used with --offset or --partition' },
  ])('herald $args is a usage error (exit 2)', async ({ args, message }) => {
    const run = await herald(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('herald group against a 3-node cluster', () => {
  let cluster: TestCluster;
  let env: Record<string, string>;
  let client: HeraldClient;

  beforeAll(async () => {
    cluster = await TestCluster.start({ overrides: { groups: { initialRebalanceDelayMs: 100 } } });
    env = { HERALD_BROKERS: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`).join(',') };
    client = new HeraldClient({ brokers: env.HERALD_BROKERS!.split(',') });
    await cluster.createTopic('orders', 3);
    const producer = client.producer();
    await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send('orders', { key: `k${i}`, value: `order-${i}` })));
    await producer.close();
  });

  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('consumes as a group member, then describes, lists, resets and deletes the group', async () => {
    const consumed = await herald(['consume', 'orders', '--group', 'billing', '--from-beginning', '--count', '30', '--json'], { env });
    expect(consumed.code).toBe(0);
    const values = consumed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { value: string }).value);
    expect(values.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `order-${i}`).sort());
    expect(consumed.stderr).toMatch(/^group billing: generation 1, assigned orders\/0,1,2\n/);

    const described = await herald(['group', 'describe', 'billing'], { env });
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^group billing: Empty, generation 2, coordinator node \d, 0 members\n/);
    expect(described.stdout).toMatch(/TOPIC\s+PARTITION\s+MEMBER\s+COMMITTED\s+HIGH WATERMARK\s+LAG\s+LAG SECONDS/);
    expect(described.stdout).toContain('total lag: 0 records');

    const list = await herald(['group', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toEqual([{ group: 'billing', state: 'Empty', memberCount: 0, generation: 2, strategy: '' }]);

    const dry = await herald(['group', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--dry-run'], { env });
    expect(dry.stdout).toMatch(/NEW OFFSET[\s\S]*dry run: nothing committed\n$/);
    const reset = await herald(['group', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--partition', '0', '--partition', '2'], { env });
    expect(reset.stdout).toMatch(/^TOPIC\s+PARTITION\s+NEW OFFSET\norders\s+0\s+0\norders\s+2\s+0\ncommitted 2 offsets for group billing\n$/);
    const lag = JSON.parse((await herald(['group', 'describe', 'billing', '--json'], { env })).stdout) as { partitions: { partition: number; lagRecords: number; highWatermark: number }[] };
    expect(lag.partitions.map((p) => p.lagRecords)).toEqual([lag.partitions[0]!.highWatermark, 0, lag.partitions[2]!.highWatermark]);

    // While a member is active, reset and delete are refused.
    const member = client.groupConsumer({ group: 'billing', topics: ['orders'] });
    const first = member.next(); // joins the group
    await expect.poll(async () => (await client.groups.describe('billing')).members.length, { timeout: 10_000 }).toBe(1);
    const busy = await herald(['group', 'reset-offsets', 'billing', '--topic', 'orders', '--to-latest'], { env });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toBe('error: consumer group "billing" has 1 active member; stop them first\n');
    const members = await herald(['group', 'describe', 'billing'], { env });
    expect(members.stdout).toMatch(/^group billing: Stable, generation 3, strategy range, coordinator node \d, 1 member\n\nMEMBER\s+CLIENT\s+HOST\s+PARTITIONS\nherald-client-\S+\s+herald-client\s+127\.0\.0\.1:\d+\s+orders\/0,1,2\n/);
    await member.close();
    void first;

    expect(await herald(['group', 'delete', 'billing'], { env })).toMatchObject({ code: 0, stdout: 'deleted group billing\n' });
    const gone = await herald(['group', 'describe', 'billing'], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('error: consumer group "billing" does not exist\n');
  });
});
