// X.509 certificates for a Herald cluster: a cluster CA, node certificates (mutual TLS on the
// peer port, TLS on the client and metrics ports) and client certificates (a principal without a
// password). node:crypto cannot create certificates, so they are built with @peculiar/x509 (ASN.1
// in TypeScript; every key generation and signature is WebCrypto, i.e. node:crypto's OpenSSL).
// It needs a Reflect metadata polyfill (tsyringe, its dependency injection), hence the import.
//
// Identities are SPIFFE-style URI SANs under the trust domain `herald` (the SPIFFE ID format,
// https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE-ID.md): a node certificate names
// `spiffe://herald/node/<id>`, which the peer port compares with each message's sender; a client
// certificate names `spiffe://herald/user/<name>`. Certificates from another PKI map by CN.

import 'reflect-metadata';
import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { invalidArgument } from '@herald/protocol';
import { checkUserName, isUserName, NODE_PRINCIPAL_PREFIX, userPrincipal, type Principal } from './principal.js';

/** The key types certificates are made with: EC P-256 (the default: small and fast) or RSA 2048
 *  (for tools that take nothing else). */
export const KeyAlgorithm = { EcP256: 'ec-p256', Rsa2048: 'rsa-2048' } as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** A certificate and its private key, both PEM: the key as PKCS#8 (`BEGIN PRIVATE KEY`), which
 *  Node's tls, grpc-js and openssl all read. */
export interface CertificateAndKey {
  readonly cert: string;
  readonly key: string;
}

/** A CA lives ten years: replacing it means reissuing every certificate of the cluster. */
export const CA_VALIDITY_DAYS = 3650;
/** Node and client certificates live 825 days (the longest that browsers and Apple's TLS accept
 *  for server certificates); never longer than the CA that signs them. */
export const LEAF_VALIDITY_DAYS = 825;
/** The most days a certificate may be made for (about 100 years). */
const VALIDITY_DAYS_MAX = 36_500;

/** Options shared by every certificate. */
export interface CertificateOptions {
  /** The key type; EC P-256 by default. */
  readonly algorithm?: KeyAlgorithm;
  /** Days from `now` until the certificate expires. */
  readonly validityDays?: number;
  /** The start of validity (tests pass a fixed time); now by default. */
  readonly now?: Date;
}

/** The URI SAN that names node `nodeId`. */
export function nodeUri(nodeId: number): string {
  return `spiffe://herald/node/${nodeId}`;
}

/** The URI SAN that names user `name`. */
export function userUri(name: string): string {
  return `spiffe://herald/user/${name}`;
}

/** The principal of node `nodeId`, as its certificate maps to one on the client port. */
export function nodePrincipal(nodeId: number): Principal {
  return userPrincipal(`${NODE_PRINCIPAL_PREFIX}${nodeId}`);
}

/** Node ids in certificates: 1 to 2^31-1, written without leading zeros. */
const NODE_ID_MAX = 2 ** 31 - 1;
const NODE_URI = /^spiffe:\/\/herald\/node\/([1-9][0-9]{0,9})$/;
const USER_URI = /^spiffe:\/\/herald\/user\/(.+)$/;
/** A DNS name of RFC 1123 labels (no wildcards: a node certificate names real hosts). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The hosts every node certificate names, so that local clusters and health checks verify. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as const;

/** Creates a cluster CA: a self-signed certificate that may sign leaf certificates only
 *  (path length 0). */
