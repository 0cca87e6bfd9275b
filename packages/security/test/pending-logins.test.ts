// Shows that started SCRAM exchanges are found once by id, expire, and stay bounded in number.
// Method: a fake clock.

import { describe, expect, it } from 'vitest';
import { PendingLogins, ScramServer } from '../src/index.js';

const exchange = () => new ScramServer('SCRAM-SHA-256', () => undefined);

describe('PendingLogins', () => {
  it('hands an exchange back once, by its id', () => {
    const logins = new PendingLogins(() => 0);
    const first = exchange();
    const id = logins.add(first);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(logins.take('unknown')).toBeUndefined();
    expect(logins.take(id)).toBe(first);
    expect(logins.take(id)).toBeUndefined();
  });

  it('forgets exchanges after their time to live', () => {
    const clock = { now: 0 };
    const logins = new PendingLogins(() => clock.now, 10_000);
    const early = logins.add(exchange());
    clock.now = 5_000;
    const late = logins.add(exchange());
    clock.now = 10_000;
    expect(logins.take(early)).toBeUndefined();
    expect(logins.size).toBe(1);
    expect(logins.take(late)).toBeDefined();
  });

  it('drops the oldest when full', () => {
    const logins = new PendingLogins(() => 0, 10_000, 3);
    const ids = Array.from({ length: 4 }, () => logins.add(exchange()));
    expect(logins.size).toBe(3);
    expect(logins.take(ids[0]!)).toBeUndefined();
    expect(logins.take(ids[3]!)).toBeDefined();
  });
});
