import { bootstrapUser, createClientCertificate, ensureClusterCertificates, readCertificateFiles, writeBootstrapFile, type ClusterCertificates } from '@herald/security';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let shared: Promise<ClusterCertificates> | undefined;

/**
 * A cluster CA and certificates for nodes 1 to 5, made once per test process (EC keys, about a
 * second in all) and shared by every test cluster it starts: every node needs them, since the
 * peer port is mutual TLS in every mode.
 */
export function testCertificates(): Promise<ClusterCertificates> {
  shared ??= ensureClusterCertificates(join(mkdtempSync(`${tmpdir()}/herald-pki-`), 'certs'), [1, 2, 3, 4, 5]);
  return shared;
}

/** The tls section of node `id`'s configuration, from testCertificates(). */
export async function testTls(id: number): Promise<{ ca: string; cert: string; key: string }> {
  const certs = await testCertificates();
  const node = certs.nodes.get(id);
  if (node === undefined) throw new Error(`the test PKI has no certificate for node ${id}`);
  return { ca: certs.ca.cert, cert: node.cert, key: node.key };
}

let admin: Promise<{ ca: string; cert: string; key: string }> | undefined;

/** TLS for a client of a secure test cluster: the test CA, and a client certificate of
 *  User:admin (a superuser by default), so that no login is needed. */
export function testAdminTls(): Promise<{ ca: string; cert: string; key: string }> {
  admin ??= testCertificates().then(async (pki) => {
    const ca = readCertificateFiles(pki.ca);
    const cert = await createClientCertificate(ca, 'admin');
    return { ca: ca.cert, cert: cert.cert, key: cert.key };
  });
  return admin;
}

/** Writes a security bootstrap file (security.bootstrapFile) holding the user `admin` with
 *  `password`, SCRAM-SHA-256 and SCRAM-SHA-512 credentials; returns its path. */
export async function bootstrapAdmin(password: string): Promise<string> {
  const pki = await testCertificates();
  const file = join(pki.dir, `bootstrap-${process.pid}-${Date.now()}.json`);
  writeBootstrapFile(file, [await bootstrapUser('admin', password)]);
  return file;
}
