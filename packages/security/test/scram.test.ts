// Shows that SCRAM matches RFC 7677's example exchange byte for byte, completes with SHA-512,
// and refuses wrong passwords, replayed and tampered messages, channel binding and malformed
// input; and that PLAIN checks passwords against the same credential. Method: drive ScramClient
// and ScramServer against each other, with fixed nonces where the RFC fixes them.

import { describe, expect, it } from 'vitest';
import {
  checkScramCredential,
  createScramCredential,
  preparePassword,
  ScramClient,
  ScramError,
  ScramServer,
  verifyPlain,
  type CredentialLookup,
  type ScramCredential,
  type ScramMechanism,
} from '../src/index.js';

/** A lookup over one user's credentials. */
function users(entries: Record<string, ScramCredential[]>): CredentialLookup {
  return (name, mechanism) => entries[name]?.find((c) => c.mechanism === mechanism);
}

/** Runs a whole exchange; resolves the user the server authenticated. */
async function login(mechanism: ScramMechanism, lookup: CredentialLookup, username: string, password: string): Promise<string | undefined> {
  const client = new ScramClient(mechanism, username, password);
  const server = new ScramServer(mechanism, lookup);
  const serverFirst = server.clientFirst(client.clientFirst());
  const serverFinal = server.clientFinal(await client.serverFirst(serverFirst));
  client.serverFinal(serverFinal);
  return server.username;
}

/** The ScramError `run` throws (fails the test if it throws something else or nothing). */
async function scramError(run: () => unknown): Promise<ScramError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ScramError);
    return err as ScramError;
  }
  throw new Error('expected a ScramError');
}

describe('RFC 7677 §3 example (SCRAM-SHA-256, user "user", password "pencil")', () => {
  const clientNonce = 'rOprNGfwEbeRWgbNEkqO';
  const serverNonce = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');

  it('produces every message of the RFC', async () => {
    const credential = await createScramCredential('pencil', 'SCRAM-SHA-256', { salt, iterations: 4096 });
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', () => clientNonce);
    const server = new ScramServer('SCRAM-SHA-256', users({ user: [credential] }), () => serverNonce);

    const clientFirst = client.clientFirst();
    expect(clientFirst).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const serverFirst = server.clientFirst(clientFirst);
    expect(serverFirst).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const clientFinal = await client.serverFirst(serverFirst);
    expect(clientFinal).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    const serverFinal = server.clientFinal(clientFinal);
    expect(serverFinal).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(() => client.serverFinal(serverFinal)).not.toThrow();
    expect(server.username).toBe('user');
  });

  it('refuses a server-final signature that is not the RFC one', async () => {
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', () => clientNonce);
    client.clientFirst();
    await client.serverFirst('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect((await scramError(() => client.serverFinal('v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).code).toBe('invalid-proof');
  });
});

