import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { LOGIN_THROTTLE_RULES } from '../../src/auth/login-throttle.js';
import { staffUsers } from '../../src/db/schema.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';

/** The login tells nobody which accounts exist, and slows guessing instead of locking the owner out. */

let app: TestApp;
let clock = OFFICE_HOURS_NOW.getTime();
const OWNER = { email: 'rosa@muni.test', password: 'clave-segura-123' };

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date(clock) });
  await app.database.db
    .insert(staffUsers)
    .values({ email: OWNER.email, name: 'Rosa', role: 'operador', passwordHash: await hashPassword(OWNER.password) });
});
afterAll(async () => app?.close());

let address = 0;
/** A different documentation address (TEST-NET-3) for each caller that must not share a count. */
const freshAddress = () => `203.0.113.${++address}`;

const login = (email: string, password: string, ip: string, url = '/api/auth/login') =>
  app.app.inject({ method: 'POST', url, payload: { email, password }, remoteAddress: ip });

async function timed(email: string): Promise<{ ms: number; status: number; body: string; headers: string[] }> {
  const started = process.hrtime.bigint();
  const res = await login(email, 'no-es-la-clave', freshAddress());
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const headers = Object.keys(res.headers)
    .filter((h) => h !== 'date' && h !== 'x-ratelimit-remaining' && h !== 'x-ratelimit-reset')
    .sort();
  return { ms, status: res.statusCode, body: res.body, headers };
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('staff login', () => {
  it('answers an unknown email and a wrong password alike: status, body, headers and about the same time', async () => {
    const unknown: Awaited<ReturnType<typeof timed>>[] = [];
    const known: Awaited<ReturnType<typeof timed>>[] = [];
    // Interleaved, so load from other processes falls on both alike.
    for (let i = 0; i < 5; i++) {
      unknown.push(await timed(`nadie${i}@muni.test`));
      known.push(await timed(OWNER.email));
    }
    for (const [a, b] of unknown.map((u, i) => [u, known[i]!] as const)) {
      expect(a.status).toBe(401);
      expect({ status: a.status, body: a.body, headers: a.headers }).toEqual({ status: b.status, body: b.body, headers: b.headers });
    }
    // Both pay one password check (~0.1 s); without the dummy check an unknown email answers in a few ms.
    const ratio = median(unknown.map((r) => r.ms)) / median(known.map((r) => r.ms));
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
  });

  it('makes one address wait after five failures for an email, whether it names an account or not, and never locks the owner out', async () => {
    const attacker = freshAddress();
    const { free } = LOGIN_THROTTLE_RULES.account;
    for (const email of [OWNER.email, 'nadie@muni.test']) {
      for (let i = 0; i < free; i++) expect((await login(email, 'adivinanza', attacker)).statusCode).toBe(401);
    }
    const slowedOwner = await login(OWNER.email, OWNER.password, attacker);
    const slowedNobody = await login('nadie@muni.test', 'adivinanza', attacker);
    for (const slowed of [slowedOwner, slowedNobody]) {
      expect(slowed.statusCode).toBe(429);
      expect(slowed.json().error.code).toBe('error.login_throttled');
      expect(slowed.json().error.message).toMatch(/Demasiados intentos/);
      expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(slowedOwner.body).toBe(slowedNobody.body);
    // The owner elsewhere is not held back.
    expect((await login(OWNER.email, OWNER.password, freshAddress(), '/api/staff/login')).statusCode).toBe(200);
    // Once the wait is over the right password works from there too, and clears the count.
    clock += Number(slowedOwner.headers['retry-after']) * 1000;
    expect((await login(OWNER.email, OWNER.password, attacker)).statusCode).toBe(200);
    expect((await login(OWNER.email, 'otra-vez-mal', attacker)).statusCode).toBe(401);
  });

  it('makes one address that tries many emails wait, and only that address', async () => {
    const sprayer = freshAddress();
    const { free } = LOGIN_THROTTLE_RULES.address;
    // Spread over both login routes, each with its own per-minute limit, so the throttle is what answers.
    for (let i = 0; i < free; i++) {
      const url = i % 2 === 0 ? '/api/auth/login' : '/api/staff/login';
      expect((await login(`persona${i}@muni.test`, 'adivinanza', sprayer, url)).statusCode).toBe(401);
    }
    const slowed = await login(OWNER.email, OWNER.password, sprayer);
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error.code).toBe('error.login_throttled');
    expect((await login(OWNER.email, OWNER.password, freshAddress())).statusCode).toBe(200);
  });
});
