import { z } from 'zod';
import type { StaffPrincipal } from '../auth/sessions.js';
import { addDays, type BusinessCalendar } from '../calendar/business-calendar.js';
import { CASE_STATUSES, CASE_TYPES } from '../cases/case-type.js';
import { AGE_BUCKETS, caseDashboard, Granularity } from '../cases/dashboard.js';
import type { Dashboard } from '../cases/figures-view.js';
import { CaseFilters } from '../cases/stats.js';
import type { CatalogueSearch } from '../catalogue/catalogue.js';
import type { Executor } from '../db/client.js';
import { InvalidInput } from '../errors.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { attentionSummary } from '../understanding/attention-log.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LocalDay = z
  .string()
  .regex(DAY)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));

/** The dashboard's filters: local days of the municipality (both included), the case filters and the series' step. */
export const DashboardQuery = CaseFilters.extend({
  from: LocalDay.optional(),
  to: LocalDay.optional(),
  granularity: Granularity.default('day'),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

/** Catalogue questions and attentions are not kept by department: admins and coordinators see them, department staff not. */
const SEE_ATTENTION: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];
/** A day per step for longer than this is not a chart anyone reads; weeks or months are. */
const MAX_STEPS = 800;

export type { Dashboard };

export interface DashboardContext {
  calendar: BusinessCalendar;
  catalogue: CatalogueSearch;
  now: Date;
}

/** From the first instant of `from` to the last of `to`, on the municipality's wall clock; the last 30 days by default. */
export function periodOf(query: { from?: string | undefined; to?: string | undefined }, calendar: BusinessCalendar, now: Date) {
  const toDay = query.to ?? calendar.localDate(now);
  const fromDay = query.from ?? addDays(toDay, -29);
  if (fromDay > toDay) throw new InvalidInput();
  const from = calendar.atLocalTime(fromDay, 0);
  const to = new Date(calendar.atLocalTime(addDays(toDay, 1), 0).getTime() - 1);
  return { fromDay, toDay, from, to };
}

export async function buildDashboard(
  ex: Executor,
  staff: StaffPrincipal,
  query: DashboardQuery,
  ctx: DashboardContext,
): Promise<Dashboard> {
  const period = periodOf(query, ctx.calendar, ctx.now);
  const days = (period.to.getTime() - period.from.getTime()) / 86_400_000;
  const steps = query.granularity === 'day' ? days : query.granularity === 'week' ? days / 7 : days / 28;
  if (steps > MAX_STEPS) throw new InvalidInput();
  // The attention register is another table: counted beside the cases, not after them.
  const [cases, summary] = await Promise.all([
    caseDashboard(ex, staff, { ...query, ...period }, ctx.now, ctx.calendar.timeZone),
    SEE_ATTENTION.includes(staff.role) ? attentionSummary(ex, { from: period.from, to: period.to, channel: query.channel }) : null,
  ]);
  let attention: Dashboard['attention'] = null;
  if (summary) {
    attention = {
      byKind: summary.byKind,
      procedures: summary.procedures.map((p) => ({ ...p, procedure: ctx.catalogue.get(p.procedureId)?.name ?? p.procedureId })),
    };
  }
  return { ...cases, fromDay: period.fromDay, toDay: period.toDay, timeZone: ctx.calendar.timeZone, attention };
}

export type CellType = 'text' | 'int' | 'number' | 'days' | 'percent' | 'date';
export interface Table {
  /** Short: a spreadsheet's sheet name (at most 31 characters). */
  name: string;
  title: string;
  columns: Array<{ header: string; type: CellType }>;
  /** Numbers as numbers (a percentage from 0 to 100), dates as local days `YYYY-MM-DD`, null as empty. */
  rows: Array<Array<string | number | null>>;
}

/**
 * Every table of the dashboard, in the order the page shows them: what the spreadsheet export
 * and the monthly report write, so the three never disagree on a figure or a heading.
 */
export function dashboardTables(d: Dashboard, locale: Locale): Table[] {
  const tr = (key: string, params?: Record<string, string | number>) => t(locale, key as MessageKey, params);
  const col = (key: string, type: CellType = 'int') => ({ header: tr(`console.dashboard.col.${key}`), type });
  const table = (key: string, columns: Table['columns'], rows: Table['rows']): Table => ({
    name: tr(`console.dashboard.sheet.${key}`),
    title: tr(`console.dashboard.table.${key}`),
    columns,
    rows,
  });
  const tot = d.totals;
  const dur = d.durations;
  const tables: Table[] = [
    table(
      'summary',
      [col('indicator', 'text'), col('value', 'number')],
      [
        [tr('console.stats.col.opened'), tot.opened],
        [tr('console.stats.col.open'), tot.open],
        [tr('console.stats.col.closed'), tot.closed],
        [tr('console.stats.col.no_procede'), tot.noProcede],
        [tr('console.stats.col.overdue'), tot.overdueOpen],
        [tr('console.dashboard.kpi.compliance'), d.compliance.share],
        [tr('console.dashboard.kpi.first_response_median'), dur.toFirstResponse.medianDays],
        [tr('console.dashboard.kpi.close_median'), dur.toClose.medianDays],
        [tr('console.dashboard.kpi.satisfaction'), d.satisfaction.averageRating],
      ],
    ),
    table(
      'series',
      [col('period', 'date'), col('opened'), col('closed'), col('no_procede')],
      d.series.map((p) => [p.period, p.opened, p.closed, p.noProcede]),
    ),
    table(
      'by_type',
      [col('type', 'text'), col('cases')],
      CASE_TYPES.map((k) => [tr(`console.type.${k}`), d.byType[k]]),
    ),
    table(
      'by_category',
      [col('category', 'text'), col('department', 'text'), col('cases')],
      d.byCategory.map((c) => [c.category, c.department, c.cases]),
    ),
    table(
      'by_department',
      [
        col('department', 'text'),
        col('opened'),
        col('open'),
        col('closed'),
        col('no_procede'),
        col('overdue'),
        col('median_close', 'days'),
      ],
      d.byDepartment.map((r) => [r.department, r.opened, r.open, r.closed, r.noProcede, r.overdueOpen, r.medianDaysToClose]),
    ),
    table(
      'by_channel',
      [col('channel', 'text'), col('cases')],
      Object.entries(d.byChannel)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => [tr(`console.channel.${k}`), n]),
    ),
    table(
      'by_status',
      [col('status', 'text'), col('cases')],
      CASE_STATUSES.map((k) => [tr(`console.status.${k}`), d.byStatus[k]]),
    ),
    table(
      'age',
      [col('age', 'text'), col('cases')],
      AGE_BUCKETS.map((b) => [tr(`console.dashboard.age.${b}`), d.openByAge[b]]),
    ),
    table(
      'compliance',
      [col('department', 'text'), col('due'), col('on_time'), col('late'), col('unanswered'), col('share', 'percent')],
      [
        ...d.compliance.byDepartment.map((r) => [r.department, r.due, r.onTime, r.late, r.unanswered, r.share]),
        [tr('console.stats.total'), d.compliance.due, d.compliance.onTime, d.compliance.late, d.compliance.unanswered, d.compliance.share],
      ],
    ),
    table(
      'durations',
      [col('measure', 'text'), col('cases'), col('mean', 'days'), col('median', 'days')],
      [
        [
          tr('console.dashboard.duration.first_response'),
          dur.toFirstResponse.cases,
          dur.toFirstResponse.meanDays,
          dur.toFirstResponse.medianDays,
        ],
        [tr('console.dashboard.duration.close'), dur.toClose.cases, dur.toClose.meanDays, dur.toClose.medianDays],
      ],
    ),
    table(
      'satisfaction',
      [col('rating', 'text'), col('answers')],
      [
        ...(['5', '4', '3', '2', '1'] as const).map((r) => [`${r} ★`, d.satisfaction.byRating[r]]),
        [tr('console.dashboard.satisfaction.unsolved'), d.satisfaction.unsolved],
        [tr('console.dashboard.satisfaction.reopened'), d.satisfaction.reopened],
      ],
    ),
  ];
  if (d.attention) {
    tables.push(
      table(
        'procedures',
        [col('procedure', 'text'), col('questions')],
        d.attention.procedures.map((p) => [p.procedure, p.count]),
      ),
      table(
        'attention',
        [col('attention_kind', 'text'), col('attentions')],
        Object.entries(d.attention.byKind).map(([k, n]) => [tr(`console.attention.kind.${k}`), n]),
      ),
    );
  }
  return tables;
}
