// The client config file: where a cluster is and how to reach it securely, written by
// `herald cluster up` as DATA/client.json and read by the CLI and the SDK, so that a secure
// cluster needs no flags:
//
//   { "brokers": ["127.0.0.1:7401", "127.0.0.1:7402"],
//     "tls": { "ca": "ca.crt", "cert": "alice.crt", "key": "alice.key" },
//     "credentials": { "username": "admin", "password": "…", "mechanism": "SCRAM-SHA-256" } }
//
// `tls.ca`, `tls.cert` and `tls.key` are PEM text, or paths to PEM files relative to the file's
// folder. The file found: the one HERALD_CLIENT_CONFIG names, else ./data/client.json when it
// exists, else none.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { invalidArgument } from '@herald/protocol';
import { isAddress } from './connections.js';
import type { ClientCredentials, TlsOptions } from './security.js';

/** The environment variable naming the client config file. */
export const CLIENT_CONFIG_ENV = 'HERALD_CLIENT_CONFIG';

/** The file read when HERALD_CLIENT_CONFIG is not set, relative to the working directory: where
 *  `herald cluster up` writes it by default. */
export const DEFAULT_CLIENT_CONFIG_PATH = 'data/client.json';

/** A client config file, read and resolved: PEM text, not paths. */
export interface ClientConfig {
  /** The file it came from, absolute. */
  readonly path: string;
  readonly brokers: readonly string[];
  readonly tls?: TlsOptions;
  readonly credentials?: ClientCredentials;
}

const pemOrPath = z.string().min(1, 'must be PEM text or the path of a PEM file');

const schema = z
  .object({
    brokers: z.array(z.string().refine(isAddress, 'must be host:port')).min(1, 'needs at least one host:port'),
    tls: z.object({ ca: pemOrPath.optional(), cert: pemOrPath.optional(), key: pemOrPath.optional() }).strict().optional(),
    credentials: z
      .object({
        username: z.string().min(1, 'must not be empty'),
        password: z.string().min(1, 'must not be empty'),
        mechanism: z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * The client config file to read: the path HERALD_CLIENT_CONFIG names (which must exist), else
 * ./data/client.json when it exists, else undefined. Relative paths are against `cwd`.
 */
export function clientConfigPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = env[CLIENT_CONFIG_ENV];
  if (named !== undefined && named !== '') {
    const path = resolve(cwd, named);
    if (!existsSync(path)) throw invalidArgument(CLIENT_CONFIG_ENV, `${path} does not exist`);
    return path;
  }
  const fallback = resolve(cwd, DEFAULT_CLIENT_CONFIG_PATH);
  return existsSync(fallback) ? fallback : undefined;
}

/**
 * Reads and checks a client config file: JSON of the shape above, nothing else; PEM given by
 * path read from the file's folder. A bad file is refused with InvalidArgument naming the file
 * and the field (`client config /path/client.json: tls.ca: ...`); the password is never in a
 * message.
 */
export function readClientConfig(path: string): ClientConfig {
  const absolute = resolve(path);
  const where = (field: string) => `client config ${absolute}${field === '' ? '' : `: ${field}`}`;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw invalidArgument(where(''), `cannot be read (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(where(''), `is not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw invalidArgument(where(field === '' ? '(top level)' : field), issue.message);
  }
  const { brokers, tls, credentials } = parsed.data;
  const pem = (field: 'ca' | 'cert' | 'key'): string | undefined => {
    const value = tls?.[field];
    if (value === undefined || value.trimStart().startsWith('-----BEGIN ')) return value;
    const file = isAbsolute(value) ? value : resolve(dirname(absolute), value);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw invalidArgument(where(`tls.${field}`), `cannot read ${file} (${(err as Error).message})`, { cause: err });
    }
  };
  return {
    path: absolute,
    brokers,
    ...(tls === undefined ? {} : { tls: dropUndefined({ ca: pem('ca'), cert: pem('cert'), key: pem('key') }) }),
    ...(credentials === undefined ? {} : { credentials: dropUndefined(credentials) }),
  };
}

/** Reads the client config file that clientConfigPath() finds, or undefined when there is none. */
export function findClientConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ClientConfig | undefined {
  const path = clientConfigPath(env, cwd);
  return path === undefined ? undefined : readClientConfig(path);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
