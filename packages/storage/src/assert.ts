/** A broken invariant: a bug in the caller or in this package. Never caught; the process exits. */
export class InvariantViolation extends Error {
  constructor(what: string) {
    super(`invariant violated: ${what}`);
    this.name = 'InvariantViolation';
  }
}

/** Throws InvariantViolation unless `condition` holds. One condition per call. */
export function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new InvariantViolation(what);
}

/** Asserts that `value` is an integer in [0, 2^53), the range every index, term and node id
 *  lives in, and the range the 8-byte fields of the stored layouts can round-trip. */
export function assertUint(value: number, what: string): void {
  // Checked before building the message: this runs several times per entry written.
  if (!Number.isSafeInteger(value)) throw new InvariantViolation(`${what} must be a safe integer (got ${value})`);
  if (value < 0) throw new InvariantViolation(`${what} must not be negative (got ${value})`);
}
