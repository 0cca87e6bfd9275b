// `herald cert create-ca|create-node|create-client`: the certificates of a secure cluster made by
// hand, for deployments `herald cluster up` does not set up (several machines, containers). The
// files go to one folder: ca.crt/ca.key, node-<id>.crt/.key, <user>.crt/.key (keys mode 0600).
// @herald/security is loaded when a cert command runs, not at every start of the CLI: making
// certificates pulls in @peculiar/x509, a good part of a second on a busy machine.

import { X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import type { CertificateAndKey, CertificateFiles } from '@herald/security';
import { print, printJson } from '../output.js';
import { integer } from '../options.js';

/** Where `herald cert` writes and finds certificates by default. */
export const DEFAULT_CERT_DIR = 'data/certs';

interface CommonOptions {
  dir: string;
  days?: number;
  rsa?: boolean;
  force?: boolean;
  json?: boolean;
}

interface SignedOptions extends CommonOptions {
  caCert?: string;
  caKey?: string;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--dir <path>', 'the folder of the certificates', DEFAULT_CERT_DIR)
    .option('--days <n>', 'validity in days (default: 3650 for a CA, 825 otherwise, never past the CA)', integer(1, 36_500))
    .option('--rsa', 'an RSA-2048 key instead of EC P-256')
    .option('--force', 'replace existing files')
    .option('--json', 'print the files and names as JSON');
}

function withCaOptions(command: Command): Command {
  return withCommonOptions(command)
    .option('--ca-cert <path>', 'the CA certificate (default: <dir>/ca.crt)')
    .option('--ca-key <path>', "the CA's private key (default: <dir>/ca.key)");
}

const security = () => import('@herald/security');

async function loadCa(options: SignedOptions): Promise<CertificateAndKey> {
  const { certificateFiles, readCertificateFiles } = await security();
  const files = certificateFiles(options.dir, 'ca');
  return readCertificateFiles({ cert: options.caCert ?? files.cert, key: options.caKey ?? files.key });
}

function certificateOptions(options: CommonOptions) {
  return { algorithm: options.rsa === true ? ('rsa-2048' as const) : ('ec-p256' as const), ...(options.days === undefined ? {} : { validityDays: options.days }) };
}

/** Prints what was written: the files, the subject, the names and the expiry. */
function report(files: CertificateFiles, pair: CertificateAndKey, json: boolean | undefined): void {
  const cert = new X509Certificate(pair.cert);
  const summary = { cert: files.cert, key: files.key, subject: cert.subject, names: cert.subjectAltName ?? '', expires: new Date(cert.validTo).toISOString(), sha256: cert.fingerprint256 };
  if (json === true) return printJson(summary);
  print(`wrote ${summary.cert} and ${summary.key} (mode 0600)`);
  print(`  subject ${summary.subject.replace(/\n/g, ', ')}${summary.names === '' ? '' : `; ${summary.names}`}`);
  print(`  expires ${summary.expires}; SHA-256 ${summary.sha256}`);
}

/** `herald cert create-ca|create-node|create-client`. */
export function registerCert(cert: Command): void {
  withCommonOptions(
    cert
      .command('create-ca')
      .description('create the cluster CA (<dir>/ca.crt, <dir>/ca.key); every node and client trusts it')
      .option('--cn <name>', 'the CA common name', 'Herald cluster CA'),
  ).action(async (options: CommonOptions & { cn: string }) => {
    const { createCa, writeCertificateFiles } = await security();
    const pair = await createCa({ ...certificateOptions(options), commonName: options.cn });
    report(writeCertificateFiles(options.dir, 'ca', pair, { overwrite: options.force }), pair, options.json);
  });

  withCaOptions(
    cert
      .command('create-node')
      .description("create node <id>'s certificate (<dir>/node-<id>.crt, .key): TLS on its ports and mutual TLS with its peers")
      .requiredOption('--id <n>', 'the node id', integer(1, 2 ** 31 - 1))
      .option('--host <name>', 'a DNS name or IP address the node is reached at, besides localhost, 127.0.0.1 and ::1 (repeatable)', (value: string, previous: string[] = []) => [...previous, value]),
  ).action(async (options: SignedOptions & { id: number; host?: string[] }) => {
    const { createNodeCertificate, writeCertificateFiles } = await security();
    const pair = await createNodeCertificate(await loadCa(options), options.id, { ...certificateOptions(options), hosts: options.host ?? [] });
    report(writeCertificateFiles(options.dir, `node-${options.id}`, pair, { overwrite: options.force }), pair, options.json);
  });

  withCaOptions(
    cert
      .command('create-client')
      .description("create a client certificate for a user (<dir>/<user>.crt, .key): its principal is User:<user>, no password needed")
      .requiredOption('--user <name>', 'the user name: 1 to 128 characters of [A-Za-z0-9._@-]'),
  ).action(async (options: SignedOptions & { user: string }) => {
    const { createClientCertificate, writeCertificateFiles } = await security();
    const pair = await createClientCertificate(await loadCa(options), options.user, certificateOptions(options));
    report(writeCertificateFiles(options.dir, options.user, pair, { overwrite: options.force }), pair, options.json);
  });
}
