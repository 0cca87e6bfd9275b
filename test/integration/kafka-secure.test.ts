// Shows that on a secure cluster (issue #12) the Kafka listener is no way around security: it is
// TLS with the node's certificate, a client that does not authenticate gets nothing but
// ApiVersions and the SASL handshake, a wrong password fails, the cluster's users log in with
// SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, and what a user may do is what the cluster's ACLs allow
// (TOPIC_AUTHORIZATION_FAILED without one, through with one; a transactional id needs Write on
// it). Method: three secure nodes in this
// process (test/support/cluster.ts) with the admin user bootstrapped, kafkajs and kcat.

import { readFileSync } from 'node:fs';
import { HeraldClient } from '@herald/client';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { hasKcat, kcat } from '../support/kcat.js';
import { bootstrapAdmin, testCertificates } from '../support/pki.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_PASSWORD = 'correct horse battery staple';
let cluster: TestCluster;
let caFile: string;
let admin: HeraldClient;
const cleanups: (() => Promise<unknown>)[] = [];

function kafka(sasl: SASLOptions | undefined, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'secure-test',
    brokers: cluster.kafkaBrokers,
    ssl: { ca: [readFileSync(caFile)] },
    ...(sasl === undefined ? {} : { sasl }),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    ...extra,
  });
}

/** The error a kafkajs call fails with (its type names the Kafka error code). */
async function failure(promise: Promise<unknown>): Promise<{ type?: string; name?: string; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return err as { type?: string; name?: string; message: string };
}

