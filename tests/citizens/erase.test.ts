import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { queryRows } from '../../src/db/client.js';
import { auditLog, cases, citizens, departments, staffMails, staffUsers } from '../../src/db/schema.js';
import { InboundMessage, type InboundMessageInput } from '../../src/messages/inbound.js';
import { FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/** What the citizen gave us: every one of these strings must be gone from the database afterwards. */
const PERSONAL = {
  name: 'Leocadia Ybarrondo',
  phone: '3317654098',
  email: 'leocadia.ybarrondo@correo.test',
  street: 'calle Zacatlán 4471',
  description: 'Hay un bache enorme frente a la escuela de la calle Zacatlán 4471, casi me caigo con la bicicleta',
  note: 'Leocadia vive junto a la tienda, llamar por la tarde',
  reply: 'Leocadia, mañana pasa la cuadrilla',
  locationLabel: 'Tortillería Ybarrondo',
};
// A PNG signature, then bytes no other row holds.
const PHOTO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('foto-de-leocadia-7f3a9c')]);
const photoHex = Buffer.from(PHOTO.subarray(8)).toString('hex');

const OTHER = { name: 'Anselmo Quintanar', phone: '3319988776', description: 'Hay una fuga de agua en la calle Tlaquepaque 902' };

let app: TestApp;
let n = 0;
let folio: string;
let caseId: number;
let citizenId: number;
let adminToken: string;

const say = (
  who: { key: string; phone?: string },
  message: Omit<InboundMessageInput, 'channel' | 'channelUserId' | 'conversationKey' | 'externalId' | 'receivedAt'>,
) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: 'whatsapp',
      channelUserId: who.key,
      conversationKey: who.key,
      externalId: `wamid.${who.key}.${++n}`,
      senderPhone: who.phone,
      receivedAt: new Date(),
      ...message,
    }),
  );

async function tokenFor(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return (res.json() as { token: string }).token;
}

