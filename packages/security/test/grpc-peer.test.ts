// Shows what grpc-js 1.14 tells a handler about the peer's certificate, which is how the peer
// port checks a sender's node id and the client port maps a client certificate to a principal:
// `call.getAuthContext()` is `{ transportSecurityType: 'ssl', sslPeerCertificate }` (a
// tls.PeerCertificate with `raw` DER) when the client presented a certificate that verified,
// and `{}` otherwise. Method: a one-method service on 127.0.0.1:0 with mutual TLS (required, and
// optional through a certificate provider), called by clients with and without certificates.

import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCa, createClientCertificate, createNodeCertificate, nodeIdFromCertificate, principalFromCertificate, type CertificateAndKey } from '../src/index.js';

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
};
const service: grpc.ServiceDefinition = {
  whoAmI: { path: '/test.Peer/WhoAmI', requestStream: false, responseStream: false, requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize },
};
const PeerClient = grpc.makeGenericClientConstructor(service, 'Peer');

/** What a handler saw of its caller. */
interface Seen {
  readonly transportSecurityType: string | undefined;
  readonly hasCertificate: boolean;
  readonly commonName: string | undefined;
  readonly nodeId: number | undefined;
  readonly principal: string | undefined;
}

let ca: CertificateAndKey;
let otherCa: CertificateAndKey;
let node1: CertificateAndKey;
let node2: CertificateAndKey;
let alice: CertificateAndKey;
let servers: grpc.Server[] = [];

beforeAll(async () => {
  ca = await createCa();
  otherCa = await createCa();
  node1 = await createNodeCertificate(ca, 1);
  node2 = await createNodeCertificate(ca, 2);
  alice = await createClientCertificate(ca, 'alice');
});

afterEach(() => {
  for (const server of servers) server.forceShutdown();
  servers = [];
});

async function serve(credentials: grpc.ServerCredentials): Promise<number> {
  const server = new grpc.Server();
  server.addService(service, {
    whoAmI: (call: grpc.ServerUnaryCall<unknown, Seen>, callback: grpc.sendUnaryData<Seen>) => {
      const context = call.getAuthContext();
      const peer = context.sslPeerCertificate;
      callback(null, {
        transportSecurityType: context.transportSecurityType,
        hasCertificate: peer?.raw !== undefined,
        commonName: [peer?.subject?.CN].flat()[0],
        nodeId: peer === undefined ? undefined : nodeIdFromCertificate(peer),
        principal: peer === undefined ? undefined : principalFromCertificate(peer),
      });
    },
  });
  servers.push(server);
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, port) => (err === null ? resolve(port) : reject(err))));
}

function whoAmI(port: number, identity: CertificateAndKey | undefined, trusted = ca): Promise<Seen> {
  const credentials = grpc.credentials.createSsl(Buffer.from(trusted.cert), identity === undefined ? null : Buffer.from(identity.key), identity === undefined ? null : Buffer.from(identity.cert));
  const client = new PeerClient(`127.0.0.1:${port}`, credentials);
  return new Promise<Seen>((resolve, reject) => {
    client.makeUnaryRequest('/test.Peer/WhoAmI', json.serialize, json.deserialize as (b: Buffer) => Seen, {}, { deadline: Date.now() + 5_000 }, (err, value) => {
      client.close();
      if (err !== null) reject(err);
      else resolve(value!);
    });
  });
}

describe('grpc-js 1.14 getAuthContext()', () => {
  it('with client certificates required (createSsl(ca, pairs, true)): the node id of the caller', async () => {
    const port = await serve(grpc.ServerCredentials.createSsl(Buffer.from(ca.cert), [{ private_key: Buffer.from(node1.key), cert_chain: Buffer.from(node1.cert) }], true));
    expect(await whoAmI(port, node2)).toEqual({ transportSecurityType: 'ssl', hasCertificate: true, commonName: 'herald-node-2', nodeId: 2, principal: 'User:herald-node-2' });
    expect(await whoAmI(port, alice)).toEqual({ transportSecurityType: 'ssl', hasCertificate: true, commonName: 'alice', principal: 'User:alice' });
    // No certificate, or one from another CA: the handshake fails and the call never runs.
    await expect(whoAmI(port, undefined)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(whoAmI(port, await createNodeCertificate(otherCa, 2))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('with client certificates optional (a certificate provider, requireClientCertificate false)', async () => {
    // createSsl(…, false) does not even ask for a client certificate; a certificate provider
    // with a CA and requireClientCertificate false asks, and lets clients without one in.
    const identity: grpc.experimental.CertificateProvider = staticProvider({ certificate: Buffer.from(node1.cert), privateKey: Buffer.from(node1.key) }, undefined);
    const roots: grpc.experimental.CertificateProvider = staticProvider(undefined, { caCertificate: Buffer.from(ca.cert) });
    const port = await serve(grpc.experimental.createCertificateProviderServerCredentials(identity, roots, false));
    expect(await whoAmI(port, alice)).toEqual({ transportSecurityType: 'ssl', hasCertificate: true, commonName: 'alice', principal: 'User:alice' });
    // Without a certificate, or with one that does not verify, the call runs and the context is
    // empty: no principal from TLS (the caller must bring a session token).
    expect(await whoAmI(port, undefined)).toEqual({ hasCertificate: false });
    expect(await whoAmI(port, await createClientCertificate(otherCa, 'mallory'))).toEqual({ hasCertificate: false });
  });
});

/** A CertificateProvider that hands out fixed certificates (grpc-js ships only a file watcher).
 *  It must answer a listener on a later tick: grpc-js 1.14 adds the listener before it registers
 *  the server's watcher, so an answer given at once is lost and every connection is dropped. */
function staticProvider(identity: grpc.experimental.IdentityCertificateUpdate | undefined, roots: grpc.experimental.CaCertificateUpdate | undefined): grpc.experimental.CertificateProvider {
  return {
    addCaCertificateListener: (listener) => queueMicrotask(() => listener(roots ?? null)),
    removeCaCertificateListener: () => {},
    addIdentityCertificateListener: (listener) => queueMicrotask(() => listener(identity ?? null)),
    removeIdentityCertificateListener: () => {},
  };
}
