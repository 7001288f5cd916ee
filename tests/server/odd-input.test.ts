import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

/** Odd paths and ids nobody has: a client's mistake (4xx), never our failure (500). */

let app: TestApp;
let token: string;
let base: { host: string; port: number };

beforeAll(async () => {
  app = await createTestApp();
  token = (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json().token;
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.server.address() as AddressInfo;
  base = { host: '127.0.0.1', port: address.port };
});
afterAll(async () => app?.close());

/** A raw request, the path sent byte for byte as written (no URL normalisation on the way). */
function raw(method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...base, method, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const ODD_PATHS = [
  '/console/constructor',
  '/console/__proto__',
  '/console/hasOwnProperty',
  '/console/constructor/prototype',
  '/__proto__',
  '/constructor',
  '/toString',
  '/chat/__proto__',
  '/api/staff/__proto__',
  '/api/staff/cases/__proto__',
  '/api/staff/cases/constructor/actions',
  '/api/webchat/conversations/__proto__/messages',
  '/api/staff/conversations/__proto__',
  '/api/staff/tray?departmentId=__proto__',
  '/api/staff/callbacks?departmentId=constructor',
  '/console/%2e%2e/package.json',
  '/console/..%2f..%2fpackage.json',
];

describe('odd paths', () => {
  for (const path of ODD_PATHS) {
    it(`GET and HEAD ${path} answer 4xx`, async () => {
      for (const method of ['GET', 'HEAD']) {
        const status = await raw(method, path);
        expect(status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(status, `${method} ${path}`).toBeLessThan(500);
      }
    });
  }
});

describe('odd query strings', () => {
  it('are ignored or refused, never a 500', async () => {
    for (const path of ['/api/staff/tray?__proto__=1&constructor=2', '/api/staff/stats?toString=1&__proto__[x]=2', '/chat?__proto__=1']) {
      expect(await raw('GET', path), path).toBeLessThan(500);
    }
  });
});

describe('ids that name nothing', () => {
  const send = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });

  it('refuses a category, a user or a change in an unknown department with 400', async () => {
    const answers = [
      await send('POST', '/api/staff/admin/categories', { code: 'nueva', name: 'Nueva', departmentId: 9999 }),
      await send('POST', '/api/staff/admin/categories', { code: 'enorme', name: 'Enorme', departmentId: 2 ** 40 }),
      await send('POST', '/api/staff/admin/users', {
        email: 'nueva@muni.test',
        name: 'Nueva',
        role: 'responsable',
        departmentId: 9999,
        password: 'clave-segura-123',
      }),
      await send('PATCH', '/api/staff/admin/categories/1', { departmentId: 9999 }),
      await send('POST', '/api/staff/callbacks/9999/attempts', { outcome: 'no_answer' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400, 400, 404]);
    expect(answers[0]!.json().error.code).toBe('error.invalid_input');
  });

  it('stores text PostgreSQL could not store (a NUL) without it, never answering 500', async () => {
    const res = await send('POST', '/api/staff/cases', {
      channel: 'telefono',
      type: 'queja',
      category: 'baches-pavimento',
      description: 'Bache en la calle\u0000 Hidalgo',
      noContact: true,
    });
    expect(res.statusCode).toBe(200);
    const { case: opened } = res.json() as { case: { id: number } };
    const [row] = await app.database.db.select().from(cases).where(eq(cases.id, opened.id));
    expect(row!.description).toBe('Bache en la calle Hidalgo');
  });
});
