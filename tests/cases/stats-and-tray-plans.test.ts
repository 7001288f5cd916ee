import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_FOLIO_YEAR, seedCases } from '../../bench/seed-cases.js';
import type { StaffPrincipal } from '../../src/auth/sessions.js';
import { CASE_STATUSES, CASE_TYPES, FINAL_STATUSES } from '../../src/cases/case-type.js';
import { caseStats } from '../../src/cases/stats.js';
import { listTray, TrayFilter } from '../../src/cases/tray.js';
import { queryRows, type Database, type Db } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';
import { seedDefaults } from '../../src/seed/seed.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

const NOW = new Date('2026-11-24T16:00:00Z');
const DAY = 86_400_000;
const ADMIN: StaffPrincipal = { id: 1, email: 'admin@muni.test', name: 'Admin', role: 'admin', departmentId: null };
let database: Database;
let departmentId: number;
/** The same connection as `database.db`, with every statement it sends written down. */
let logged: Db;
const sent: Array<{ query: string; params: unknown[] }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: 'contraseña-de-prueba-123' });
  await seedCases(database.db, 3000, NOW, 60);
  departmentId = (await queryRows<{ id: number }>(database.db, sql`select min(department_id)::int as id from cases`))[0]!.id;
  const logger = { logQuery: (query: string, params: unknown[]) => sent.push({ query, params }) };
  const client = (database.db as unknown as { $client: never }).$client;
  logged = (database.target.kind === 'pglite'
    ? drizzlePglite(client, { schema, logger })
    : drizzlePg(client, { schema, logger })) as unknown as Db;
}, 120_000);
afterAll(async () => database?.close());

/** The parameters written into the statement, so EXPLAIN plans it as the server does for those values. */
function inline(query: string, params: unknown[]): string {
  return query.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return `'${String(value instanceof Date ? value.toISOString() : value).replaceAll("'", "''")}'`;
  });
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * Runs `call` on the logging connection and EXPLAINs every SELECT it sent, with sequential scans
 * priced out: the planner still takes one where no index can serve, which is what this looks for.
 */
async function plansOf(call: (db: Db) => Promise<unknown>): Promise<PlanNode[][]> {
  sent.length = 0;
  await call(logged);
  const selects = sent.filter((s) => /^\s*select/i.test(s.query)).map((s) => inline(s.query, s.params));
  expect(selects.length).toBeGreaterThan(0);
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const plans: PlanNode[][] = [];
    for (const query of selects) {
      const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(tx, sql.raw(`explain (format json) ${query}`));
      const plan = row!['QUERY PLAN'];
      const [top] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: PlanNode }];
      plans.push(nodesOf(top.Plan));
    }
    return plans;
  });
}
const seqScansOnCases = (plans: PlanNode[][]) =>
  plans.flat().filter((n) => n['Node Type'] === 'Seq Scan' && ['cases', 'case_events', 'case_surveys'].includes(n['Relation Name'] ?? ''));
const indexesUsed = (plans: PlanNode[][]) => new Set(plans.flat().flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])));

describe(`indexes for the tray and the statistics on ${databaseKind}`, () => {
  const staff = () => ({ ...ADMIN, id: 2, role: 'responsable' as const, departmentId });
  const filters: Array<Record<string, string>> = [
    {},
    { status: 'nuevo' },
    { status: 'cerrado' },
    { type: 'queja' },
    { category: 'baches-pavimento' },
    { departmentId: '1' },
    { channel: 'whatsapp' },
    { from: new Date(NOW.getTime() - 10 * DAY).toISOString(), to: NOW.toISOString() },
    { overdue: 'true' },
    { notReceived: 'true' },
    { mine: 'true' },
    { pendingContact: 'true' },
  ];

  for (const sort of ['newest', 'urgent'] as const) {
    it(`serves every tray filter sorted ${sort} from an index, for admins and department staff`, async () => {
      for (const filter of filters) {
        for (const who of [ADMIN, staff()]) {
          const plans = await plansOf((db) => listTray(db, who, TrayFilter.parse({ ...filter, sort }), NOW));
          expect(seqScansOnCases(plans), JSON.stringify({ filter, role: who.role })).toEqual([]);
        }
      }
      // The default tray reads open cases from a partial index of open cases (which one is the planner's
      // choice on a small table), a status from the status index.
      const openIndexes = indexesUsed(await plansOf((db) => listTray(db, ADMIN, TrayFilter.parse({ sort }), NOW)));
      expect(
        ['cases_open_newest_idx', 'cases_open_urgent_idx', 'cases_open_due_idx'].some((i) => openIndexes.has(i)),
        [...openIndexes].join(),
      ).toBe(true);
      if (sort === 'newest')
        expect(indexesUsed(await plansOf((db) => listTray(db, ADMIN, TrayFilter.parse({ status: 'cerrado' }), NOW)))).toContain(
          'cases_status_created_idx',
        );
    });
  }

  it('counts the statistics of a period from the indexes on the opening date', async () => {
    for (const who of [ADMIN, staff()]) {
      const plans = await plansOf((db) => caseStats(db, who, { from: new Date(NOW.getTime() - 5 * DAY), to: NOW }, NOW));
      expect(seqScansOnCases(plans), who.role).toEqual([]);
    }
  });
});

