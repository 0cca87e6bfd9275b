// Shows that the certificates are what they claim, to openssl and to Node's TLS: a CA that signs,
// node certificates that serve and authenticate on mutual TLS and carry their node id, client
// certificates that map to a principal, and refusals of certificates from another CA. Method:
// make certificates, check them with the openssl CLI, and run tls servers on 127.0.0.1:0.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateNames,
  createCa,
  createClientCertificate,
  createNodeCertificate,
  nodeIdFromCertificate,
  principalFromCertificate,
  type CertificateAndKey,
} from '../src/index.js';

let dir: string;
let ca: CertificateAndKey;
let otherCa: CertificateAndKey;
let node2: CertificateAndKey;
let client: CertificateAndKey;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-certs-'));
  ca = await createCa();
  otherCa = await createCa({ commonName: 'Someone else' });
  node2 = await createNodeCertificate(ca, 2, { hosts: ['broker-2.example.com', '10.1.2.3'] });
  client = await createClientCertificate(ca, 'alice');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openssl agrees', () => {
  it('verifies node and client certificates against the CA, each for its purpose', () => {
    const caPath = file('ca.crt', ca.cert);
    expect(openssl('verify', '-CAfile', caPath, '-purpose', 'sslserver', file('node2.crt', node2.cert))).toContain('OK');
    expect(openssl('verify', '-CAfile', caPath, '-purpose', 'sslclient', file('node2b.crt', node2.cert))).toContain('OK');
    expect(openssl('verify', '-CAfile', caPath, '-purpose', 'sslclient', file('alice.crt', client.cert))).toContain('OK');
    // A client certificate cannot serve TLS.
    expect(() => openssl('verify', '-CAfile', caPath, '-purpose', 'sslserver', file('alice2.crt', client.cert))).toThrow(/unsuitable certificate purpose/);
    // Nor does another CA vouch for them.
    expect(() => openssl('verify', '-CAfile', file('other.crt', otherCa.cert), file('node2c.crt', node2.cert))).toThrow(/unable to get local issuer certificate/);
  });

  it('reads the CA as a ten-year CA limited to leaf certificates', () => {
    const text = openssl('x509', '-in', file('ca-text.crt', ca.cert), '-noout', '-text');
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    expect(text).toContain('ASN1 OID: prime256v1');
    const [, notBefore, notAfter] = /Not Before: (.+)\n\s+Not After : (.+)\n/.exec(text)!;
    const years = (Date.parse(notAfter!) - Date.parse(notBefore!)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
  });

  it("reads a node certificate's identity, hosts and usages", () => {
    const text = openssl('x509', '-in', file('node-text.crt', node2.cert), '-noout', '-text');
    expect(text).toContain('Subject: CN = herald-node-2');
    expect(text).toContain('Issuer: CN = Herald cluster CA');
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain('URI:spiffe://herald/node/2, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:broker-2.example.com, IP Address:10.1.2.3');
    const key = openssl('pkey', '-in', file('node2.key', node2.key), '-noout', '-text');
    expect(key).toContain('ASN1 OID: prime256v1');
  });

  it('makes RSA-2048 certificates on request', async () => {
    const rsaCa = await createCa({ algorithm: 'rsa-2048' });
    const rsaNode = await createNodeCertificate(rsaCa, 1, { algorithm: 'rsa-2048' });
    expect(openssl('verify', '-CAfile', file('rsa-ca.crt', rsaCa.cert), file('rsa-node.crt', rsaNode.cert))).toContain('OK');
    const text = openssl('x509', '-in', file('rsa-node-text.crt', rsaNode.cert), '-noout', '-text');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('Digital Signature, Key Encipherment');
  });
});

