// Shows where the producer's transport sends a partition's batches while its leader is unknown:
// to the replica after the one that failed, skipping nodes that just could not be reached (a
// killed leader refuses connections until it restarts), and to a leader as soon as one is named.
// Method: RoutedProduceTransport over a stub of the Router's routing state; nothing is sent.

import { HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { leaderHint, RoutedProduceTransport, unreachable } from '../src/index.js';
import type { Router } from '../src/router.js';

const replicas = ['n1:1', 'n2:2', 'n3:3'];

/** The routing state of one partition with replicas n1, n2, n3, as the Router keeps it. */
function stubRouter(leader: string | undefined) {
  const state = { leader, refreshes: 0 };
  const router = {
    partitionCount: () => 1,
    leaderAddress: () => state.leader,
    replicaAddresses: () => (state.leader === undefined ? [...replicas] : [state.leader, ...replicas.filter((a) => a !== state.leader)]),
    nextReplica: (_t: string, _p: number, current: string) => replicas[(replicas.indexOf(current) + 1) % replicas.length]!,
    onPartitionError: (_t: string, _p: number, err: HeraldError) => {
      state.leader = leaderHint(err)?.address;
    },
    refreshTopic: async () => {
      state.refreshes++;
    },
    confirmLeader: () => {},
    idOf: (address: string) => replicas.indexOf(address) + 1,
  };
  return { state, router: router as unknown as Router };
}

describe('routing while the leader is unknown', () => {
  it('guesses the next replica after a failure, skipping a node that could not be reached', () => {
    const { state, router } = stubRouter('n1:1');
    const transport = new RoutedProduceTransport(router);
    expect(transport.route('t', 0)).toBe('n1:1');
    transport.onError('t', 0, 'n1:1', unreachable('n1:1', 'Connection dropped'));
    expect(transport.route('t', 0)).toBe('n2:2');
    transport.onError('t', 0, 'n2:2', new HeraldError('NoLeader', 'no leader yet'));
    expect(transport.route('t', 0)).toBe('n3:3');
    transport.onError('t', 0, 'n3:3', new HeraldError('NoLeader', 'no leader yet'));
    // n1 was killed a moment ago: not n1 again, but n2.
    expect(transport.route('t', 0)).toBe('n2:2');
    expect(state.refreshes).toBe(3);
  });

  it('goes to the leader a NotLeader names, without a metadata refresh', () => {
    const { state, router } = stubRouter('n1:1');
    const transport = new RoutedProduceTransport(router);
    transport.onError('t', 0, 'n1:1', new HeraldError('NotLeader', 'x', { 'herald-leader-id': '3', 'herald-leader-addr': 'n3:3' }));
    expect(transport.route('t', 0)).toBe('n3:3');
    expect(state.refreshes).toBe(0);
  });
});
