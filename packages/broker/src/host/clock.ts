/** A timer started by a Clock; cancel() is idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * Where the broker's time comes from: the wall clock for timestamps and lease deadlines, and
 * timers for timeouts and periodic work. Injected into the host, the partitions, the queue
 * leaders, the meta group and the group coordinator, so that their unit tests run on a
 * controlled clock (test/support/fake-clock.ts) instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds (Date.now()). */
  now(): number;
  /** Runs `fn` once after `ms`. The timer does not keep the process alive. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Runs `fn` every `ms`. The timer does not keep the process alive. */
  setInterval(fn: () => void, ms: number): Timer;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
