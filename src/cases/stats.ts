import { and, type AnyColumn, asc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isDepartmentRole } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { caseEvents, cases, caseSurveys, departments } from '../db/schema.js';
import { Forbidden } from '../errors.js';
import { Channel } from '../messages/inbound.js';
import { CaseStatus, CaseType, isFinalStatus } from './case-type.js';
import type { CaseStats, DurationFigures, StatsCounts } from './figures-view.js';

const DAY_MS = 86_400_000;
const ALL_DEPARTMENTS_ROLES: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];

/** The filters that narrow which cases are counted, beside the period (issue 17). */
export const CaseFilters = z.object({
  departmentId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  type: CaseType.optional(),
  channel: Channel.optional(),
});
export type CaseFilters = z.infer<typeof CaseFilters>;

/** The period is of when cases were opened; without one, the last 30 days. */
export const StatsQuery = CaseFilters.extend({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

/**
 * Who sees which cases in the figures, and the filters as SQL conditions. Admins and coordinators
 * see every department and may pick one; department staff see their own (asking for another is
 * refused, not answered with zeros); operators, who work conversations and not departments, none.
 */
export function caseScope(staff: StaffPrincipal, filters: CaseFilters): { departmentId: number | undefined; where: SQL[] } {
  let departmentId = filters.departmentId;
  if (!ALL_DEPARTMENTS_ROLES.includes(staff.role)) {
    if (!isDepartmentRole(staff.role) || staff.departmentId === null) throw new Forbidden();
    if (departmentId !== undefined && departmentId !== staff.departmentId) throw new Forbidden();
    departmentId = staff.departmentId;
  }
  const where: SQL[] = [];
  if (departmentId !== undefined) where.push(eq(cases.departmentId, departmentId));
  if (filters.type) where.push(eq(cases.type, filters.type));
  if (filters.channel) where.push(eq(cases.channel, filters.channel));
  return { departmentId, where };
}

export type { CaseStats, DurationFigures, StatsCounts };

/**
 * Statistics for coordinators: cases opened in the period, by department, type, channel and
 * status. Admins and coordinators see every department; department staff their own; operators,
 * who work conversations and not departments, none.
 *
 * Everything is counted by PostgreSQL: Node gets one row per department, type, channel and status
 * seen, whatever the number of cases, so a year of a big city costs what a month does here.
 */
export async function caseStats(ex: Executor, staff: StaffPrincipal, query: StatsQuery, now: Date): Promise<CaseStats> {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
  const scope = caseScope(staff, query);
  const departmentScope = scope.departmentId;
  const inPeriod = and(gte(cases.createdAt, from), lte(cases.createdAt, to), ...scope.where);

  // Independent statements: on a server's pool each scan of the period runs on its own connection (PGlite queues them).
  const [groups, durations, satisfaction, departmentRows] = await Promise.all([
    countGroups(ex, inPeriod, now),
    durationsByDepartment(ex, inPeriod),
    satisfactionOf(ex, inPeriod),
    ex
      .select({ id: departments.id, name: departments.name, active: departments.active })
      .from(departments)
      .where(departmentScope !== undefined ? eq(departments.id, departmentScope) : undefined)
      .orderBy(asc(departments.name)),
  ]);

  const byType = Object.fromEntries(CaseType.options.map((t) => [t, 0])) as Record<CaseType, number>;
  const byStatus = Object.fromEntries(CaseStatus.options.map((s) => [s, 0])) as Record<CaseStatus, number>;
  const byChannel: Record<string, number> = {};
  const perDepartment = new Map<number, CountGroup[]>();
  for (const group of groups) {
    byType[group.type] += group.cases;
    byStatus[group.status] += group.cases;
    byChannel[group.channel] = (byChannel[group.channel] ?? 0) + group.cases;
    const list = perDepartment.get(group.departmentId);
    if (list) list.push(group);
    else perDepartment.set(group.departmentId, [group]);
  }
  const overall = durations.get(null);
  const byDepartment = departmentRows
    // An inactive department with nothing in the period is noise.
    .filter((d) => d.active || perDepartment.has(d.id))
    .map((d) => ({
      departmentId: d.id,
      department: d.name,
      ...countsOf(perDepartment.get(d.id) ?? [], durations.get(d.id)?.medianDaysToClose ?? null),
    }));

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    scope: ALL_DEPARTMENTS_ROLES.includes(staff.role) ? 'all' : 'department',
    totals: countsOf(groups, overall?.medianDaysToClose ?? null),
    byDepartment,
    byType,
    byChannel,
    byStatus,
    durations: {
      toFirstResponse: overall?.toFirstResponse ?? NO_DURATION,
      toClose: overall?.toClose ?? NO_DURATION,
    },
    satisfaction,
  };
}

interface CountGroup {
  departmentId: number;
  type: CaseType;
  channel: string;
  status: CaseStatus;
  cases: number;
  /** Of these, past their due date now (counted only where the status is still open). */
  pastDue: number;
}

function countGroups(ex: Executor, inPeriod: SQL | undefined, now: Date): Promise<CountGroup[]> {
  return ex
    .select({
      departmentId: cases.departmentId,
      type: cases.type,
      channel: cases.channel,
      status: cases.status,
      cases: sql<number>`count(*)::int`,
      pastDue: sql<number>`(count(*) filter (where ${cases.dueAt} < ${now}))::int`,
    })
    .from(cases)
    .where(inPeriod)
    .groupBy(cases.departmentId, cases.type, cases.channel, cases.status);
}

function countsOf(groups: readonly CountGroup[], medianDaysToClose: number | null): StatsCounts {
  const counts: StatsCounts = { opened: 0, open: 0, closed: 0, noProcede: 0, overdueOpen: 0, medianDaysToClose };
  for (const g of groups) {
    counts.opened += g.cases;
    if (g.status === 'cerrado') counts.closed += g.cases;
    if (g.status === 'no_procede') counts.noProcede += g.cases;
    if (!isFinalStatus(g.status)) {
      counts.open += g.cases;
      counts.overdueOpen += g.pastDue;
    }
  }
  return counts;
}

const NO_DURATION: DurationFigures = { cases: 0, meanDays: null, medianDays: null };

/**
 * Days between two instants as the console always counted them: whole milliseconds (what a
 * JavaScript date keeps) divided into days as a double, so a median lands in the same tenth.
 * `date_part` works in doubles; `extract` would do exact numeric arithmetic, ten times slower.
 */
const daysBetween = (start: AnyColumn, end: AnyColumn) => sql`round(date_part('epoch', ${end} - ${start}) * 1000) / 86400000`;

/** Time to first response and to close per department and over all (the `grouping sets` row with no department). */
async function durationsByDepartment(ex: Executor, inPeriod: SQL | undefined) {
  const toClose = sql`case when ${cases.status} = 'cerrado' then ${daysBetween(cases.createdAt, cases.closedAt)} end`;
  const toFirstResponse = daysBetween(cases.createdAt, cases.firstAnsweredAt);
  const rows = await ex.transaction(async (tx) => {
    // Each median sorts every duration of the period: in memory, not in temporary files.
    await tx.execute(sql`set local work_mem = '64MB'`);
    return tx
      .select({
        departmentId: cases.departmentId,
        overall: sql<number>`grouping(${cases.departmentId})::int`,
        closed: sql<number>`count(${toClose})::int`,
        closeMean: sql<number | null>`avg(${toClose})`,
        closeMedian: sql<number | null>`percentile_cont(0.5) within group (order by ${toClose})`,
        answered: sql<number>`count(${toFirstResponse})::int`,
        answerMean: sql<number | null>`avg(${toFirstResponse})`,
        answerMedian: sql<number | null>`percentile_cont(0.5) within group (order by ${toFirstResponse})`,
      })
      .from(cases)
      .where(inPeriod)
      .groupBy(sql`grouping sets ((${cases.departmentId}), ())`);
  });
  const figures = (count: number, mean: number | null, median: number | null): DurationFigures => ({
    cases: count,
    meanDays: tenths(mean),
    medianDays: tenths(median),
  });
  return new Map(
    rows.map((r) => [
      Number(r.overall) ? null : r.departmentId,
      {
        medianDaysToClose: tenths(r.closeMedian),
        toClose: figures(r.closed, r.closeMean, r.closeMedian),
        toFirstResponse: figures(r.answered, r.answerMean, r.answerMedian),
      },
    ]),
  );
}

/** Rounded to a tenth of a day: finer is noise to a coordinator. */
function tenths(days: number | string | null): number | null {
  return days === null ? null : Math.round(Number(days) * 10) / 10;
}

async function satisfactionOf(ex: Executor, inPeriod: SQL | undefined): Promise<CaseStats['satisfaction']> {
  const rated = (n: number) => sql<number>`(count(*) filter (where ${caseSurveys.rating} = ${n}))::int`;
  const [[answers], reopened] = await Promise.all([
    ex
      .select({
        answered: sql<number>`count(*)::int`,
        rated: sql<number>`count(${caseSurveys.rating})::int`,
        ratingSum: sql<number>`coalesce(sum(${caseSurveys.rating}), 0)::int`,
        unsolved: sql<number>`(count(*) filter (where ${caseSurveys.solved} = false))::int`,
        r1: rated(1),
        r2: rated(2),
        r3: rated(3),
        r4: rated(4),
        r5: rated(5),
      })
      .from(caseSurveys)
      .innerJoin(cases, eq(cases.id, caseSurveys.caseId))
      .where(and(isNotNull(caseSurveys.answeredAt), inPeriod)),
    ex
      .select({ n: sql<number>`count(distinct ${caseEvents.caseId})::int` })
      .from(caseEvents)
      .innerJoin(cases, eq(cases.id, caseEvents.caseId))
      .where(and(eq(caseEvents.type, 'case.reopened'), inPeriod)),
  ]);
  const a = answers!;
  return {
    answered: a.answered,
    averageRating: a.rated ? Math.round((a.ratingSum / a.rated) * 10) / 10 : null,
    byRating: { '1': a.r1, '2': a.r2, '3': a.r3, '4': a.r4, '5': a.r5 },
    unsolved: a.unsolved,
    reopened: Number(reopened[0]?.n ?? 0),
  };
}
