// Shows that `herald node add` asks again when AddNode answered before the node voted (its
// controller lost the meta group's leadership in an election, found by `herald chaos ops` at load
// 27) and stops once the node votes or the wait has passed. Method: addNodeAndWait() against a
// fake client whose answers follow a script.
import { describe, expect, it } from 'vitest';
import type { NodeDescription } from '@herald/client';
import { addNodeAndWait } from '../src/reassign.js';

const spec = { id: 4, host: '127.0.0.1', clientPort: 7404, peerPort: 7504 };

/** A client whose addNode() answers each role of `roles` in turn (the last one from then on),
 *  recording the wait it was given. */
function scripted(roles: NodeDescription['role'][]) {
  const waits: number[] = [];
  const client = {
    addNode: async (_node: typeof spec, waitMs = 0): Promise<NodeDescription> => {
      waits.push(waitMs);
      const role = roles[Math.min(waits.length - 1, roles.length - 1)]!;
      return { id: 4, address: '127.0.0.1:7404', alive: true, role };
    },
  };
  return { client, waits };
}

describe('addNodeAndWait', () => {
  it('asks again after an early answer, until the node votes', async () => {
    const { client, waits } = scripted(['learner', 'learner', 'voter']);
    const { node, asked } = await addNodeAndWait(client, spec, 30_000);
    expect(node.role).toBe('voter');
    expect(asked).toBe(3);
    // Each ask waits only for what is left of the whole wait.
    expect(waits[0]).toBe(30_000);
    expect(waits[2]).toBeLessThan(30_000);
  });

  it('answers at once when the node votes', async () => {
    const { client, waits } = scripted(['voter']);
    expect(await addNodeAndWait(client, spec, 30_000)).toMatchObject({ node: { role: 'voter' }, asked: 1 });
    expect(waits).toHaveLength(1);
  });

  it('gives up, the node still a learner, once the wait has passed', async () => {
    const { client } = scripted(['learner']);
    const { node, asked } = await addNodeAndWait(client, spec, 600);
    expect(node.role).toBe('learner');
    expect(asked).toBeGreaterThanOrEqual(2);
  });
});
