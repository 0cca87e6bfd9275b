// Shows that SCRAM as an MQTT 5 enhanced authentication (scramExchange) proves a user with the
// security package's client, and refuses a wrong password, an unknown user, a message that is
// not UTF-8 and a step after the end, each with AuthExchangeFailed. Method: the exchange against
// a credential made for one user, driven by ScramClient, byte for byte as AUTH packets carry it.
import { createScramCredential, ScramClient, ScramMechanism, type ScramCredential } from '@herald/security/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthExchangeFailed, scramExchange } from '../src/auth.js';

const credentials = new Map<ScramMechanism, ScramCredential>();
const lookup = (username: string, mechanism: ScramMechanism) => (username === 'device' ? credentials.get(mechanism) : undefined);

beforeAll(async () => {
  for (const mechanism of [ScramMechanism.Sha256, ScramMechanism.Sha512]) credentials.set(mechanism, await createScramCredential('device-password', mechanism, { iterations: 4096 }));
});

/** Runs the exchange as a client would: answers the server's final step (principal and data). */
async function login(mechanism: ScramMechanism, username: string, password: string) {
  const client = new ScramClient(mechanism, username, password);
  const exchange = scramExchange(mechanism, lookup);
  const first = exchange.step(Buffer.from(client.clientFirst()));
  expect(first.principal).toBeUndefined();
  const final = exchange.step(Buffer.from(await client.serverFirst(first.data.toString())));
  client.serverFinal(final.data.toString());
  return { final, exchange };
}

describe('SCRAM in AUTH packets', () => {
  it.each([ScramMechanism.Sha256, ScramMechanism.Sha512])('proves the user with %s, and the server to the client', async (mechanism) => {
    const { final, exchange } = await login(mechanism, 'device', 'device-password');
    expect(final.principal).toBe('User:device');
    // The exchange is over: another message is refused.
    expect(() => exchange.step(Buffer.from('n,,n=device,r=x'))).toThrow(AuthExchangeFailed);
  });

  it.each([
    { what: 'a wrong password', username: 'device', password: 'wrong' },
    { what: 'an unknown user', username: 'nobody', password: 'device-password' },
  ])('refuses $what at the client-final step', async ({ username, password }) => {
    await expect(login(ScramMechanism.Sha256, username, password)).rejects.toThrow(AuthExchangeFailed);
  });

  it('refuses data that is not UTF-8 or not SCRAM', () => {
    expect(() => scramExchange(ScramMechanism.Sha256, lookup).step(Buffer.from([0xc3, 0x28]))).toThrow(/not UTF-8/);
    expect(() => scramExchange(ScramMechanism.Sha256, lookup).step(Buffer.from('hello'))).toThrow(AuthExchangeFailed);
  });
});
