// Shows the budget of bytes server streams may hold unread: chunks fit or wait in order, an
// oversized chunk waits for an empty budget, a waiter whose stream ends leaves the queue, and
// room given back goes to waiters on the next turn of the event loop, so that streams ending
// together in one turn are never granted room they would waste.
import { describe, expect, it } from 'vitest';
import { StreamBudget } from '../src/api/stream-budget.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('StreamBudget', () => {
  it('grants what fits at once and queues the rest in order', async () => {
    const held: number[] = [];
    const budget = new StreamBudget(100, (bytes) => held.push(bytes));
    const live = new AbortController().signal;
    expect(await budget.acquire(60, live)).toBe(true);
    const order: string[] = [];
    const second = budget.acquire(50, live).then((granted) => order.push(`b:${granted}`));
    const third = budget.acquire(10, live).then((granted) => order.push(`c:${granted}`));
    await nextTurn();
    expect(order).toEqual([]); // c would fit, but waits behind b: first come, first served
    budget.release(60);
    await Promise.all([second, third]);
    expect(order).toEqual(['b:true', 'c:true']);
    expect(budget.heldBytes).toBe(60);
    expect(held.at(-1)).toBe(60);
  });

  it('lets a chunk larger than the budget through alone', async () => {
    const budget = new StreamBudget(100);
    const live = new AbortController().signal;
    expect(await budget.acquire(500, live)).toBe(true);
    const small = budget.acquire(1, live);
    budget.release(500);
    expect(await small).toBe(true);
  });

  it('drops a waiter whose stream ended, and never grants a stream that ends in the same turn as the release', async () => {
    const budget = new StreamBudget(100);
    const live = new AbortController().signal;
    expect(await budget.acquire(100, live)).toBe(true);
    const streams = [new AbortController(), new AbortController(), new AbortController()];
    const waits = streams.map((s) => budget.acquire(100, s.signal));
    // The first waiter's stream ends and the holder gives its room back; the second's ends in
    // the same turn, after the release: only the third may be granted.
    streams[0]!.abort();
    budget.release(100);
    streams[1]!.abort();
    expect(await Promise.all(waits)).toEqual([false, false, true]);
    expect(budget.heldBytes).toBe(100);
  });

  it('refuses at once on a stream already ended', async () => {
    const budget = new StreamBudget(100);
    expect(await budget.acquire(1, AbortSignal.abort())).toBe(false);
    expect(budget.heldBytes).toBe(0);
  });
});
