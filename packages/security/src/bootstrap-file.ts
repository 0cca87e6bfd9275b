// The security bootstrap file a node reads once, when its cluster first forms
// (`security.bootstrapFile`, `herald node start --bootstrap-file`): the first users, as SCRAM
// credentials (RFC 5802 §2.2: salt, iterations, StoredKey, ServerKey), never passwords.

import { writeFileSync } from 'node:fs';
import { createScramCredential, ScramMechanism } from './scram.js';

/** One user of a bootstrap file: the name and a SCRAM-SHA-256 and a SCRAM-SHA-512 credential. */
export interface BootstrapUser {
  readonly name: string;
  readonly credentials: readonly {
    readonly mechanism: ScramMechanism;
    readonly salt: string;
    readonly iterations: number;
    readonly storedKey: string;
    readonly serverKey: string;
  }[];
}

/** The bootstrap entry of user `name` with `password`: both SCRAM mechanisms, so that a client
 *  may log in with either; the password is in neither. */
export async function bootstrapUser(name: string, password: string): Promise<BootstrapUser> {
  const credentials = await Promise.all([ScramMechanism.Sha256, ScramMechanism.Sha512].map((mechanism) => createScramCredential(password, mechanism)));
  return {
    name,
    credentials: credentials.map((c) => ({ mechanism: c.mechanism, salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') })),
  };
}

/** Writes a bootstrap file of `users` at `path`, readable by its owner only (mode 0600): the
 *  credentials are enough to mount an offline guess at the passwords. */
export function writeBootstrapFile(path: string, users: readonly BootstrapUser[]): void {
  writeFileSync(path, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
}
