import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password.js';
import { whatsappChannel } from '../../../src/channels/whatsapp/index.js';
import { staffUsers } from '../../../src/db/schema.js';
import { ADMIN, createTestApp } from '../../helpers/app.js';
import { createServerDatabaseUrl, databaseKind } from '../../helpers/database.js';
import { startServer, type ServerProcess } from '../../helpers/server-process.js';

const CHROMIUM = '/usr/bin/chromium';
const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Processes whose command line mentions `needle` (Chromium runs with its profile under DATA_DIR). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline.slice(0, 120)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function adminToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe(`WhatsApp Web mode on ${databaseKind}`, () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'launches Debian’s Chromium, reports that WhatsApp Web cannot be reached, keeps serving, and shuts down leaving no Chromium behind',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-wa-web-'));
      dataDirs.push(dataDir);
      const database = await createServerDatabaseUrl();
      const admin = { email: 'admin@ventanilla.test', password: 'contraseña-larga-de-prueba' };
      let server: ServerProcess | undefined;
      try {
        server = await startServer({
          LOG_LEVEL: 'info',
          DATA_DIR: dataDir,
          ADMIN_EMAIL: admin.email,
          ADMIN_PASSWORD: admin.password,
          WHATSAPP_MODE: 'web',
          CHROMIUM_PATH: CHROMIUM,
          WHATSAPP_WEB_TIMEOUT_MS: '20000',
          ...(database.url ? { DATABASE_URL: database.url } : {}),
        });
        const token = await adminToken(server.url, admin.email, admin.password);
        const status = async () => {
          const res = await fetch(`${server!.url}/api/staff/whatsapp/qr`, { headers: { authorization: `Bearer ${token}` } });
          expect(res.status).toBe(200);
          return (await res.json()) as { mode: string; state: string; lastError: string | null; retryAt: string | null; qr: unknown };
        };

        let last = await status();
        const deadline = Date.now() + 40_000;
        while (last.state !== 'unreachable' && Date.now() < deadline) {
          expect(['starting', 'unreachable']).toContain(last.state);
          await new Promise((resolve) => setTimeout(resolve, 250));
          last = await status();
        }
        expect(last).toMatchObject({
          mode: 'web',
          state: 'unreachable',
          qr: null,
          lastError: expect.stringContaining('cannot reach web.whatsapp.com'),
        });
        expect(last.retryAt).not.toBeNull();
        expect(server.output()).toContain('WhatsApp Web: cannot reach web.whatsapp.com');
        // Chromium itself ran: it made its profile in the LocalAuth folder under DATA_DIR.
        expect(existsSync(join(dataDir, 'whatsapp-session'))).toBe(true);

        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        const anonymous = await fetch(`${server.url}/api/staff/whatsapp/qr`);
        expect(anonymous.status).toBe(401);

        // After its back-off the adapter launches Chromium again; stopping the server now must close it.
        let relaunched = false;
        const retryDeadline = Date.now() + 30_000;
        while (!relaunched && Date.now() < retryDeadline) {
          relaunched = processesMentioning(dataDir).length > 0;
          if (!relaunched) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(relaunched).toBe(true);
        await server.stop();
        expect(server.output()).toContain('shutting down');
        expect(processesMentioning(dataDir)).toEqual([]);
      } finally {
        await server?.crash().catch(() => undefined);
        await database.drop();
      }
    },
    120_000,
  );

  it('shows the link status to admins only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-wa-web-'));
    dataDirs.push(dataDir);
    const app = await createTestApp({ channels: [whatsappChannel], env: { WHATSAPP_MODE: 'web', DATA_DIR: dataDir } });
    try {
      await app.database.db.insert(staffUsers).values({
        email: 'operador@ventanilla.test',
        name: 'Operador',
        passwordHash: await hashPassword(ADMIN.password),
        role: 'operador',
      });
      const login = async (email: string) =>
        (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: ADMIN.password } })).json()
          .token as string;
      const get = (token?: string) =>
        app.app.inject({ method: 'GET', url: '/api/staff/whatsapp/qr', headers: token ? { authorization: `Bearer ${token}` } : {} });

      expect((await get()).statusCode).toBe(401);
      expect((await get(await login('operador@ventanilla.test'))).statusCode).toBe(403);
      const ok = await get(await login(ADMIN.email));
      expect(ok.statusCode).toBe(200);
      // Not started (the server starts channels after listening): nothing is linking yet.
      expect(ok.json()).toMatchObject({ mode: 'web', state: 'stopped', qr: null });
    } finally {
      await app.close();
    }
  });
});
