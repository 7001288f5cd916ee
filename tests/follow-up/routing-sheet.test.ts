import { FOLLOW_UPS } from '../../src/server/app.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auditLog, caseEvents, departments, routingSheets, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/**
 * A case that reaches a department sends its routing sheet (HTML and PDF) to the liaison, with a
 * signed link to acknowledge receipt; unacknowledged sheets are reminded, then escalated.
 */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
const PUBLIC_URL = 'https://ventanilla.municipio.example';
let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.stop());

async function setUp(start: Date) {
  smtp.mails.length = 0; // each test's database numbers its folios from 1 again
  const clock = { now: start };
  const app = await createTestApp({ env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM, PUBLIC_URL }, now: () => clock.now });
  await app.followUp.ensureScheduled(clock.now);
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  const post = (url: string, payload: object) =>
    app.app.inject({ method: 'POST', url, payload, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
  const departmentId = async (code: string) => (await app.database.db.select().from(departments).where(eq(departments.code, code)))[0]!;
  const open = async (description: string) => {
    const res = await post('/api/staff/cases', {
      channel: 'telefono',
      type: 'reporte',
      category: 'alumbrado-publico',
      description,
      name: 'Lucía Méndez',
      phone: '55 9876 5432',
      address: 'Calle Morelos 12, col. Centro',
    });
    expect(res.statusCode).toBe(200);
    return res.json().case as { id: number; folio: string };
  };
  const history = async (caseId: number) =>
    (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id))).map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
    }));
  const run = async () => {
    await app.queue.runDue(FOLLOW_UPS);
  };
  return { app, clock, post, open, departmentId, history, run };
}

const mailsFor = (folio: string, to: string) => smtp.mails.filter((m) => m.to.includes(to) && String(m.parsed.subject).includes(folio));
const linkIn = (mail: ReceivedMail) => /https:\/\/ventanilla\.municipio\.example(\/acuse\/[\w.-]+)/.exec(String(mail.parsed.text))![1]!;

function pdfText(content: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoja-'));
  writeFileSync(join(dir, 'hoja.pdf'), content);
  return execFileSync('pdftotext', ['-layout', join(dir, 'hoja.pdf'), '-'], { encoding: 'utf8' });
}

const noticeDigests = () => smtp.mails.filter((m) => String(m.parsed.subject).includes(': avisos del '));