describe('exchanges', () => {
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)('%s: the right password logs in, a wrong one does not', async (mechanism) => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', mechanism)] });
    expect(await login(mechanism, lookup, 'alice', 's3cret!')).toBe('alice');
    const wrong = await scramError(() => login(mechanism, lookup, 'alice', 'guess'));
    expect(wrong.code).toBe('invalid-proof');
    expect(wrong.message).toBe('authentication failed for user "alice": wrong password or no such user');
    expect(wrong.message).not.toContain('guess');
  });

  it('does not tell an unknown user from a wrong password', async () => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-256')] });
    const unknown = await scramError(() => login('SCRAM-SHA-256', lookup, 'bob', 'x'));
    expect(unknown.code).toBe('invalid-proof');
    expect(unknown.message).toBe('authentication failed for user "bob": wrong password or no such user');
    // The made-up salt is the same each time, as a real one would be.
    const salts = [1, 2].map(() => /s=([^,]+)/.exec(new ScramServer('SCRAM-SHA-256', lookup).clientFirst('n,,n=bob,r=abc'))![1]);
    expect(salts[0]).toBe(salts[1]);
  });

  it('refuses a credential of the other mechanism', async () => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-512')] });
    expect((await scramError(() => login('SCRAM-SHA-256', lookup, 'alice', 's3cret!'))).code).toBe('invalid-proof');
  });

  it('refuses a client-final replayed into a new exchange, and a second client-final', async () => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-256')] });
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 's3cret!');
    const first = client.clientFirst();
    const recorded = new ScramServer('SCRAM-SHA-256', lookup);
    const clientFinal = await client.serverFirst(recorded.clientFirst(first));
    recorded.clientFinal(clientFinal);
    expect((await scramError(() => recorded.clientFinal(clientFinal))).message).toMatch(/already complete/);

    const replayed = new ScramServer('SCRAM-SHA-256', lookup);
    replayed.clientFirst(first);
    expect((await scramError(() => replayed.clientFinal(clientFinal))).message).toBe('the nonce is not the one of this exchange');
    expect(replayed.username).toBeUndefined();
  });

  it.each([
    { what: 'a flipped proof byte', edit: (m: string) => m.replace(/p=(.)/, (_, c: string) => `p=${c === 'A' ? 'B' : 'A'}`), code: 'invalid-proof' },
    { what: 'a shortened proof', edit: (m: string) => m.replace(/p=.*$/, 'p=AAAA'), code: 'invalid-proof' },
    { what: 'a proof that is not base64', edit: (m: string) => m.replace(/p=.*$/, 'p=@@@@'), code: 'invalid-encoding' },
    { what: 'no proof', edit: (m: string) => m.replace(/,p=.*$/, ''), code: 'invalid-encoding' },
    { what: 'a changed nonce', edit: (m: string) => m.replace(/r=([^,]*)/, 'r=$1x'), code: 'other-error' },
    { what: 'a channel binding other than n,,', edit: (m: string) => m.replace('c=biws', 'c=eSws'), code: 'channel-bindings-dont-match' },
    { what: 'an extension that changes the signed message', edit: (m: string) => m.replace(',p=', ',x=1,p='), code: 'invalid-proof' },
  ])('refuses a client-final with $what', async ({ edit, code }) => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-256')] });
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 's3cret!');
    const server = new ScramServer('SCRAM-SHA-256', lookup);
    const clientFinal = await client.serverFirst(server.clientFirst(client.clientFirst()));
    expect((await scramError(() => server.clientFinal(edit(clientFinal)))).code).toBe(code);
    expect(server.username).toBeUndefined();
    // The exchange is over: even the genuine message is refused now.
    expect(() => server.clientFinal(clientFinal)).toThrow(/already failed/);
  });

  it.each([
    { message: 'y,,n=alice,r=abc', code: 'channel-binding-not-supported' },
    { message: 'p=tls-unique,,n=alice,r=abc', code: 'channel-binding-not-supported' },
    { message: 'n,a=bob,n=alice,r=abc', code: 'other-error' },
    { message: 'n,,m=ext,n=alice,r=abc', code: 'extensions-not-supported' },
    { message: 'n,,r=abc,n=alice', code: 'invalid-encoding' },
    { message: 'n,,n=alice', code: 'invalid-encoding' },
    { message: 'n,,n=al=ice,r=abc', code: 'invalid-username-encoding' },
    { message: 'n,,n=,r=abc', code: 'invalid-username-encoding' },
    { message: 'n,,n=alice,r=a b', code: 'invalid-encoding' },
    { message: 'n,,n=alice,r=', code: 'invalid-encoding' },
    { message: 'n,,n=alice,r=abc,garbage', code: 'invalid-encoding' },
    { message: `n,,n=alice,r=${'a'.repeat(5000)}`, code: 'invalid-encoding' },
    { message: '', code: 'invalid-encoding' },
  ])('refuses the client-first $message', async ({ message, code }) => {
    const server = new ScramServer('SCRAM-SHA-256', users({}));
    expect((await scramError(() => server.clientFirst(message))).code).toBe(code);
  });

  it('decodes =2C and =3D in user names', async () => {
    let asked = '';
    const server = new ScramServer('SCRAM-SHA-256', (name) => ((asked = name), undefined));
    server.clientFirst('n,,n=a=2Cb=3Dc,r=abc');
    expect(asked).toBe('a,b=c');
  });

  it.each([
    { what: 'a nonce that does not extend the client nonce', serverFirst: 'r=zzz,s=QUJDREVGR0hJSktMTU5PUA==,i=4096', code: 'other-error' },
    { what: 'the client nonce alone', serverFirst: 'r=CLIENT,s=QUJDREVGR0hJSktMTU5PUA==,i=4096', code: 'other-error' },
    { what: 'too few iterations', serverFirst: 'r=CLIENTxyz,s=QUJDREVGR0hJSktMTU5PUA==,i=1000', code: 'other-error' },
    { what: 'too many iterations', serverFirst: 'r=CLIENTxyz,s=QUJDREVGR0hJSktMTU5PUA==,i=99999999', code: 'other-error' },
    { what: 'a bad salt', serverFirst: 'r=CLIENTxyz,s=***,i=4096', code: 'invalid-encoding' },
    { what: 'a mandatory extension', serverFirst: 'm=x,r=CLIENTxyz,s=QUJD,i=4096', code: 'extensions-not-supported' },
  ])('the client refuses a server-first with $what', async ({ serverFirst, code }) => {
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'pw', () => 'CLIENT');
    client.clientFirst();
    expect((await scramError(() => client.serverFirst(serverFirst))).code).toBe(code);
  });

  it('the client reports a server refusal (e=)', async () => {
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'pw', () => 'CLIENT');
    client.clientFirst();
    await client.serverFirst('r=CLIENTxyz,s=QUJDREVGR0hJSktMTU5PUA==,i=4096');
    expect((await scramError(() => client.serverFinal('e=invalid-proof'))).message).toBe('the server refused: invalid-proof');
  });
});