export async function createCa(options: CertificateOptions & { readonly commonName?: string } = {}): Promise<CertificateAndKey> {
  const algorithm = options.algorithm ?? KeyAlgorithm.EcP256;
  const { notBefore, notAfter } = validity(options, CA_VALIDITY_DAYS);
  const commonName = options.commonName ?? 'Herald cluster CA';
  if (!/^[A-Za-z0-9 ._-]{1,64}$/.test(commonName)) throw invalidArgument('commonName', 'must be 1 to 64 characters of letters, digits, spaces, ".", "_", "-"');
  const keys = await generateKeys(algorithm);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: [{ CN: [commonName] }],
      notBefore,
      notAfter,
      signingAlgorithm: signingAlgorithm(algorithm),
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

/**
 * Creates node `nodeId`'s certificate, signed by `ca`: CN `herald-node-<id>`, the URI SAN
 * nodeUri(id), and a DNS or IP SAN for each host (LOOPBACK_HOSTS always, plus `hosts`: the names
 * and addresses clients and peers reach the node at). Good for both TLS server and client
 * authentication, as mutual TLS on the peer port needs.
 */
export async function createNodeCertificate(
  ca: CertificateAndKey,
  nodeId: number,
  options: CertificateOptions & { readonly hosts?: readonly string[] } = {},
): Promise<CertificateAndKey> {
  if (!Number.isInteger(nodeId) || nodeId < 1 || nodeId > NODE_ID_MAX) throw invalidArgument('nodeId', `must be an integer from 1 to ${NODE_ID_MAX} (got ${nodeId})`);
  const hosts = [...new Set([...LOOPBACK_HOSTS, ...(options.hosts ?? []).map(checkHost)])];
  const names: x509.JsonGeneralName[] = [
    { type: 'url', value: nodeUri(nodeId) },
    ...hosts.map((host): x509.JsonGeneralName => ({ type: isIP(host) === 0 ? 'dns' : 'ip', value: host })),
  ];
  return issue(ca, `${NODE_PRINCIPAL_PREFIX}${nodeId}`, names, [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], options);
}

/** Creates a client certificate for user `user`, signed by `ca`: CN `<user>` and the URI SAN
 *  userUri(user); for TLS client authentication only. Its principal is `User:<user>`. */
export async function createClientCertificate(ca: CertificateAndKey, user: string, options: CertificateOptions = {}): Promise<CertificateAndKey> {
  const name = checkUserName(user);
  return issue(ca, name, [{ type: 'url', value: userUri(name) }], [x509.ExtendedKeyUsage.clientAuth], options);
}

async function issue(ca: CertificateAndKey, commonName: string, names: x509.JsonGeneralName[], usages: x509.ExtendedKeyUsage[], options: CertificateOptions): Promise<CertificateAndKey> {
  const issuer = loadCa(ca);
  const algorithm = options.algorithm ?? KeyAlgorithm.EcP256;
  const { notBefore, notAfter: wanted } = validity(options, LEAF_VALIDITY_DAYS);
  const caNotAfter = new Date(issuer.cert.validTo);
  const notAfter = wanted > caNotAfter ? caNotAfter : wanted;
  if (notAfter <= notBefore) throw invalidArgument('ca', `the CA expired on ${caNotAfter.toISOString()}; create a new one`);
  const keys = await generateKeys(algorithm);
  const caCert = new x509.X509Certificate(issuer.cert.raw);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: [{ CN: [commonName] }],
      issuer: caCert.subjectName.toString(),
      notBefore,
      notAfter,
      signingAlgorithm: signingAlgorithm(issuer.algorithm),
      publicKey: keys.publicKey,
      signingKey: await importSigningKey(issuer.key, issuer.algorithm),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // RSA keys may also be used for key transport (TLS 1.2 RSA key exchange); EC keys sign only.
        new x509.KeyUsagesExtension(algorithm === KeyAlgorithm.Rsa2048 ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(usages, false),
        new x509.SubjectAlternativeNameExtension(names, false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

/** Checks a CA given as PEM: a CA certificate, its matching private key, not expired. */
function loadCa(ca: CertificateAndKey): { cert: NodeX509Certificate; key: KeyObject; algorithm: KeyAlgorithm } {
  let cert: NodeX509Certificate;
  let key: KeyObject;
  try {
    cert = new NodeX509Certificate(ca.cert);
  } catch (err) {
    throw invalidArgument('ca.cert', 'is not a PEM certificate', { cause: err });
  }
  try {
    key = createPrivateKey(ca.key);
  } catch (err) {
    throw invalidArgument('ca.key', 'is not a PEM private key', { cause: err });
  }
  if (!cert.ca) throw invalidArgument('ca.cert', `${cert.subject.replace(/\n/g, ', ')} is not a CA certificate`);
  if (!cert.checkPrivateKey(key)) throw invalidArgument('ca.key', 'does not belong to the CA certificate');
  return { cert, key, algorithm: keyAlgorithmOf(key) };
}

function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return KeyAlgorithm.EcP256;
  if (key.asymmetricKeyType === 'rsa') return KeyAlgorithm.Rsa2048;
  throw invalidArgument('ca.key', `a ${key.asymmetricKeyType ?? 'unknown'} key is not supported; the CA key must be EC P-256 or RSA`);
}

function checkHost(host: string): string {
  if (isIP(host) !== 0 || DNS_NAME.test(host)) return host;
  throw invalidArgument('hosts', `"${host.slice(0, 300)}" is neither an IP address nor a DNS name`);
}

function validity(options: CertificateOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const days = options.validityDays ?? defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > VALIDITY_DAYS_MAX) throw invalidArgument('validityDays', `must be an integer from 1 to ${VALIDITY_DAYS_MAX} (got ${days})`);
  const now = options.now ?? new Date();
  // A minute of slack, so that a peer whose clock is slightly behind accepts a new certificate.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  return { notBefore, notAfter: new Date(now.getTime() + days * 86_400_000) };
}

/** A random positive 128-bit serial number (RFC 5280 §4.1.2.2: positive, at most 20 bytes;
 *  CA/Browser Forum: at least 64 random bits). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function signingAlgorithm(algorithm: KeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return algorithm === KeyAlgorithm.EcP256 ? { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as webcrypto.Algorithm;
}

async function generateKeys(algorithm: KeyAlgorithm): Promise<webcrypto.CryptoKeyPair> {
  const params = algorithm === KeyAlgorithm.EcP256 ? EC_ALGORITHM : RSA_ALGORITHM;
  return (await webcrypto.subtle.generateKey(params, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function importSigningKey(key: KeyObject, algorithm: KeyAlgorithm): Promise<webcrypto.CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const params = algorithm === KeyAlgorithm.EcP256 ? EC_ALGORITHM : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return (await webcrypto.subtle.importKey('pkcs8', der, params, false, ['sign'])) as webcrypto.CryptoKey;
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

// ---------------------------------------------------------------------------------------------
// Reading a peer's certificate

/**
 * A peer's certificate as Node and grpc-js hand it over: a `tls.PeerCertificate` (from
 * `TLSSocket.getPeerCertificate()`, or `call.getAuthContext().sslPeerCertificate` in grpc-js
 * 1.14; only its DER `raw` is read), DER bytes, or PEM text. It must have been verified against
 * the cluster CA already (a socket whose `authorized` is true): these functions read names, they
 * do not check signatures.
 */
export type PeerCertificateInput = { readonly raw: Uint8Array } | Uint8Array | string;

/** The names of a certificate that identities are read from. */
export interface CertificateNames {
  readonly uris: readonly string[];
  readonly commonName: string | undefined;
}

/** Parsed names by SHA-256 of the certificate: parsing takes milliseconds, and a node reads the
 *  same few certificates (its peers', its clients') on every call. Bounded; oldest out first. */
const namesCache = new Map<string, CertificateNames>();
const NAMES_CACHE_MAX = 1024;

/** The SAN URIs and subject CN of a certificate. Throws on bytes that are not a certificate. */
export function certificateNames(peer: PeerCertificateInput): CertificateNames {
  const raw = typeof peer === 'string' ? peer : peer instanceof Uint8Array ? peer : peer.raw;
  const key = createHash('sha256').update(raw).digest('base64');
  const cached = namesCache.get(key);
  if (cached !== undefined) return cached;
  const cert = new x509.X509Certificate(typeof raw === 'string' ? raw : new Uint8Array(raw));
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const uris = (san?.names.items ?? []).filter((n) => n.type === 'url').map((n) => n.value);
  const commonName = cert.subjectName.getField('CN');
  const names = { uris, commonName: commonName.length === 1 ? commonName[0] : undefined };
  if (namesCache.size >= NAMES_CACHE_MAX) namesCache.delete(namesCache.keys().next().value!);
  namesCache.set(key, names);
  return names;
}

/**
 * The node id a certificate proves, from its one `spiffe://herald/node/<id>` URI SAN; undefined
 * when it names no node, or more than one (never guess between two). The CN is not read: a
 * client certificate with CN `herald-node-1` proves nothing.
 */
export function nodeIdFromCertificate(peer: PeerCertificateInput): number | undefined {
  const ids = certificateNames(peer).uris.flatMap((uri) => {
    const match = NODE_URI.exec(uri);
    return match === null ? [] : [Number(match[1])];
  });
  return ids.length === 1 && ids[0]! <= NODE_ID_MAX ? ids[0] : undefined;
}

/**
 * The principal a client certificate maps to: `User:<name>` from its one
 * `spiffe://herald/user/<name>` URI SAN; a node certificate maps to `User:herald-node-<id>`;
 * a certificate with neither maps by its CN (Kafka's common mapping) when the CN is a valid
 * user name that is not reserved for nodes. Undefined when nothing maps.
 */
export function principalFromCertificate(peer: PeerCertificateInput): Principal | undefined {
  const { uris, commonName } = certificateNames(peer);
  const users = uris.flatMap((uri) => {
    const match = USER_URI.exec(uri);
    return match === null ? [] : [match[1]!];
  });
  const nodes = uris.filter((uri) => NODE_URI.test(uri));
  if (users.length + nodes.length > 1) return undefined;
  if (users.length === 1) return isUserName(users[0]!) && !users[0]!.startsWith(NODE_PRINCIPAL_PREFIX) ? userPrincipal(users[0]!) : undefined;
  if (nodes.length === 1) {
    const id = Number(NODE_URI.exec(nodes[0]!)![1]);
    return id <= NODE_ID_MAX ? nodePrincipal(id) : undefined;
  }
  if (commonName === undefined || !isUserName(commonName) || commonName.startsWith(NODE_PRINCIPAL_PREFIX)) return undefined;
  return userPrincipal(commonName);
}
