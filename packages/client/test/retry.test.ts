// Shows which failures the client retries (exactly the catalog's retryable reasons, plus nodes
// that cannot be reached), how long it waits between tries, and that it gives up at the deadline.

import { Metadata, status } from '@grpc/grpc-js';
import { HeraldError, Reason } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { backoffMs, delayAfter, HINTED_RETRIES_MAX, isUnreachable, shouldRetry, toHeraldError, unreachable, withRetries } from '../src/index.js';

const policy = { backoffInitialMs: 50, backoffMaxMs: 1_000 };

describe('classification', () => {
  it.each(Object.keys(Reason) as (keyof typeof Reason)[])('%s is retried exactly when the catalog says so', (reason) => {
    expect(shouldRetry(new HeraldError(reason, 'x'))).toBe(Reason[reason].retryable);
  });

  it('retries NotLeader, LeadershipLost, NoLeader, NotEnoughReplicas, ShuttingDown, DiskFull and ConcurrentTransactions', () => {
    const retried = (Object.keys(Reason) as (keyof typeof Reason)[]).filter((r) => shouldRetry(new HeraldError(r, 'x')));
    expect(retried.sort()).toEqual(['ConcurrentTransactions', 'DiskFull', 'LeadershipLost', 'NoLeader', 'NotEnoughReplicas', 'NotLeader', 'ShuttingDown']);
  });

  it('retries a node that cannot be reached, elsewhere', () => {
    expect(shouldRetry(unreachable('127.0.0.1:1', 'connection refused'))).toBe(true);
  });

  it('rebuilds a refusal from the trailers', () => {
    const metadata = new Metadata();
    metadata.set('herald-reason', 'NotLeader');
    metadata.set('herald-leader-id', '2');
    metadata.set('herald-leader-addr', '127.0.0.1:7402');
    const err = toHeraldError({ code: status.FAILED_PRECONDITION, details: 'not the leader', metadata, message: '' }, '127.0.0.1:7401');
    expect(err).toBeInstanceOf(HeraldError);
    expect(err.reason).toBe('NotLeader');
    expect(err.message).toBe('not the leader');
    expect(err.details).toMatchObject({ 'herald-leader-id': '2', 'herald-leader-addr': '127.0.0.1:7402' });
    expect(shouldRetry(err)).toBe(true);
  });

  it('marks UNAVAILABLE without a reason as unreachable, and other statuses as not retried', () => {
    const down = toHeraldError({ code: status.UNAVAILABLE, details: 'connect ECONNREFUSED', metadata: new Metadata(), message: '' }, 'a:1');
    expect(isUnreachable(down)).toBe(true);
    const internal = toHeraldError({ code: status.INTERNAL, details: 'boom', metadata: new Metadata(), message: '' }, 'a:1');
    expect(internal.reason).toBe('Unknown');
    expect(shouldRetry(internal)).toBe(false);
  });

  it('treats a reason it does not know as Unknown, not retried', () => {
    const metadata = new Metadata();
    metadata.set('herald-reason', 'SomethingNew');
    const err = toHeraldError({ code: status.UNAVAILABLE, details: 'x', metadata, message: '' }, 'a:1');
    expect(err.reason).toBe('Unknown');
    expect(shouldRetry(err)).toBe(false);
  });
});

describe('backoff', () => {
  it.each([
    { attempt: 0, low: 25, high: 50 },
    { attempt: 1, low: 50, high: 100 },
    { attempt: 3, low: 200, high: 400 },
    { attempt: 5, low: 500, high: 1_000 },
    { attempt: 50, low: 500, high: 1_000 },
  ])('attempt $attempt waits from $low to $high ms', ({ attempt, low, high }) => {
    expect(backoffMs(attempt, policy, () => 0)).toBe(low);
    expect(backoffMs(attempt, policy, () => 0.999_999)).toBe(high);
  });

  it('follows a leader hint at once, a few times in a row, then backs off', () => {
    const hinted = new HeraldError('NotLeader', 'x', { 'herald-leader-id': '2', 'herald-leader-addr': 'b:2' });
    expect(delayAfter(hinted, 0, 0, policy, () => 0)).toBe(0);
    expect(delayAfter(hinted, 0, HINTED_RETRIES_MAX, policy, () => 0)).toBe(25);
    expect(delayAfter(new HeraldError('NotLeader', 'no hint'), 0, 0, policy, () => 0)).toBe(25);
  });

  it('waits at least what herald-retry-after-ms asks, within backoffMaxMs', () => {
    expect(delayAfter(new HeraldError('NoLeader', 'x', { 'herald-retry-after-ms': '200' }), 0, 0, policy, () => 0)).toBe(200);
    expect(delayAfter(new HeraldError('NoLeader', 'x', { 'herald-retry-after-ms': '99999' }), 0, 0, policy, () => 0)).toBe(1_000);
  });
});

describe('withRetries', () => {
  const fast = { backoffInitialMs: 1, backoffMaxMs: 2 };

  it('retries retryable refusals until the call succeeds', async () => {
    let calls = 0;
    const result = await withRetries(Date.now() + 5_000, fast, async () => {
      if (++calls < 4) throw new HeraldError('NoLeader', 'no leader yet');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(4);
  });

  it('throws a refusal that is not retryable at once', async () => {
    let calls = 0;
    await expect(
      withRetries(Date.now() + 5_000, fast, async () => {
        calls++;
        throw new HeraldError('TopicNotFound', 'no such topic');
      }),
    ).rejects.toMatchObject({ reason: 'TopicNotFound' });
    expect(calls).toBe(1);
  });

  it('gives up with the last error once the deadline is near', async () => {
    const started = Date.now();
    await expect(
      withRetries(Date.now() + 100, fast, async () => {
        throw new HeraldError('NotEnoughReplicas', 'isr too small');
      }),
    ).rejects.toMatchObject({ reason: 'NotEnoughReplicas' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('tells onRetry about every error it retries', async () => {
    const seen: string[] = [];
    let calls = 0;
    await withRetries(
      Date.now() + 5_000,
      fast,
      async () => {
        if (++calls === 1) throw new HeraldError('NotLeader', 'x', { 'herald-leader-id': '3', 'herald-leader-addr': 'c:3' });
        return calls;
      },
      (err) => seen.push(err.details['herald-leader-addr']!),
    );
    expect(seen).toEqual(['c:3']);
  });
});
