import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCases } from '../../bench/seed-cases.js';
import type { StaffPrincipal } from '../../src/auth/sessions.js';
import { caseDashboard } from '../../src/cases/dashboard.js';
import { foldCaseFigures } from '../../src/cases/figure-rollup.js';
import { caseStats } from '../../src/cases/stats.js';
import { queryRows, type Database } from '../../src/db/client.js';
import { seedDefaults } from '../../src/seed/seed.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

// Issue 17: the dashboard reads `case_figures` for the whole hours and days of a period. These
// tests hold it to what counting the cases themselves gives, after every kind of write and for
// periods that start and end anywhere.

const NOW = new Date('2026-11-24T16:00:00Z');
const DAY = 86_400_000;
const ADMIN: StaffPrincipal = { id: 1, email: 'admin@muni.test', name: 'Admin', role: 'admin', departmentId: null };
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: 'contraseña-de-prueba-123' });
  await seedCases(database.db, 2000, NOW, 60);
}, 120_000);
afterAll(async () => database?.close());

/** Figures (folded or not) that differ from a count of every case now (both ways); empty when they agree. */
async function drift() {
  return queryRows<Record<string, unknown>>(
    database.db,
    sql`with kept as (
          select kind, at, department_id, category_id, type, channel, status, tenth, sum(cases)::int as cases, sum(ms_sum) as ms_sum
          from (select * from case_figures union all select * from case_figure_changes) as f
          group by 1, 2, 3, 4, 5, 6, 7, 8 having sum(cases) <> 0 or sum(ms_sum) <> 0),
        counted as (
          select k.kind, k.at, k.department_id, k.category_id, k.type, k.channel, k.status, k.tenth,
                 count(*)::int as cases, sum(k.ms) as ms_sum
          from cases c, lateral ventanilla_case_figures(c.created_at, c.closed_at, c.due_at, c.first_answered_at,
                                                        c.department_id, c.category_id, c.type, c.channel, c.status) k
          group by 1, 2, 3, 4, 5, 6, 7, 8)
        (select 'kept' as side, * from kept except select 'kept', * from counted)
        union all
        (select 'counted', * from counted except select 'counted', * from kept)`,
  );
}

/** What the statistics must say, counted from every case of the period with no summary involved. */
async function countedDirectly(from: Date, to: Date) {
  const [row] = await queryRows<{
    opened: number;
    closed: number;
    no_procede: number;
    overdue_open: number;
    close_median: number | null;
    close_mean: number | null;
    answer_median: number | null;
  }>(
    database.db,
    sql`select count(*)::int as opened,
          (count(*) filter (where status = 'cerrado'))::int as closed,
          (count(*) filter (where status = 'no_procede'))::int as no_procede,
          (count(*) filter (where status not in ('cerrado', 'no_procede') and due_at < ${NOW}))::int as overdue_open,
          percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at) * 1000)
            filter (where status = 'cerrado') / ${DAY} as close_median,
          avg(extract(epoch from closed_at - created_at) * 1000) filter (where status = 'cerrado') / ${DAY} as close_mean,
          percentile_cont(0.5) within group (order by extract(epoch from first_answered_at - created_at) * 1000) / ${DAY} as answer_median
        from cases where created_at >= ${from} and created_at <= ${to}`,
  );
  const tenth = (days: number | null) => (days === null ? null : Math.round(Number(days) * 10) / 10);
  return {
    opened: row!.opened,
    closed: row!.closed,
    noProcede: row!.no_procede,
    overdueOpen: row!.overdue_open,
    closeMedian: tenth(row!.close_median),
    closeMean: tenth(row!.close_mean),
    answerMedian: tenth(row!.answer_median),
  };
}

