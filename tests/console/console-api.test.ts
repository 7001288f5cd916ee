import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auditLog, caseEvents, departments, messages, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
let caseId: number;
let conversationId: string;
const PASSWORD = 'clave-segura-123';

interface Session {
  cookie: string;
  csrf: string;
}

async function addStaff(email: string, role: (typeof staffUsers.$inferInsert)['role'], departmentCode?: string) {
  const [dept] = departmentCode
    ? await app.database.db.select().from(departments).where(eq(departments.code, departmentCode))
    : [undefined];
  const [row] = await app.database.db
    .insert(staffUsers)
    .values({ email, name: email.split('@')[0]!, role, departmentId: dept?.id ?? null, passwordHash: await hashPassword(PASSWORD) })
    .returning();
  return row!;
}

async function signIn(email: string, password = PASSWORD): Promise<Session> {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  return { cookie: setCookie.split(';')[0]!, csrf: res.json().csrfToken };
}

const get = (s: Session | undefined, url: string) => app.app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
const post = (s: Session | undefined, url: string, payload: unknown = {}, csrf = true) =>
  app.app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: s ? { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) } : {},
  });
const act = (s: Session, payload: unknown) => post(s, `/api/staff/cases/${caseId}/actions`, payload);

let n = 0;
const say = (key: string, text: string) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: 'telegram',
      channelUserId: key,
      conversationKey: key,
      externalId: `x${++n}`,
      text,
      receivedAt: new Date(),
    }),
  );

