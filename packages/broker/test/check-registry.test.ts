// The node's registry of WatchChecks streams: a check-back goes to every stream of its producer
// group whose principal may write the topic, and to no other group; a stream takes one
// check-back at a time; and all streams together hold at most the registry's capacity of
// check-backs written and not yet flushed, so readers that stop reading cannot grow the node.
import { describe, expect, it } from 'vitest';
import { CheckRegistry, type CheckWatcher, type HalfCheckMessage } from '../src/transactions/check-registry.js';

const check = (producerGroup: string, bytes = 100, topic = 'orders'): HalfCheckMessage => ({ id: 'h1', producerGroup, checks: 1, createdMs: 0, batch: new Uint8Array(bytes), topic, partition: 0 });

/** A stream that records what it was sent; `flush()` completes its write in progress. */
function stream(options: { mayWrite?: boolean } = {}) {
  const sent: HalfCheckMessage[] = [];
  let pending: (() => void) | undefined;
  const watcher: CheckWatcher = {
    mayWrite: () => options.mayWrite ?? true,
    send: (c, flushed) => {
      if (pending !== undefined) return false;
      sent.push(c);
      pending = flushed;
      return true;
    },
  };
  return {
    watcher,
    sent,
    flush: () => {
      const done = pending;
      pending = undefined;
      done?.();
    },
  };
}

describe('CheckRegistry', () => {
  it('delivers to the streams of the producer group allowed to write the topic, and to no other', () => {
    const registry = new CheckRegistry(1 << 20);
    const a = stream();
    const b = stream();
    const reader = stream({ mayWrite: false });
    const other = stream();
    registry.watch('billing', a.watcher);
    registry.watch('billing', b.watcher);
    registry.watch('billing', reader.watcher);
    registry.watch('shipping', other.watcher);
    expect(registry.size).toBe(4);
    expect(registry.deliver(check('billing'))).toBe(2);
    expect([a.sent.length, b.sent.length, reader.sent.length, other.sent.length]).toEqual([1, 1, 0, 0]);
    expect(registry.deliver(check('nobody'))).toBe(0);
  });

  it('sends one check-back at a time per stream, and frees its bytes when flushed or unwatched', () => {
    const registry = new CheckRegistry(1 << 20);
    const a = stream();
    const unwatch = registry.watch('billing', a.watcher);
    expect(registry.deliver(check('billing', 300))).toBe(1);
    expect(registry.deliver(check('billing', 300))).toBe(0); // still writing the first
    expect(registry.heldBytes).toBe(300);
    a.flush();
    expect(registry.heldBytes).toBe(0);
    expect(registry.deliver(check('billing', 300))).toBe(1);
    unwatch();
    a.flush(); // the stream ended with a write in progress
    expect(registry.heldBytes).toBe(0);
    expect(registry.size).toBe(0);
    expect(registry.deliver(check('billing'))).toBe(0);
  });

  it('holds at most its capacity for readers that stop reading (one check-back larger than it still goes alone)', () => {
    const registry = new CheckRegistry(1_000);
    const streams = Array.from({ length: 5 }, () => stream());
    for (const s of streams) registry.watch('billing', s.watcher);
    expect(registry.deliver(check('billing', 400))).toBe(2);
    expect(registry.heldBytes).toBe(800);
    for (const s of streams) s.flush();
    expect(registry.heldBytes).toBe(0);
    expect(registry.deliver(check('billing', 5_000))).toBe(1);
    expect(registry.heldBytes).toBe(5_000);
  });
});
