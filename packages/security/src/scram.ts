// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677), and PLAIN (RFC 4616) checked against a
// SCRAM credential. Kafka's SaslAuthenticate carries exactly these messages, so the Kafka
// listener reuses ScramServer as the gRPC AuthService does.
//
// A credential holds the salt, the iteration count, StoredKey and ServerKey; never the password
// nor SaltedPassword. The server side is a synchronous state machine (no I/O, no PBKDF2: that
// runs on the client, or once when a credential is made); the steps that run PBKDF2 are async so
// that they run on libuv's thread pool. Every hash, HMAC, PBKDF2 and random byte is node:crypto.
//
//   C: n,,n=user,r=<client nonce>                           client-first
//   S: r=<client nonce><server nonce>,s=<salt>,i=<count>     server-first
//   C: c=biws,r=<both nonces>,p=<proof>                      client-final
//   S: v=<server signature>                                  server-final

import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import saslprep from '@mongodb-js/saslprep';
import { invalidArgument } from '@herald/protocol';

const pbkdf2Async = promisify(pbkdf2);

/** The SCRAM mechanisms, by their SASL names. */
export const ScramMechanism = { Sha256: 'SCRAM-SHA-256', Sha512: 'SCRAM-SHA-512' } as const;
export type ScramMechanism = (typeof ScramMechanism)[keyof typeof ScramMechanism];

