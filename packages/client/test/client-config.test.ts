// Shows how the client config file is found (HERALD_CLIENT_CONFIG, else ./data/client.json),
// read (PEM inline or by path relative to the file) and refused (the file and field named, the
// password never). Method: files in a temporary folder.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientConfigPath, findClientConfig, HeraldClient, readClientConfig } from '../src/index.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-client-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('finding the file', () => {
  it('takes HERALD_CLIENT_CONFIG first, relative to the working directory', () => {
    write('data/client.json', { brokers: ['a:1'] });
    write('other.json', { brokers: ['b:2'] });
    expect(clientConfigPath({ HERALD_CLIENT_CONFIG: 'other.json' }, dir)).toBe(join(dir, 'other.json'));
    expect(findClientConfig({ HERALD_CLIENT_CONFIG: 'other.json' }, dir)?.brokers).toEqual(['b:2']);
  });

  it('falls back to ./data/client.json, then to nothing', () => {
    expect(clientConfigPath({}, dir)).toBeUndefined();
    expect(findClientConfig({}, dir)).toBeUndefined();
    write('data/client.json', { brokers: ['a:1'] });
    expect(clientConfigPath({}, dir)).toBe(join(dir, 'data/client.json'));
  });

  it('refuses a HERALD_CLIENT_CONFIG that names no file', () => {
    expect(() => clientConfigPath({ HERALD_CLIENT_CONFIG: 'missing.json' }, dir)).toThrow(`HERALD_CLIENT_CONFIG: ${join(dir, 'missing.json')} does not exist`);
  });
});

describe('reading the file', () => {
  it('reads PEM files relative to the file, and inline PEM as is', () => {
    write('conf/ca.crt', PEM);
    write('conf/keys/alice.key', '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n');
    const path = write('conf/client.json', {
      brokers: ['127.0.0.1:7401', 'node-2:7402'],
      tls: { ca: 'ca.crt', cert: PEM, key: 'keys/alice.key' },
      credentials: { username: 'admin', password: 'pw', mechanism: 'SCRAM-SHA-512' },
    });
    expect(readClientConfig(path)).toEqual({
      path,
      brokers: ['127.0.0.1:7401', 'node-2:7402'],
      tls: { ca: PEM, cert: PEM, key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n' },
      credentials: { username: 'admin', password: 'pw', mechanism: 'SCRAM-SHA-512' },
    });
  });

  it('needs nothing but brokers', () => {
    expect(readClientConfig(write('client.json', { brokers: ['a:1'] }))).toEqual({ path: join(dir, 'client.json'), brokers: ['a:1'] });
  });

  it.each([
    { content: 'not json', message: /client\.json: is not JSON/ },
    { content: { brokers: [] }, message: /client\.json: brokers: needs at least one host:port/ },
    { content: { brokers: ['nohost'] }, message: /client\.json: brokers\.0: must be host:port/ },
    { content: { brokers: ['a:1'], tls: { ca: 5 } }, message: /client\.json: tls\.ca: / },
    { content: { brokers: ['a:1'], tls: { ca: 'missing.crt' } }, message: /client\.json: tls\.ca: cannot read .*missing\.crt/ },
    { content: { brokers: ['a:1'], tls: { ca: PEM, sni: 'x' } }, message: /client\.json: tls: .*sni/ },
    { content: { brokers: ['a:1'], credentials: { username: 'admin', password: '' } }, message: /client\.json: credentials\.password: must not be empty/ },
    { content: { brokers: ['a:1'], credentials: { username: 'admin', password: 'hunter2', mechanism: 'PLAIN' } }, message: /client\.json: credentials\.mechanism: / },
    { content: { brokers: ['a:1'], extra: true }, message: /client\.json: \(top level\): .*extra/ },
  ])('refuses $message', ({ content, message }) => {
    const path = write('client.json', content);
    let error: Error | undefined;
    try {
      readClientConfig(path);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(`client config ${path}`);
    expect(error?.message).not.toContain('hunter2');
  });
});

describe('HeraldClient and the file', () => {
  it('fromConfigFile takes the brokers from the file unless given', async () => {
    const path = write('client.json', { brokers: ['127.0.0.1:1'] });
    const fromFile = HeraldClient.fromConfigFile(path, { callTimeoutMs: 300 });
    const overridden = HeraldClient.fromConfigFile(path, { brokers: ['127.0.0.1:2'], callTimeoutMs: 300 });
    // The address each one tried tells which brokers it took.
    const tried = async (c: HeraldClient) => (await c.listTopics().catch((err: { details: Record<string, string> }) => err.details)) as Record<string, string>;
    expect((await tried(fromFile))['address']).toBe('127.0.0.1:1');
    expect((await tried(overridden))['address']).toBe('127.0.0.1:2');
    await Promise.all([fromFile.close(), overridden.close()]);
  });

  it('a client without brokers and without a file says what to do', () => {
    const previous = { env: process.env['HERALD_CLIENT_CONFIG'], cwd: process.cwd() };
    delete process.env['HERALD_CLIENT_CONFIG'];
    process.chdir(dir);
    try {
      expect(() => new HeraldClient()).toThrow('brokers: no brokers given and no client config file found (set HERALD_CLIENT_CONFIG, or run where ./data/client.json exists)');
      write('data/client.json', { brokers: ['127.0.0.1:1'] });
      expect(() => new HeraldClient().close()).not.toThrow();
    } finally {
      process.chdir(previous.cwd);
      if (previous.env !== undefined) process.env['HERALD_CLIENT_CONFIG'] = previous.env;
    }
  });
});
