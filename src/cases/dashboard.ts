import { and, gte, inArray, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { StaffPrincipal } from '../auth/sessions.js';
import { addDays, localTimeIn, weekday } from '../calendar/business-calendar.js';
import { aggregateStatement, queryRows, type Executor } from '../db/client.js';
import { caseFigures, cases, categories, departments } from '../db/schema.js';
import { FINAL_STATUSES } from './case-type.js';
import { AGE_BUCKETS, GRANULARITIES, type AgeBucket, type CaseDashboard, type Compliance, type SeriesPoint } from './figures-view.js';
import { figureRows, HOUR_MS, splitPeriod, summedFigures } from './figure-rollup.js';
import { caseScope, casePeriodFigures, type CaseFilters, type CountGroup } from './stats.js';

type CaseScope = ReturnType<typeof caseScope>;

const DAY_MS = 86_400_000;

export const Granularity = z.enum(GRANULARITIES);
export type Granularity = z.infer<typeof Granularity>;

export { AGE_BUCKETS, type AgeBucket, type CaseDashboard, type Compliance, type SeriesPoint };

export interface DashboardPeriod extends CaseFilters {
  from: Date;
  to: Date;
  /** The period's first and last local days (`YYYY-MM-DD`), of which `from` and `to` are the first and last instants. */
  fromDay: string;
  toDay: string;
  granularity: Granularity;
}

/**
 * The coordinator's dashboard over cases (issue 17): the statistics plus a series per day, week
 * or month in the municipality's zone, the categories, the open cases by age and deadline
 * compliance. Every figure is a GROUP BY in PostgreSQL; Node only reshapes a row per group.
 */
export async function caseDashboard(
  ex: Executor,
  staff: StaffPrincipal,
  period: DashboardPeriod,
  now: Date,
  timeZone: string,
): Promise<CaseDashboard> {
  const scope = caseScope(staff, period);
  const { where } = scope;
  const steps = stepsOf(period, timeZone);
  const slot = slotSeconds(steps);
  // Independent statements: on a server's pool they run side by side (PGlite queues them).
  const [names, figures, concluded, ages, compliance] = await Promise.all([
    namesOf(ex),
    casePeriodFigures(ex, staff, period, now, slot),
    concludedSlots(ex, period, scope, slot),
    openByAge(ex, where, now),
    complianceOf(ex, period, scope, now),
  ]);
  return {
    ...figures.stats,
    granularity: period.granularity,
    series: seriesOf(steps, slot, figures.openedSlots, concluded),
    byCategory: categoriesOf(figures.groups, names),
    openByAge: ages,
    compliance: complianceFigures(compliance, names.departments),
  };
}

async function namesOf(ex: Executor) {
  const depts = await ex.select({ id: departments.id, name: departments.name }).from(departments);
  const cats = await ex.select({ id: categories.id, name: categories.name, departmentId: categories.departmentId }).from(categories);
  return { departments: new Map(depts.map((d) => [d.id, d.name])), categories: new Map(cats.map((c) => [c.id, c])) };
}

/** The local day each step of the series starts on: the day itself, its ISO week's Monday, or the first of its month. */
function stepStart(day: string, granularity: Granularity): string {
  if (granularity === 'week') return addDays(day, -((weekday(day) + 6) % 7));
  if (granularity === 'month') return `${day.slice(0, 8)}01`;
  return day;
}

function nextStep(start: string, granularity: Granularity): string {
  if (granularity === 'day') return addDays(start, 1);
  if (granularity === 'week') return addDays(start, 7);
  const [y, m] = start.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** Every step of the period, each with the instant its first local midnight happens. */
function stepsOf(period: DashboardPeriod, timeZone: string): Array<{ period: string; startsAt: number }> {
  const steps = [];
  for (let day = stepStart(period.fromDay, period.granularity); day <= period.toDay; day = nextStep(day, period.granularity))
    steps.push({ period: day, startsAt: localTimeIn(timeZone, day, 0).getTime() });
  return steps;
}

/** The longest slot (in seconds) every step starts on: an hour, except in zones an odd number of minutes off UTC. */
function slotSeconds(steps: ReadonlyArray<{ startsAt: number }>): number {
  return [3600, 1800, 900, 60].find((slot) => steps.every((s) => s.startsAt % (slot * 1000) === 0)) ?? 1;
}

/**
 * Opened (by opening date) and concluded (by closing date) cases per step, every step of the
 * period present. Converting each row to the municipality's clock (`at time zone`) costs more
 * than the rest of the count: rows are grouped by UTC slot instead (an hour: a few thousand
 * groups in a year, the opened ones counted in the statistics' pass) and only those slots are
 * placed in the steps, whose starts Node computed once.
 */
function seriesOf(
  steps: ReadonlyArray<{ period: string; startsAt: number }>,
  slot: number,
  opened: ReadonlyArray<{ slot: number; opened: number }>,
  concluded: ReadonlyArray<{ slot: number; closed: number; noProcede: number }>,
): SeriesPoint[] {
  const starts = steps.map((s) => s.startsAt / 1000 / slot);
  const points = steps.map((s) => ({ period: s.period, opened: 0, closed: 0, noProcede: 0 }));
  // The last step whose start is at or before the slot; the period never reaches before the first.
  const pointOf = (s: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    if (!(s >= starts[0]!)) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= s) lo = mid;
      else hi = mid - 1;
    }
    return points[lo];
  };
  for (const r of opened) {
    const point = pointOf(r.slot);
    if (point) point.opened += r.opened;
  }
  for (const r of concluded) {
    const point = pointOf(r.slot);
    if (point) {
      point.closed += r.closed;
      point.noProcede += r.noProcede;
    }
  }
  return points;
}

