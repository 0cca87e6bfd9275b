// Shows that a node answers "topic not found" (NOT_FOUND, definite) only when its copy of the
// cluster metadata is current, and otherwise answers retryably (UNAVAILABLE, NoLeader, with a
// retry hint): a node whose meta group has no controller, or whose meta log is being repaired
// after a wipe, cannot know that a topic does not exist. Method: three in-process nodes; ask
// node 1 for an unknown topic (NOT_FOUND); stop nodes 2 and 3 until node 1 knows no controller
// and ask again (UNAVAILABLE); then wipe node 3 and start it alone with --rejoin (repairing, no
// controller: UNAVAILABLE); start the others and wait until node 3 is current (NOT_FOUND).
import { status } from '@grpc/grpc-js';
import { encodeBatch } from '@herald/protocol';
import { afterAll, expect, it } from 'vitest';
import { call, reasonOf, TestCluster } from '../support/cluster.js';
import { waitFor } from '../support/wait-for.js';

let cluster: TestCluster | undefined;
afterAll(async () => cluster?.stop());

interface Refusal {
  code: number;
  reason: string | undefined;
  retryAfterMs: string | undefined;
}

async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err === undefined) throw new Error('expected a refusal, got an answer');
  const metadata = (err as { metadata?: { get(key: string): unknown[] } }).metadata;
  return { code: (err as { code: number }).code, reason: reasonOf(err), retryAfterMs: metadata?.get('herald-retry-after-ms')[0]?.toString() };
}

const notFound = { code: status.NOT_FOUND, reason: 'TopicNotFound', retryAfterMs: undefined };
const retryable = { code: status.UNAVAILABLE, reason: 'NoLeader', retryAfterMs: '200' };

it('answers an unknown topic with NOT_FOUND only when its metadata is current', async () => {
  cluster = await TestCluster.start();
  const c = cluster;
  await c.createTopic('known', 1);
  const batch = await encodeBatch([{ key: null, value: Buffer.from('x'), timestampMs: 1 }]);
  const produce = (id: number, topic: string) => call(c.client(id).produce, 'produce', { topic, partition: 0, batch }, 3_000);
  const fetch = (id: number, topic: string) => call(c.client(id).consume, 'fetch', { topic, partition: 0, offset: 0 }, 3_000);

  await waitFor(() => c.node(1).node.meta.isCurrent(), { timeoutMs: 10_000, what: 'node 1 metadata current' });
  expect(await refusalOf(produce(1, 'missing'))).toEqual(notFound);
  expect(await refusalOf(fetch(1, 'missing'))).toEqual(notFound);

  // No controller: node 1 alone cannot tell.
  await c.stopNode(2);
  await c.stopNode(3);
  await waitFor(() => c.node(1).node.meta.controllerId() === 0, { timeoutMs: 10_000, what: 'node 1 without a controller' });
  expect(await refusalOf(produce(1, 'missing'))).toEqual(retryable);
  expect(await refusalOf(fetch(1, 'missing'))).toEqual(retryable);

  // Wiped and repairing, with no controller to repair it: node 3 knows nothing yet.
  await c.stopNode(1);
  c.wipe(3);
  await c.startNode(3, { rejoin: true });
  expect(c.node(3).node.meta.group.isRepairing()).toBe(true);
  const repairing = await refusalOf(produce(3, 'known'));
  expect(repairing).toEqual(retryable);
  expect(await refusalOf(fetch(3, 'missing'))).toEqual(retryable);

  // The others come back: node 3 is repaired, applies the metadata, and can tell again.
  await c.startNode(1);
  await c.startNode(2);
  await waitFor(() => c.node(3).node.meta.isCurrent(), { timeoutMs: 15_000, what: 'node 3 metadata current' });
  expect(c.node(3).node.meta.state.topic('known')).toBeDefined();
  expect(await refusalOf(produce(3, 'missing'))).toEqual(notFound);
  expect(await refusalOf(fetch(3, 'missing'))).toEqual(notFound);
});
