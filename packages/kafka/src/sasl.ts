// The server side of SASL PLAIN (RFC 4616) and SCRAM-SHA-256/512 (RFC 5802, RFC 7677), as Kafka
// runs them (KIP-43, KIP-84). The broker only stores credentials (KafkaBackend); the exchanges,
// which are protocol, live here.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KafkaBackend, ScramCredential, ScramMechanism } from './backend.js';

/** The SASL mechanisms this listener implements, by their Kafka (IANA) names. */
export const SaslMechanism = { Plain: 'PLAIN', ScramSha256: 'SCRAM-SHA-256', ScramSha512: 'SCRAM-SHA-512' } as const;
export type SaslMechanism = (typeof SaslMechanism)[keyof typeof SaslMechanism];

/** Whether `name` is a mechanism this listener implements. */
export function isSaslMechanism(name: string): name is SaslMechanism {
  return Object.values(SaslMechanism).includes(name as SaslMechanism);
}

/** Authentication failed: the client gets this message, and the connection is closed. */
export class SaslFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslFailure';
  }
}

/** What one step of an exchange answers: bytes for the client, and the principal once the
 *  client is authenticated. */
export interface SaslStep {
  readonly response: Uint8Array;
  readonly principal: string | null;
}

/** One client's authentication, fed the client's messages in turn. */
export interface SaslExchange {
  step(message: Uint8Array): Promise<SaslStep>;
}

/** Starts an exchange of `mechanism` against the backend's users. */
export function startExchange(mechanism: SaslMechanism, backend: KafkaBackend): SaslExchange {
  return mechanism === SaslMechanism.Plain ? plainExchange(backend) : new ScramExchange(mechanism, backend);
}

const EMPTY = new Uint8Array(0);

function plainExchange(backend: KafkaBackend): SaslExchange {
  let done = false;
  return {
    async step(message) {
      if (done) throw new SaslFailure('PLAIN takes one message');
      done = true;
      // authzid NUL authcid NUL passwd (RFC 4616 §2).
      const parts = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8').split('\0');
      if (parts.length !== 3) throw new SaslFailure('PLAIN: malformed message (expected authzid NUL authcid NUL password)');
      const [authzid, username, password] = parts as [string, string, string];
      if (username === '' || password === '') throw new SaslFailure('PLAIN: empty username or password');
      if (authzid !== '' && authzid !== username) throw new SaslFailure('PLAIN: authorization id must be empty or the username');
      const principal = await backend.authenticatePlain(username, password);
      if (principal === null) throw new SaslFailure(`authentication failed for user ${JSON.stringify(username)}: invalid credentials`);
      return { response: EMPTY, principal };
    },
  };
}

const HASH: Record<ScramMechanism, 'sha256' | 'sha512'> = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' };

/** RFC 5802 §5.1: a saslname escapes "," as "=2C" and "=" as "=3D"; any other "=" is malformed. */
function unescapeUsername(saslname: string): string {
  if (/=(?!2C|3D)/.test(saslname)) throw new SaslFailure('SCRAM: malformed username escape');
  return saslname.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** The attributes of a SCRAM message: "k=v,k=v". */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw new SaslFailure(`SCRAM: malformed attribute ${JSON.stringify(part.slice(0, 40))}`);
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** The server side of one SCRAM exchange: client-first → server-first, client-final →
 *  server-final (RFC 5802 §3). */
class ScramExchange implements SaslExchange {
  private state: 'first' | 'final' | 'done' = 'first';
  private username = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private clientNonce = '';
  private nonce = '';
  private credential: ScramCredential | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly backend: KafkaBackend,
  ) {}

  async step(message: Uint8Array): Promise<SaslStep> {
    const text = Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8');
    if (this.state === 'first') return this.onClientFirst(text);
    if (this.state === 'final') return this.onClientFinal(text);
    throw new SaslFailure('SCRAM: the exchange is over');
  }

  private async onClientFirst(text: string): Promise<SaslStep> {
    // gs2-header: "n," or "y," (no channel binding), then an optional "a=authzid", then ",".
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (match === null) throw new SaslFailure(text.startsWith('p=') ? 'SCRAM: channel binding is not supported' : 'SCRAM: malformed client-first message');
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = match[3]!;
    const attrs = attributes(this.clientFirstBare);
    const name = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (name === undefined || clientNonce === undefined || clientNonce === '') throw new SaslFailure('SCRAM: client-first message needs n= and r=');
    this.username = unescapeUsername(name);
    if (match[2] !== undefined && unescapeUsername(match[2].slice(2)) !== this.username) {
      throw new SaslFailure('SCRAM: authorization id must be the username');
    }
    this.credential = await this.backend.scramCredential(this.mechanism, this.username);
    // An unknown user gets a plausible challenge and fails at the proof, so that a client
    // cannot tell which users exist.
    const salt = this.credential?.salt ?? createHash(HASH[this.mechanism]).update(`herald-unknown-user:${this.username}`).digest().subarray(0, 16);
    const iterations = this.credential?.iterations ?? 4096;
    this.clientNonce = clientNonce;
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${Buffer.from(salt).toString('base64')},i=${iterations}`;
    this.state = 'final';
    return { response: Buffer.from(this.serverFirst, 'utf8'), principal: null };
  }

  private onClientFinal(text: string): SaslStep {
    this.state = 'done';
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslFailure('SCRAM: client-final message needs p=');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) throw new SaslFailure('SCRAM: channel binding does not match the client-first message');
    // RFC 5802 §5.1: the client echoes the server's nonce. librdkafka sends its own nonce in front
    // of it again (client nonce + server nonce, which already starts with the client nonce),
    // and Kafka's ScramSaslServer accepts that too (it checks that the nonce ends with its own).
    const nonce = attrs.get('r');
    if (nonce !== this.nonce && nonce !== this.clientNonce + this.nonce) throw new SaslFailure('SCRAM: nonce does not match');
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const failed = new SaslFailure(`authentication failed for user ${JSON.stringify(this.username)}: invalid credentials`);
    const credential = this.credential;
    if (credential === null) throw failed;
    const hash = HASH[this.mechanism];
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = createHmac(hash, credential.storedKey).update(authMessage).digest();
    if (proof.length !== clientSignature.length) throw failed;
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const storedKey = createHash(hash).update(clientKey).digest();
    if (storedKey.length !== credential.storedKey.length || !timingSafeEqual(storedKey, credential.storedKey)) throw failed;
    const serverSignature = createHmac(hash, credential.serverKey).update(authMessage).digest('base64');
    return { response: Buffer.from(`v=${serverSignature}`, 'utf8'), principal: `User:${this.username}` };
  }
}
