import { describe, expect, it } from 'vitest';
import { repairingOnNode } from '../src/run.js';

// What the harness reads of a node's metrics before a data-loss fault: whether any replica there
// repairs a log it lost (herald_raft_repairing for the meta group, herald_partitions_repairing).
describe('repairingOnNode', () => {
  const page = (meta: number, partitions: number): string =>
    [
      '# HELP herald_raft_repairing 1 while this replica repairs a log it lost.',
      '# TYPE herald_raft_repairing gauge',
      `herald_raft_repairing{group="meta"} ${meta}`,
      'herald_raft_repairing{group="Ab3/0",topic="chaos",partition="0"} 0',
      '# TYPE herald_partitions_repairing gauge',
      `herald_partitions_repairing ${partitions}`,
    ].join('\n');

  // Shows that a node repairing nothing reads as '', and each kind of repair is named.
  it.each([
    [0, 0, ''],
    [1, 0, 'meta group'],
    [0, 2, '2 partitions'],
    [1, 3, 'meta group, 3 partitions'],
  ])('meta %i, partitions %i: "%s"', (meta, partitions, expected) => {
    expect(repairingOnNode(page(meta, partitions))).toBe(expected);
  });
});