describe(`routing sheets and acknowledgements, on ${databaseKind}`, () => {
  it('mails the sheet with its PDF to the new liaison on a derivation, and the link records the acknowledgement', async () => {
    const { app, clock, post, open, departmentId, history, run } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const opened = await open('La luminaria frente al número 12 lleva una semana apagada');
      await run();
      const first = mailsFor(opened.folio, 'enlace.serviciospublicos@municipio.example');
      expect(first).toHaveLength(1);

      expect((await post(`/api/staff/cases/${opened.id}/actions`, { kind: 'receive' })).statusCode).toBe(200);
      const obras = await departmentId('obras-publicas');
      expect(
        (
          await post(`/api/staff/cases/${opened.id}/actions`, {
            kind: 'derive_department',
            departmentId: obras.id,
            note: 'El poste está dañado: lo atiende Obras',
          })
        ).statusCode,
      ).toBe(200);
      await run();
      await run();

      const sheets = mailsFor(opened.folio, 'enlace.obraspublicas@municipio.example');
      expect(sheets).toHaveLength(1);
      const mail = sheets[0]!;
      expect(mail.parsed.subject).toBe(`Hoja de trámite ${opened.folio}: Alumbrado público`);
      expect(mail.parsed.html).toContain('Calle Morelos 12');
      expect(mail.parsed.text).not.toContain('9876'); // the citizen's phone stays out of the sheet
      const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
      expect(pdf.filename).toBe(`hoja-de-tramite-${opened.folio}.pdf`);
      const text = pdfText(pdf.content);
      expect(text).toContain(opened.folio);
      expect(text).toContain('Hoja de trámite');
      expect(text).toContain('Dirección de Obras Públicas');
      expect(text).toContain('La luminaria frente al número 12');

      const link = linkIn(mail);
      const view = await app.app.inject({ method: 'GET', url: link });
      expect(view.statusCode).toBe(200);
      expect(view.body).toContain('Confirmo la recepción');
      const viewedByLink = await app.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'case.viewed_by_link'), eq(auditLog.subjectId, String(opened.id))));
      expect(viewedByLink).toHaveLength(1);
      expect(viewedByLink[0]!.staffUserId).toBeNull();
      expect(
        (await app.database.db.select().from(routingSheets).where(eq(routingSheets.caseId, opened.id))).every(
          (s) => s.acknowledgedAt === null,
        ),
      ).toBe(true);

      clock.now = new Date('2026-11-24T18:30:00Z');
      const confirm = await app.app.inject({
        method: 'POST',
        url: link,
        payload: 'name=Ing.+Pedro+Salas',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Recepción confirmada por Ing. Pedro Salas el 24/11/2026 12:30');
      const again = await app.app.inject({
        method: 'POST',
        url: link,
        payload: 'name=Otra+persona',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(again.body).toContain('ya tiene acuse: lo confirmó Ing. Pedro Salas');

      const events = await history(opened.id);
      const acks = events.filter((e) => e.type === 'follow_up.acknowledged');
      expect(acks).toHaveLength(1);
      expect(acks[0]!.data).toMatchObject({ by: 'Ing. Pedro Salas', department: 'Dirección de Obras Públicas' });
      expect(events.filter((e) => e.type === 'follow_up.routing_sheet_sent').map((e) => e.data.department)).toEqual([
        'Dirección de Servicios Públicos Municipales',
        'Dirección de Obras Públicas',
      ]);
    } finally {
      await app.close();
    }
  });

  it('refuses a forged or expired link and records nothing', async () => {
    const { app, clock, open, run, history } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const opened = await open('Poste de luz inclinado en la esquina');
      await run();
      const link = linkIn(mailsFor(opened.folio, 'enlace.serviciospublicos@municipio.example')[0]!);
      const [id, expires, signature] = link.slice('/acuse/'.length).split('.');
      const forgeries = [
        `/acuse/${id}.${Number(expires) + 86_400 * 365}.${signature}`,
        `/acuse/${Number(id) + 1}.${expires}.${signature}`,
        `/acuse/${id}.${expires}.${'A'.repeat(43)}`,
        '/acuse/nada',
      ];
      for (const url of forgeries) {
        for (const method of ['GET', 'POST'] as const) {
          const res = await app.app.inject({
            method,
            url,
            payload: method === 'POST' ? 'name=Intruso' : undefined,
            headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
          });
          expect(res.statusCode).toBe(403);
          expect(res.body).toContain('no es válido');
        }
      }
      clock.now = new Date('2026-12-24T16:00:01Z'); // 30 days and a second later
      const expired = await app.app.inject({
        method: 'POST',
        url: link,
        payload: 'name=Tarde',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('venció');
      expect((await history(opened.id)).some((e) => e.type === 'follow_up.acknowledged')).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('reminds the liaison after two business days without acknowledgement, then tells the coordinator, once each', async () => {
    // Friday 13 Nov 2026, 10:00; Monday 16 is a holiday.
    const { app, clock, open, run, history } = await setUp(new Date('2026-11-13T16:00:00Z'));
    try {
      await app.database.db.insert(staffUsers).values({
        email: 'coordinacion@municipio.example',
        name: 'Coordinación',
        role: 'coordinador',
        passwordHash: await hashPassword('contraseña-coordinación'),
      });
      const opened = await open('Lámparas apagadas en todo el parque');
      await run();
      const types = async () => (await history(opened.id)).map((e) => e.type).filter((t) => t.startsWith('follow_up.acknowledgement'));

      clock.now = new Date('2026-11-18T18:00:00Z'); // Wed 12:00: one business day (Tue) has passed
      await run();
      expect(await types()).toEqual([]);
      clock.now = new Date('2026-11-19T15:00:00Z'); // Thu 9:00: Tue and Wed have passed
      await run();
      await run();
      expect(await types()).toEqual(['follow_up.acknowledgement_reminded']);
      // The reminder goes in Friday's notice digest at 8:00, with the sheet's own acknowledgement link.
      clock.now = new Date('2026-11-20T14:01:00Z');
      await run();
      const reminders = noticeDigests();
      expect(reminders.map((m) => m.to[0])).toEqual(['enlace.serviciospublicos@municipio.example']);
      expect(String(reminders[0]!.parsed.text)).toMatch(
        new RegExp(`Hojas de trámite sin acuse de recibo \\(1\\)[^]*${opened.folio}[^]*Confirmar recepción: https?://\\S+/acuse/`),
      );

      clock.now = new Date('2026-11-23T18:00:00Z'); // Mon 23 at noon: only Friday has passed since the reminder
      await run();
      expect(await types()).toEqual(['follow_up.acknowledgement_reminded']);
      clock.now = new Date('2026-11-24T15:00:00Z'); // Tue 24
      await run();
      clock.now = new Date('2026-11-25T15:00:00Z');
      await run();
      expect(await types()).toEqual(['follow_up.acknowledgement_reminded', 'follow_up.acknowledgement_escalated']);
      clock.now = new Date('2026-11-26T14:01:00Z');
      await run();
      const escalations = noticeDigests().filter((m) => String(m.parsed.text).includes('avisadas a la Coordinación (1)'));
      expect(escalations.map((m) => m.to[0])).toEqual(['coordinacion@municipio.example']);
      expect(String(escalations[0]!.parsed.text)).toContain(opened.folio);
      expect(smtp.mails.filter((m) => /^(Recordatorio: confirme|Sin acuse: folio)/.test(String(m.parsed.subject)))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
