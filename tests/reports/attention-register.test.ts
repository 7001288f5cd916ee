import { desc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auditLog, departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { readCsv } from './csv-reader.js';

const MINUTE = 60_000;
let app: TestApp;
let clock = OFFICE_HOURS_NOW;
let n = 0;

/** One citizen message through the whole pipeline, at the clock's time. */
const say = (conversation: string, text: string, extra: { choice?: string; channel?: string } = {}) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: extra.channel ?? 'telegram',
      channelUserId: conversation,
      conversationKey: conversation,
      externalId: `m${++n}`,
      text,
      receivedAt: clock,
      ...(extra.choice ? { choice: extra.choice } : {}),
    }),
  );

async function tokenFor(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}

type Entry = {
  id: string;
  date: string;
  time: string;
  channel: string;
  kind: string;
  procedure: string | null;
  folio: string | null;
  caseId: number | null;
  outcome: string;
};
let coordinator: Record<string, string>;
const list = async (query: string) => {
  const res = await app.app.inject({ method: 'GET', url: `/api/staff/attention?${query}`, headers: coordinator });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { entries: Entry[]; next: string | null };
};
/** Every page, following `next`. */
async function allPages(query: string) {
  const pages: Entry[][] = [];
  let next: string | null = null;
  do {
    const page = await list(`${query}${next ? `&page=${next}` : ''}`);
    pages.push(page.entries);
    next = page.next;
  } while (next);
  return pages;
}
let folio = '';

beforeAll(async () => {
  app = await createTestApp({ now: () => clock });
  await app.database.db.insert(staffUsers).values({
    email: 'coordina@muni.test',
    name: 'Coordinadora',
    role: 'coordinador',
    passwordHash: await hashPassword('clave-segura-123'),
  });
  const [agua] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  await app.database.db.insert(staffUsers).values({
    email: 'agua@muni.test',
    name: 'Agua',
    role: 'responsable',
    departmentId: agua!.id,
    passwordHash: await hashPassword('clave-segura-123'),
  });
  coordinator = await tokenFor('coordina@muni.test', 'clave-segura-123');

  // 10:00 in Mexico City: a question answered, then a case opened from it.
  await say('q1', '¿dónde pago el predial?');
  clock = new Date(clock.getTime() + MINUTE);
  await say('q1', 'Abrir un caso', { choice: 'open_case' });
  await say('q1', 'Ana Ruiz');
  await say('q1', 'ana@example.com');
  const done = await say('q1', 'sí');
  folio = /AC-\d{4}-\d{6}/.exec(done.replies.map((r) => r.text).join(' '))![0];
  // 10:05, on the web chat: a lookup of a folio that does not exist, then a person asked for.
  clock = new Date(OFFICE_HOURS_NOW.getTime() + 5 * MINUTE);
  await say('w1', 'estado AC-2026-999999', { channel: 'web' });
  await say('w1', 'quiero hablar con una persona', { channel: 'web' });
  // 10:10: many at the same instant — lookups and conversations that went nowhere — so pages split inside one instant.
  clock = new Date(OFFICE_HOURS_NOW.getTime() + 10 * MINUTE);
  for (let i = 0; i < 40; i++) await say(`s${i}`, `estado ${folio}`);
  for (let i = 0; i < 30; i++) await say(`h${i}`, 'hola');
});
afterAll(async () => app?.close());