const asAdmin = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${adminToken}` } });

/** Every row of every table as text: bytea shows as hex, jsonb as JSON. */
async function dumpDatabase(): Promise<string> {
  const tables = await queryRows<{ name: string }>(
    app.database.db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  expect(tables.length).toBeGreaterThan(15);
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await queryRows<{ row: string }>(app.database.db, sql`select row_to_json(t)::text as row from ${sql.identifier(name)} t`);
    parts.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return parts.join('\n');
}

/** The case the citizen opened on WhatsApp: description and place, name, a photo, a shared location and contact. */
async function openCitizenCase(): Promise<string> {
  const citizen = { key: '5213317654098', phone: '+5213317654098' };
  await say(citizen, { text: PERSONAL.description });
  await say(citizen, { text: PERSONAL.name });
  await say(citizen, { text: '', contact: { name: PERSONAL.name, phone: PERSONAL.phone, email: PERSONAL.email } });
  await say(citizen, { text: '', location: { latitude: 20.6736, longitude: -103.344, label: PERSONAL.locationLabel } });
  await say(citizen, { text: '', attachments: [{ kind: 'photo', contentType: 'image/png', data: PHOTO }] });
  const replies: string[] = [];
  for (const answer of ['omitir', 'sí']) {
    const turn = await say(citizen, { text: answer });
    replies.push(...turn.replies.map((r) => r.text));
  }
  const found = /AC-\d{4}-\d{6}/.exec(replies.join(' '));
  if (!found) throw new Error(`no folio in ${JSON.stringify(replies)}`);
  return found[0];
}

beforeAll(async () => {
  // Mail configured but never sent (the workers do not run here): the routing sheet to the liaison is written, with the citizen in it.
  app = await createTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:9', EMAIL_FROM: 'Atención <atencion@muni.test>' } });
  await app.database.db.update(departments).set({ liaisonEmail: 'enlace.obras@muni.test' }).where(eq(departments.code, 'obras-publicas'));
  adminToken = await tokenFor(ADMIN.email, ADMIN.password);
  folio = await openCitizenCase();
  const [row] = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
  caseId = row!.id;
  citizenId = row!.citizenId;
  // The citizen's contact as the console keeps it (WhatsApp gave the number, staff typed the email).
  await app.database.db.update(citizens).set({ phone: PERSONAL.phone, email: PERSONAL.email }).where(eq(citizens.id, citizenId));

  for (const action of [{ kind: 'receive' }, { kind: 'note', text: PERSONAL.note }, { kind: 'reply', text: PERSONAL.reply }]) {
    const res = await asAdmin('POST', `/api/staff/cases/${caseId}/actions`, action);
    expect(res.statusCode, res.body).toBe(200);
  }
  const callback = await asAdmin('POST', `/api/staff/cases/${caseId}/callbacks`, { reason: `Llamar a ${PERSONAL.name}` });
  expect(callback.statusCode, callback.body).toBe(200);

  // The routing sheet (its mail attempt fails: nothing listens there) and the notices to the citizen.
  await app.queue.runDue(FOLLOW_UPS);

  // Someone else, who did not ask for anything: their data stays.
  const other = { key: '5213319988776', phone: '+5213319988776' };
  await say(other, { text: OTHER.description });
  await say(other, { text: OTHER.name });
});
afterAll(async () => app?.close());

describe(`erasing a citizen's personal data on ${databaseKind}`, () => {
  it('starts with the personal data in the database (the search below can find it)', async () => {
    const dump = await dumpDatabase();
    for (const value of Object.values(PERSONAL)) expect(dump).toContain(value);
    expect(dump).toContain(photoHex);
    const [sheet] = await app.database.db.select().from(staffMails).where(eq(staffMails.caseId, caseId));
    expect(sheet?.text).toContain(PERSONAL.name);
  });

  it('refuses staff who are not admins, and an erasure without the matching confirmation', async () => {
    await app.database.db.insert(staffUsers).values({
      email: 'coordinacion@muni.test',
      name: 'Coordinación',
      role: 'coordinador',
      passwordHash: await hashPassword('clave-segura-123'),
    });
    const coordinator = await tokenFor('coordinacion@muni.test', 'clave-segura-123');
    const refused = await app.app.inject({
      method: 'POST',
      url: `/api/staff/citizens/${citizenId}/erase`,
      payload: { confirm: citizenId },
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(refused.statusCode).toBe(403);
    const unconfirmed = await asAdmin('POST', `/api/staff/citizens/${citizenId}/erase`, { confirm: citizenId + 1 });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json().error.message).toContain('confirm');
    const [row] = await app.database.db.select().from(citizens).where(eq(citizens.id, citizenId));
    expect(row).toMatchObject({ name: PERSONAL.name, erasedAt: null });
  });

  it('leaves no name, phone, email, message text or photo of the citizen anywhere in the database', async () => {
    const res = await asAdmin('POST', `/api/staff/citizens/${citizenId}/erase`, { confirm: citizenId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().erasure).toMatchObject({ citizenId, alreadyErased: false, cases: 1, attachments: 1 });

    const dump = await dumpDatabase();
    for (const [what, value] of Object.entries(PERSONAL)) expect(dump.includes(value), what).toBe(false);
    expect(dump).not.toContain(photoHex);
    expect(dump).not.toContain('3317654098');
    // The other citizen is untouched.
    for (const value of Object.values(OTHER)) expect(dump).toContain(value);
  });

  it('records who erased whom and when, and nothing of what', async () => {
    const [admin] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, ADMIN.email));
    const entries = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'citizen.erased'));
    expect(entries).toEqual([expect.objectContaining({ staffUserId: admin!.id, subjectType: 'citizen', subjectId: String(citizenId) })]);
  });

  it('keeps the case: the folio is still found, counts in the statistics, and shows nothing personal', async () => {
    const byFolio = await asAdmin('GET', `/api/cases?folio=${folio}`);
    expect(byFolio.statusCode).toBe(200);
    const [summary] = byFolio.json().cases;
    expect(summary).toMatchObject({ folio, type: 'reporte', category: { code: 'baches-pavimento' }, address: null, latitude: null });
    expect(summary.description).toBe('[Dato eliminado a petición del ciudadano]');

    const detail = await asAdmin('GET', `/api/cases/${caseId}`);
    const { case: shown } = detail.json();
    expect(shown.citizen).toMatchObject({ name: null, phone: null, email: null });
    expect(shown.attachments).toEqual([]);
    const types = (shown.events as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['case.opened', 'case.received', 'case.note_added', 'case.replied', 'callback.requested']),
    );
    const page = await asAdmin('GET', `/api/staff/cases/${caseId}`);
    expect(page.statusCode).toBe(200);
    for (const value of Object.values(PERSONAL)) expect(page.body).not.toContain(value);

    const stats = await asAdmin('GET', '/api/staff/stats?from=2000-01-01&to=2100-01-01');
    expect(stats.statusCode, stats.body).toBe(200);
    expect(stats.json().stats).toMatchObject({ totals: { opened: 1, open: 1 }, byType: { reporte: 1 }, byChannel: { whatsapp: 1 } });

    // A citizen asking by folio from anywhere gets its status, and nothing of the person.
    const lookup = await say({ key: '5213310000001', phone: '+5213310000001' }, { text: `estado ${folio}` });
    const answer = lookup.replies.map((r) => r.text).join('\n');
    expect(answer).toContain(folio);
    for (const value of Object.values(PERSONAL)) expect(answer).not.toContain(value);
  });

  it('is idempotent: a second erasure changes nothing and writes no second audit line', async () => {
    const again = await asAdmin('POST', `/api/staff/citizens/${citizenId}/erase`, { confirm: citizenId });
    expect(again.statusCode).toBe(200);
    expect(again.json().erasure).toMatchObject({ citizenId, alreadyErased: true, attachments: 0 });
    expect(await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'citizen.erased'))).toHaveLength(1);
  });

  it('gives the citizen a fresh start when they write again on the same number', async () => {
    const turn = await say({ key: '5213317654098', phone: '+5213317654098' }, { text: 'hola' });
    expect(turn.replies.length).toBeGreaterThan(0);
    const [row] = await queryRows<{ count: number }>(
      app.database.db,
      sql`select count(*)::int as count from conversations where channel = 'whatsapp' and conversation_key = '5213317654098'`,
    );
    expect(row!.count).toBe(1);
    const [erased] = await app.database.db.select().from(citizens).where(eq(citizens.id, citizenId));
    expect(erased).toMatchObject({ name: null, phone: null });
  });

  it('answers 404 for a citizen who does not exist', async () => {
    const res = await asAdmin('POST', '/api/staff/citizens/999999/erase', { confirm: 999999 });
    expect(res.statusCode).toBe(404);
  });
});
