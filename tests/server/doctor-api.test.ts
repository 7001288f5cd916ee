import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { TelegramStandIn } from '../helpers/telegram-stand-in.js';

let app: TestApp;
let telegram: TelegramStandIn;

async function tokenFor(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { token: string }).token;
}

beforeAll(async () => {
  telegram = await new TelegramStandIn().start();
  app = await createTestApp({
    // A token of the right shape that the stand-in does not know: Telegram's 401.
    env: { TELEGRAM_BOT_TOKEN: '987654321:AAH-another-token_that-telegram-refuses', TELEGRAM_API_ROOT: telegram.apiRoot },
  });
  for (const role of ['coordinador', 'operador'] as const)
    await app.database.db
      .insert(staffUsers)
      .values({ email: `${role}@muni.test`, name: role, role, passwordHash: await hashPassword('clave-segura-123') });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

describe(`the console's diagnostics on ${databaseKind}`, () => {
  it('shows an admin the doctor checks, each failure with its fix', async () => {
    const token = await tokenFor(ADMIN.email, ADMIN.password);
    const res = await app.app.inject({ method: 'GET', url: '/api/staff/doctor', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const { checks } = res.json() as { checks: Array<{ id: string; status: string; message: string; fix?: string }> };
    expect(checks.map((c) => c.id)).toEqual(['config', 'database', 'disk', 'telegram']);
    expect(checks.find((c) => c.id === 'database')).toMatchObject({ status: 'ok' });
    expect(checks.find((c) => c.id === 'telegram')).toEqual({
      id: 'telegram',
      status: 'fail',
      message: 'TELEGRAM_BOT_TOKEN rechazado por Telegram (401)',
      fix: 'copie el token que le dio @BotFather (/mybots › su bot › API Token) en TELEGRAM_BOT_TOKEN',
    });
  });

  it('is for admins only', async () => {
    for (const role of ['coordinador', 'operador']) {
      const token = await tokenFor(`${role}@muni.test`, 'clave-segura-123');
      const res = await app.app.inject({ method: 'GET', url: '/api/staff/doctor', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, role).toBe(403);
    }
    expect((await app.app.inject({ method: 'GET', url: '/api/staff/doctor' })).statusCode).toBe(401);
  });
});
