import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { cases, staffUsers } from '../../src/db/schema.js';
import { sourceAsset } from '../../src/paths.js';
import { FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/**
 * Issue 18: deadline warnings, overdue cases and missing acknowledgements reach each recipient as
 * one mail per department per day (the notice digest), not one mail per case; only what the
 * policy marks urgent goes alone, at once.
 */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
const SERVICIOS = 'Dirección de Servicios Públicos Municipales';
const OBRAS = 'Dirección de Obras Públicas';
const LIAISON = { servicios: 'enlace.serviciospublicos@municipio.example', obras: 'enlace.obraspublicas@municipio.example' };
const COORDINATOR = 'coordinacion@municipio.example';
// Tuesday 24 Nov 2026, 10:00 in Mexico City (UTC-6): cases are due on Thursday 24 Dec at 10:00.
const OPENED_AT = new Date('2026-11-24T16:00:00Z');

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.stop());

/** The bundled policy with some changes, written where FOLLOW_UP_POLICY can point. */
function policyFile(change: (policy: Record<string, any>) => void): string {
  const policy = JSON.parse(readFileSync(sourceAsset('seed', 'follow-up-policy.json'), 'utf8'));
  change(policy);
  const file = join(mkdtempSync(join(tmpdir(), 'ventanilla-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

async function setUp(options: { env?: Record<string, string>; database?: Database } = {}) {
  smtp.mails.length = 0;
  const clock = { now: OPENED_AT };
  const app = await createTestApp({
    env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM, PUBLIC_URL: 'https://ventanilla.municipio.example', ...options.env },
    now: () => clock.now,
    ...(options.database ? { database: options.database } : {}),
  });
  return { app, clock, ...helpers(app, clock) };
}

function helpers(app: TestApp, clock: { now: Date }) {
  const session = async () => {
    const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
    return { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  };
  const post = async (url: string, payload: object) => {
    const { cookie, csrf } = await session();
    return app.app.inject({ method: 'POST', url, payload, headers: { cookie, 'x-csrf-token': csrf } });
  };
  const open = async (category: string, description: string) => {
    const res = await post('/api/staff/cases', { channel: 'telefono', type: 'reporte', category, description, noContact: true });
    expect(res.statusCode).toBe(200);
    return res.json().case as { id: number; folio: string };
  };
  /** The queue's clock moves to `iso` and everything due then runs. */
  const at = async (iso: string) => {
    clock.now = new Date(iso);
    await app.queue.runDue(FOLLOW_UPS);
    await app.queue.runDue(FOLLOW_UPS);
  };
  const addCoordinator = async () =>
    app.database.db
      .insert(staffUsers)
      .values({
        email: COORDINATOR,
        name: 'Coordinación',
        role: 'coordinador',
        passwordHash: await hashPassword('contraseña-coordinación'),
      })
      .onConflictDoNothing();
  return { post, open, at, addCoordinator };
}

const digestsTo = (to: string) => smtp.mails.filter((m) => m.to[0] === to && String(m.parsed.subject).includes(': avisos del '));
const digestsNow = () => smtp.mails.filter((m) => String(m.parsed.subject).includes(': avisos del '));
/** Mails about one case alone: the floods the digest replaces. */
const singles = () =>
  smtp.mails.filter((m) =>
    /^(Folio \S+ VENCIDO|Folio \S+: \d+% del plazo|Recordatorio: confirme|Sin acuse: folio)/.test(String(m.parsed.subject)),
  );

describe(`the daily notice digest, on ${databaseKind}`, () => {
  it('sends each recipient one mail per department listing every overdue and unacknowledged case, instead of one mail per case', async () => {
    const { app, open, post, at, addCoordinator } = await setUp();
    try {
      await addCoordinator();
      await app.followUp.ensureScheduled(OPENED_AT);
      const lamps = [];
      for (let i = 1; i <= 6; i += 1) lamps.push(await open('alumbrado-publico', `Lámpara ${i} apagada en la calle Juárez`));
      const potholes = [];
      for (let i = 1; i <= 4; i += 1) potholes.push(await open('baches-pavimento', `Bache ${i} en la avenida Hidalgo`));
      const fixedBeforeTheDigest = await open('alumbrado-publico', 'Lámpara que se reparó a tiempo');
      await at(OPENED_AT.toISOString());
      expect(smtp.mails.filter((m) => String(m.parsed.subject).startsWith('Hoja de trámite'))).toHaveLength(11);

      // Monday 28 Dec, 7:00: every case is overdue and no sheet was acknowledged. Decisions, no mail yet.
      await at('2026-12-28T13:00:00Z');
      expect(singles()).toEqual([]);
      expect(digestsNow()).toEqual([]);
      const [notices] = await queryRows<{ n: number }>(
        app.database.db,
        sql`select count(*)::int as n from staff_notices where settled_at is null`,
      );
      // Per case: overdue to the liaison and to the coordinator, and the liaison's acknowledgement reminder.
      expect(Number(notices!.n)).toBe(11 * 3);
      expect((await post(`/api/staff/cases/${fixedBeforeTheDigest.id}/actions`, { kind: 'receive' })).statusCode).toBe(200);
      expect(
        (await post(`/api/staff/cases/${fixedBeforeTheDigest.id}/actions`, { kind: 'close', answer: 'Se cambió el foco.' })).statusCode,
      ).toBe(200);

      // 8:01: the digest.
      await at('2026-12-28T14:01:00Z');
      expect(singles()).toEqual([]);
      const digests = digestsNow();
      expect(digests.map((m) => `${m.to[0]} ${String(m.parsed.subject).split(':')[0]}`).sort()).toEqual(
        [`${COORDINATOR} ${OBRAS}`, `${COORDINATOR} ${SERVICIOS}`, `${LIAISON.obras} ${OBRAS}`, `${LIAISON.servicios} ${SERVICIOS}`].sort(),
      );
      const [servicios] = digestsTo(LIAISON.servicios);
      const text = String(servicios!.parsed.text);
      for (const lamp of lamps) {
        // Once among the overdue, once among the unacknowledged sheets.
        expect(text.split(lamp.folio).length - 1).toBe(2);
        expect(servicios!.parsed.html).toContain(`https://ventanilla.municipio.example/console#/caso/${lamp.id}`);
      }
      for (const pothole of potholes) expect(text).not.toContain(pothole.folio);
      expect(text).not.toContain(fixedBeforeTheDigest.folio);
      expect(String(servicios!.parsed.subject)).toContain('vencidos: 6 · sin acuse: 6 · por vencer: 0');
      expect(text).toContain('Vencidos (6)');
      expect(text).toContain('Hojas de trámite sin acuse de recibo (6)');
      // The liaison acknowledges from the digest: each unacknowledged line carries its sheet's signed link.
      expect(text.match(/Confirmar recepción: https:\/\/ventanilla\.municipio\.example\/acuse\/\S+/g)).toHaveLength(6);
      if (process.env.DIGEST_HTML) writeFileSync(process.env.DIGEST_HTML, String(servicios!.parsed.html));
      const [obrasToCoordinator] = digestsTo(COORDINATOR).filter((m) => String(m.parsed.subject).startsWith(OBRAS));
      for (const pothole of potholes) expect(String(obrasToCoordinator!.parsed.text)).toContain(pothole.folio);
      expect(String(obrasToCoordinator!.parsed.text)).not.toContain('Confirmar recepción');
      const [moot] = await queryRows<{ n: number }>(
        app.database.db,
        sql`select count(*)::int as n from staff_notices where outcome = 'moot' and case_id = ${fixedBeforeTheDigest.id}`,
      );
      expect(Number(moot!.n)).toBe(3);

      // Tuesday and Wednesday: nothing new was decided, so nobody gets a mail.
      const before = smtp.mails.length;
      await at('2026-12-29T14:01:00Z');
      await at('2026-12-30T14:01:00Z');
      expect(smtp.mails.length).toBe(before);

      // Thursday 7:00, two full business days after the reminders: the coordinators are told, in Thursday's digest.
      await at('2026-12-31T13:00:00Z');
      expect(smtp.mails.length).toBe(before);
      await at('2026-12-31T14:01:00Z');
      const thursday = smtp.mails.slice(before);
      expect(thursday.map((m) => `${m.to[0]} ${String(m.parsed.subject).split(':')[0]}`).sort()).toEqual(
        [`${COORDINATOR} ${OBRAS}`, `${COORDINATOR} ${SERVICIOS}`].sort(),
      );
      expect(String(thursday.find((m) => String(m.parsed.subject).startsWith(SERVICIOS))!.parsed.text)).toContain(
        'Hojas de trámite sin acuse de recibo, avisadas a la Coordinación (6)',
      );
      expect(singles()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('mails at once, one case per mail, only what the policy marks urgent', async () => {
    const policy = policyFile((p) => {
      p.escalation[2].urgent = true; // overdue
      p.acknowledgement.urgent = ['reminder'];
    });
    const { app, open, at, addCoordinator } = await setUp({ env: { FOLLOW_UP_POLICY: policy } });
    try {
      await addCoordinator();
      await app.followUp.ensureScheduled(OPENED_AT);
      const lamp = await open('alumbrado-publico', 'Lámpara apagada frente a la escuela');
      await at(OPENED_AT.toISOString());

      // 80% (Friday 18 Dec, 7:00) is not urgent: it waits for the digest.
      await at('2026-12-18T13:00:00Z');
      expect(singles().map((m) => String(m.parsed.subject))).toEqual([`Recordatorio: confirme la recepción del folio ${lamp.folio}`]);
      await at('2026-12-18T14:01:00Z');
      const [digest] = digestsTo(LIAISON.servicios);
      expect(String(digest!.parsed.text)).toContain('Por vencer (1)');
      expect(String(digest!.parsed.text)).toContain(lamp.folio);

      // Overdue is urgent: its mails leave with the sweep, at 10:05 on the due date, to the liaison and the coordinator.
      await at('2026-12-24T16:05:00Z');
      const overdue = singles().filter((m) => String(m.parsed.subject).startsWith(`Folio ${lamp.folio} VENCIDO`));
      expect(overdue.map((m) => m.to[0]).sort()).toEqual([COORDINATOR, LIAISON.servicios]);
      const [pending] = await queryRows<{ n: number }>(
        app.database.db,
        sql`select count(*)::int as n from staff_notices where settled_at is null and kind = 'overdue'`,
      );
      expect(Number(pending!.n)).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('is sent once when two instances run the digest at the same moment', async () => {
    const database: Database & { url?: string } = await createTestDatabase();
    const second = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 5 }) : database;
    const first = await setUp({ database });
    const clock = first.clock;
    const other = await createTestApp({
      database: second,
      env: { SMTP_URL: smtp.url, EMAIL_FROM: FROM, PUBLIC_URL: 'https://ventanilla.municipio.example' },
      now: () => clock.now,
    });
    try {
      await first.addCoordinator();
      await first.app.followUp.ensureScheduled(OPENED_AT);
      await other.followUp.ensureScheduled(OPENED_AT);
      const opened = [];
      for (let i = 1; i <= 5; i += 1) opened.push(await first.open(i % 2 ? 'alumbrado-publico' : 'baches-pavimento', `Reporte ${i}`));
      await first.at(OPENED_AT.toISOString());
      await first.at('2026-12-28T13:00:00Z');
      smtp.mails.length = 0;

      clock.now = new Date('2026-12-28T14:01:00Z');
      await Promise.all([first.app.queue.runDue(FOLLOW_UPS), other.queue.runDue(FOLLOW_UPS)]);
      await Promise.all([first.app.queue.runDue(FOLLOW_UPS), other.queue.runDue(FOLLOW_UPS)]);
      const digests = digestsNow();
      expect(digests).toHaveLength(4); // two liaisons, and the coordinator once per department
      expect(new Set(digests.map((m) => `${m.to[0]} ${String(m.parsed.subject)}`)).size).toBe(4);
      for (const c of opened) expect(digests.filter((m) => String(m.parsed.text).includes(c.folio))).toHaveLength(2);
      const [pending] = await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from staff_notices where settled_at is null`,
      );
      expect(Number(pending!.n)).toBe(0);
      const [row] = await database.db.select().from(cases).where(eq(cases.id, opened[0]!.id));
      expect(row!.status).toBe('escalado');
    } finally {
      await other.close();
      await first.app.close();
      if (second !== database) await second.close();
      await database.close();
    }
  });
});
