import { getRandomValues } from 'node:crypto';

/**
 * A random producer id in [0, 2^53). Idempotent SDK producers, Kafka producers and transactional
 * ids draw from this one space, uniformly, so any two collide with a chance of about n²/2^54 for
 * n producers (as likely as a UUID clash). Blocks allocated by the controller would make the
 * broker's ids unique among themselves but not against the SDK's, and would put a meta-group
 * commit in every producer's start.
 */
export function randomProducerId(): number {
  const [high, low] = getRandomValues(new Uint32Array(2));
  return (high! & 0x1f_ffff) * 2 ** 32 + low!;
}
