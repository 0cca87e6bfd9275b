/** Thrown when an invariant of the core does not hold: a bug. Never caught; the process dies. */
export class InvariantViolation extends Error {
  constructor(what: string) {
    super(`raft invariant violated: ${what}`);
    this.name = 'InvariantViolation';
  }
}

/** Asserts one condition that must hold; `what` says what the condition guarantees. */
export function assert(condition: boolean, what: string): asserts condition {
  if (!condition) throw new InvariantViolation(what);
}
