// The SCRAM exchanges a node has started and not finished: AuthService's ScramStart creates one
// and answers its id; ScramFinish takes it back by id. Bounded in count and age, since anyone
// who can reach the client port can start exchanges: an exchange is kept PENDING_LOGIN_TTL_MS,
// and when PENDING_LOGINS_MAX are pending the oldest is dropped (its client starts again).

import { randomBytes } from 'node:crypto';
import type { ScramServer } from './scram.js';

/** How long a started exchange waits for its client-final message. */
export const PENDING_LOGIN_TTL_MS = 10_000;
/** How many exchanges a node keeps pending at most. */
export const PENDING_LOGINS_MAX = 10_000;

/** Started SCRAM exchanges by handshake id, with an injected clock. */
export class PendingLogins {
  /** Insertion order is age order: Map iterates in insertion order. */
  private readonly pending = new Map<string, { readonly exchange: ScramServer; readonly expiresAtMs: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs = PENDING_LOGIN_TTL_MS,
    private readonly max = PENDING_LOGINS_MAX,
  ) {}

  /** Keeps `exchange` and returns its handshake id: 16 random bytes, base64url. */
  add(exchange: ScramServer): string {
    this.expire();
    while (this.pending.size >= this.max) this.pending.delete(this.pending.keys().next().value!);
    const id = randomBytes(16).toString('base64url');
    this.pending.set(id, { exchange, expiresAtMs: this.clock() + this.ttlMs });
    return id;
  }

  /** Takes the exchange of `id` out (an id is good for one finish), or undefined when it is
   *  unknown, was taken, or expired. */
  take(id: string): ScramServer | undefined {
    this.expire();
    const entry = this.pending.get(id);
    if (entry === undefined) return undefined;
    this.pending.delete(id);
    return entry.exchange;
  }

  /** How many exchanges are pending. */
  get size(): number {
    this.expire();
    return this.pending.size;
  }

  private expire(): void {
    const now = this.clock();
    for (const [id, entry] of this.pending) {
      if (entry.expiresAtMs > now) break;
      this.pending.delete(id);
    }
  }
}