describe(`statistics in SQL give what counting every case gives, on ${databaseKind}`, () => {
  type Row = {
    departmentId: number;
    type: string;
    channel: string;
    status: string;
    createdAt: Date;
    closedAt: Date | null;
    firstAnsweredAt: Date | null;
    dueAt: Date;
  };
  const median = (values: number[]) => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return Math.round((sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
  };
  const mean = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null);
  const days = (from: Date, to: Date) => (to.getTime() - from.getTime()) / DAY;
  const isFinal = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);
  const countsOf = (rows: Row[]) => ({
    opened: rows.length,
    open: rows.filter((r) => !isFinal(r.status)).length,
    closed: rows.filter((r) => r.status === 'cerrado').length,
    noProcede: rows.filter((r) => r.status === 'no_procede').length,
    overdueOpen: rows.filter((r) => !isFinal(r.status) && r.dueAt < NOW).length,
    medianDaysToClose: median(rows.filter((r) => r.status === 'cerrado' && r.closedAt).map((r) => days(r.createdAt, r.closedAt!))),
  });
  const tally = (values: string[], keys: readonly string[] = []) => {
    const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const v of values) out[v] = (out[v] ?? 0) + 1;
    return out;
  };

  const periods: Array<{ from?: Date; to?: Date }> = [
    { from: new Date(NOW.getTime() - 45 * DAY), to: new Date(NOW.getTime() - 3 * DAY) },
    {},
  ];
  for (const period of periods) {
    it(`matches case by case for ${period.from ? 'a chosen period' : 'the last 30 days'}, for all departments and for one`, async () => {
      const from = period.from ?? new Date(NOW.getTime() - 30 * DAY);
      const to = period.to ?? NOW;
      const all = (
        await database.db
          .select({
            id: schema.cases.id,
            departmentId: schema.cases.departmentId,
            type: schema.cases.type,
            channel: schema.cases.channel,
            status: schema.cases.status,
            createdAt: schema.cases.createdAt,
            closedAt: schema.cases.closedAt,
            firstAnsweredAt: schema.cases.firstAnsweredAt,
            dueAt: schema.cases.dueAt,
          })
          .from(schema.cases)
      ).filter((r) => r.createdAt >= from && r.createdAt <= to);
      const surveys = await database.db.select().from(schema.caseSurveys);
      const reopenedIds = new Set(
        (await queryRows<{ case_id: number }>(database.db, sql`select case_id from case_events where type = 'case.reopened'`)).map((r) =>
          Number(r.case_id),
        ),
      );
      for (const who of [ADMIN, { ...ADMIN, role: 'experto' as const, departmentId }]) {
        const rows = who.departmentId === null ? all : all.filter((r) => r.departmentId === who.departmentId);
        const ids = new Set(rows.map((r) => r.id));
        const stats = await caseStats(database.db, who, period, NOW);
        expect(stats.totals).toEqual(countsOf(rows));
        expect(stats.byType).toEqual(
          tally(
            rows.map((r) => r.type),
            CASE_TYPES,
          ),
        );
        expect(stats.byStatus).toEqual(
          tally(
            rows.map((r) => r.status),
            CASE_STATUSES,
          ),
        );
        expect(stats.byChannel).toEqual(tally(rows.map((r) => r.channel)));
        for (const d of stats.byDepartment) {
          const { departmentId: _, department: __, ...counts } = d;
          expect(counts).toEqual(countsOf(rows.filter((r) => r.departmentId === d.departmentId)));
        }
        const closed = rows.filter((r) => r.status === 'cerrado' && r.closedAt).map((r) => days(r.createdAt, r.closedAt!));
        const answered = rows.filter((r) => r.firstAnsweredAt).map((r) => days(r.createdAt, r.firstAnsweredAt!));
        expect(stats.durations).toEqual({
          toClose: { cases: closed.length, meanDays: mean(closed), medianDays: median(closed) },
          toFirstResponse: { cases: answered.length, meanDays: mean(answered), medianDays: median(answered) },
        });
        const answers = surveys.filter((s) => ids.has(s.caseId) && s.answeredAt);
        const ratings = answers.flatMap((s) => (s.rating === null ? [] : [s.rating]));
        expect(stats.satisfaction).toEqual({
          answered: answers.length,
          averageRating: mean(ratings),
          byRating: tally(ratings.map(String), ['1', '2', '3', '4', '5']),
          unsolved: answers.filter((s) => s.solved === false).length,
          reopened: [...ids].filter((id) => reopenedIds.has(id)).length,
        });
        // Not a vacuous comparison: the seeded period has cases of every kind.
        expect(stats.totals.opened).toBeGreaterThan(100);
        // Cases opened in the last 30 days are not due yet: only the earlier period has overdue ones.
        if (period.from) expect(stats.totals.overdueOpen).toBeGreaterThan(0);
        expect(stats.satisfaction.answered).toBeGreaterThan(0);
      }
    });
  }

  it('seeds cases in a folio year of their own', async () => {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from cases where folio_year = ${SEED_FOLIO_YEAR}`,
    );
    expect(row!.n).toBe(3000);
  });
});
