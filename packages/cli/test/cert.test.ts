// Shows that `herald cert` writes a CA, node and client certificates that openssl verifies, with
// private keys readable by their owner only, refuses to overwrite without --force, and that the
// CLI takes TLS and credentials from the client config file while --brokers still wins. Method:
// run the command tree in-process in a temporary folder.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientOptions } from '../src/options.js';
import { buildProgram } from '../src/program.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-cert-cli-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const herald = async (...args: string[]) => {
  const argv = ['node', 'herald', ...args];
  return (await buildProgram('herald', argv)).parseAsync(argv);
};
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('herald cert', () => {
  it('creates a CA, a node and a client certificate that openssl verifies', async () => {
    await herald('cert', 'create-ca', '--dir', dir);
    await herald('cert', 'create-node', '--dir', dir, '--id', '2', '--host', 'broker-2.example.com', '--host', '10.0.0.2');
    await herald('cert', 'create-client', '--dir', dir, '--user', 'alice', '--rsa', '--days', '30');
    const ca = join(dir, 'ca.crt');
    expect(openssl('verify', '-CAfile', ca, '-purpose', 'sslserver', join(dir, 'node-2.crt'))).toContain('OK');
    expect(openssl('verify', '-CAfile', ca, '-purpose', 'sslclient', join(dir, 'alice.crt'))).toContain('OK');
    expect(openssl('x509', '-in', join(dir, 'node-2.crt'), '-noout', '-ext', 'subjectAltName')).toContain('URI:spiffe://herald/node/2, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:broker-2.example.com, IP Address:10.0.0.2');
    expect(openssl('x509', '-in', join(dir, 'alice.crt'), '-noout', '-text')).toContain('Public-Key: (2048 bit)');
    for (const key of ['ca.key', 'node-2.key', 'alice.key']) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  });

  it('refuses to replace a CA without --force, and takes a CA from elsewhere', async () => {
    await herald('cert', 'create-ca', '--dir', dir);
    await expect(herald('cert', 'create-ca', '--dir', dir)).rejects.toThrow(/ca\.crt exists; pass --force to replace it/);
    await herald('cert', 'create-ca', '--dir', dir, '--force');
    const other = join(dir, 'other');
    await herald('cert', 'create-node', '--dir', other, '--id', '1', '--ca-cert', join(dir, 'ca.crt'), '--ca-key', join(dir, 'ca.key'));
    expect(openssl('verify', '-CAfile', join(dir, 'ca.crt'), join(other, 'node-1.crt'))).toContain('OK');
    await expect(herald('cert', 'create-node', '--dir', other, '--id', '3')).rejects.toThrow(/cert: cannot read .*other\/ca\.crt/);
  });

  it('refuses bad values as usage errors', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(herald('cert', 'create-node', '--dir', dir, '--id', '0')).rejects.toBeInstanceOf(CommanderError);
    await herald('cert', 'create-ca', '--dir', dir);
    await expect(herald('cert', 'create-client', '--dir', dir, '--user', 'herald-node-1')).rejects.toThrow(/reserved for node certificates/);
  });
});

describe('cluster commands and the client config file', () => {
  it('take TLS and credentials from the file, brokers from --brokers first', async () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.crt'), ca);
    const config = join(dir, 'client.json');
    writeFileSync(config, JSON.stringify({ brokers: ['node-1:7401'], tls: { ca: 'ca.crt' }, credentials: { username: 'admin', password: 'pw' } }));
    vi.stubEnv('HERALD_CLIENT_CONFIG', config);
    expect(await clientOptions({ timeoutMs: 5 })).toEqual({ brokers: ['node-1:7401'], tls: { ca }, credentials: { username: 'admin', password: 'pw' }, callTimeoutMs: 5 });
    expect((await clientOptions({ brokers: ['other:1'], timeoutMs: 5 })).brokers).toEqual(['other:1']);
    vi.stubEnv('HERALD_CLIENT_CONFIG', join(dir, 'absent.json'));
    await expect(clientOptions({ timeoutMs: 5 })).rejects.toThrow(/HERALD_CLIENT_CONFIG: .*absent\.json does not exist/);
    vi.unstubAllEnvs();
  });
});
