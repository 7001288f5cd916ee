import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auditLog, departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
let folio: string;
let caseId: number;

async function addStaff(email: string, role: 'responsable' | 'operador', departmentCode?: string) {
  const [dept] = departmentCode
    ? await app.database.db.select().from(departments).where(eq(departments.code, departmentCode))
    : [undefined];
  await app.database.db
    .insert(staffUsers)
    .values({ email, name: email, role, departmentId: dept?.id ?? null, passwordHash: await hashPassword('clave-segura-123') });
}

async function login(email: string, password: string) {
  return app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
}

async function tokenFor(email: string, password = 'clave-segura-123') {
  const res = await login(email, password);
  expect(res.statusCode).toBe(200);
  return (res.json() as { token: string }).token;
}

beforeAll(async () => {
  app = await createTestApp();
  await addStaff('obras@muni.test', 'responsable', 'obras-publicas');
  await addStaff('agua@muni.test', 'responsable', 'agua-potable');
  await addStaff('operador@muni.test', 'operador');
  let n = 0;
  const say = (text: string) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 'u1',
        conversationKey: 'c1',
        externalId: `e${++n}`,
        text,
        receivedAt: new Date(),
      }),
    );
  await say('Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
  await say('Juan Pérez 5512345678');
  await say('omitir');
  const done = await say('sí');
  folio = /AC-\d{4}-\d{6}/.exec(done.replies.map((r) => r.text).join(' '))![0];
});
afterAll(async () => app?.close());

describe(`staff API on ${databaseKind}`, () => {
  it('logs in with email and password and finds a case by folio', async () => {
    const token = await tokenFor(ADMIN.email, ADMIN.password);
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/cases?folio=${folio.toLowerCase()}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const found = res.json().cases as Array<{ id: number; folio: string; department: { code: string } }>;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ folio, department: { code: 'obras-publicas' } });
    // The list is for finding cases: no personal data and no internal links in it.
    expect(Object.keys(found[0]!)).not.toContain('citizenId');
    expect(JSON.stringify(found[0])).not.toContain('5512345678');
    caseId = found[0]!.id;
  });

  it('shows the case detail with citizen data and history, and audits the view', async () => {
    const token = await tokenFor(ADMIN.email, ADMIN.password);
    const res = await app.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const detail = res.json().case;
    expect(detail.citizen).toMatchObject({ name: 'Juan Pérez', phone: '5512345678' });
    expect(detail.events.map((e: { type: string }) => e.type)).toContain('case.opened');
    const audits = await app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, String(caseId)));
    expect(audits.map((a) => a.action)).toContain('case.viewed');
  });

  it('lets department staff see only their own department’s cases', async () => {
    const obras = await tokenFor('obras@muni.test');
    const agua = await tokenFor('agua@muni.test');
    const operador = await tokenFor('operador@muni.test');
    const get = (token: string) =>
      app.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { authorization: `Bearer ${token}` } });
    expect((await get(obras)).statusCode).toBe(200);
    expect((await get(agua)).statusCode).toBe(404);
    expect((await get(operador)).statusCode).toBe(200);
    const list = await app.app.inject({ method: 'GET', url: '/api/cases', headers: { authorization: `Bearer ${agua}` } });
    expect(list.json().cases).toEqual([]);
  });

  it('refuses requests without a valid session', async () => {
    for (const authorization of [undefined, 'Bearer nope', 'Basic abc']) {
      const res = await app.app.inject({ method: 'GET', url: '/api/cases', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
    }
  });

  it("takes one session everywhere: a script's bearer token on the console's routes, the console's cookie on the scripts' routes", async () => {
    const token = await tokenFor('obras@muni.test');
    const tray = await app.app.inject({ method: 'GET', url: '/api/staff/tray', headers: { authorization: `Bearer ${token}` } });
    expect(tray.statusCode).toBe(200);
    expect(tray.json().cases.map((c: { id: number }) => c.id)).toContain(caseId);
    const console = await app.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: 'agua@muni.test', password: 'clave-segura-123' },
    });
    const cookie = String(console.headers['set-cookie']).split(';')[0]!;
    const list = await app.app.inject({ method: 'GET', url: '/api/cases', headers: { cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().cases).toEqual([]);
    expect((await app.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie } })).statusCode).toBe(404);
    // A cookie request that changes something still needs the anti-CSRF header.
    expect((await app.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(403);
  });

  it('ends the session on logout', async () => {
    const token = await tokenFor(ADMIN.email, ADMIN.password);
    const out = await app.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(204);
    const after = await app.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it('says the same for an unknown email and a wrong password, and slows guessing without locking the owner out', async () => {
    const unknown = await login('nadie@muni.test', 'lo-que-sea');
    const wrong = await login('operador@muni.test', 'incorrecta');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error).toEqual(wrong.json().error);
    for (let i = 0; i < 4; i++) await login('operador@muni.test', 'incorrecta');
    const slowed = await login('operador@muni.test', 'clave-segura-123');
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error.code).toBe('error.login_throttled');
    // The guesses came from one address; the owner at their own desk signs in.
    const owner = await app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'operador@muni.test', password: 'clave-segura-123' },
      remoteAddress: '198.51.100.20',
    });
    expect(owner.statusCode).toBe(200);
  });

  it('stores passwords only as memory-hard hashes', async () => {
    const [admin] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, ADMIN.email));
    expect(admin!.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(admin!.passwordHash).not.toContain(ADMIN.password);
  });
});
