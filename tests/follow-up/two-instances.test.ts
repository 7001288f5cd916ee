import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open-case.js';
import { queueStaffMail } from '../../src/cases/follow-up/staff-mail.js';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { citizens } from '../../src/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/**
 * Two Ventanilla instances on one database, as production runs them: every follow-up mail is
 * sent by exactly one of them.
 */

const FROM = 'Atención Ciudadana <atencion@municipio.example>';
const NOW = new Date('2026-11-24T16:00:00Z');
let smtp: SmtpReceiver;
let database: Database & { url?: string };
let secondDatabase: Database;
let apps: TestApp[];

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  database = await createTestDatabase();
  // A second instance has its own pool on a server; PGlite is one process's database, so both share it.
  secondDatabase = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 5 }) : database;
  const env = { SMTP_URL: smtp.url, EMAIL_FROM: FROM };
  apps = [await createTestApp({ database, env, now: () => NOW }), await createTestApp({ database: secondDatabase, env, now: () => NOW })];
});
afterAll(async () => {
  for (const app of apps ?? []) await app.close();
  if (secondDatabase !== database) await secondDatabase?.close();
  await database?.close();
  await smtp?.stop();
});

describe(`two instances on one ${databaseKind} database`, () => {
  it('send each follow-up mail exactly once between them', async () => {
    const cases = 12;
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < cases; i += 1) {
        const [citizen] = await tx.insert(citizens).values({ name: `Vecino ${i}` }).returning();
        const opened = await openCase(tx, { type: 'reporte', category: 'alumbrado-publico', description: `Lámpara ${i} apagada`, citizenId: citizen!.id, channel: 'telefono', actor: { kind: 'system' } }, { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' }, NOW);
        await queueStaffMail(tx, { dedupKey: `aviso:${opened.case.id}`, kind: 'notice', caseId: opened.case.id, to: `enlace${i}@municipio.example`, subject: `Aviso ${opened.case.folio}`, text: 'Aviso' }, 'municipio.example');
      }
    });

    const [a, b] = await Promise.all(apps.map((app) => app.scheduler.runDue()));
    await Promise.all(apps.map((app) => app.scheduler.runDue()));

    expect(a! + b!).toBeGreaterThanOrEqual(cases);
    for (let i = 0; i < cases; i += 1) expect(smtp.mails.filter((m) => m.to.includes(`enlace${i}@municipio.example`))).toHaveLength(1);
    const sentEvents = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from case_events where type = 'follow_up.mail_sent' and data->>'kind' = 'notice'`);
    expect(Number(sentEvents[0]!.n)).toBe(cases);
    const pending = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from jobs where status <> 'done' and kind <> 'follow_up.sweep'`);
    expect(Number(pending[0]!.n)).toBe(0);
  });
});
