/** A broken invariant: a bug. Never caught; the process exits. */
export class InvariantViolation extends Error {
  constructor(what: string) {
    super(`invariant violated: ${what}`);
    this.name = 'InvariantViolation';
  }
}

/** Asserts one condition that must hold unless the code itself is wrong. */
export function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new InvariantViolation(what);
}
