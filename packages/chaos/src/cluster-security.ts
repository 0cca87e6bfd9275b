// A chaos run's cluster is secure, as `herald cluster up` makes one by default (issue #12): the
// nodes speak mutual TLS on the peer port with certificates of the run's own CA, and the
// harness's clients log in as the admin with SCRAM over TLS, through the same proxies as ever
// (the proxies pass bytes, so TLS runs end to end).

import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { readClientConfig, type HeraldClientOptions } from '@herald/client';
import { bootstrapUser, ensureClusterCertificates, writeBootstrapFile } from '@herald/security';

/** What a client of the run needs to reach the cluster: the proxies' addresses, TLS, the admin. */
export type ClusterAccess = Pick<HeraldClientOptions, 'tls' | 'credentials'> & { readonly brokers: readonly string[] };

/** The files a node starts with: the CA, its certificate and key, and the bootstrap users. */
export interface NodeSecurity {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly bootstrapFile: string;
}

/** A run's security: what its clients and each of its nodes are given. */
export interface RunSecurity {
  readonly access: ClusterAccess;
  readonly nodes: ReadonlyMap<number, NodeSecurity>;
  /** The admin's client config file (brokers, CA, credentials), for a person with --keep-data. */
  readonly clientConfig: string;
  /** Whether node `port`'s metrics port answers /readyz with 200 within `timeoutMs` (HTTPS with
   *  the run's CA, as every secure node's metrics port is). */
  ready(host: string, port: number, timeoutMs: number): Promise<boolean>;
  /** The node's /metrics page (Prometheus text) from its metrics port, or null when it did not
   *  answer 200 within `timeoutMs`. */
  metrics(host: string, port: number, timeoutMs: number): Promise<string | null>;
}

/** How far before the run its certificates become valid: a clock-jump fault sets a node's wall
 *  clock back by up to minutes, and a certificate made at the run's start would not be valid yet
 *  there; a real cluster's certificates were made long before, and so are these. */
const CERTIFICATES_BACKDATED_MS = 86_400_000;

/**
 * Makes, in `dir`, what `herald cluster up` makes in its data folder: `certs/` (the CA and one
 * certificate per node, valid for `host`), `bootstrap.json` (an admin user with a random
 * password, as SCRAM credentials) and `client.json` (the brokers, the CA and the admin's
 * password, mode 0600), which every client of the run reads.
 */
export async function secureRun(dir: string, ids: readonly number[], host: string, brokers: readonly string[]): Promise<RunSecurity> {
  const certs = await ensureClusterCertificates(join(dir, 'certs'), ids, [host], { now: new Date(Date.now() - CERTIFICATES_BACKDATED_MS) });
  const credentials = { username: 'admin', password: randomBytes(18).toString('base64url') };
  const bootstrapFile = join(dir, 'bootstrap.json');
  writeBootstrapFile(bootstrapFile, [await bootstrapUser(credentials.username, credentials.password)]);
  const clientConfig = join(dir, 'client.json');
  writeFileSync(clientConfig, `${JSON.stringify({ brokers, tls: { ca: 'certs/ca.crt' }, credentials }, null, 2)}\n`, { mode: 0o600 });
  const config = readClientConfig(clientConfig);
  const ca = readFileSync(certs.ca.cert);
  return {
    access: { brokers: config.brokers, ...(config.tls === undefined ? {} : { tls: config.tls }), ...(config.credentials === undefined ? {} : { credentials: config.credentials }) },
    nodes: new Map(ids.map((id) => [id, { ca: certs.ca.cert, cert: certs.nodes.get(id)!.cert, key: certs.nodes.get(id)!.key, bootstrapFile }])),
    clientConfig,
    ready: async (host, port, timeoutMs) => (await fetchPage(host, port, '/readyz', ca, timeoutMs)) !== null,
    metrics: (host, port, timeoutMs) => fetchPage(host, port, '/metrics', ca, timeoutMs),
  };
}

/** GET `path` over HTTPS (the run's CA): the body when the answer is 200, else null. */
function fetchPage(host: string, port: number, path: string, ca: Buffer, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const request = get({ host, port, path, ca, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString() : null));
      res.once('error', () => resolve(null));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(null));
  });
}