describe('identities', () => {
  it('maps node and client certificates to node ids and principals', () => {
    expect(nodeIdFromCertificate(node2.cert)).toBe(2);
    expect(principalFromCertificate(node2.cert)).toBe('User:herald-node-2');
    expect(nodeIdFromCertificate(client.cert)).toBeUndefined();
    expect(principalFromCertificate(client.cert)).toBe('User:alice');
    expect(certificateNames(client.cert)).toEqual({ uris: ['spiffe://herald/user/alice'], commonName: 'alice' });
  });

  // Certificates from another PKI, made with openssl: names decide, not who made them.
  it.each([
    { what: 'a CN that is a user name maps by CN', subject: '/CN=bob', san: undefined, principal: 'User:bob', nodeId: undefined },
    { what: 'a CN reserved for nodes maps to nothing', subject: '/CN=herald-node-1', san: undefined, principal: undefined, nodeId: undefined },
    { what: 'a CN with a space maps to nothing', subject: '/CN=Jane Doe', san: undefined, principal: undefined, nodeId: undefined },
    { what: 'two node URIs prove no node', subject: '/CN=x', san: 'URI:spiffe://herald/node/1,URI:spiffe://herald/node/2', principal: undefined, nodeId: undefined },
    { what: 'a node URI with a leading zero proves no node', subject: '/CN=x', san: 'URI:spiffe://herald/node/01', principal: 'User:x', nodeId: undefined },
    { what: 'a node URI of another trust domain proves no node', subject: '/CN=x', san: 'URI:spiffe://other/node/1', principal: 'User:x', nodeId: undefined },
    { what: 'a user URI beats the CN', subject: '/CN=x', san: 'URI:spiffe://herald/user/carol', principal: 'User:carol', nodeId: undefined },
    { what: 'a user URI reserved for nodes maps to nothing', subject: '/CN=x', san: 'URI:spiffe://herald/user/herald-node-3', principal: undefined, nodeId: undefined },
    { what: 'a user and a node URI together map to nothing', subject: '/CN=x', san: 'URI:spiffe://herald/user/carol,URI:spiffe://herald/node/3', principal: undefined, nodeId: 3 },
  ])('$what', ({ subject, san, principal, nodeId }) => {
    const key = join(dir, 'ext.key');
    const cert = join(dir, 'ext.crt');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', subject, ...(san === undefined ? [] : ['-addext', `subjectAltName=${san}`]));
    const pem = openssl('x509', '-in', cert);
    expect(principalFromCertificate(pem)).toBe(principal);
    expect(nodeIdFromCertificate(pem)).toBe(nodeId);
  });

  it('refuses bad inputs with the field named', async () => {
    await expect(createNodeCertificate(ca, 0)).rejects.toThrow(/nodeId: must be an integer from 1/);
    await expect(createNodeCertificate(ca, 1, { hosts: ['bad host'] })).rejects.toThrow(/hosts: "bad host" is neither an IP address nor a DNS name/);
    await expect(createClientCertificate(ca, 'herald-node-1')).rejects.toThrow(/reserved for node certificates/);
    await expect(createNodeCertificate({ cert: ca.cert, key: otherCa.key }, 1)).rejects.toThrow(/ca.key: does not belong to the CA certificate/);
    await expect(createNodeCertificate({ cert: node2.cert, key: node2.key }, 1)).rejects.toThrow(/is not a CA certificate/);
    await expect(createCa({ validityDays: 0 })).rejects.toThrow(/validityDays: must be an integer from 1/);
  });

  it('never outlives its CA', async () => {
    const shortCa = await createCa({ validityDays: 30 });
    const leaf = await createNodeCertificate(shortCa, 1);
    const caEnd = Date.parse(openssl('x509', '-in', file('short-ca.crt', shortCa.cert), '-noout', '-enddate').split('=')[1]!);
    const leafEnd = Date.parse(openssl('x509', '-in', file('short-leaf.crt', leaf.cert), '-noout', '-enddate').split('=')[1]!);
    expect(leafEnd).toBe(caEnd);
  });
});

describe('mutual TLS with node tls', () => {
  /** A tls server demanding a client certificate from the CA; resolves the peer of the first
   *  connection it accepts. */
  async function mtlsServer(): Promise<{ port: number; peers: tls.PeerCertificate[]; close: () => Promise<void> }> {
    const peers: tls.PeerCertificate[] = [];
    const server = tls.createServer({ key: node2.key, cert: node2.cert, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (socket) => {
      peers.push(socket.getPeerCertificate());
      socket.end('hello');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { port: (server.address() as AddressInfo).port, peers, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  /** Connects with `identity` and reads until the server closes; the error if the handshake fails. */
  function connect(port: number, identity: CertificateAndKey | undefined, trusted = ca.cert): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: trusted, ...(identity === undefined ? {} : { key: identity.key, cert: identity.cert }) });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
  }

  it('accepts a node certificate and tells its node id; refuses other CAs and no certificate', async () => {
    const server = await mtlsServer();
    try {
      const node3 = await createNodeCertificate(ca, 3);
      expect(await connect(server.port, node3)).toBe('hello');
      expect(server.peers).toHaveLength(1);
      expect(nodeIdFromCertificate(server.peers[0]!)).toBe(3);
      expect(server.peers[0]!.subject.CN).toBe('herald-node-3');

      expect(await connect(server.port, client)).toBe('hello');
      expect(principalFromCertificate(server.peers[1]!)).toBe('User:alice');

      // With TLS 1.3 the client finishes its side of the handshake before the server checks the
      // client's certificate: a refused client sees an alert, a reset or an empty stream,
      // depending on timing. Refused means: no greeting, and the server saw no peer.
      const stranger = await createNodeCertificate(otherCa, 3);
      expect(await connect(server.port, stranger).catch((err: Error) => err.message)).not.toBe('hello');
      expect(await connect(server.port, undefined).catch((err: Error) => err.message)).not.toBe('hello');
      expect(server.peers).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('is refused by a client that trusts another CA (the server proves itself too)', async () => {
    const server = await mtlsServer();
    try {
      await expect(connect(server.port, client, otherCa.cert)).rejects.toThrow(/self-signed certificate|unable to (get|verify)/i);
    } finally {
      await server.close();
    }
  });
});
