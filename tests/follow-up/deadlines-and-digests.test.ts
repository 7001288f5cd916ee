import { FOLLOW_UPS } from '../../src/server/app.js';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { caseEvents, cases, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/** Warnings at 50/80/100% of the term, escalation when overdue, and the weekly and fortnightly digests. */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.stop());

async function setUp(start: Date) {
  smtp.mails.length = 0;
  const clock = { now: start };
  const app = await createTestApp({
    env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM, PUBLIC_URL: 'https://ventanilla.municipio.example' },
    now: () => clock.now,
  });
  await app.database.db.insert(staffUsers).values({
    email: 'coordinacion@municipio.example',
    name: 'Coordinación',
    role: 'coordinador',
    passwordHash: await hashPassword('contraseña-coordinación'),
  });
  await app.followUp.ensureScheduled(clock.now);
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  const post = (url: string, payload: object) =>
    app.app.inject({ method: 'POST', url, payload, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
  const open = async (category: string, description: string) => {
    const res = await post('/api/staff/cases', {
      channel: 'telefono',
      type: 'reporte',
      category,
      description,
      name: 'Vecina',
      noContact: true,
    });
    expect(res.statusCode).toBe(200);
    return res.json().case as { id: number; folio: string };
  };
  const events = async (caseId: number) =>
    (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id))).map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
    }));
  const at = async (iso: string) => {
    clock.now = new Date(iso);
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(FOLLOW_UPS);
  };
  return { app, clock, post, open, events, at };
}

const subjects = (prefix: string) => smtp.mails.filter((m) => String(m.parsed.subject).startsWith(prefix));
const noticeDigests = () => smtp.mails.filter((m) => String(m.parsed.subject).includes(': avisos del '));

