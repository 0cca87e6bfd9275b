import { HeraldError, type Consumer, type ConsumedRecord } from '@herald/client';
import { describe, expect, it } from 'vitest';
import { isDefiniteFailure, outcomeOf, PollReader } from '../src/workload.js';

describe('isDefiniteFailure', () => {
  // Shows which send failures the history records as `fail` (definitely not written) rather than
  // `info` (unknown): only refusals made before anything could be stored. A timeout, a lost
  // connection or a retryable refusal given up on may hide an earlier attempt that was written.
  it.each([
    { reason: 'InvalidArgument', definite: true },
    { reason: 'RecordTooLarge', definite: true },
    { reason: 'TopicNotFound', definite: true },
    { reason: 'CommitTimedOut', definite: false },
    { reason: 'NotLeader', definite: false },
    { reason: 'NoLeader', definite: false },
    { reason: 'Unknown', definite: false },
  ] as const)('$reason is definite: $definite', ({ reason, definite }) => {
    expect(isDefiniteFailure(new HeraldError(reason, 'x'))).toBe(definite);
  });

  // The free-disk guard's refusal, once the catalog has it: refused before the log. Given up on
  // after an earlier attempt that may have been written, the client reports CommitTimedOut.
  it('counts the free-disk guard\'s DiskFull refusal as definite', () => {
    expect(isDefiniteFailure(new HeraldError('DiskFull' as never, 'disk full: 0 bytes free on /data, below the 64 MiB guard'))).toBe(true);
  });

  it('treats anything that is not a HeraldError as unknown', () => {
    expect(isDefiniteFailure(new Error('boom'))).toBe(false);
  });
});

/** A consumer whose iterator yields the queued records, then waits until more are pushed. */
function fakeConsumer(): { consumer: Consumer; push(offset: number): void } {
  const queue: ConsumedRecord[] = [];
  let waiting: ((r: IteratorResult<ConsumedRecord>) => void) | null = null;
  let closed = false;
  const record = (offset: number): ConsumedRecord => ({ topic: 't', partition: 0, offset, key: null, value: Buffer.from(`v${offset}`), headers: [], timestampMs: 0 });
  const consumer = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (queue.length > 0) return Promise.resolve({ done: false as const, value: queue.shift()! });
        if (closed) return Promise.resolve({ done: true as const, value: undefined });
        return new Promise<IteratorResult<ConsumedRecord>>((resolve) => (waiting = resolve));
      },
    }),
    close: async () => {
      closed = true;
      waiting?.({ done: true, value: undefined });
    },
  } as unknown as Consumer;
  return {
    consumer,
    push: (offset) => {
      if (waiting !== null) {
        const resolve = waiting;
        waiting = null;
        resolve({ done: false, value: record(offset) });
      } else {
        queue.push(record(offset));
      }
    },
  };
}

describe('PollReader', () => {
  // Shows that a poll takes what arrives within its window, that a record arriving after the
  // window closed is kept for the next poll rather than lost, and that `last` ends a poll early.
  it('keeps a pending record for the next poll and stops at the last one wanted', async () => {
    const { consumer, push } = fakeConsumer();
    const reader = new PollReader(consumer);
    push(0);
    push(1);
    expect((await reader.poll(30, 100)).map((r) => r.offset)).toEqual([0, 1]);
    const second = reader.poll(30, 100);
    expect(await second).toEqual([]); // nothing arrived; next() is still pending
    push(2);
    push(3);
    push(4);
    expect((await reader.poll(30, 100, undefined, (r) => r.offset >= 3)).map((r) => r.offset)).toEqual([2, 3]);
    expect((await reader.poll(30, 1)).map((r) => `${r.offset}=${r.value}`)).toEqual(['4=v4']);
    await reader.close();
  });
});

describe('outcomeOf', () => {
  // A workload starts a send or an ack, then awaits its invoke's write to the history before it
  // awaits the outcome; a refusal that comes first must not be an unhandled rejection (one
  // crashed a campaign run). Method: a rejection, then a turn of the event loop, counting
  // unhandled rejections meanwhile.
  it('handles a rejection that comes before anyone awaits it', async () => {
    const unhandled: unknown[] = [];
    const count = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', count);
    try {
      const outcome = outcomeOf(Promise.reject(new HeraldError('NoLeader', 'no leader yet')));
      await new Promise((resolve) => setImmediate(resolve));
      expect(await outcome).toMatchObject({ ok: false, error: { reason: 'NoLeader' } });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', count);
    }
  });

  it('passes a value through', async () => {
    expect(await outcomeOf(Promise.resolve(7))).toEqual({ ok: true, value: 7 });
  });
});
