// Certificates and keys on disk: `<name>.crt` (PEM, readable by all) and `<name>.key` (PEM
// PKCS#8, readable by its owner only: mode 0600), the layout `herald cert` and `herald cluster up`
// write and the node and the client config file read.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalidArgument } from '@herald/protocol';
import { createCa, createNodeCertificate, type CertificateAndKey } from './certs.js';

/** The files of one certificate. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** The file names of certificate `name` in `dir`. */
export function certificateFiles(dir: string, name: string): CertificateFiles {
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(name)) throw invalidArgument('name', `"${name.slice(0, 200)}" is not a file name for a certificate`);
  return { cert: resolve(join(dir, `${name}.crt`)), key: resolve(join(dir, `${name}.key`)) };
}

/**
 * Writes a certificate and its key as `<dir>/<name>.crt` and `<dir>/<name>.key` (0600), creating
 * `dir`. Refuses to replace existing files unless `overwrite`: replacing a CA's key orphans every
 * certificate it signed.
 */
export function writeCertificateFiles(dir: string, name: string, pair: CertificateAndKey, options: { readonly overwrite?: boolean } = {}): CertificateFiles {
  const files = certificateFiles(dir, name);
  if (options.overwrite !== true) {
    for (const file of [files.cert, files.key]) if (existsSync(file)) throw invalidArgument(name, `${file} exists; pass --force to replace it`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.key, pair.key, { mode: 0o600 });
  chmodSync(files.key, 0o600); // an existing file keeps its mode through writeFileSync
  writeFileSync(files.cert, pair.cert, { mode: 0o644 });
  return files;
}

/** Reads a certificate and its key from PEM files; errors name the file. */
export function readCertificateFiles(files: CertificateFiles): CertificateAndKey {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw invalidArgument(what, `cannot read ${path} (${(err as Error).message})`, { cause: err });
    }
  };
  return { cert: read(files.cert, 'cert'), key: read(files.key, 'key') };
}

/** What ensureClusterCertificates() made or found: the files of the CA and of each node. */
export interface ClusterCertificates {
  readonly dir: string;
  readonly ca: CertificateFiles;
  readonly nodes: ReadonlyMap<number, CertificateFiles>;
}

/**
 * The certificates of a local cluster in `dir`: the CA (`ca.crt`, `ca.key`) and one certificate
 * per node (`node-<id>.crt`, `.key`), each valid for `hosts` besides loopback. What exists is
 * kept (a cluster started again keeps its CA); what is missing is made, valid from `options.now`
 * (now by default). `herald cluster up`, the chaos harness and the test clusters use it.
 */
export async function ensureClusterCertificates(
  dir: string,
  nodeIds: readonly number[],
  hosts: readonly string[] = [],
  options: { readonly now?: Date } = {},
): Promise<ClusterCertificates> {
  const caFiles = certificateFiles(dir, 'ca');
  const ca = existsSync(caFiles.cert) && existsSync(caFiles.key) ? readCertificateFiles(caFiles) : await createCa(options);
  if (!existsSync(caFiles.cert)) writeCertificateFiles(dir, 'ca', ca, { overwrite: true });
  const nodes = new Map<number, CertificateFiles>();
  for (const id of nodeIds) {
    const files = certificateFiles(dir, `node-${id}`);
    if (!existsSync(files.cert) || !existsSync(files.key)) writeCertificateFiles(dir, `node-${id}`, await createNodeCertificate(ca, id, { ...options, hosts }), { overwrite: true });
    nodes.set(id, files);
  }
  return { dir, ca: caFiles, nodes };
}