/**
 * Cases concluded in the period per UTC slot, whatever their opening date: the whole hours from
 * `case_figures`, the ends from the index of closing dates (every case when slots cut hours).
 */
async function concludedSlots(ex: Executor, period: DashboardPeriod, scope: CaseScope, slot: number) {
  const split = (slot * 1000) % HOUR_MS === 0 ? splitPeriod(period.from, period.to, HOUR_MS) : null;
  const ends = split?.whole ? split.ends(cases.closedAt) : and(gte(cases.closedAt, period.from), lte(cases.closedAt, period.to));
  const filters = scope.where.length ? sql` and ${and(...scope.where)}` : sql``;
  const bySlot = sql.raw(String(slot));
  const [direct, summed] = await Promise.all([
    aggregateStatement(ex, (tx) =>
      queryRows<{ slot: number; closed: number; no_procede: number }>(
        tx,
        sql`select floor(date_part('epoch', ${cases.closedAt}) / ${bySlot}) as slot,
            (count(*) filter (where ${cases.status} = 'cerrado'))::int as closed,
            (count(*) filter (where ${cases.status} = 'no_procede'))::int as no_procede
          from ${cases}
          where ${ends} and ${cases.status} in ('cerrado', 'no_procede')${filters}
          group by 1`,
      ),
    ),
    split?.whole
      ? queryRows<{ slot: number; closed: number; no_procede: number }>(
          ex,
          sql`select floor(date_part('epoch', ${caseFigures.at}) / ${bySlot}) as slot,
              coalesce(sum(${caseFigures.cases}) filter (where ${caseFigures.status} = 'cerrado'), 0)::int as closed,
              coalesce(sum(${caseFigures.cases}) filter (where ${caseFigures.status} = 'no_procede'), 0)::int as no_procede
            from ${summedFigures} where ${figureRows(['concluded'], split.whole, scope.figures)}
            group by 1`,
        )
      : [],
  ]);
  return [...direct, ...summed].map((r) => ({ slot: Number(r.slot), closed: Number(r.closed), noProcede: Number(r.no_procede) }));
}

/** Cases opened in the period per category, from the statistics' groups (a category's cases may sit in several). */
function categoriesOf(groups: readonly CountGroup[], names: Awaited<ReturnType<typeof namesOf>>) {
  const counts = new Map<number, number>();
  for (const g of groups) counts.set(g.categoryId, (counts.get(g.categoryId) ?? 0) + g.cases);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([categoryId, n]) => {
      const category = names.categories.get(categoryId);
      return {
        categoryId,
        category: category?.name ?? String(categoryId),
        department: (category && names.departments.get(category.departmentId)) ?? '',
        cases: n,
      };
    });
}

