import { and, asc, eq, gte, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isDepartmentRole } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { caseEvents, cases, caseSurveys, departments } from '../db/schema.js';
import { Forbidden } from '../errors.js';
import { CaseStatus, CaseType, isFinalStatus } from './case-type.js';

const DAY_MS = 86_400_000;
const ALL_DEPARTMENTS_ROLES: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];

/** The period is of when cases were opened; without one, the last 30 days. */
export const StatsQuery = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

export interface StatsCounts {
  opened: number;
  /** Still being worked (any status but cerrado and no_procede). */
  open: number;
  /** Closed with a final answer. */
  closed: number;
  /** Declared not admissible: counted apart from the closed ones. */
  noProcede: number;
  /** Open now and past their due date (of the cases opened in the period). */
  overdueOpen: number;
  /** Median days from opening to a final answer, of the cases closed with one; null when none. */
  medianDaysToClose: number | null;
}

export interface CaseStats {
  from: string;
  to: string;
  /** Department staff see only their department; admins and coordinators all. */
  scope: 'all' | 'department';
  totals: StatsCounts;
  byDepartment: Array<{ departmentId: number; department: string } & StatsCounts>;
  byType: Record<CaseType, number>;
  byChannel: Record<string, number>;
  byStatus: Record<CaseStatus, number>;
  /** Answers to the question asked after the final answer (issue 8), for the cases of the period. */
  satisfaction: {
    answered: number;
    averageRating: number | null;
    byRating: Record<'1' | '2' | '3' | '4' | '5', number>;
    unsolved: number;
    reopened: number;
  };
}

/**
 * Statistics for coordinators: cases opened in the period, by department, type, channel and
 * status. Admins and coordinators see every department; department staff their own; operators,
 * who work conversations and not departments, none.
 */
export async function caseStats(ex: Executor, staff: StaffPrincipal, query: StatsQuery, now: Date): Promise<CaseStats> {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
  let departmentScope: number | undefined;
  if (!ALL_DEPARTMENTS_ROLES.includes(staff.role)) {
    if (!isDepartmentRole(staff.role) || staff.departmentId === null) throw new Forbidden();
    departmentScope = staff.departmentId;
  }

  const where: SQL[] = [gte(cases.createdAt, from), lte(cases.createdAt, to)];
  if (departmentScope !== undefined) where.push(eq(cases.departmentId, departmentScope));
  const rows = await ex
    .select({
      departmentId: cases.departmentId,
      type: cases.type,
      channel: cases.channel,
      status: cases.status,
      createdAt: cases.createdAt,
      closedAt: cases.closedAt,
      dueAt: cases.dueAt,
    })
    .from(cases)
    .where(and(...where));
  const departmentRows = await ex
    .select({ id: departments.id, name: departments.name, active: departments.active })
    .from(departments)
    .where(departmentScope !== undefined ? eq(departments.id, departmentScope) : undefined)
    .orderBy(asc(departments.name));

  const byType = Object.fromEntries(CaseType.options.map((t) => [t, 0])) as Record<CaseType, number>;
  const byStatus = Object.fromEntries(CaseStatus.options.map((s) => [s, 0])) as Record<CaseStatus, number>;
  const byChannel: Record<string, number> = {};
  const perDepartment = new Map<number, typeof rows>();
  for (const row of rows) {
    byType[row.type] += 1;
    byStatus[row.status] += 1;
    byChannel[row.channel] = (byChannel[row.channel] ?? 0) + 1;
    perDepartment.set(row.departmentId, [...(perDepartment.get(row.departmentId) ?? []), row]);
  }
  const byDepartment = departmentRows
    // An inactive department with nothing in the period is noise.
    .filter((d) => d.active || perDepartment.has(d.id))
    .map((d) => ({ departmentId: d.id, department: d.name, ...countsOf(perDepartment.get(d.id) ?? [], now) }));

  const answers = await ex
    .select({ rating: caseSurveys.rating, solved: caseSurveys.solved, caseId: caseSurveys.caseId })
    .from(caseSurveys)
    .innerJoin(cases, eq(cases.id, caseSurveys.caseId))
    .where(and(isNotNull(caseSurveys.answeredAt), ...where));
  const ratings = answers.map((a) => a.rating).filter((r): r is number => r !== null);
  const byRating = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const r of ratings) byRating[String(r) as keyof typeof byRating] += 1;
  const reopened = await ex
    .select({ n: sql<number>`count(distinct ${caseEvents.caseId})::int` })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(and(eq(caseEvents.type, 'case.reopened'), ...where));
  const satisfaction = {
    answered: answers.length,
    averageRating: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null,
    byRating,
    unsolved: answers.filter((a) => a.solved === false).length,
    reopened: Number(reopened[0]?.n ?? 0),
  };

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    scope: departmentScope === undefined ? 'all' : 'department',
    totals: countsOf(rows, now),
    byDepartment,
    byType,
    byChannel,
    byStatus,
    satisfaction,
  };
}

type StatsRow = { status: CaseStatus; createdAt: Date; closedAt: Date | null; dueAt: Date };

function countsOf(rows: readonly StatsRow[], now: Date): StatsCounts {
  const isFinal = (r: StatsRow) => isFinalStatus(r.status);
  const closed = rows.filter((r) => r.status === 'cerrado');
  return {
    opened: rows.length,
    open: rows.filter((r) => !isFinal(r)).length,
    closed: closed.length,
    noProcede: rows.filter((r) => r.status === 'no_procede').length,
    overdueOpen: rows.filter((r) => !isFinal(r) && r.dueAt < now).length,
    medianDaysToClose: median(closed.filter((r) => r.closedAt).map((r) => (r.closedAt!.getTime() - r.createdAt.getTime()) / DAY_MS)),
  };
}

/** Rounded to a tenth of a day: finer is noise to a coordinator. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 10) / 10;
}
