import { readFileSync } from 'node:fs';
import { createClusterSecret } from '@herald/security/models';
import { z } from 'zod';
import type { MetaGroup } from '../meta/meta-group.js';
import { storedSecret, type StoredUser } from '../meta/security-state.js';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const bootstrapFileSchema = z.strictObject({
  users: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a user name'),
      credentials: z
        .array(z.strictObject({ mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']), salt: base64, iterations: z.number().int().min(4096).max(1_000_000), storedKey: base64, serverKey: base64 }))
        .min(1),
    }),
  ),
});

/** The users of a bootstrap file (`security.bootstrapFile`): SCRAM credentials, never passwords.
 *  Throws naming the file and the field when it is unreadable or malformed. */
export function readBootstrapUsers(file: string): StoredUser[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the security bootstrap file ${file}: ${(err as Error).message}`);
  }
  const parsed = bootstrapFileSchema.safeParse(value);
  if (!parsed.success) throw new Error(`the security bootstrap file ${file} is not valid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.users;
}

/**
 * The first controller of a new cluster writes its security state: a fresh token secret and the
 * bootstrap users (Kafka's `kafka-storage format --add-scram`, done by the controller instead,
 * so that the secret never leaves the meta group). The meta state applies the first such command
 * only; a controller that proposed one too late changes nothing. Resolves once it is applied;
 * nothing to do once the cluster is bootstrapped or while this node is not an up-to-date
 * controller.
 */
export async function bootstrapSecurity(meta: MetaGroup, users: readonly StoredUser[], timeoutMs: number): Promise<void> {
  if (meta.state.security.bootstrapped || !meta.isUpToDateController()) return;
  await meta.propose({ type: 'SecurityBootstrap', secret: storedSecret(createClusterSecret()), users }, timeoutMs);
}
