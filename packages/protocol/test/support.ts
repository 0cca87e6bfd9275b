import { expect } from 'vitest';
import { HeraldError, type Reason } from '../src/index.js';

/** The seed of every fast-check property: fixed so that a failure replays; HERALD_SEED=n
 *  overrides it to explore. fast-check prints the seed and path of a failing run. */
export const SEED = Number(process.env.HERALD_SEED ?? 20_251_125);

/** Asserts that `run` throws (or rejects with) a HeraldError of `reason` whose message matches
 *  `message`. */
export async function expectRefusal(run: () => unknown, reason: Reason, message?: RegExp | string): Promise<HeraldError> {
  let thrown: unknown;
  try {
    await run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected a refusal').toBeInstanceOf(HeraldError);
  const err = thrown as HeraldError;
  expect(err.reason, err.message).toBe(reason);
  if (message !== undefined) expect(err.message).toMatch(message);
  return err;
}