/** Whole days open: 0–7, 8–15, 16–30 and more than 30, counted against `now` (the partial index of open cases serves it). */
async function openByAge(ex: Executor, where: SQL[], now: Date): Promise<Record<AgeBucket, number>> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const [row] = await ex
    .select({
      a: sql<number>`(count(*) filter (where ${cases.createdAt} > ${before(8)}))::int`,
      b: sql<number>`(count(*) filter (where ${cases.createdAt} <= ${before(8)} and ${cases.createdAt} > ${before(16)}))::int`,
      c: sql<number>`(count(*) filter (where ${cases.createdAt} <= ${before(16)} and ${cases.createdAt} > ${before(31)}))::int`,
      d: sql<number>`(count(*) filter (where ${cases.createdAt} <= ${before(31)}))::int`,
    })
    .from(cases)
    .where(and(notInArray(cases.status, [...FINAL_STATUSES]), lte(cases.createdAt, now), ...where));
  return { '0-7': Number(row?.a ?? 0), '8-15': Number(row?.b ?? 0), '16-30': Number(row?.c ?? 0), '31+': Number(row?.d ?? 0) };
}

interface ComplianceRow {
  departmentId: number;
  overall: number;
  due: number;
  onTime: number;
  late: number;
}

/**
 * Terms that ended in the period (up to now) per department and over all, and how they were
 * answered: the whole hours of due dates from `case_figures`, the ends from the cases.
 */
async function complianceOf(ex: Executor, period: DashboardPeriod, scope: CaseScope, now: Date): Promise<ComplianceRow[]> {
  const dueUntil = period.to < now ? period.to : now;
  const split = splitPeriod(period.from, dueUntil, HOUR_MS);
  const answered = inArray(cases.status, [...FINAL_STATUSES]);
  const [direct, summed] = await Promise.all([
    aggregateStatement(ex, (tx) =>
      tx
        .select({
          departmentId: cases.departmentId,
          overall: sql<number>`grouping(${cases.departmentId})::int`,
          due: sql<number>`count(*)::int`,
          onTime: sql<number>`(count(*) filter (where ${answered} and ${cases.closedAt} <= ${cases.dueAt}))::int`,
          late: sql<number>`(count(*) filter (where ${answered} and ${cases.closedAt} > ${cases.dueAt}))::int`,
        })
        .from(cases)
        .where(and(split.ends(cases.dueAt), ...scope.where))
        .groupBy(sql`grouping sets ((${cases.departmentId}), ())`),
    ),
    split.whole
      ? queryRows<ComplianceRow>(
          ex,
          sql`select ${caseFigures.departmentId} as "departmentId", grouping(${caseFigures.departmentId})::int as overall,
              coalesce(sum(${caseFigures.cases}), 0)::int as due,
              coalesce(sum(${caseFigures.cases}) filter (where ${caseFigures.status} = 'on_time'), 0)::int as "onTime",
              coalesce(sum(${caseFigures.cases}) filter (where ${caseFigures.status} = 'late'), 0)::int as late
            from ${summedFigures} where ${figureRows(['due'], split.whole, scope.figures)}
            group by grouping sets ((${caseFigures.departmentId}), ())`,
        )
      : [],
  ]);
  const merged = new Map<string, ComplianceRow>();
  for (const r of [...direct, ...summed]) {
    const key = Number(r.overall) ? 'all' : String(r.departmentId);
    const seen = merged.get(key);
    if (seen) {
      seen.due += Number(r.due);
      seen.onTime += Number(r.onTime);
      seen.late += Number(r.late);
    } else
      merged.set(key, {
        departmentId: r.departmentId,
        overall: Number(r.overall),
        due: Number(r.due),
        onTime: Number(r.onTime),
        late: Number(r.late),
      });
  }
  // A department whose terms all moved out of the period sums to nothing.
  return [...merged.values()].filter((r) => r.overall || r.due !== 0);
}

function complianceFigures(rows: readonly ComplianceRow[], departmentNames: ReadonlyMap<number, string>): CaseDashboard['compliance'] {
  const figures = (r: { due: number; onTime: number; late: number } | undefined): Compliance => {
    const due = Number(r?.due ?? 0);
    const onTime = Number(r?.onTime ?? 0);
    const late = Number(r?.late ?? 0);
    return { due, onTime, late, unanswered: due - onTime - late, share: due ? Math.round((1000 * onTime) / due) / 10 : null };
  };
  const overall = rows.find((r) => Number(r.overall));
  const byDepartment = rows
    .filter((r) => !Number(r.overall))
    .map((r) => ({ departmentId: r.departmentId, department: departmentNames.get(r.departmentId) ?? '', ...figures(r) }))
    .sort((a, b) => a.department.localeCompare(b.department, 'es'));
  return { ...figures(overall), byDepartment };
}
