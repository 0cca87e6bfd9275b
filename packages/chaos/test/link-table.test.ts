import type { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LinkTable } from '../src/link-table.js';
import { connectClient, startEchoServer, type EchoServer } from './support/sockets.js';
import { waitFor } from './support/wait-for.js';

const nodeIds = [1, 2, 3];
let servers: EchoServer[] = [];
let table: LinkTable;
const sockets: Socket[] = [];

beforeAll(async () => {
  servers = await Promise.all(Array.from({ length: nodeIds.length * 3 }, () => startEchoServer()));
  table = await LinkTable.start(
    nodeIds.map((id, i) => ({
      id,
      peer: { host: '127.0.0.1', port: servers[3 * i]!.port },
      client: { host: '127.0.0.1', port: servers[3 * i + 1]!.port },
      listeners: { kafka: { host: '127.0.0.1', port: servers[3 * i + 2]!.port } },
    })),
  );
});

beforeEach(() => {
  table.heal();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await table.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** Which directed node pairs drop bytes, read back from the proxies themselves: "a>b" means
 *  bytes from a to b are dropped (forward on link a→b, backward on link b→a). */
function droppedPairs(): string[] {
  const pairs: string[] = [];
  for (const from of nodeIds) {
    for (const to of nodeIds) {
      if (from === to) continue;
      const forward = table.peerLink(from, to).faults.forward.drop;
      const backward = table.peerLink(to, from).faults.backward.drop;
      expect(forward, `link ${from}->${to} forward and ${to}->${from} backward agree`).toBe(backward);
      if (forward) pairs.push(`${from}>${to}`);
    }
  }
  return pairs;
}

describe('LinkTable', () => {
  it('has a proxy for every directed peer pair and every client link', () => {
    expect(Object.keys(table.peerAddresses(1))).toEqual(['2', '3']);
    const ports = new Set([...nodeIds.flatMap((from) => nodeIds.filter((to) => to !== from).map((to) => table.peerLink(from, to).port)),
      ...nodeIds.map((id) => table.clientLink(id).port)]);
    expect(ports.size).toBe(9);
    expect(() => table.peerLink(1, 1)).toThrow(/no peer link 1->1/);
    expect(() => table.isolate(7)).toThrow(/unknown node 7/);
  });

  it('isolates a node from its peers both ways, leaving clients alone unless asked', () => {
    table.isolate(2);
    expect(droppedPairs()).toEqual(['1>2', '2>1', '2>3', '3>2']);
    expect(table.clientLink(2).faults.forward.drop).toBe(false);
    table.isolate(2, { clients: true });
    expect(table.clientLink(2).faults).toMatchObject({ forward: { drop: true }, backward: { drop: true } });
    expect(table.clientLink(1).faults.forward.drop).toBe(false);
  });

  // Shows that a node's other listeners (Kafka's, in a run with the Kafka workload) get proxies
  // of their own that the client faults hit as they hit its client link, and pass bytes.
  it('gives each listener a proxy that follows the client link\'s faults', async () => {
    expect(new Set(nodeIds.map((id) => table.listenerLink('kafka', id).port)).size).toBe(3);
    expect(() => table.listenerLink('mqtt', 1)).toThrow(/no mqtt link to node 1/);
    table.isolate(2, { clients: true });
    expect(table.listenerLink('kafka', 2).faults).toMatchObject({ forward: { drop: true }, backward: { drop: true } });
    expect(table.listenerLink('kafka', 1).faults.forward.drop).toBe(false);
    table.heal();
    table.slow(3, 40);
    expect(table.listenerLink('kafka', 3).faults).toMatchObject({ forward: { delayMs: 40 }, backward: { delayMs: 40 } });
    table.heal();
    const client = await connectClient(table.listenerLink('kafka', 1).port);
    sockets.push(client.socket);
    client.socket.write('metadata');
    await waitFor(() => client.received() === 'metadata', { timeoutMs: 5_000, what: 'the listener proxy to echo' });
  });

  it('partitions two groups, leaving links within each group', () => {
    table.partition([1], [2, 3]);
    expect(droppedPairs()).toEqual(['1>2', '1>3', '2>1', '3>1']);
    expect(() => table.partition([1, 2], [2])).toThrow(/both sides/);
  });

  it('cuts one direction only in a one-way partition', () => {
    table.oneWay(1, 3);
    expect(droppedPairs()).toEqual(['1>3']);
    expect(table.peerLink(1, 3).faults).toMatchObject({ forward: { drop: true }, backward: { drop: false } });
    expect(table.peerLink(3, 1).faults).toMatchObject({ forward: { drop: false }, backward: { drop: true } });
  });

  it('bridges two groups through a node that reaches both', () => {
    table.bridge([1], 2, [3]);
    expect(droppedPairs()).toEqual(['1>3', '3>1']);
    expect(() => table.bridge([1, 2], 2, [3])).toThrow(/neither group/);
  });

  it('adds faults up until heal, and slows every link of a slow node', () => {
    table.oneWay(1, 2);
    table.oneWay(3, 1);
    table.slow(3, 40);
    expect(droppedPairs()).toEqual(['1>2', '3>1']);
    expect(table.peerLink(1, 3).faults.forward.delayMs).toBe(40);
    expect(table.peerLink(1, 2).faults.forward.delayMs).toBe(0);
    expect(table.clientLink(3).faults.backward.delayMs).toBe(40);
    table.heal();
    expect(droppedPairs()).toEqual([]);
    expect(table.peerLink(1, 3).faults.forward.delayMs).toBe(0);
  });

  // Shows the one-way cut on real sockets: node 1's requests to node 2 vanish, while node 2's
  // requests to node 1 arrive but their replies (bytes from 1 to 2) vanish.
  it('drops real bytes in the cut direction only', async () => {
    table.oneWay(1, 2);
    const oneToTwo = await connectClient(table.peerLink(1, 2).port);
    const twoToOne = await connectClient(table.peerLink(2, 1).port);
    sockets.push(oneToTwo.socket, twoToOne.socket);
    const nodeOnePeer = servers[0]!;
    oneToTwo.socket.write('from-1');
    twoToOne.socket.write('from-2');
    await waitFor(() => nodeOnePeer.received().includes('from-2'), { what: "node 2's bytes to reach node 1" });
    await waitFor(() => table.peerLink(2, 1).stats().droppedBytesBackward === 6, { what: "node 1's reply to be dropped" });
    await waitFor(() => table.peerLink(1, 2).stats().droppedBytesForward === 6, { what: "node 1's request to be dropped" });
    expect(servers[3]!.received()).toBe('');
    expect(oneToTwo.received()).toBe('');
    expect(twoToOne.received()).toBe('');
  });
});
