import { FOLLOW_UPS } from '../../src/server/app.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCase } from '../../src/cases/open-case.js';
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
  it('send each routing sheet exactly once between them', async () => {
    const cases = 12;
    const categories = ['alumbrado-publico', 'baches-pavimento', 'agua-drenaje'];
    const folios: string[] = [];
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < cases; i += 1) {
        const [citizen] = await tx
          .insert(citizens)
          .values({ name: `Vecino ${i}` })
          .returning();
        const opened = await openCase(
          tx,
          {
            type: 'reporte',
            category: categories[i % 3]!,
            description: `Reporte ${i}`,
            citizenId: citizen!.id,
            channel: 'telefono',
            actor: { kind: 'system' },
          },
          { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' },
          NOW,
        );
        folios.push(opened.case.folio);
      }
    });

    // Both instances poll at once, twice: case events, sheet decisions and deliveries are shared between them.
    const [a, b] = await Promise.all(apps.map((app) => app.queue.runDue(FOLLOW_UPS)));
    const [c, d] = await Promise.all(apps.map((app) => app.queue.runDue(FOLLOW_UPS)));

    expect(a! + b! + c! + d!).toBe(cases * 2); // one case event and one delivery per case
    for (const folio of folios)
      expect(smtp.mails.filter((m) => String(m.parsed.subject).startsWith(`Hoja de trámite ${folio}:`))).toHaveLength(1);
    const sentEvents = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from case_events where type = 'follow_up.mail_sent' and data->>'kind' = 'routing_sheet'`,
    );
    expect(Number(sentEvents[0]!.n)).toBe(cases);
    const sheets = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from routing_sheets`);
    expect(Number(sheets[0]!.n)).toBe(cases);
    const pending = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from jobs where status <> 'done' and kind <> 'follow_up.sweep'`,
    );
    expect(Number(pending[0]!.n)).toBe(0);
  });
});