beforeAll(async () => {
  app = await createTestApp();
  await addStaff('responsable@muni.test', 'responsable', 'obras-publicas');
  await addStaff('encargado@muni.test', 'encargado', 'obras-publicas');
  await addStaff('experto@muni.test', 'experto', 'obras-publicas');
  await addStaff('agua@muni.test', 'responsable', 'agua-potable');
  await addStaff('operador@muni.test', 'operador');
  await addStaff('operadora@muni.test', 'operador');
  await addStaff('coordinacion@muni.test', 'coordinador');
  await say('u1', 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
  await say('u1', 'Juan Pérez 5512345678');
  await say('u1', 'omitir');
  const done = await say('u1', 'sí');
  conversationId = done.conversationId;
  const admin = await signIn(ADMIN.email, ADMIN.password);
  const tray = await get(admin, '/api/staff/tray?notReceived=true');
  caseId = tray.json().cases[0].id;
});
afterAll(async () => app?.close());

describe(`staff console API on ${databaseKind}`, () => {
  it('refuses a logged-out request, and a cookie request that changes something without the CSRF token', async () => {
    expect((await get(undefined, '/api/staff/tray')).statusCode).toBe(401);
    expect((await post(undefined, `/api/staff/cases/${caseId}/actions`, { kind: 'receive' })).statusCode).toBe(401);
    const responsable = await signIn('responsable@muni.test');
    const forged = await post(responsable, `/api/staff/cases/${caseId}/actions`, { kind: 'receive' }, false);
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('error.csrf');
    const wrong = await app.app.inject({
      method: 'POST',
      url: `/api/staff/cases/${caseId}/actions`,
      payload: { kind: 'receive' },
      headers: { cookie: responsable.cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.statusCode).toBe(403);
    // Reading needs no token; and nothing was received by the refused requests.
    const page = await get(responsable, `/api/staff/cases/${caseId}`);
    expect(page.statusCode).toBe(200);
    expect(page.json().case.receivedAt).toBeNull();
  });

  it('keeps another department’s staff out of the case, reading or acting, as if it did not exist', async () => {
    const agua = await signIn('agua@muni.test');
    expect((await get(agua, `/api/staff/cases/${caseId}`)).statusCode).toBe(404);
    expect((await act(agua, { kind: 'receive' })).statusCode).toBe(404);
    expect((await act(agua, { kind: 'note', text: 'hola' })).statusCode).toBe(404);
    expect((await get(agua, `/api/staff/tray`)).json().cases).toEqual([]);
    const events = await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
    expect(events.map((e) => e.type)).toEqual(['case.opened']);
  });

  it('does not let an operator or department staff administer users', async () => {
    for (const email of ['operador@muni.test', 'responsable@muni.test', 'coordinacion@muni.test']) {
      const s = await signIn(email);
      expect((await get(s, '/api/staff/admin/users')).statusCode).toBe(403);
      const created = await post(s, '/api/staff/admin/users', {
        email: 'intruso@muni.test',
        name: 'X',
        role: 'admin',
        password: 'una-clave-larga',
      });
      expect(created.statusCode).toBe(403);
    }
    const [intruder] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, 'intruso@muni.test'));
    expect(intruder).toBeUndefined();
  });

  it('receives, derives down the levels and back, reclassifies and closes, each step in the history with who did it', async () => {
    const responsable = await signIn('responsable@muni.test');
    const encargado = await signIn('encargado@muni.test');
    const experto = await signIn('experto@muni.test');
    expect((await act(responsable, { kind: 'note', text: 'Revisar' })).statusCode).toBe(200);
    expect((await act(responsable, { kind: 'derive_level', to: 'encargado', note: 'x' })).json().error.code).toBe(
      'error.case_not_received',
    );
    expect((await act(responsable, { kind: 'receive' })).statusCode).toBe(200);
    expect((await act(responsable, { kind: 'receive' })).statusCode).toBe(409);
    // Only whoever holds the level may pass it on.
    expect((await act(encargado, { kind: 'derive_level', to: 'experto', note: 'aún no' })).statusCode).toBe(403);
    expect((await act(responsable, { kind: 'derive_level', to: 'experto', note: 'salto' })).statusCode).toBe(400);
    expect((await act(responsable, { kind: 'derive_level', to: 'encargado', note: 'Para cuadrilla' })).statusCode).toBe(200);
    const mine = async (s: Session) => ((await get(s, '/api/staff/tray?mine=true')).json().cases as Array<{ id: number }>).map((c) => c.id);
    expect(await mine(responsable)).not.toContain(caseId);
    expect(await mine(encargado)).toContain(caseId);
    expect((await act(encargado, { kind: 'derive_level', to: 'experto', note: 'Dictamen técnico' })).statusCode).toBe(200);
    expect((await act(experto, { kind: 'derive_level', to: 'encargado', note: 'Dictamen listo' })).statusCode).toBe(200);
    expect(
      (await act(encargado, { kind: 'reclassify', type: 'reporte', category: 'baches-pavimento', reason: 'Es un reporte' })).statusCode,
    ).toBe(200);
    expect((await act(encargado, { kind: 'status', status: 'en_seguimiento' })).statusCode).toBe(200);
    expect((await act(encargado, { kind: 'reject', reason: 'no' })).statusCode).toBe(403);
    const closed = await act(encargado, { kind: 'close', answer: 'Bacheo realizado el martes.' });
    expect(closed.statusCode).toBe(200);
    expect((await act(encargado, { kind: 'status', status: 'escalado' })).statusCode).toBe(409);

    const page = (await get(responsable, `/api/staff/cases/${caseId}`)).json().case;
    expect(page.status).toBe('cerrado');
    const events = page.timeline.filter((i: { entry: string }) => i.entry === 'event');
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'case.opened',
      'case.note_added',
      'case.received',
      'case.derived',
      'case.derived',
      'case.derived',
      'case.reclassified',
      'case.status_changed',
      'case.closed',
    ]);
    // Each entry says which part of the history it belongs to: the bot's opening and the closing are the system's, the rest staff's notes.
    expect(events.map((e: { kind: string }) => e.kind)).toEqual([
      'event',
      'note',
      'event',
      'note',
      'note',
      'note',
      'note',
      'note',
      'event',
    ]);
    expect(
      page.timeline.filter((i: { entry: string }) => i.entry === 'message').every((i: { kind: string }) => i.kind === 'conversation'),
    ).toBe(true);
    expect(events.slice(1).map((e: { actor: string }) => e.actor)).toEqual([
      'responsable',
      'responsable',
      'responsable',
      'encargado',
      'experto',
      'encargado',
      'encargado',
      'encargado',
    ]);
    // Each staff step keeps the person's name with its data (`by`); the bot's opening has none.
    const byOf = (e: { data: { by?: string } }) => e.data.by;
    expect(events.slice(1).map(byOf)).toEqual(events.slice(1).map((e: { actor: string }) => e.actor));
    expect(byOf(events[0])).toBeUndefined();
    // The timeline holds the citizen's chat too, and the answer went to the outbox on their channel.
    expect(page.timeline.some((i: { entry: string; author?: string }) => i.entry === 'message' && i.author === 'citizen')).toBe(true);
    const [answer] = await app.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.author, 'staff')));
    expect(answer).toMatchObject({ channel: 'telegram', direction: 'out' });
    expect(answer!.text).toContain('Bacheo realizado el martes.');
    const audits = await app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, String(caseId)));
    expect(audits.some((a) => a.action === 'case.viewed')).toBe(true);
  });

  it('lets only a coordinator declare a case not admissible, and tells the citizen why', async () => {
    const opened = await post(await signIn('operador@muni.test'), '/api/staff/cases', {
      channel: 'telefono',
      type: 'queja',
      category: 'baches-pavimento',
      description: 'Llamó para quejarse de un bache en su calle',
      name: 'Ana',
      phone: '55 1111 2222',
    });
    expect(opened.statusCode).toBe(200);
    const id = opened.json().case.id;
    const coordinacion = await signIn('coordinacion@muni.test');
    const responsable = await signIn('responsable@muni.test');
    await post(responsable, `/api/staff/cases/${id}/actions`, { kind: 'receive' });
    expect((await post(responsable, `/api/staff/cases/${id}/actions`, { kind: 'reject', reason: 'Duplicado' })).statusCode).toBe(403);
    expect(
      (await post(coordinacion, `/api/staff/cases/${id}/actions`, { kind: 'reject', reason: 'Duplicado del folio anterior' })).statusCode,
    ).toBe(200);
    const page = (await get(coordinacion, `/api/staff/cases/${id}`)).json().case;
    expect(page).toMatchObject({ status: 'no_procede', channel: 'telefono', citizen: { name: 'Ana', phone: '55 1111 2222' } });
  });

  it('lets exactly one of two operators take an escalated conversation; the bot then stays silent', async () => {
    await say('u2', 'quiero hablar con una persona');
    const [listed] = (await get(await signIn('operador@muni.test'), '/api/staff/conversations')).json().conversations;
    expect(listed).toMatchObject({ status: 'waiting_agent', channel: 'telegram' });
    const one = await signIn('operador@muni.test');
    const two = await signIn('operadora@muni.test');
    const results = await Promise.all([
      post(one, `/api/staff/conversations/${listed.id}/take-over`),
      post(two, `/api/staff/conversations/${listed.id}/take-over`),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(
      (await post(await signIn('responsable@muni.test'), `/api/staff/conversations/${listed.id}/reply`, { text: 'hola' })).statusCode,
    ).toBe(403);
    expect((await post(one, `/api/staff/conversations/${listed.id}/reply`, { text: 'Buenos días, le atiende Laura.' })).statusCode).toBe(
      200,
    );
    const turn = await say('u2', 'gracias, es por un bache');
    expect(turn.replies).toEqual([]);
    expect((await post(one, `/api/staff/conversations/${listed.id}/hand-back`)).json().conversation.status).toBe('bot');
    expect((await say('u2', 'hay un bache en la calle Juárez 12')).replies.length).toBeGreaterThan(0);
  });

  it('derives a case to another department, which receives it anew, and to an outside organism, replying to the citizen on the way', async () => {
    await say('u3', 'Hay un bache enorme en la avenida Reforma 200');
    await say('u3', 'Pedro 5599998888');
    await say('u3', 'omitir');
    await say('u3', 'sí');
    const responsable = await signIn('responsable@muni.test');
    const agua = await signIn('agua@muni.test');
    const [found] = (await get(responsable, '/api/staff/tray?notReceived=true')).json().cases as Array<{ id: number }>;
    const actOn = (s: Session, payload: unknown) => post(s, `/api/staff/cases/${found!.id}/actions`, payload);
    await actOn(responsable, { kind: 'receive' });
    expect((await actOn(responsable, { kind: 'reply', text: 'Lo estamos revisando.' })).json().result.messageId).toBeGreaterThan(0);
    const [aguaDept] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
    expect(
      (await actOn(responsable, { kind: 'derive_department', departmentId: aguaDept!.id, note: 'Es una fuga, no un bache' })).statusCode,
    ).toBe(200);
    expect((await get(responsable, `/api/staff/cases/${found!.id}`)).statusCode).toBe(404);
    const moved = (await get(agua, `/api/staff/cases/${found!.id}`)).json().case;
    expect(moved).toMatchObject({
      department: 'Organismo Operador de Agua Potable y Drenaje',
      receivedAt: null,
      assignedRole: 'responsable',
    });
    expect(
      (
        await actOn(agua, {
          kind: 'derive_external',
          organism: 'Comisión Estatal del Agua',
          sentVia: 'oficio 123/2026',
          note: 'Red estatal',
        })
      ).json().error.code,
    ).toBe('error.case_not_received');
    await actOn(agua, { kind: 'receive' });
    expect(
      (
        await actOn(agua, {
          kind: 'derive_external',
          organism: 'Comisión Estatal del Agua',
          sentVia: 'oficio 123/2026',
          note: 'Red estatal',
        })
      ).statusCode,
    ).toBe(200);
    const page = (await get(agua, `/api/staff/cases/${found!.id}`)).json().case;
    expect(page.status).toBe('en_seguimiento');
    expect(page.timeline.find((i: { type?: string }) => i.type === 'case.derived_external').data).toMatchObject({
      organism: 'Comisión Estatal del Agua',
      sentVia: 'oficio 123/2026',
    });
    expect(
      page.timeline.some(
        (i: { entry: string; author?: string; text?: string }) =>
          i.entry === 'message' && i.author === 'staff' && i.text === 'Lo estamos revisando.',
      ),
    ).toBe(true);
  });
});
