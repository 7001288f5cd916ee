import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { phoneKey } from '../../src/citizens/contacts.js';
import { auditLog, cases, citizenContacts, citizenIdentities, citizens, conversations, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { mailInbound } from '../helpers/inbound.js';

let app: TestApp;
let token: string;
let n = 0;

const WHATSAPP = '5213317654098';

const whatsapp = (text: string) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: 'whatsapp',
      channelUserId: WHATSAPP,
      conversationKey: WHATSAPP,
      externalId: `wamid.merge.${++n}`,
      senderPhone: `+${WHATSAPP}`,
      receivedAt: new Date(),
      text,
    }),
  );

const mail = (from: string, subject: string, text: string) =>
  app.conversations.receive(
    mailInbound({ from, subject, text, externalId: `<merge-${++n}@correo.test>`, threadKey: `${from} ${subject}` }),
  );

const api = (method: 'GET' | 'POST', url: string, payload?: object, bearer = token) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${bearer}` } });

async function login(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
}

/** A case staff open for a caller (Abrir caso) and its citizen's id. */
async function openByPhone(channel: 'telefono' | 'presencial', contact: { phone?: string; email?: string; name?: string }) {
  const res = await api('POST', '/api/staff/cases', {
    channel,
    type: 'reporte',
    category: 'alumbrado',
    description: 'Lámpara fundida frente al número 40',
    address: 'calle Pino 40',
    ...contact,
  });
  expect(res.statusCode, res.body).toBe(200);
  const { case: opened } = res.json() as { case: { id: number; folio: string } };
  const [row] = await app.database.db.select({ citizenId: cases.citizenId }).from(cases).where(eq(cases.id, opened.id));
  return { ...opened, citizenId: row!.citizenId };
}

async function citizenOfIdentity(channel: 'whatsapp' | 'email', id: string) {
  const [row] = await app.database.db
    .select({ citizenId: citizenIdentities.citizenId })
    .from(citizenIdentities)
    .where(eq(citizenIdentities.channelUserId, id));
  expect(row, `${channel} ${id}`).toBeDefined();
  return row!.citizenId;
}

interface Proposal {
  id: number;
  kind: string;
  value: string;
  citizen: { id: number; channels: string[]; cases: number };
  other: { id: number; channels: string[]; cases: number };
}
const pending = async () => {
  const res = await api('GET', '/api/staff/citizens/merge-proposals');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { proposals: Proposal[] }).proposals;
};

beforeAll(async () => {
  app = await createTestApp();
  token = await login(ADMIN.email, ADMIN.password);
});
afterAll(async () => app?.close());

describe(`one citizen across channels on ${databaseKind}`, () => {
  it('reads one phone written as WhatsApp, a caller and an Argentine mobile do', () => {
    expect(phoneKey('+5213317654098', undefined)).toBe('+523317654098');
    expect(phoneKey('33 1765 4098', 'MX')).toBe('+523317654098');
    expect(phoneKey('+52 (33) 1765-4098', 'AR')).toBe('+523317654098');
    expect(phoneKey('+5491112345678', undefined)).toBe(phoneKey('011 1234-5678', 'AR'));
    expect(phoneKey('3317654098', undefined)).toBeNull();
    expect(phoneKey('12', 'MX')).toBeNull();
  });

  let whatsappCitizen: number;
  let callerCase: { id: number; folio: string; citizenId: number };
  let mailCitizen: number;

  it('proposes records that share a verified phone or email, and never two typed ones', async () => {
    await whatsapp('Hola');
    whatsappCitizen = await citizenOfIdentity('whatsapp', WHATSAPP);
    // The same person calls the office: the phone typed by the operator matches the WhatsApp sender.
    callerCase = await openByPhone('telefono', { phone: '33 1765 4098', email: 'Leocadia.Y@correo.test', name: 'Leocadia Ybarrondo' });
    expect(callerCase.citizenId).not.toBe(whatsappCitizen);
    // …and mails from the address she gave the operator: the mail's sender is proof of it.
    await mail('leocadia.y@correo.test', 'Basura', 'No pasó el camión de la basura por la calle Pino 40 en toda la semana.');
    mailCitizen = await citizenOfIdentity('email', 'leocadia.y@correo.test');
    // Two typed phones alike prove nothing: a neighbour may give another's number.
    const a = await openByPhone('telefono', { phone: '3311112222' });
    const b = await openByPhone('presencial', { phone: '33 1111 2222' });
    expect(a.citizenId).not.toBe(b.citizenId);

    const proposals = await pending();
    expect(proposals.map((p) => [p.kind, p.value, p.citizen.id, p.other.id])).toEqual([
      ['phone', '+523317654098', whatsappCitizen, callerCase.citizenId],
      ['email', 'leocadia.y@correo.test', callerCase.citizenId, mailCitizen],
    ]);
    expect(proposals[0]!.citizen).toMatchObject({ channels: ['whatsapp'], verified: ['+523317654098'] });
    expect(proposals[1]!.other).toMatchObject({ channels: ['email'], verified: ['leocadia.y@correo.test'] });
    expect(proposals[0]!.other).toMatchObject({ channels: ['telefono'], cases: 1 });
    // Seeing them shows personal data: written to the audit log.
    const audited = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'citizen.merge_proposals_viewed'));
    expect(audited.at(-1)?.subjectId.split(',').map(Number)).toContain(mailCitizen);
  });

  it('refuses staff who do not work with citizens', async () => {
    await app.database.db.insert(staffUsers).values({
      email: 'obras@muni.test',
      name: 'Obras',
      role: 'responsable',
      departmentId: null,
      passwordHash: await hashPassword('clave-segura-123'),
    });
    const department = await login('obras@muni.test', 'clave-segura-123');
    expect((await api('GET', '/api/staff/citizens/merge-proposals', undefined, department)).statusCode).toBe(403);
    expect((await api('GET', `/api/staff/citizens/${whatsappCitizen}/timeline`, undefined, department)).statusCode).toBe(403);
    const [first] = await pending();
    expect((await api('POST', `/api/staff/citizens/merge-proposals/${first!.id}/confirm`, undefined, department)).statusCode).toBe(403);
  });

  it('merges on confirmation: the older record takes the channels, conversations and cases, and the bot finds them', async () => {
    const [phone] = await pending();
    const res = await api('POST', `/api/staff/citizens/merge-proposals/${phone!.id}/confirm`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ citizenId: whatsappCitizen, mergedId: callerCase.citizenId });

    const db = app.database.db;
    const [moved] = await db.select({ citizenId: cases.citizenId }).from(cases).where(eq(cases.id, callerCase.id));
    expect(moved!.citizenId).toBe(whatsappCitizen);
    const identities = await db.select().from(citizenIdentities).where(eq(citizenIdentities.citizenId, whatsappCitizen));
    expect(identities.map((i) => i.channel).sort()).toEqual(['telefono', 'whatsapp']);
    const [kept] = await db.select().from(citizens).where(eq(citizens.id, whatsappCitizen));
    expect(kept).toMatchObject({ name: 'Leocadia Ybarrondo', email: 'Leocadia.Y@correo.test', mergedInto: null });
    const [gone] = await db.select().from(citizens).where(eq(citizens.id, callerCase.citizenId));
    expect(gone).toMatchObject({ name: null, phone: null, email: null, mergedInto: whatsappCitizen });
    expect(await db.select().from(citizenContacts).where(eq(citizenContacts.citizenId, callerCase.citizenId))).toEqual([]);

    // The mail's proposal was with the merged record: it is now with the one kept.
    const left = await pending();
    expect(left.map((p) => [p.kind, p.citizen.id, p.other.id])).toEqual([['email', whatsappCitizen, mailCitizen]]);
    expect(left[0]!.citizen.channels.sort()).toEqual(['telefono', 'whatsapp']);

    // On WhatsApp she asks how her report goes: the case she opened by phone is hers there too.
    const asked = await whatsapp('¿Cómo va mi reporte?');
    expect(asked.replies.map((r) => r.text).join('\n')).toContain(callerCase.folio);

    // One timeline across channels: what she said on WhatsApp, and the case she opened by phone.
    const timeline = await api('GET', `/api/staff/citizens/${whatsappCitizen}/timeline`);
    expect(timeline.statusCode, timeline.body).toBe(200);
    const { entries, identities: linked } = timeline.json() as {
      entries: Array<{ kind: string; channel: string; text?: string; folio?: string }>;
      identities: Array<{ channel: string }>;
    };
    expect(linked.map((i) => i.channel).sort()).toEqual(['telefono', 'whatsapp']);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'message', channel: 'whatsapp', text: 'Hola' }),
        expect.objectContaining({ kind: 'case', channel: 'telefono', folio: callerCase.folio }),
      ]),
    );
    expect((await db.select().from(auditLog).where(eq(auditLog.action, 'citizen.timeline_viewed'))).length).toBe(1);

    const audited = await db.select().from(auditLog).where(eq(auditLog.action, 'citizen.merged'));
    expect(audited.map((a) => a.subjectId)).toEqual([String(whatsappCitizen)]);
    // Deciding twice is refused.
    expect((await api('POST', `/api/staff/citizens/merge-proposals/${phone!.id}/reject`)).statusCode).toBe(409);
  });

  it('keeps a rejected pair apart for good', async () => {
    const [email] = await pending();
    expect((await api('POST', `/api/staff/citizens/merge-proposals/${email!.id}/reject`)).statusCode).toBe(200);
    expect(await pending()).toEqual([]);
    // She mails again about something else: the same two records are not proposed again.
    await mail('leocadia.y@correo.test', 'Agua', 'Hay una fuga de agua en la calle Pino esquina con Cedro desde ayer.');
    expect(await pending()).toEqual([]);
    const conversationsOfMail = await app.database.db
      .select({ citizenId: conversations.citizenId })
      .from(conversations)
      .where(eq(conversations.channelUserId, 'leocadia.y@correo.test'));
    expect(new Set(conversationsOfMail.map((c) => c.citizenId))).toEqual(new Set([mailCitizen]));
  });

  it('forgets the contact points of an erased citizen', async () => {
    const res = await api('POST', `/api/staff/citizens/${mailCitizen}/erase`, { confirm: mailCitizen });
    expect(res.statusCode, res.body).toBe(200);
    const points = await app.database.db
      .select()
      .from(citizenContacts)
      .where(inArray(citizenContacts.citizenId, [mailCitizen]));
    expect(points).toEqual([]);
  });
});
