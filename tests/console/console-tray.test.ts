import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

const DAY = 86_400_000;
let app: TestApp;
let clock = OFFICE_HOURS_NOW;
let n = 0;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

async function signIn(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string };
}
type Session = Awaited<ReturnType<typeof signIn>>;
const get = (s: Session, url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const send = (s: Session, method: 'POST' | 'PATCH', url: string, payload: object) =>
  app.app.inject({ method, url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

/** A citizen reports something through the bot; with `photo`, they attach one on the way. */
async function report(key: string, description: string, photo = false) {
  const say = (text: string, attachments: InboundMessage['attachments'] = []) =>
    app.conversations.receive(
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: key,
        conversationKey: key,
        externalId: `t${++n}`,
        text,
        attachments,
        receivedAt: clock,
      }),
    );
  await say(description);
  await say('Ana López 5511112222');
  if (photo) await say('', [{ kind: 'photo', contentType: 'image/png', filename: 'bache.png', data: PNG }]);
  else await say('omitir');
  const done = await say('sí');
  return /AC-\d{4}-\d{6}/.exec(done.replies.map((r) => r.text).join(' '))![0];
}

beforeAll(async () => {
  app = await createTestApp({ now: () => clock });
  const [agua] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  await app.database.db.insert(staffUsers).values({
    email: 'agua@muni.test',
    name: 'Agua',
    role: 'responsable',
    departmentId: agua!.id,
    passwordHash: await hashPassword('clave-segura-123'),
  });
});
afterAll(async () => app?.close());

describe(`work tray and case page on ${databaseKind}`, () => {
  it('filters overdue and not-received cases and sorts the most urgent first', async () => {
    const old = await report('a', 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    clock = new Date(OFFICE_HOURS_NOW.getTime() + 20 * DAY);
    const recent = await report('b', 'No hay agua en la colonia Centro desde ayer, calle Morelos 5');
    clock = new Date(OFFICE_HOURS_NOW.getTime() + 40 * DAY);
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const folios = async (query: string) =>
      ((await get(admin, `/api/staff/tray?${query}`)).json().cases as Array<{ folio: string }>).map((c) => c.folio);
    expect(await folios('')).toEqual([recent, old]);
    expect(await folios('sort=urgent')).toEqual([old, recent]);
    expect(await folios('overdue=true')).toEqual([old]);
    const [oldId] = ((await get(admin, `/api/staff/tray?overdue=true`)).json().cases as Array<{ id: number }>).map((c) => c.id);
    await send(admin, 'POST', `/api/staff/cases/${oldId}/actions`, { kind: 'receive' });
    expect(await folios('notReceived=true')).toEqual([recent]);
    expect(await folios('type=queja&channel=web')).toEqual([]);
    expect(await folios(`from=${new Date(OFFICE_HOURS_NOW.getTime() + 10 * DAY).toISOString()}`)).toEqual([recent]);
  });

  it('serves a case photo with its type, only to those who may see the case, and audits it', async () => {
    const folio = await report('c', 'Hay un bache enorme en la avenida Juárez 400', true);
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const [row] = (await get(admin, '/api/staff/tray')).json().cases.filter((c: { folio: string }) => c.folio === folio);
    const page = (await get(admin, `/api/staff/cases/${row.id}`)).json().case;
    expect(page.attachments).toHaveLength(1);
    const url = `/api/staff/cases/${row.id}/attachments/${page.attachments[0].id}`;
    const file = await get(admin, url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toBe('inline; filename="bache.png"');
    expect(new Uint8Array(file.rawPayload)).toEqual(PNG);
    expect((await get(await signIn('agua@muni.test', 'clave-segura-123'), url)).statusCode).toBe(404);
  });

  it('lets an admin create, reassign, reset and deactivate staff; deactivation ends their sessions', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const created = await send(admin, 'POST', '/api/staff/admin/users', {
      email: 'Nuevo@Muni.test',
      name: 'Nuevo',
      role: 'operador',
      password: 'una-clave-larga-1',
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().user.id;
    expect((await send(admin, 'PATCH', `/api/staff/admin/users/${id}`, { role: 'experto' })).statusCode).toBe(400);
    const nuevo = await signIn('nuevo@muni.test', 'una-clave-larga-1');
    expect((await send(admin, 'PATCH', `/api/staff/admin/users/${id}`, { password: 'otra-clave-larga-2' })).statusCode).toBe(200);
    expect((await get(nuevo, '/api/staff/me')).statusCode).toBe(401);
    const again = await signIn('nuevo@muni.test', 'otra-clave-larga-2');
    expect((await send(admin, 'PATCH', `/api/staff/admin/users/${id}`, { active: false })).statusCode).toBe(200);
    expect((await get(again, '/api/staff/me')).statusCode).toBe(401);
    const refused = await app.app.inject({
      method: 'POST',
      url: '/api/staff/login',
      payload: { email: 'nuevo@muni.test', password: 'otra-clave-larga-2' },
    });
    expect(refused.statusCode).toBe(401);
  });

  it('lets an admin add a department and a category that routes new cases there', async () => {
    const admin = await signIn(ADMIN.email, ADMIN.password);
    const dept = await send(admin, 'POST', '/api/staff/admin/departments', {
      code: 'panteones',
      name: 'Panteones',
      liaisonEmail: 'panteones@muni.test',
    });
    expect(dept.statusCode).toBe(200);
    const category = await send(admin, 'POST', '/api/staff/admin/categories', {
      code: 'tumbas',
      name: 'Tumbas',
      departmentId: dept.json().department.id,
      defaultType: 'reporte',
      dueDays: 5,
    });
    expect(category.statusCode).toBe(200);
    const opened = await send(admin, 'POST', '/api/staff/cases', {
      channel: 'presencial',
      type: 'reporte',
      category: 'tumbas',
      description: 'Tumba dañada en el panteón municipal',
      noContact: true,
    });
    const page = (await get(admin, `/api/staff/cases/${opened.json().case.id}`)).json().case;
    expect(page).toMatchObject({ department: 'Panteones', category: { code: 'tumbas' }, channel: 'presencial' });
    expect(new Date(page.dueAt).getTime() - clock.getTime()).toBe(5 * DAY);
  });
});
