// A chaos run's security, made as `herald cluster up` makes it: the CA and node certificates
// (valid from a day before the run, so that a clock-jump back does not cross their start), the
// admin's bootstrap file and client config, and an HTTPS readiness probe that trusts the run's
// CA only. Method: secureRun() in a temporary folder, the files read back, the probe against a
// local HTTPS server with a node certificate and against a closed port.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePorts, secureRun } from '../src/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-chaos-security-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secureRun', () => {
  it('makes the certificates, the admin and its client config, as cluster up does', async () => {
    const brokers = ['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'];
    const security = await secureRun(dir, [1, 2, 3], '127.0.0.1', brokers);
    expect(security.access.brokers).toEqual(brokers);
    expect(security.access.credentials?.username).toBe('admin');
    expect(security.access.credentials?.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(String(security.access.tls?.ca)).toContain('BEGIN CERTIFICATE');
    expect(statSync(security.clientConfig).mode & 0o777).toBe(0o600);

    const node2 = security.nodes.get(2)!;
    const cert = new X509Certificate(readFileSync(node2.cert));
    expect(cert.checkIssued(new X509Certificate(readFileSync(node2.ca)))).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.now() - new Date(cert.validFrom).getTime()).toBeGreaterThan(23 * 3_600_000);

    const bootstrap = JSON.parse(readFileSync(node2.bootstrapFile, 'utf8')) as { users: { name: string; credentials: { mechanism: string }[] }[] };
    expect(bootstrap.users.map((u) => u.name)).toEqual(['admin']);
    expect(bootstrap.users[0]!.credentials.map((c) => c.mechanism)).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(readFileSync(node2.bootstrapFile, 'utf8')).not.toContain(security.access.credentials!.password);
  });

  it('asks /readyz over HTTPS with the run CA, and says false for a port nobody serves', async () => {
    const security = await secureRun(dir, [1], '127.0.0.1', ['127.0.0.1:7001']);
    const node = security.nodes.get(1)!;
    let status = 503;
    const server = createServer({ cert: readFileSync(node.cert), key: readFileSync(node.key) }, (req, res) => {
      res.statusCode = req.url === '/readyz' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await security.ready('127.0.0.1', port, 2_000)).toBe(false);
      status = 200;
      expect(await security.ready('127.0.0.1', port, 2_000)).toBe(true);
      const [closed] = await freePorts(1);
      expect(await security.ready('127.0.0.1', closed!, 2_000)).toBe(false);
    } finally {
      server.close();
    }
  });
});