describe('credentials and SASLprep', () => {
  it('stores no password, only salt, count and keys of the hash length', async () => {
    const credential = await createScramCredential('correct horse', 'SCRAM-SHA-512');
    expect(Object.keys(credential).sort()).toEqual(['iterations', 'mechanism', 'salt', 'serverKey', 'storedKey']);
    expect(JSON.stringify(credential)).not.toContain('correct horse');
    expect(credential.storedKey).toHaveLength(64);
    expect(credential.iterations).toBeGreaterThanOrEqual(4096);
    expect(checkScramCredential(credential)).toBe(credential);
  });

  it('prepares passwords with SASLprep: RFC 4013 §3 examples', async () => {
    expect(preparePassword('I\u00ADX')).toBe('IX'); // soft hyphen maps to nothing
    expect(preparePassword('\u00AA')).toBe('a'); // NFKC
    expect(preparePassword('\u2168')).toBe('IX'); // NFKC
    expect(() => preparePassword('\u0007')).toThrow(/password: cannot be prepared with SASLprep/); // prohibited
    expect(() => preparePassword('\u0627\u0031')).toThrow(/password: cannot be prepared with SASLprep/); // bidi rule
    expect(() => preparePassword('\u00AD')).toThrow(/password: must not be empty once SASLprep drops/);
    expect(() => preparePassword('')).toThrow(/password: must not be empty/);
    // A password typed in another normalization form logs in.
    const lookup = users({ alice: [await createScramCredential('IX', 'SCRAM-SHA-256', { iterations: 4096 })] });
    expect(await login('SCRAM-SHA-256', lookup, 'alice', 'I\u00ADX')).toBe('alice');
  });

  it.each([
    { field: 'credential.iterations', credential: { iterations: 100 } },
    { field: 'credential.salt', credential: { salt: Buffer.alloc(4) } },
    { field: 'credential.storedKey', credential: { storedKey: Buffer.alloc(31) } },
    { field: 'credential.mechanism', credential: { mechanism: 'SCRAM-SHA-1' } },
  ])('checkScramCredential refuses a bad $field', async ({ field, credential }) => {
    const good = await createScramCredential('pw', 'SCRAM-SHA-256', { iterations: 4096 });
    expect(() => checkScramCredential({ ...good, ...credential } as ScramCredential)).toThrow(new RegExp(`^${field.replace('.', '\\.')}: `));
  });

  it('refuses bad iteration counts when making a credential', async () => {
    await expect(createScramCredential('pw', 'SCRAM-SHA-256', { iterations: 4095 })).rejects.toThrow(/iterations: must be an integer from 4096/);
  });
});

describe('PLAIN (RFC 4616) over SCRAM credentials', () => {
  const plain = (authzid: string, user: string, password: string) => Buffer.from(`${authzid}\0${user}\0${password}`);

  it('accepts the right password, with or without the same authorization identity', async () => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-256')] });
    expect(await verifyPlain(plain('', 'alice', 's3cret!'), lookup)).toBe('alice');
    expect(await verifyPlain(plain('alice', 'alice', 's3cret!'), lookup)).toBe('alice');
  });

  it.each([
    { what: 'a wrong password', message: plain('', 'alice', 'guess'), code: 'invalid-proof' },
    { what: 'an unknown user', message: plain('', 'bob', 's3cret!'), code: 'invalid-proof' },
    { what: 'another authorization identity', message: plain('bob', 'alice', 's3cret!'), code: 'other-error' },
    { what: 'two fields', message: Buffer.from('alice\0s3cret!'), code: 'invalid-encoding' },
    { what: 'an empty password', message: plain('', 'alice', ''), code: 'invalid-encoding' },
    { what: 'bytes that are not UTF-8', message: Buffer.from([0, 0x61, 0, 0xff]), code: 'invalid-encoding' },
  ])('refuses $what', async ({ message, code }) => {
    const lookup = users({ alice: [await createScramCredential('s3cret!', 'SCRAM-SHA-256')] });
    const error = await scramError(() => verifyPlain(message, lookup));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('s3cret!');
  });
});