describe(`deadlines and escalation, on ${databaseKind}`, () => {
  it('warns at 50%, 80% and 100% of the term, once each, and marks the overdue case escalado', async () => {
    // Tuesday 24 Nov 2026, 10:00: due in 30 calendar days, on 24 Dec at 10:00.
    const { app, open, events, at } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const opened = await open('alumbrado-publico', 'Lámpara fundida en la plaza');
      const warnings = async () =>
        (await events(opened.id)).filter((e) => e.type === 'follow_up.deadline_warning').map((e) => e.data.percent);

      await at('2026-12-09T15:59:00Z');
      expect(await warnings()).toEqual([]);
      await at('2026-12-09T16:01:00Z');
      await at('2026-12-09T16:30:00Z');
      expect(await warnings()).toEqual([50]);
      // Not one mail per case: the warning goes in the liaison's notice digest, the next business morning at 8:00.
      expect(subjects(`Folio ${opened.folio}`)).toEqual([]);
      await at('2026-12-10T14:01:00Z');
      const [soon] = noticeDigests();
      expect(soon!.to[0]).toBe('enlace.serviciospublicos@municipio.example');
      expect(String(soon!.parsed.text)).toContain('Por vencer (1)');
      expect(String(soon!.parsed.text)).toContain(opened.folio);

      await at('2026-12-18T16:01:00Z');
      expect(await warnings()).toEqual([50, 80]);
      await at('2026-12-24T15:59:00Z');
      expect((await app.database.db.select().from(cases).where(eq(cases.id, opened.id)))[0]!.status).toBe('nuevo');

      await at('2026-12-24T16:01:00Z');
      await at('2026-12-25T16:01:00Z');
      expect(await warnings()).toEqual([50, 80, 100]);
      // Friday 25 is a holiday: the overdue notice goes in Monday's digests, to the liaison and the coordinator.
      const before = noticeDigests().length;
      await at('2026-12-28T14:01:00Z');
      const overdue = noticeDigests().slice(before);
      expect(overdue.map((m) => m.to[0]).sort()).toEqual(['coordinacion@municipio.example', 'enlace.serviciospublicos@municipio.example']);
      for (const mail of overdue) expect(String(mail.parsed.text)).toMatch(new RegExp(`Vencidos \\(1\\)[^]*${opened.folio}`));
      const [row] = await app.database.db.select().from(cases).where(eq(cases.id, opened.id));
      expect(row!.status).toBe('escalado');
      expect((await events(opened.id)).filter((e) => e.type === 'case.escalated')).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('after a long stop, warns only at the latest point passed', async () => {
    const { app, open, events, at } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const opened = await open('baches-pavimento', 'Bache en la avenida');
      await at('2026-12-20T16:00:00Z'); // past 80%, before the due date
      expect((await events(opened.id)).filter((e) => e.type === 'follow_up.deadline_warning').map((e) => e.data.percent)).toEqual([80]);
    } finally {
      await app.close();
    }
  });

  it('does not warn about closed cases', async () => {
    const { app, post, open, events, at } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const opened = await open('baches-pavimento', 'Bache que ya se tapó');
      expect((await post(`/api/staff/cases/${opened.id}/actions`, { kind: 'receive' })).statusCode).toBe(200);
      expect((await post(`/api/staff/cases/${opened.id}/actions`, { kind: 'close', answer: 'Se reparó el bache.' })).statusCode).toBe(200);
      await at('2026-12-30T16:00:00Z');
      expect((await events(opened.id)).some((e) => e.type === 'follow_up.deadline_warning')).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe(`digests, on ${databaseKind}`, () => {
  it('sends each liaison its open cases on Monday at 8:00, overdue first, and the fortnightly one every other week', async () => {
    const { app, post, open, at } = await setUp(new Date('2026-11-24T16:00:00Z'));
    try {
      const lamp = await open('alumbrado-publico', 'Lámpara apagada');
      const trash = await open('recoleccion-basura', 'No pasó el camión de la basura');
      const pothole = await open('baches-pavimento', 'Bache en la calle 3');
      const closed = await open('alumbrado-publico', 'Lámpara ya reparada');
      await post(`/api/staff/cases/${closed.id}/actions`, { kind: 'receive' });
      await post(`/api/staff/cases/${closed.id}/actions`, { kind: 'close', answer: 'Listo.' });
      // The trash case is overdue by the digest's Monday.
      await app.database.db
        .update(cases)
        .set({ dueAt: new Date('2026-11-27T16:00:00Z') })
        .where(eq(cases.id, trash.id));

      await at('2026-11-30T13:59:00Z'); // Monday 7:59
      expect(subjects('semanal:')).toHaveLength(0);
      await at('2026-11-30T14:00:00Z'); // Monday 8:00 in Mexico City
      const weekly = subjects('semanal:');
      const services = weekly.find((m) => m.to.includes('enlace.serviciospublicos@municipio.example'))!;
      expect(services.parsed.subject).toBe('semanal: 2 casos abiertos, 1 vencido — Dirección de Servicios Públicos Municipales');
      const text = String(services.parsed.text);
      expect(text.indexOf(trash.folio)).toBeGreaterThanOrEqual(0);
      expect(text.indexOf(trash.folio)).toBeLessThan(text.indexOf(lamp.folio));
      expect(text).not.toContain(closed.folio);
      expect(text).not.toContain(pothole.folio);
      expect(services.parsed.html).toContain(`https://ventanilla.municipio.example/console#/caso/${lamp.id}`);
      const works = weekly.find((m) => m.to.includes('enlace.obraspublicas@municipio.example'))!;
      expect(String(works.parsed.text)).toContain(pothole.folio);
      expect(weekly.find((m) => m.to.includes('enlace.agua@municipio.example'))!.parsed.text).toContain('no tiene casos abiertos');
      expect(new Set(weekly.map((m) => m.to[0])).size).toBe(weekly.length); // one each
      expect(subjects('quincenal:')).toHaveLength(0); // 30 Nov is an odd week from the anchor

      await at('2026-12-07T14:00:00Z');
      expect(subjects('semanal:').length).toBe(weekly.length * 2);
      const fortnightly = subjects('quincenal:');
      expect(fortnightly.length).toBe(weekly.length + 1);
      const consolidated = fortnightly.find((m) => m.to.includes('coordinacion@municipio.example'))!;
      expect(String(consolidated.parsed.text)).toContain(pothole.folio);
      expect(String(consolidated.parsed.text)).toContain(lamp.folio);

      await at('2026-12-14T14:00:00Z');
      expect(subjects('quincenal:').length).toBe(fortnightly.length);
    } finally {
      await app.close();
    }
  });
});