const HASH: Record<ScramMechanism, { readonly name: 'sha256' | 'sha512'; readonly bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

/** Whether `name` is a SCRAM mechanism Herald serves. */
export function isScramMechanism(name: unknown): name is ScramMechanism {
  return name === ScramMechanism.Sha256 || name === ScramMechanism.Sha512;
}

/** RFC 7677 §4: at least 4096 iterations; Kafka's minimum too. */
export const SCRAM_ITERATIONS_MIN = 4096;
/** The default for new credentials. PBKDF2 runs once per login on the client and never on the
 *  server, so a higher count costs little and slows an offline attack on a stolen credential. */
export const SCRAM_ITERATIONS_DEFAULT = 8192;
/** The most iterations a credential may have, and a client accepts from a server (a hostile
 *  server could otherwise make a client spin for minutes). */
export const SCRAM_ITERATIONS_MAX = 1_000_000;
/** Bytes of salt in a new credential. */
const SALT_BYTES = 24;
/** Bytes of randomness in a nonce (base64: 32 characters). */
const NONCE_BYTES = 24;
/** The longest SCRAM message accepted, in characters: a client-first is about 100, a
 *  client-final about 200 with SHA-512. Anything longer is refused before parsing. */
const MESSAGE_CHARS_MAX = 4096;
/** The longest password accepted, in characters (Kafka caps nothing; 1,024 is generous). */
const PASSWORD_CHARS_MAX = 1024;

/** What the server stores for a user and mechanism (RFC 5802 §3). */
export interface ScramCredential {
  readonly mechanism: ScramMechanism;
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/**
 * The error values of RFC 5802 §7 (server-error-value) that Herald uses. The message of a
 * ScramError is for logs and the person logging in; `code` is what SCRAM puts in `e=`.
 */
export type ScramErrorCode =
  | 'invalid-encoding'
  | 'extensions-not-supported'
  | 'invalid-proof'
  | 'channel-bindings-dont-match'
  | 'channel-binding-not-supported'
  | 'invalid-username-encoding'
  | 'other-error';

/** A SCRAM exchange that failed. Refusals by the server and checks the client makes of the
 *  server both throw it; the exchange cannot continue afterwards. */
export class ScramError extends Error {
  constructor(
    readonly code: ScramErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScramError';
  }
}

/**
 * Prepares a password with SASLprep (RFC 4013), as RFC 5802 §5.1 asks before PBKDF2: NFKC
 * normalization, non-ASCII spaces mapped to space, some characters mapped to nothing. Refuses
 * (never silently changes) prohibited characters, unassigned code points, bidirectional text
 * that breaks RFC 3454 §6, an empty result, and more than PASSWORD_CHARS_MAX characters.
 */
export function preparePassword(password: string): string {
  if (password.length > PASSWORD_CHARS_MAX) throw invalidArgument('password', `must be at most ${PASSWORD_CHARS_MAX} characters`);
  let prepared: string;
  try {
    prepared = saslprep(password);
  } catch (err) {
    // @mongodb-js/saslprep 1.6 throws a TypeError when every character maps to nothing.
    if (err instanceof TypeError) throw invalidArgument('password', 'must not be empty once SASLprep drops the characters it maps to nothing', { cause: err });
    throw invalidArgument('password', `cannot be prepared with SASLprep (RFC 4013): ${(err as Error).message}`, { cause: err });
  }
  if (prepared === '') throw invalidArgument('password', 'must not be empty');
  return prepared;
}

/** SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC (RFC 5802 §2.2). */
async function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const hash = HASH[mechanism];
  return pbkdf2Async(Buffer.from(preparePassword(password), 'utf8'), salt, iterations, hash.bytes, hash.name);
}

function hmac(mechanism: ScramMechanism, key: Buffer, text: string): Buffer {
  return createHmac(HASH[mechanism].name, key).update(text, 'utf8').digest();
}

function h(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASH[mechanism].name).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function keysOf(mechanism: ScramMechanism, salted: Buffer): { clientKey: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { clientKey, storedKey: h(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/**
 * Makes the credential the server stores for `password`: a random salt, `iterations` rounds
 * (SCRAM_ITERATIONS_DEFAULT), StoredKey and ServerKey. The password is prepared with SASLprep
 * and then forgotten; it is in neither the result nor any error message.
 */
export async function createScramCredential(
  password: string,
  mechanism: ScramMechanism,
  options: { readonly iterations?: number; readonly salt?: Buffer } = {},
): Promise<ScramCredential> {
  if (!isScramMechanism(mechanism)) throw invalidArgument('mechanism', `must be ${ScramMechanism.Sha256} or ${ScramMechanism.Sha512}`);
  const iterations = options.iterations ?? SCRAM_ITERATIONS_DEFAULT;
  checkIterations(iterations, 'iterations');
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  if (salt.length < 16) throw invalidArgument('salt', 'must be at least 16 bytes');
  const { storedKey, serverKey } = keysOf(mechanism, await saltedPassword(mechanism, password, salt, iterations));
  return { mechanism, salt, iterations, storedKey, serverKey };
}

/**
 * Checks a credential that came from outside (a request creating a user, a record read back):
 * a known mechanism, an iteration count within bounds, a salt of 16 to 1,024 bytes, keys of the
 * mechanism's hash length. Returns it; throws InvalidArgument naming the field.
 */
export function checkScramCredential(credential: ScramCredential, field = 'credential'): ScramCredential {
  if (!isScramMechanism(credential.mechanism)) throw invalidArgument(`${field}.mechanism`, `must be ${ScramMechanism.Sha256} or ${ScramMechanism.Sha512}`);
  checkIterations(credential.iterations, `${field}.iterations`);
  if (!(credential.salt instanceof Uint8Array) || credential.salt.length < 16 || credential.salt.length > 1024) throw invalidArgument(`${field}.salt`, 'must be 16 to 1,024 bytes');
  const bytes = HASH[credential.mechanism].bytes;
  for (const key of ['storedKey', 'serverKey'] as const) {
    if (!(credential[key] instanceof Uint8Array) || credential[key].length !== bytes) throw invalidArgument(`${field}.${key}`, `must be ${bytes} bytes for ${credential.mechanism}`);
  }
  return credential;
}

function checkIterations(iterations: number, field: string): void {
  if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX) {
    throw invalidArgument(field, `must be an integer from ${SCRAM_ITERATIONS_MIN} to ${SCRAM_ITERATIONS_MAX} (got ${iterations})`);
  }
}

/** A nonce: random bytes as base64, printable and without ',' as RFC 5802 §5.1 requires. */
export function scramNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// Message syntax (RFC 5802 §7)

/** Strict base64: what Buffer.from(…, 'base64') would silently skip or pad is refused. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** printable = %x21-2B / %x2D-7E: visible ASCII except ','. */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
/** The only GS2 header Herald accepts: no channel binding, no authorization identity. */
const GS2_HEADER = 'n,,';
const GS2_HEADER_BASE64 = Buffer.from(GS2_HEADER).toString('base64');

function decodeBase64(value: string, what: string): Buffer {
  if (value === '' || !BASE64.test(value)) throw new ScramError('invalid-encoding', `${what} is not base64`);
  return Buffer.from(value, 'base64');
}

/** Splits `a=1,b=2` into attributes, checking each is one letter, '=', a value. */
function attributes(message: string, what: string): { name: string; value: string }[] {
  if (message.length > MESSAGE_CHARS_MAX) throw new ScramError('invalid-encoding', `${what} is longer than ${MESSAGE_CHARS_MAX} characters`);
  return message.split(',').map((part) => {
    if (!/^[A-Za-z]=/.test(part)) throw new ScramError('invalid-encoding', `${what}: "${part.slice(0, 40)}" is not an attribute`);
    return { name: part[0]!, value: part.slice(2) };
  });
}

/** The saslname of a username: ',' as =2C and '=' as =3D (RFC 5802 §5.1). */
function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeSaslName(value: string): string {
  if (/=(?!2C|3D)/.test(value)) throw new ScramError('invalid-username-encoding', 'the username has an "=" not followed by 2C or 3D');
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

// ---------------------------------------------------------------------------------------------
// The server side

/** Keys the made-up salts of unknown users: the same name gets the same salt for the life of
 *  the process, so that asking twice does not reveal that the user does not exist. */
const FAKE_SALT_KEY = randomBytes(32);

function fakeSalt(mechanism: ScramMechanism, username: string): Buffer {
  return createHmac('sha256', FAKE_SALT_KEY).update(`${mechanism}\0${username}`).digest().subarray(0, SALT_BYTES);
}

/** How the server finds a user's credential for a mechanism; undefined for an unknown user. */
export type CredentialLookup = (username: string, mechanism: ScramMechanism) => ScramCredential | undefined;

const ServerState = { Initial: 'initial', FirstSent: 'first-sent', Done: 'done', Failed: 'failed' } as const;
type ServerState = (typeof ServerState)[keyof typeof ServerState];

/**
 * The server side of one SCRAM exchange, as a state machine: clientFirst() answers the
 * client-first message with the server-first, clientFinal() checks the client's proof and
 * answers the server-final; username is set once the client proved it. Any failure throws a
 * ScramError and leaves the exchange failed for good: a new login starts a new exchange (and a
 * new server nonce, so a recorded client-final never verifies twice).
 *
 * An unknown user gets a made-up salt and the same refusal as a wrong password, at the same
 * step, so that the exchange does not tell which users exist (RFC 5802 §9).
 */
export class ScramServer {
  private state: ServerState = ServerState.Initial;
  private credential: ScramCredential | undefined;
  private claimedUser = '';
  private nonce = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private authenticated: string | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: CredentialLookup,
    private readonly makeNonce: () => string = scramNonce,
  ) {
    if (!isScramMechanism(mechanism)) throw invalidArgument('mechanism', `must be ${ScramMechanism.Sha256} or ${ScramMechanism.Sha512}`);
  }

  /** The user the client proved to be, once clientFinal() succeeded. */
  get username(): string | undefined {
    return this.authenticated;
  }

  /** Takes the client-first message; returns the server-first message. */
  clientFirst(message: string): string {
    return this.step(ServerState.Initial, () => {
      if (message.startsWith('p=')) throw new ScramError('channel-binding-not-supported', 'channel binding (SCRAM-…-PLUS) is not supported; use TLS and plain SCRAM');
      if (message.startsWith('y,')) throw new ScramError('channel-binding-not-supported', 'only the GS2 header "n,," is accepted');
      if (message.startsWith('n,a=')) throw new ScramError('other-error', 'an authorization identity (a=) is not supported: log in as the user you act as');
      if (!message.startsWith(GS2_HEADER)) throw new ScramError('invalid-encoding', 'the client-first message must start with "n,,"');
      const bare = message.slice(GS2_HEADER.length);
      const attrs = attributes(bare, 'client-first message');
      if (attrs[0]?.name === 'm') throw new ScramError('extensions-not-supported', 'mandatory extensions (m=) are not supported');
      if (attrs.length < 2 || attrs[0]!.name !== 'n' || attrs[1]!.name !== 'r') throw new ScramError('invalid-encoding', 'the client-first message must be n=<user>,r=<nonce>');
      // Optional extensions after r= (RFC 5802 §7 `extensions`) are ignored, as the RFC allows.
      const username = decodeSaslName(attrs[0]!.value);
      let prepared: string;
      try {
        prepared = saslprep(username);
      } catch {
        throw new ScramError('invalid-username-encoding', 'the username cannot be prepared with SASLprep (RFC 4013)');
      }
      if (prepared === '') throw new ScramError('invalid-username-encoding', 'the username is empty');
      const clientNonce = attrs[1]!.value;
      if (!NONCE.test(clientNonce)) throw new ScramError('invalid-encoding', 'the client nonce must be printable ASCII without ","');
      const serverNonce = this.makeNonce();
      if (!NONCE.test(serverNonce)) throw new ScramError('other-error', 'the server nonce is not printable');
      this.claimedUser = prepared;
      this.credential = this.lookup(prepared, this.mechanism);
      const salt = this.credential?.salt ?? fakeSalt(this.mechanism, prepared);
      const iterations = this.credential?.iterations ?? SCRAM_ITERATIONS_DEFAULT;
      this.clientFirstBare = bare;
      this.nonce = clientNonce + serverNonce;
      this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
      this.state = ServerState.FirstSent;
      return this.serverFirst;
    });
  }

  /** Takes the client-final message; checks the nonce, channel binding and proof; returns the
   *  server-final message, which proves the server's knowledge of ServerKey to the client. */
  clientFinal(message: string): string {
    return this.step(ServerState.FirstSent, () => {
      const proofAt = message.lastIndexOf(',p=');
      if (proofAt < 0) throw new ScramError('invalid-encoding', 'the client-final message has no proof (p=)');
      const withoutProof = message.slice(0, proofAt);
      const attrs = attributes(withoutProof, 'client-final message');
      if (attrs.length < 2 || attrs[0]!.name !== 'c' || attrs[1]!.name !== 'r') throw new ScramError('invalid-encoding', 'the client-final message must be c=<binding>,r=<nonce>,p=<proof>');
      if (attrs[0]!.value !== GS2_HEADER_BASE64) throw new ScramError('channel-bindings-dont-match', 'the channel binding does not repeat the GS2 header "n,,"');
      const nonce = attrs[1]!.value;
      if (nonce.length !== this.nonce.length || !timingSafeEqual(Buffer.from(nonce), Buffer.from(this.nonce))) {
        throw new ScramError('other-error', 'the nonce is not the one of this exchange');
      }
      const proof = decodeBase64(message.slice(proofAt + 3), 'the proof');
      const credential = this.credential;
      const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
      const hashBytes = HASH[this.mechanism].bytes;
      // Compute the check even for an unknown user, so both refusals take the same path.
      const storedKey = credential?.storedKey ?? Buffer.alloc(hashBytes);
      const clientSignature = hmac(this.mechanism, storedKey, authMessage);
      const valid =
        proof.length === hashBytes && storedKey.length === hashBytes && timingSafeEqual(h(this.mechanism, xor(proof, clientSignature)), storedKey) && credential !== undefined;
      if (!valid) throw new ScramError('invalid-proof', `authentication failed for user "${this.claimedUser}": wrong password or no such user`);
      this.authenticated = this.claimedUser;
      this.state = ServerState.Done;
      return `v=${hmac(this.mechanism, credential.serverKey, authMessage).toString('base64')}`;
    });
  }

  private step<T>(expected: ServerState, run: () => T): T {
    if (this.state !== expected) {
      const was = this.state;
      this.state = ServerState.Failed;
      throw new ScramError('other-error', `unexpected SCRAM message: the exchange is ${was === ServerState.Failed ? 'already failed' : was === ServerState.Done ? 'already complete' : `at step ${was}`}`);
    }
    try {
      return run();
    } catch (err) {
      this.state = ServerState.Failed;
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The client side

/**
 * The client side of one SCRAM exchange: clientFirst() → send; serverFirst(answer) → send the
 * client-final it returns; serverFinal(answer) checks that the server knew the credential.
 * Throws ScramError when the server's messages are malformed or do not verify, and when the
 * server refused (an `e=` server-final).
 */
export class ScramClient {
  private readonly clientNonce: string;
  private readonly username: string;
  private clientFirstBare = '';
  private serverSignature: Buffer | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    username: string,
    private readonly password: string,
    makeNonce: () => string = scramNonce,
  ) {
    if (!isScramMechanism(mechanism)) throw invalidArgument('mechanism', `must be ${ScramMechanism.Sha256} or ${ScramMechanism.Sha512}`);
    if (username === '') throw invalidArgument('username', 'must not be empty');
    try {
      this.username = saslprep(username);
    } catch (err) {
      throw invalidArgument('username', `cannot be prepared with SASLprep (RFC 4013): ${(err as Error).message}`, { cause: err });
    }
    preparePassword(password);
    this.clientNonce = makeNonce();
    if (!NONCE.test(this.clientNonce)) throw invalidArgument('nonce', 'must be printable ASCII without ","');
  }

  /** The client-first message. */
  clientFirst(): string {
    this.clientFirstBare = `n=${encodeSaslName(this.username)},r=${this.clientNonce}`;
    return GS2_HEADER + this.clientFirstBare;
  }

  /** Takes the server-first message; returns the client-final message with the proof. */
  async serverFirst(message: string): Promise<string> {
    if (this.clientFirstBare === '') throw new ScramError('other-error', 'clientFirst() was not called');
    const attrs = attributes(message, 'server-first message');
    if (attrs[0]?.name === 'm') throw new ScramError('extensions-not-supported', 'the server asked for a mandatory extension');
    if (attrs.length < 3 || attrs[0]!.name !== 'r' || attrs[1]!.name !== 's' || attrs[2]!.name !== 'i') throw new ScramError('invalid-encoding', 'the server-first message must be r=<nonce>,s=<salt>,i=<count>');
    const nonce = attrs[0]!.value;
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length || !NONCE.test(nonce)) {
      throw new ScramError('other-error', "the server's nonce does not extend the client's");
    }
    const salt = decodeBase64(attrs[1]!.value, 'the salt');
    const iterations = /^[1-9][0-9]{0,9}$/.test(attrs[2]!.value) ? Number(attrs[2]!.value) : NaN;
    if (!(iterations >= SCRAM_ITERATIONS_MIN && iterations <= SCRAM_ITERATIONS_MAX)) {
      throw new ScramError('other-error', `the server asks for ${attrs[2]!.value} iterations; accepted are ${SCRAM_ITERATIONS_MIN} to ${SCRAM_ITERATIONS_MAX}`);
    }
    const withoutProof = `c=${GS2_HEADER_BASE64},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${message},${withoutProof}`;
    const { clientKey, storedKey, serverKey } = keysOf(this.mechanism, await saltedPassword(this.mechanism, this.password, salt, iterations));
    const proof = xor(clientKey, hmac(this.mechanism, storedKey, authMessage));
    this.serverSignature = hmac(this.mechanism, serverKey, authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Takes the server-final message; throws unless it carries the expected server signature. */
  serverFinal(message: string): void {
    const expected = this.serverSignature;
    if (expected === undefined) throw new ScramError('other-error', 'serverFirst() was not called');
    const attrs = attributes(message, 'server-final message');
    if (attrs[0]?.name === 'e') throw new ScramError('other-error', `the server refused: ${attrs[0].value}`);
    if (attrs[0]?.name !== 'v') throw new ScramError('invalid-encoding', 'the server-final message must be v=<signature>');
    const signature = decodeBase64(attrs[0].value, "the server's signature");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ScramError('invalid-proof', "the server's signature does not verify: it does not hold this user's credential");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PLAIN

/**
 * Checks a SASL PLAIN message (RFC 4616: `authzid NUL authcid NUL passwd`, UTF-8) against the
 * user's SCRAM credential (PBKDF2 with its salt and count, then StoredKey compared in constant
 * time), as Kafka's SASL/PLAIN over SCRAM credentials does. An authorization identity must be
 * empty or the user itself. Returns the user name; throws ScramError on any failure, with the
 * same message for an unknown user as for a wrong password. Only over TLS: PLAIN sends the
 * password itself.
 */
export async function verifyPlain(message: Uint8Array, lookup: CredentialLookup, mechanism: ScramMechanism = ScramMechanism.Sha256): Promise<string> {
  if (message.length > MESSAGE_CHARS_MAX) throw new ScramError('invalid-encoding', `the PLAIN message is longer than ${MESSAGE_CHARS_MAX} bytes`);
  const text = Buffer.from(message).toString('utf8');
  if (Buffer.byteLength(text) !== message.length) throw new ScramError('invalid-encoding', 'the PLAIN message is not UTF-8');
  const parts = text.split('\0');
  if (parts.length !== 3) throw new ScramError('invalid-encoding', 'the PLAIN message must be authzid NUL authcid NUL password');
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '' || password === '') throw new ScramError('invalid-encoding', 'the PLAIN message needs a user name and a password');
  if (authzid !== '' && authzid !== authcid) throw new ScramError('other-error', 'an authorization identity other than the user is not supported');
  let username: string;
  let prepared: string;
  try {
    username = saslprep(authcid);
    prepared = preparePassword(password);
  } catch {
    throw new ScramError('invalid-username-encoding', 'the user name or password cannot be prepared with SASLprep (RFC 4013)');
  }
  const credential = lookup(username, mechanism);
  const salt = credential?.salt ?? randomBytes(SALT_BYTES);
  const iterations = credential?.iterations ?? SCRAM_ITERATIONS_DEFAULT;
  const { storedKey } = keysOf(mechanism, await pbkdf2Async(Buffer.from(prepared, 'utf8'), salt, iterations, HASH[mechanism].bytes, HASH[mechanism].name));
  if (credential === undefined || credential.storedKey.length !== storedKey.length || !timingSafeEqual(storedKey, credential.storedKey)) {
    throw new ScramError('invalid-proof', `authentication failed for user "${username}": wrong password or no such user`);
  }
  return username;
}
