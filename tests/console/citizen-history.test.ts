import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { cases, departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
let n = 0;

async function signIn(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string };
}
type Session = Awaited<ReturnType<typeof signIn>>;
const get = (s: Session, url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const post = (s: Session, url: string, payload: object) =>
  app.app.inject({ method: 'POST', url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

let admin: Session;
let agua: Session;
let operador: Session;

beforeAll(async () => {
  app = await createTestApp({ now: () => OFFICE_HOURS_NOW });
  const [aguaDept] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  const passwordHash = await hashPassword('clave-segura-123');
  await app.database.db.insert(staffUsers).values([
    { email: 'agua@muni.test', name: 'Agua', role: 'responsable', departmentId: aguaDept!.id, passwordHash },
    { email: 'operador@muni.test', name: 'Óscar', role: 'operador', departmentId: null, passwordHash },
  ]);
  admin = await signIn(ADMIN.email, ADMIN.password);
  agua = await signIn('agua@muni.test', 'clave-segura-123');
  operador = await signIn('operador@muni.test', 'clave-segura-123');
});
afterAll(async () => app?.close());

describe(`the citizen's other cases and conversations on ${databaseKind}`, () => {
  it("shows a case's other cases of the same citizen, only of the departments the person may see", async () => {
    const open = async (category: string, description: string) => {
      const res = await post(admin, '/api/staff/cases', {
        channel: 'telefono',
        type: 'reporte',
        category,
        description,
        phone: '5544445555',
      });
      expect(res.statusCode).toBe(200);
      return res.json().case as { id: number; folio: string };
    };
    const bache = await open('baches-pavimento', 'Bache en la calle Hidalgo');
    const fuga = await open('agua-drenaje', 'Fuga de agua en la calle Hidalgo');

    const asAdmin = (await get(admin, `/api/staff/cases/${fuga.id}`)).json().case;
    expect(asAdmin.citizenCases.map((c: { folio: string }) => c.folio)).toEqual([bache.folio]);
    const asAgua = (await get(agua, `/api/staff/cases/${fuga.id}`)).json().case;
    expect(asAgua.citizenCases).toEqual([]);
    // Conversations are the inbox's: department staff do not get them.
    expect(asAgua.citizenConversations).toEqual([]);
  });

  it('opens a case from a conversation, for its citizen and channel, only for those who work the inbox', async () => {
    const say = (text: string) =>
      app.conversations.receive(
        InboundMessage.parse({
          channel: 'telegram',
          channelUserId: '700999',
          conversationKey: '700999',
          externalId: `h${++n}`,
          text,
          receivedAt: OFFICE_HOURS_NOW,
        }),
      );
    await say('quiero hablar con una persona');
    const inbox = (await get(operador, '/api/staff/conversations')).json();
    const waiting = inbox.conversations.find((c: { channelUserId: string }) => c.channelUserId === '700999');
    expect(waiting).toMatchObject({ channel: 'telegram', reason: 'requested', citizenName: null });
    expect(Date.parse(waiting.waitingSince)).not.toBeNaN();

    const body = {
      conversationId: waiting.id,
      type: 'queja',
      category: 'recoleccion-basura',
      description: 'No pasa el camión',
      name: 'Luis Rey',
    };
    expect((await post(agua, '/api/staff/cases', body)).statusCode).toBe(403);
    const missing = await post(operador, '/api/staff/cases', { ...body, conversationId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    const opened = await post(operador, '/api/staff/cases', body);
    expect(opened.statusCode).toBe(200);
    const [row] = await app.database.db.select().from(cases).where(eq(cases.id, opened.json().case.id));
    expect(row).toMatchObject({ channel: 'telegram', conversationId: waiting.id, citizenId: waiting.citizenId });

    // The conversation now shows the case and the name the operator wrote down.
    const view = (await get(operador, `/api/staff/conversations/${waiting.id}`)).json().conversation;
    expect(view.citizenName).toBe('Luis Rey');
    expect(view.citizenCases.map((c: { folio: string }) => c.folio)).toEqual([row!.folio]);
    const page = (await get(operador, `/api/staff/cases/${row!.id}`)).json().case;
    expect(page.citizenConversations.map((c: { id: string }) => c.id)).toEqual([waiting.id]);
  });
});
