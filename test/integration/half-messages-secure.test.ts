// Shows that half messages obey the ACLs on a secure in-process cluster (TLS, SCRAM): sending,
// committing and rolling back need Write on the topic, listing needs Describe, and a check-back
// goes only to the producer group's members allowed to write the topic (it shows the records).
// Method: bob may describe the topic, carol may also write it; both hold a WatchChecks stream for
// the same producer group; the admin's half message is checked back.
import { HeraldClient, HeraldError, type HalfCheck } from '@herald/client';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { bootstrapAdmin, testCertificates } from '../support/pki.js';
import { waitFor } from '../support/wait-for.js';

const ADMIN_PASSWORD = 'correct horse battery staple';
let cluster: TestCluster;
let ca: Buffer;
const clients: HeraldClient[] = [];

function client(username: string, password: string): HeraldClient {
  const c = new HeraldClient({ brokers: cluster.peers.map((p) => `127.0.0.1:${p.clientPort}`), tls: { ca }, credentials: { username, password }, callTimeoutMs: 5_000 });
  clients.push(c);
  return c;
}

async function refusal(promise: Promise<unknown>): Promise<HeraldError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeraldError);
  return err as HeraldError;
}

beforeAll(async () => {
  const pki = await testCertificates();
  ca = readFileSync(pki.ca.cert);
  cluster = await TestCluster.start({ overrides: { security: { mode: 'secure', bootstrapFile: await bootstrapAdmin(ADMIN_PASSWORD) } } });
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await cluster?.stop();
});

it('needs Write on the topic to send and decide, and checks back only with members allowed to write it', async () => {
  const admin = client('admin', ADMIN_PASSWORD);
  await waitFor(async () => (await admin.security.whoAmI().catch(() => undefined))?.principal === 'User:admin', { timeoutMs: 15_000, what: 'the admin logged in' });
  await admin.createTopic('payments', { partitions: 1, replicationFactor: 3, configs: { 'transaction.check.after.ms': '300', 'transaction.check.interval.ms': '300', 'transaction.check.max': '100' } });
  for (const [name, operations] of [
    ['bob', ['describe']],
    ['carol', ['describe', 'write']],
  ] as const) {
    await admin.security.createUser(name, `${name}-password`);
    await admin.security.createAcls(operations.map((operation) => ({ principal: `User:${name}`, resourceType: 'topic', patternType: 'literal', resourceName: 'payments', operation, permission: 'allow' }) as const));
  }
  const bob = client('bob', 'bob-password');
  const carol = client('carol', 'carol-password');
  await waitFor(async () => (await bob.describeTopic('payments').catch(() => undefined)) !== undefined, { timeoutMs: 10_000, what: 'bob may describe' });

  const denied = await refusal(bob.producer({ producerGroup: 'pay' }).sendHalf('payments', { value: 'x' }));
  expect(denied.reason).toBe('PermissionDenied');
  expect(denied.message).toContain('User:bob may not write topic "payments"');

  const half = await admin.producer({ producerGroup: 'pay' }).sendHalf('payments', { value: 'charge-1' });
  expect((await refusal(bob.producer().commit(half.id))).reason).toBe('PermissionDenied');
  expect((await refusal(bob.producer().rollback(half.id))).reason).toBe('PermissionDenied');
  expect(await bob.listHalves('payments')).toEqual([expect.objectContaining({ id: half.id, state: 'pending' })]);

  const bobChecks: HalfCheck[] = [];
  const carolChecks: HalfCheck[] = [];
  const bobMember = bob.producer({ producerGroup: 'pay', onCheck: (c) => (bobChecks.push(c), 'rollback') });
  // Carol answers 'unknown' twice, then commits: so bob has had every chance to be asked.
  const carolMember = carol.producer({ producerGroup: 'pay', onCheck: (c) => (carolChecks.push(c), carolChecks.length >= 3 ? 'commit' : 'unknown') });
  const decided = await waitFor(async () => (await admin.listHalves('payments', { decided: true })).find((h) => h.state !== 'pending'), { timeoutMs: 20_000, what: 'the half message decided at check-back' });
  expect(decided).toMatchObject({ id: half.id, state: 'committed', decidedBy: 'check' });
  const counts = carolChecks.map((c) => c.checks);
  expect(counts.length).toBeGreaterThanOrEqual(3);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(bobChecks).toEqual([]);
  await bobMember.close();
  await carolMember.close();
});
