// Retrying: capped exponential backoff with jitter, bounded by the call's deadline (after gRPC's
// connection-backoff and AWS's "equal jitter"). What is retried is decided in errors.ts.

import { HeraldError } from '@herald/protocol';
import { isTokenRefused, leaderHint, retryAfterMs, shouldRetry, toHeraldError } from './errors.js';

/** How the client waits between attempts. */
export interface RetryPolicy {
  /** The wait before the first retry, before jitter. */
  readonly backoffInitialMs: number;
  /** The longest wait between two attempts. */
  readonly backoffMaxMs: number;
}

/** 50 ms doubling up to 1 s: a leader is usually elected within one election timeout (0.3-0.6 s). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { backoffInitialMs: 50, backoffMaxMs: 1_000 };

/** The producer's waits while a partition has no leader: 20 ms doubling up to 500 ms (10-20,
 *  20-40, 40-80 ms... with jitter). Writes are what a failover interrupts; asking a follower
 *  again is cheap, and the first ask after the election ends the outage. */
export const PRODUCER_RETRY_POLICY: RetryPolicy = { backoffInitialMs: 20, backoffMaxMs: 500 };

/**
 * The wait before retry number `attempt` (0 for the first retry): a ceiling of
 * backoffInitialMs·2^attempt capped at backoffMaxMs, of which the upper half is random, so that
 * clients that failed together do not retry together. `random` returns a number in [0, 1).
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** How many times in a row a NotLeader hint is followed without waiting. */
export const HINTED_RETRIES_MAX = 3;

/**
 * The wait before retrying after `err`: none right after a NotLeader that names another node
 * (the hint is fresh; at most `hintedRetriesMax` times in a row, so two nodes naming each other
 * cannot spin), else the backoff, and at least what a `herald-retry-after-ms` detail asks.
 */
export function delayAfter(err: HeraldError, attempt: number, hintedInARow: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (leaderHint(err) !== undefined && hintedInARow < HINTED_RETRIES_MAX) return 0;
  const hinted = retryAfterMs(err);
  const backoff = backoffMs(attempt, policy, random);
  return hinted === undefined ? backoff : Math.min(policy.backoffMaxMs, Math.max(backoff, hinted));
}

/** What an attempt is told: its number (0 first) and the absolute deadline of the whole call. */
export interface Attempt {
  readonly number: number;
  readonly deadline: number;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retried, or the next try
 * would start after `deadline` (epoch ms); then throws the last error. `onRetry` sees every
 * error that is about to be retried (to update routing). Every error is a HeraldError. A node's
 * refusal of the session token is retried once at once: the session dropped the token when the
 * refusal came in (security.ts), so the retry logs in again.
 */
export async function withRetries<T>(
  deadline: number,
  policy: RetryPolicy,
  attempt: (a: Attempt) => Promise<T>,
  onRetry: (err: HeraldError) => void = () => {},
  signal?: AbortSignal,
): Promise<T> {
  let hintedInARow = 0;
  let backoffs = 0;
  let loggedInAgain = false;
  const started = Date.now();
  for (let number = 0; ; number++) {
    let err: HeraldError;
    try {
      return await attempt({ number, deadline });
    } catch (caught) {
      err = toHeraldError(caught, 'client');
    }
    if (isTokenRefused(err) && !loggedInAgain && signal?.aborted !== true && Date.now() < deadline) {
      loggedInAgain = true;
      onRetry(err);
      continue;
    }
    if (!shouldRetry(err) || signal?.aborted === true) throw err;
    const delay = delayAfter(err, backoffs, hintedInARow, policy);
    if (delay === 0) hintedInARow++;
    else {
      hintedInARow = 0;
      backoffs++;
    }
    if (Date.now() + delay >= deadline) throw gaveUp(err, number + 1, Date.now() - started);
    onRetry(err);
    if (delay > 0) await sleep(delay, signal);
  }
}

/** The last error of a call that ran out of time retrying it, saying so. */
export function gaveUp(err: HeraldError, attempts: number, elapsedMs: number): HeraldError {
  if (attempts < 2) return err;
  return new HeraldError(err.reason, `${err.message} (gave up after ${attempts} attempts in ${elapsedMs} ms)`, err.details, { cause: err });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