describe(`attention register on ${databaseKind}`, () => {
  it('lists each attention newest first with its time in the municipality’s zone, procedures by name and folios', async () => {
    const pages = await allPages('');
    const entries = pages.flat();
    // 2 (q1) + 2 (w1) + 40 lookups + 30 abandoned.
    expect(entries).toHaveLength(74);
    expect(pages.map((p) => p.length)).toEqual([50, 24]);
    expect(new Set(entries.map((e) => e.id)).size).toBe(74);
    expect(entries.slice(0, 70).every((e) => e.time === '10:10' && e.date === '2026-03-10')).toBe(true);
    // At one instant, logged outcomes first, then the abandoned conversations.
    expect(entries.slice(0, 40).every((e) => e.kind === 'status_lookup' && e.outcome === 'found' && e.folio === folio)).toBe(true);
    expect(entries.slice(40, 70).every((e) => e.kind === 'abandoned' && e.outcome === 'abandoned' && e.procedure === null)).toBe(true);
    expect(entries.slice(70).map((e) => [e.time, e.channel, e.kind, e.outcome, e.procedure, e.folio])).toEqual([
      ['10:05', 'web', 'handed_to_person', 'requested', null, null],
      ['10:05', 'web', 'status_lookup', 'not_found', null, null],
      ['10:01', 'telegram', 'case_opened', 'case_opened', expect.stringMatching(/^Solicitud de información: /), folio],
      ['10:00', 'telegram', 'information_answered', 'answered', 'Pago del impuesto predial', null],
    ]);
    expect(entries[72]!.caseId).toEqual(expect.any(Number));
  });

  it('filters by channel, kind, outcome and local days', async () => {
    expect((await allPages('channel=web')).flat().map((e) => e.kind)).toEqual(['handed_to_person', 'status_lookup']);
    expect((await allPages('kind=abandoned')).flat()).toHaveLength(30);
    expect((await allPages('kind=case_opened')).flat().map((e) => e.folio)).toEqual([folio]);
    expect((await allPages('outcome=not_found')).flat().map((e) => e.channel)).toEqual(['web']);
    expect((await allPages('kind=status_lookup&outcome=found')).flat()).toHaveLength(40);
    expect((await allPages('from=2026-03-10&to=2026-03-10')).flat()).toHaveLength(74);
    expect((await allPages('from=2026-03-11')).flat()).toEqual([]);
    expect((await allPages('to=2026-03-09')).flat()).toEqual([]);
    const bad = await app.app.inject({ method: 'GET', url: '/api/staff/attention?page=garbage', headers: coordinator });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps a page the same while new attentions arrive, and audits each view', async () => {
    const first = await list('');
    const second = await list(`page=${first.next}`);
    clock = new Date(OFFICE_HOURS_NOW.getTime() + 20 * MINUTE);
    await say('late', 'hola');
    await say('late2', '¿a qué hora abren las oficinas?');
    expect((await list(`page=${first.next}`)).entries).toEqual(second.entries);
    const now = await list('');
    expect(now.entries.slice(0, 2).map((e) => e.kind)).toEqual(['information_answered', 'abandoned']);
    expect(now.entries[0]!.procedure).toBe('Horario y ubicación de las oficinas municipales');

    const [line] = await app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'attention.viewed'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(line!.subjectId.split(',')).toEqual(now.entries.map((e) => e.id));
    const admin = await tokenFor(ADMIN.email, ADMIN.password);
    expect((await app.app.inject({ method: 'GET', url: '/api/staff/attention', headers: admin })).statusCode).toBe(200);
    const agua = await tokenFor('agua@muni.test', 'clave-segura-123');
    for (const url of ['/api/staff/attention', '/api/staff/attention/export.xlsx', '/api/staff/attention/export.csv']) {
      expect((await app.app.inject({ method: 'GET', url, headers: agua })).statusCode).toBe(403);
      expect((await app.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('exports the register as XLSX and CSV with the same rows and filters', async () => {
    const entries = (await allPages('')).flat();
    const xlsx = await app.app.inject({ method: 'GET', url: '/api/staff/attention/export.xlsx', headers: coordinator });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="registro-atenciones-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Fecha',
      'Hora',
      'Canal',
      'Tipo de atención',
      'Trámite o asunto',
      'Folio',
      'Resultado',
    ]);
    const rows: unknown[][] = [];
    sheet.eachRow((row, i) => i > 1 && rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toHaveLength(entries.length);
    entries.forEach((e, i) => {
      const [y, m, d] = e.date.split('-').map(Number) as [number, number, number];
      const [hh, mm] = e.time.split(':').map(Number) as [number, number];
      expect(rows[i]![0]).toEqual(new Date(Date.UTC(y, m - 1, d)));
      expect(rows[i]![1]).toEqual(new Date(Date.UTC(1899, 11, 30, hh, mm)));
      expect(rows[i]![4] ?? null).toBe(e.procedure);
      expect(rows[i]![5] ?? null).toBe(e.folio);
    });
    expect(rows.find((r) => r[4] === 'Pago del impuesto predial')!.slice(2, 4)).toEqual([
      'Telegram',
      'Consulta respondida con el catálogo',
    ]);
    expect(rows.filter((r) => r[6] === 'Abandonada')).toHaveLength(31);

    const csv = await app.app.inject({ method: 'GET', url: '/api/staff/attention/export.csv?channel=web', headers: coordinator });
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readCsv(csv.rawPayload.subarray(3).toString('utf8'))).toEqual([
      ['Fecha', 'Hora', 'Canal', 'Tipo de atención', 'Trámite o asunto', 'Folio', 'Resultado'],
      ['2026-03-10', '10:05', 'Chat web', 'Pasó a una persona', '', '', 'Pidió hablar con una persona'],
      ['2026-03-10', '10:05', 'Chat web', 'Consulta de folio', '', '', 'Folio no encontrado'],
    ]);
    // The audit line is written once the file has been sent.
    await expect
      .poll(async () => (await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'attention.exported'))).length)
      .toBe(2);
    const [last] = await app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'attention.exported'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(JSON.parse(last!.subjectId)).toEqual({ format: 'csv', filters: { channel: 'web' }, rows: 2, complete: true });
  });
});
