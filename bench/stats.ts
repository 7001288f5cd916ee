import { sql } from 'drizzle-orm';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StaffPrincipal } from '../src/auth/sessions.js';
import { caseStats } from '../src/cases/stats.js';
import { listTray, TrayFilter } from '../src/cases/tray.js';
import { openDatabase, queryRows, type DatabaseTarget, type Db } from '../src/db/client.js';
import { seedDefaults } from '../src/seed/seed.js';
import { SEED_FOLIO_YEAR, seedCases } from './seed-cases.js';
import { parseBusinessHours } from '../src/business-hours.js';
import { BusinessCalendar } from '../src/calendar/business-calendar.js';
import { createCatalogueSearch, loadCatalogue } from '../src/catalogue/catalogue.js';
import { buildDashboard, dashboardTables, DashboardQuery } from '../src/reports/dashboard.js';
import { renderMonthlyReport } from '../src/reports/monthly-pdf.js';
import { tablesToXlsx } from '../src/reports/xlsx.js';

const DAY = 86_400_000;
const ADMIN: StaffPrincipal = { id: 0, email: 'bench@ventanilla.local', name: 'Bench', role: 'admin', departmentId: null };

/**
 * The statistics and the work tray over many cases: 100,000 on PGlite, 500,000 on a server by
 * default, spread over 400 days. For each call, its time and the longest the event loop was held
 * meanwhile (what every other request waited). A server database keeps its seeded cases between
 * runs; a different count reseeds them.
 */
export async function benchStats(
  target: DatabaseTarget,
  count = target.kind === 'pglite' ? 100_000 : 500_000,
): Promise<Record<string, string>> {
  const database = await openDatabase(target);
  await database.migrate();
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: 'benchmark-password' });
  const now = new Date('2026-11-24T16:00:00Z');
  const label = `${target.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${count.toLocaleString('en')} cases`;
  const figures: Record<string, string> = {};
  try {
    const seeding = await seedOnce(database.db, count, now);
    if (seeding !== null) figures[`stats seed (${label})`] = `${(seeding / 1000).toFixed(1)} s`;
    const year = { from: new Date(now.getTime() - 400 * DAY), to: now };
    const calendar = new BusinessCalendar('America/Mexico_City', parseBusinessHours('lun-vie 08:00-15:00'), []);
    const dashboardContext = { calendar, catalogue: createCatalogueSearch(loadCatalogue()), now };
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['stats, all 400 days', () => caseStats(database.db, ADMIN, year, now)],
      ['stats, last 30 days', () => caseStats(database.db, ADMIN, {}, now)],
      ['stats, one department, 400 days', () => caseStats(database.db, { ...ADMIN, role: 'responsable', departmentId: 1 }, year, now)],
      [
        'dashboard, 400 days by week',
        () =>
          buildDashboard(
            database.db,
            ADMIN,
            DashboardQuery.parse({ from: '2025-10-21', to: '2026-11-24', granularity: 'week' }),
            dashboardContext,
          ),
      ],
      ['dashboard, last 30 days by day', () => buildDashboard(database.db, ADMIN, DashboardQuery.parse({}), dashboardContext)],
      [
        'dashboard, one department, 400 days by month',
        () =>
          buildDashboard(
            database.db,
            { ...ADMIN, role: 'responsable', departmentId: 1 },
            DashboardQuery.parse({ from: '2025-10-21', to: '2026-11-24', granularity: 'month' }),
            dashboardContext,
          ),
      ],
      [
        'dashboard XLSX, 400 days by week',
        async () =>
          tablesToXlsx(
            dashboardTables(
              await buildDashboard(
                database.db,
                ADMIN,
                DashboardQuery.parse({ from: '2025-10-21', to: '2026-11-24', granularity: 'week' }),
                dashboardContext,
              ),
              'es',
            ),
            { title: 'bench', creator: 'bench', created: now },
          ),
      ],
      [
        'monthly report PDF',
        async () =>
          renderMonthlyReport({
            dashboard: await buildDashboard(
              database.db,
              ADMIN,
              DashboardQuery.parse({ from: '2026-10-01', to: '2026-10-31' }),
              dashboardContext,
            ),
            month: '2026-10',
            municipality: 'Bench',
            locale: 'es',
            generatedAt: now,
          }),
      ],
      ['tray first page, newest', () => listTray(database.db, ADMIN, TrayFilter.parse({}), now)],
      ['tray first page, most urgent', () => listTray(database.db, ADMIN, TrayFilter.parse({ sort: 'urgent' }), now)],
      ['tray first page, closed, newest', () => listTray(database.db, ADMIN, TrayFilter.parse({ status: 'cerrado' }), now)],
    ];
    for (const [name, call] of calls) {
      await call(); // a warm cache, as a running server has
      const { ms, heldMs } = await timed(call);
      figures[`${name} (${label})`] = `${ms.toFixed(0)} ms, event loop held at most ${heldMs.toFixed(0)} ms`;
    }
  } finally {
    await database.close();
  }
  return figures;
}

/** Seeds `count` cases unless exactly those are there already; returns the time taken, or null when it kept them. */
export async function seedOnce(db: Db, count: number, now: Date): Promise<number | null> {
  const [{ seeded }] = (await queryRows<{ seeded: number }>(
    db,
    sql`select count(*)::int as seeded from cases where folio_year = ${SEED_FOLIO_YEAR}`,
  )) as [{ seeded: number }];
  if (seeded === count) return null;
  const started = performance.now();
  if (seeded > 0) {
    const mine = sql`(select id from cases where folio_year = ${SEED_FOLIO_YEAR})`;
    await db.execute(sql`delete from case_events where case_id in ${mine}`);
    await db.execute(sql`delete from case_surveys where case_id in ${mine}`);
    await db.execute(sql`delete from cases where folio_year = ${SEED_FOLIO_YEAR}`);
  }
  await seedCases(db, count, now);
  return performance.now() - started;
}

async function timed(call: () => Promise<unknown>): Promise<{ ms: number; heldMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = performance.now();
  await call();
  const ms = performance.now() - started;
  // A held loop is recorded when the monitor's timer next runs: let it run before reading.
  await new Promise((resolve) => setTimeout(resolve, 20));
  loop.disable();
  // The histogram counts from the timer's due time; a delay below its resolution reads as zero.
  return { ms, heldMs: Math.max(0, loop.max / 1e6 - 5) };
}
