import { and, gte, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/client.js';
import { caseFigures } from '../db/schema.js';

// The dashboard's figures are read from `case_figures` (kept by triggers, migration 0018) for the
// whole hours or days of a period, and counted from the cases themselves only at its two ends,
// where a period starts or ends inside an hour or day: a year is ~8,800 hours read as summed
// rows plus at most two partial hours of cases, whatever the number of cases.

const COLUMNS = sql.raw('kind, at, department_id, category_id, type, channel, status, tenth, cases, ms_sum');

/**
 * `case_figures` with the changes not yet folded in, under the table's own name, so that
 * `caseFigures`' columns name the sum's. One statement reads both in one snapshot, and a fold
 * moves rows from one to the other in one transaction: no case is seen twice or missed.
 */
export const summedFigures = sql`(select ${COLUMNS} from case_figures union all select ${COLUMNS} from case_figure_changes) as case_figures`;

/**
 * Moves the changes the triggers appended into `case_figures` (the sweep, every few minutes).
 * Returns how many figures it updated; 0 also when another instance is folding.
 */
export async function foldCaseFigures(ex: Executor): Promise<number> {
  const [row] = await queryRows<{ folded: number }>(ex, sql`select ventanilla_case_figures_fold() as folded`);
  return Number(row?.folded ?? 0);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type FigureKind = (typeof caseFigures.kind.enumValues)[number];

/** A period of instants (both included) split at the units of `case_figures`. */
export interface SplitPeriod {
  /** The whole units inside the period, `[from, until)`; none when the period holds no whole unit. */
  whole: { from: Date; until: Date } | null;
  /** The cases left to count directly: those of `column` in the period but outside the whole units. */
  ends(column: AnyColumn): SQL;
}

/** Splits `[from, to]` at multiples of `unitMs` since the epoch (UTC hours and days, as the triggers truncate). */
export function splitPeriod(from: Date, to: Date, unitMs: number): SplitPeriod {
  const first = Math.ceil(from.getTime() / unitMs) * unitMs;
  // The unit holding `to` is not whole: `to` itself is its last counted instant.
  const last = Math.floor(to.getTime() / unitMs) * unitMs;
  if (first >= last) {
    return { whole: null, ends: (column) => and(gte(column, from), lte(column, to))! };
  }
  const whole = { from: new Date(first), until: new Date(last) };
  return {
    whole,
    ends: (column) => or(and(gte(column, from), lt(column, whole.from)), and(gte(column, whole.until), lte(column, to)))!,
  };
}

/** The filters of the figures (department, type, channel) as conditions on `case_figures`. */
export function figureFilters(filters: {
  departmentId?: number | undefined;
  type?: string | undefined;
  channel?: string | undefined;
}): SQL[] {
  const where: SQL[] = [];
  if (filters.departmentId !== undefined) where.push(sql`${caseFigures.departmentId} = ${filters.departmentId}`);
  if (filters.type) where.push(sql`${caseFigures.type} = ${filters.type}`);
  if (filters.channel) where.push(sql`${caseFigures.channel} = ${filters.channel}`);
  return where;
}

/** The rows of `kinds` in the whole units, narrowed by `filters`. */
export function figureRows(kinds: readonly FigureKind[], whole: { from: Date; until: Date }, filters: readonly SQL[]): SQL {
  return and(
    sql`${caseFigures.kind} in (${sql.join(
      kinds.map((k) => sql`${k}`),
      sql`, `,
    )})`,
    gte(caseFigures.at, whole.from),
    lt(caseFigures.at, whole.until),
    ...filters,
  )!;
}