describe(`the dashboard's summed figures on ${databaseKind}`, () => {
  it('count a bulk insert, and are counted again from every case as the migration back-fills them', async () => {
    const opened = sql`select sum(cases)::int as n from (select * from case_figures union all select * from case_figure_changes) as f
      where kind = 'opened'`;
    expect((await queryRows<{ n: number }>(database.db, opened))[0]!.n).toBe(2000);
    expect(await drift()).toEqual([]);
    await database.db.execute(sql`select ventanilla_case_figures_rebuild()`);
    const [changes] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from case_figure_changes`);
    expect(changes!.n).toBe(0);
    expect((await queryRows<{ n: number }>(database.db, opened))[0]!.n).toBe(2000);
    expect(await drift()).toEqual([]);
  });

  it('follow every write of a case, also when several transactions write at once', async () => {
    const ids = (await queryRows<{ id: number }>(database.db, sql`select id::int as id from cases order by id limit 400`)).map((r) => r.id);
    const [other] = await queryRows<{ id: number }>(database.db, sql`select max(id)::int as id from departments`);
    const [category] = await queryRows<{ id: number }>(database.db, sql`select max(id)::int as id from categories`);
    // Closings, rejections, reopenings, derivations, reclassifications, extensions and answers, in
    // eight transactions at once on a server (PGlite takes them one by one).
    const writes = Array.from({ length: 8 }, (_, w) =>
      database.db.transaction(async (tx) => {
        for (const id of ids.filter((_, i) => i % 8 === w)) {
          const step = id % 7;
          if (step === 0)
            await tx.execute(sql`update cases set status = 'cerrado', closed_at = created_at + interval '3 days 5 hours' where id = ${id}`);
          if (step === 1)
            await tx.execute(sql`update cases set status = 'no_procede', closed_at = due_at + interval '1 day' where id = ${id}`);
          if (step === 2) await tx.execute(sql`update cases set status = 'escalado', closed_at = null where id = ${id}`);
          if (step === 3) await tx.execute(sql`update cases set department_id = ${other!.id} where id = ${id}`);
          if (step === 4) await tx.execute(sql`update cases set type = 'sugerencia', category_id = ${category!.id} where id = ${id}`);
          if (step === 5) await tx.execute(sql`update cases set due_at = due_at + interval '15 days' where id = ${id}`);
          if (step === 6)
            await tx.execute(
              sql`update cases set first_answered_at = created_at + interval '2 hours', description = 'respondido' where id = ${id}`,
            );
        }
      }),
    );
    // The sweep folds the changes in meanwhile, as it does every few minutes.
    await Promise.all([...writes, foldCaseFigures(database.db), foldCaseFigures(database.db)]);
    // A write that changes nothing counted, and one in a transaction that rolls back.
    await database.db.execute(sql`update cases set description = 'sin cambio de cifras' where id = ${ids[0]!}`);
    await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`update cases set status = 'cerrado', closed_at = ${NOW} where id = ${ids[1]!}`);
        throw new Error('rolled back');
      })
      .catch(() => {});
    // Bulk writes: a thousand-row insert (as an import or a seed does) and a delete.
    await database.db.execute(sql`
      insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description,
                         status, due_at, created_at, closed_at, first_answered_at)
      select 'CP-' || id, folio_year + 1, folio_seq, type, category_id, department_id, citizen_id, channel, description,
             status, due_at + interval '1 hour', created_at - interval '7 days 30 minutes', closed_at, first_answered_at
      from cases order by id limit 1000`);
    await database.db.execute(sql`delete from case_events where case_id in (select id from cases order by id desc limit 50)`);
    await database.db.execute(sql`delete from cases where id in (select id from cases order by id desc limit 50)`);
    expect(await drift()).toEqual([]);
    const [pending] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from case_figure_changes`);
    expect(pending!.n).toBeGreaterThan(0);

    expect(await foldCaseFigures(database.db)).toBeGreaterThan(0);
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from case_figure_changes`);
    expect(left!.n).toBe(0);
    expect(await drift()).toEqual([]);
  });

  it('give the statistics of periods that start and end inside hours and days as counting every case does', async () => {
    const periods: Array<[string, string]> = [
      ['2026-09-26T10:17:23.456Z', '2026-11-24T15:59:59.999Z'],
      ['2026-10-01T00:00:00.000Z', '2026-10-31T23:59:59.999Z'],
      ['2026-10-03T06:30:00.000Z', '2026-10-03T07:10:00.000Z'],
      ['2026-10-11T23:59:59.999Z', '2026-10-13T00:00:00.001Z'],
    ];
    for (const [from, to] of periods) {
      const stats = await caseStats(database.db, ADMIN, { from: new Date(from), to: new Date(to) }, NOW);
      const expected = await countedDirectly(new Date(from), new Date(to));
      expect({ from, ...stats.totals }).toMatchObject({
        from,
        opened: expected.opened,
        closed: expected.closed,
        noProcede: expected.noProcede,
        overdueOpen: expected.overdueOpen,
        medianDaysToClose: expected.closeMedian,
      });
      expect(stats.durations.toClose).toMatchObject({ medianDays: expected.closeMedian, meanDays: expected.closeMean });
      expect(stats.durations.toFirstResponse.medianDays).toBe(expected.answerMedian);
    }
  });

  it('give the dashboard of a zone half an hour off UTC, whose days start inside hours, as counting every case does', async () => {
    // India: local midnight is 18:30 UTC, so every period ends inside an hour.
    const timeZone = 'Asia/Kolkata';
    const from = new Date('2026-09-30T18:30:00.000Z');
    const to = new Date('2026-11-15T18:29:59.999Z');
    const period = { from, to, fromDay: '2026-10-01', toDay: '2026-11-15', granularity: 'week' as const };
    const dashboard = await caseDashboard(database.db, ADMIN, period, NOW, timeZone);
    const [row] = await queryRows<{ opened: number; concluded: number; due: number; on_time: number; late: number }>(
      database.db,
      sql`select (select count(*)::int from cases where created_at between ${from} and ${to}) as opened,
          (select count(*)::int from cases where closed_at between ${from} and ${to} and status in ('cerrado', 'no_procede')) as concluded,
          count(*)::int as due,
          (count(*) filter (where status in ('cerrado', 'no_procede') and closed_at <= due_at))::int as on_time,
          (count(*) filter (where status in ('cerrado', 'no_procede') and closed_at > due_at))::int as late
        from cases where due_at between ${from} and ${to}`,
    );
    expect(dashboard.series.reduce((n, p) => n + p.opened, 0)).toBe(row!.opened);
    expect(dashboard.series.reduce((n, p) => n + p.closed + p.noProcede, 0)).toBe(row!.concluded);
    expect(dashboard.compliance).toMatchObject({ due: row!.due, onTime: row!.on_time, late: row!.late });
    expect(row!.due).toBeGreaterThan(0);
  });
});