beforeAll(async () => {
  caFile = (await testCertificates()).ca.cert;
  cluster = await TestCluster.start({ kafka: true, overrides: { security: { mode: 'secure', bootstrapFile: await bootstrapAdmin(ADMIN_PASSWORD) } } });
  admin = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`), tls: { ca: readFileSync(caFile) }, credentials: { username: 'admin', password: ADMIN_PASSWORD } });
  await waitFor(async () => (await admin.security.whoAmI().catch(() => undefined))?.principal === 'User:admin', { timeoutMs: 15_000, what: 'the admin logged in' });
  await admin.createTopic('s-orders', { partitions: 1, replicationFactor: 3 });
  await admin.security.createUser('alice', 'alice-password');
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await admin?.close();
  await cluster?.stop();
});

describe('the Kafka listener of a secure cluster', () => {
  it('serves nothing to a client that does not authenticate, and refuses a wrong password', async () => {
    const anonymous = kafka(undefined).admin();
    expect((await failure(anonymous.connect().then(() => anonymous.listTopics()))).message).not.toBe('');
    await anonymous.disconnect();
    const wrong = kafka({ mechanism: 'scram-sha-256', username: 'admin', password: 'wrong' }).admin();
    expect((await failure(wrong.connect())).name).toBe('KafkaJSSASLAuthenticationError');
    await wrong.disconnect();
  });

  it.each([
    { mechanism: 'scram-sha-512' as const },
    { mechanism: 'scram-sha-256' as const },
    { mechanism: 'plain' as const },
  ])('lets the admin produce and consume after a $mechanism login over TLS', async ({ mechanism }) => {
    const client = kafka({ mechanism, username: 'admin', password: ADMIN_PASSWORD } as SASLOptions);
    const producer = client.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const [sent] = await producer.send({ topic: 's-orders', acks: -1, messages: [{ key: mechanism, value: `by ${mechanism}` }] });
    expect(sent!.errorCode).toBe(0);
    const a = client.admin();
    await a.connect();
    cleanups.push(() => a.disconnect());
    const [offsets] = await a.fetchTopicOffsets('s-orders');
    expect(Number(offsets!.high)).toBeGreaterThan(Number(sent!.baseOffset));
  });

  it('allows a user what the ACLs allow: TOPIC_AUTHORIZATION_FAILED without one, through with one', async () => {
    const alice = kafka({ mechanism: 'scram-sha-512', username: 'alice', password: 'alice-password' });
    const producer = alice.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    // Without describe alice does not see the topic; with describe, not write.
    await admin.security.createAcls([{ principal: 'User:alice', resourceType: 'topic', patternType: 'literal', resourceName: 's-orders', operation: 'describe', permission: 'allow' }]);
    await waitFor(async () => (await alice.admin().fetchTopicMetadata({ topics: ['s-orders'] }).then(() => true, () => false)), { timeoutMs: 10_000, what: 'alice sees s-orders' });
    const refused = await failure(producer.send({ topic: 's-orders', acks: -1, messages: [{ value: 'x' }] }));
    expect(refused.type).toBe('TOPIC_AUTHORIZATION_FAILED');
    await admin.security.createAcls([{ principal: 'User:alice', resourceType: 'topic', patternType: 'literal', resourceName: 's-orders', operation: 'write', permission: 'allow' }]);
    await waitFor(async () => (await producer.send({ topic: 's-orders', acks: -1, messages: [{ value: 'paid' }] }).then(() => true, () => false)), { timeoutMs: 10_000, what: 'alice writes once allowed' });
  });

  it('lets a user use a transactional id only with Write on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED without)', async () => {
    await admin.security.createUser('tina', 'tina-password');
    const topicAcl = (operation: 'describe' | 'write') => ({ principal: 'User:tina' as const, resourceType: 'topic' as const, patternType: 'literal' as const, resourceName: 's-orders', operation, permission: 'allow' as const });
    await admin.security.createAcls([topicAcl('describe'), topicAcl('write')]);
    const tina = kafka({ mechanism: 'scram-sha-512', username: 'tina', password: 'tina-password' });
    const refused = tina.producer({ transactionalId: 'tina-tx', idempotent: true, maxInFlightRequests: 1 });
    await refused.connect();
    // kafkajs asks InitProducerId at its first transaction().
    const denied = (await failure(refused.transaction())) as { type?: string; cause?: { type?: string } };
    expect(denied.type ?? denied.cause?.type).toBe('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    await refused.disconnect();
    await admin.security.createAcls([{ principal: 'User:tina', resourceType: 'transactional-id', patternType: 'prefixed', resourceName: 'tina-', operation: 'write', permission: 'allow' }]);
    const producer = tina.producer({ transactionalId: 'tina-tx', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    let txn: Awaited<ReturnType<typeof producer.transaction>> | undefined;
    await waitFor(async () => (txn = await producer.transaction().catch(() => undefined)) !== undefined, { timeoutMs: 10_000, what: 'tina initializes her transactional id once allowed' });
    if (txn === undefined) throw new Error('no transaction');
    await txn.send({ topic: 's-orders', acks: -1, messages: [{ value: 'in a transaction' }] });
    await txn.commit();
  });

  it('slows a user over its produce quota down, on the Kafka port as on the gRPC port', async () => {
    await admin.security.createUser('bulk', 'bulk-password');
    await admin.security.createAcls(['describe', 'write'].map((operation) => ({ principal: 'User:bulk' as const, resourceType: 'topic' as const, patternType: 'literal' as const, resourceName: 's-orders', operation: operation as 'write', permission: 'allow' as const })));
    await admin.security.setQuota('User:bulk', { produceBytesPerSecond: 1_000 });
    const producer = kafka({ mechanism: 'scram-sha-512', username: 'bulk', password: 'bulk-password' }).producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await waitFor(async () => (await producer.send({ topic: 's-orders', acks: -1, messages: [{ value: 'x' }] }).then(() => true, () => false)), { timeoutMs: 10_000, what: 'bulk writes once allowed' });
    // 14 kB in one request is 1.4 kB/s over the 10 s window, 40% over a 1 kB/s quota: the
    // answer is held back about 4 s.
    const started = Date.now();
    await producer.send({ topic: 's-orders', acks: -1, messages: [{ value: 'x'.repeat(14_000) }] });
    expect(Date.now() - started).toBeGreaterThan(2_000);
    const throttled = await Promise.all([1, 2, 3].map(async (id) => (await cluster.node(id).node.metrics.quotaThrottled.get()).values.filter((v) => v.labels.principal === 'User:bulk' && v.labels.kind === 'produce').reduce((n, v) => n + v.value, 0)));
    expect(throttled.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
  });

  // CI installs kcat (.ci/run): there a missing kcat fails instead.
  it.skipIf(!hasKcat() && process.env.CI !== 'true')('lists the cluster to kcat over SASL_SSL', async () => {
    const { code, stdout, stderr } = await kcat([
      '-b', cluster.kafkaBrokers.join(','),
      '-L', '-t', 's-orders',
      '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${caFile}`,
      '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=admin', '-X', `sasl.password=${ADMIN_PASSWORD}`,
    ]);
    // librdkafka may log a connection it closes mid-login as it exits ("Broker handle destroyed").
    expect(stderr).not.toMatch(/nonce|invalid credentials|handshake failed|certificate/i);
    expect(code).toBe(0);
    expect(stdout).toContain('topic "s-orders" with 1 partitions:');
  });
});
