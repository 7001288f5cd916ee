import { and, type AnyColumn, asc, eq, gte, isNotNull, lt, lte, notInArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { isDepartmentRole } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import { aggregateStatement, type Executor, queryRows } from '../db/client.js';
import { caseEvents, caseFigures, cases, caseSurveys, departments } from '../db/schema.js';
import { Forbidden } from '../errors.js';
import { Channel } from '../messages/inbound.js';
import { CaseStatus, CaseType, FINAL_STATUSES, isFinalStatus } from './case-type.js';
import { QueryDate } from './query-date.js';
import { DAY_MS, figureFilters, figureRows, HOUR_MS, splitPeriod, type SplitPeriod, summedFigures } from './figure-rollup.js';
import type { CaseStats, DurationFigures, StatsCounts } from './figures-view.js';

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
  from: QueryDate.optional(),
  to: QueryDate.optional(),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

/**
 * Who sees which cases in the figures, and the filters as SQL conditions. Admins and coordinators
 * see every department and may pick one; department staff see their own (asking for another is
 * refused, not answered with zeros); operators, who work conversations and not departments, none.
 */
export function caseScope(staff: StaffPrincipal, filters: CaseFilters): { departmentId: number | undefined; where: SQL[]; figures: SQL[] } {
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
  return { departmentId, where, figures: figureFilters({ departmentId, type: filters.type, channel: filters.channel }) };
}

export type { CaseStats, DurationFigures, StatsCounts };

/**
 * Statistics for coordinators: cases opened in the period, by department, type, channel and
 * status. Admins and coordinators see every department; department staff their own; operators,
 * who work conversations and not departments, none.
 *
 * Everything is counted by PostgreSQL: Node gets one row per group seen, whatever the number of
 * cases, so a year of a big city costs what a month does here.
 */
export async function caseStats(ex: Executor, staff: StaffPrincipal, query: StatsQuery, now: Date): Promise<CaseStats> {
  return (await casePeriodFigures(ex, staff, query, now)).stats;
}

/** Cases opened in the period of one group: what the statistics and the dashboard's categories are made of. */
export interface CountGroup {
  departmentId: number;
  type: CaseType;
  channel: string;
  status: CaseStatus;
  categoryId: number;
  cases: number;
  /** Of these, past their due date now (counted only where the status is still open). */
  pastDue: number;
}

export interface PeriodFigures {
  stats: CaseStats;
  groups: CountGroup[];
  /** Cases opened per slot of `slotSeconds` since the epoch (the dashboard's series), when asked for. */
  openedSlots: Array<{ slot: number; opened: number }>;
}

/**
 * The statistics and what the dashboard adds from the same cases, in as few passes over the
 * period's rows as measured fastest (issue 17): one for the counts (and the slots of the series),
 * one for the durations, one for the surveys and reopenings. On a server's pool they run side by
 * side (PGlite queues them).
 */
export async function casePeriodFigures(
  ex: Executor,
  staff: StaffPrincipal,
  query: StatsQuery,
  now: Date,
  slotSeconds?: number,
): Promise<PeriodFigures> {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
  const scope = caseScope(staff, query);
  const departmentScope = scope.departmentId;
  const inPeriod = and(gte(cases.createdAt, from), lte(cases.createdAt, to), ...scope.where);

  const [{ groups, openedSlots }, durations, satisfaction, departmentRows] = await Promise.all([
    countGroups(ex, { from, to }, scope, now, slotSeconds),
    durationsByDepartment(ex, inPeriod, splitPeriod(from, to, DAY_MS), scope),
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
      ...countsOf(perDepartment.get(d.id) ?? [], durations.get(d.id)?.toClose.medianDays ?? null),
    }));

  const stats: CaseStats = {
    from: from.toISOString(),
    to: to.toISOString(),
    scope: ALL_DEPARTMENTS_ROLES.includes(staff.role) ? 'all' : 'department',
    totals: countsOf(groups, overall?.toClose.medianDays ?? null),
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
  return { stats, groups, openedSlots };
}

type CaseScope = ReturnType<typeof caseScope>;

/**
 * The period's cases per department, type, channel, status and category, and (with a slot) per
 * slot of their opening instant: the whole hours from `case_figures`, the ends from the cases.
 * A slot shorter than an hour (a zone an odd number of minutes off UTC) cuts hours: then every
 * case is counted directly.
 */
async function countGroups(
  ex: Executor,
  period: { from: Date; to: Date },
  scope: CaseScope,
  now: Date,
  slotSeconds: number | undefined,
): Promise<Pick<PeriodFigures, 'groups' | 'openedSlots'>> {
  const split = slotSeconds === undefined || (slotSeconds * 1000) % HOUR_MS === 0 ? splitPeriod(period.from, period.to, HOUR_MS) : null;
  if (!split?.whole) {
    return countGroupsDirect(ex, and(gte(cases.createdAt, period.from), lte(cases.createdAt, period.to), ...scope.where), now, slotSeconds);
  }
  const { whole } = split;
  const [ends, summed, pastDue] = await Promise.all([
    countGroupsDirect(ex, and(split.ends(cases.createdAt), ...scope.where), now, slotSeconds),
    summedGroups(ex, whole, scope, slotSeconds),
    pastDueOpen(ex, and(gte(cases.createdAt, whole.from), lt(cases.createdAt, whole.until), ...scope.where), now),
  ]);
  const groups = new Map<string, CountGroup>();
  const keyOf = (g: Omit<CountGroup, 'cases' | 'pastDue'>) => `${g.departmentId}|${g.type}|${g.channel}|${g.status}|${g.categoryId}`;
  const add = (g: CountGroup) => {
    const key = keyOf(g);
    const seen = groups.get(key);
    if (seen) {
      seen.cases += g.cases;
      seen.pastDue += g.pastDue;
    } else groups.set(key, { ...g });
  };
  for (const g of [...ends.groups, ...summed.groups, ...pastDue]) add(g);
  const slots = new Map<number, number>();
  for (const s of [...ends.openedSlots, ...summed.openedSlots]) slots.set(s.slot, (slots.get(s.slot) ?? 0) + s.opened);
  return {
    // A group whose cases all moved on sums to nothing.
    groups: [...groups.values()].filter((g) => g.cases !== 0 || g.pastDue !== 0),
    openedSlots: [...slots].map(([slot, opened]) => ({ slot, opened })),
  };
}

/** The `opened` figures of the whole hours, per group and (with a slot) per slot: one pass, two grouping sets. */
async function summedGroups(
  ex: Executor,
  whole: { from: Date; until: Date },
  scope: CaseScope,
  slotSeconds: number | undefined,
): Promise<Pick<PeriodFigures, 'groups' | 'openedSlots'>> {
  const slot = slotSeconds ? sql`floor(date_part('epoch', ${caseFigures.at}) / ${sql.raw(String(slotSeconds))})` : sql`null::float8`;
  const rows = await queryRows<Omit<GroupRow, 'past_due'>>(
    ex,
    sql`select grouping(${caseFigures.departmentId})::int as by_slot, ${slot} as slot,
        ${caseFigures.departmentId} as department_id, ${caseFigures.type} as type, ${caseFigures.channel} as channel,
        ${caseFigures.status} as status, ${caseFigures.categoryId} as category_id, sum(${caseFigures.cases})::int as cases
      from ${summedFigures} where ${figureRows(['opened'], whole, scope.figures)}
      group by grouping sets ((${caseFigures.departmentId}, ${caseFigures.type}, ${caseFigures.channel}, ${caseFigures.status}, ${caseFigures.categoryId})${
        slotSeconds ? sql`, (${slot})` : sql``
      })`,
  );
  return groupRows(rows.map((r) => ({ ...r, past_due: 0 })));
}

/** Open cases past their due date now, per group: the partial index of open cases by due date serves it. */
async function pastDueOpen(ex: Executor, where: SQL | undefined, now: Date): Promise<CountGroup[]> {
  const rows = await ex
    .select({
      departmentId: cases.departmentId,
      type: cases.type,
      channel: cases.channel,
      status: cases.status,
      categoryId: cases.categoryId,
      pastDue: sql<number>`count(*)::int`,
    })
    .from(cases)
    .where(and(notInArray(cases.status, [...FINAL_STATUSES]), lt(cases.dueAt, now), where))
    .groupBy(cases.departmentId, cases.type, cases.channel, cases.status, cases.categoryId);
  return rows.map((r) => ({ ...r, cases: 0, pastDue: Number(r.pastDue) }));
}

/** The same figures counted from the cases themselves: one pass, two hashed grouping sets. */
async function countGroupsDirect(
  ex: Executor,
  inPeriod: SQL | undefined,
  now: Date,
  slotSeconds: number | undefined,
): Promise<Pick<PeriodFigures, 'groups' | 'openedSlots'>> {
  // A literal, not a bind: the select list and the grouping set must hold the same expression.
  const slot = slotSeconds ? sql`floor(date_part('epoch', ${cases.createdAt}) / ${sql.raw(String(slotSeconds))})` : sql`null::float8`;
  const rows = await aggregateStatement(ex, (tx) =>
    queryRows<GroupRow>(
      tx,
      sql`select grouping(${cases.departmentId})::int as by_slot, ${slot} as slot,
          ${cases.departmentId} as department_id, ${cases.type} as type, ${cases.channel} as channel,
          ${cases.status} as status, ${cases.categoryId} as category_id,
          count(*)::int as cases, (count(*) filter (where ${cases.dueAt} < ${now}))::int as past_due
        from ${cases} where ${inPeriod}
        group by grouping sets ((${cases.departmentId}, ${cases.type}, ${cases.channel}, ${cases.status}, ${cases.categoryId})${
          slotSeconds ? sql`, (${slot})` : sql``
        })`,
    ),
  );
  return groupRows(rows);
}

interface GroupRow {
  by_slot: number;
  slot: number | null;
  department_id: number;
  type: CaseType;
  channel: string;
  status: CaseStatus;
  category_id: number;
  cases: number;
  past_due: number;
}

function groupRows(rows: readonly GroupRow[]): Pick<PeriodFigures, 'groups' | 'openedSlots'> {
  const groups: CountGroup[] = [];
  const openedSlots: PeriodFigures['openedSlots'] = [];
  for (const r of rows) {
    if (Number(r.by_slot)) openedSlots.push({ slot: Number(r.slot), opened: Number(r.cases) });
    else
      groups.push({
        departmentId: r.department_id,
        type: r.type,
        channel: r.channel,
        status: r.status,
        categoryId: r.category_id,
        cases: Number(r.cases),
        pastDue: Number(r.past_due),
      });
  }
  return { groups, openedSlots };
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
 * Milliseconds between two instants, as the console always counted them (what a JavaScript date
 * keeps); a duration in days is that divided by 86,400,000 as a double, so a median lands in the
 * same tenth. `date_part` works in doubles; `extract` would do exact numeric arithmetic, ten times slower.
 */
const msBetween = (start: AnyColumn, end: AnyColumn) => sql`round(date_part('epoch', ${end} - ${start}) * 1000)`;

type Measure = 'toClose' | 'toFirstResponse';

/**
 * Time to first response and to close per department and over all. The medians come without
 * sorting the period's durations: PostgreSQL counts them per department and per tenth of a day
 * (the figures' resolution), and `DurationBins` finds the tenth the middle falls in, which is the
 * median to a tenth exactly as `percentile_cont` rounded would give it. One pass and a few
 * thousand rows instead of four sorts of every row; only when the two middle durations fall in
 * different tenths (rare beyond a few dozen cases) does a second statement fetch those two.
 */
async function durationsByDepartment(ex: Executor, inPeriod: SQL | undefined, days: SplitPeriod, scope: CaseScope) {
  const values = (where: SQL | undefined) => sql`select ${cases.departmentId} as department_id,
      case when ${cases.status} = 'cerrado' then ${msBetween(cases.createdAt, cases.closedAt)} end as "toClose",
      ${msBetween(cases.createdAt, cases.firstAnsweredAt)} as "toFirstResponse"
    from ${cases} where ${where}`;
  const { whole } = days;
  const [direct, summed] = await Promise.all([
    aggregateStatement(ex, (tx) =>
      queryRows<{
        department_id: number;
        close_tenth: number | null;
        answer_tenth: number | null;
        n: number;
        close_sum: number | null;
        answer_sum: number | null;
      }>(
        tx,
        sql`select department_id, ${tenthOf(sql`"toClose"`)} as close_tenth, ${tenthOf(sql`"toFirstResponse"`)} as answer_tenth,
            count(*)::int as n, sum("toClose") as close_sum, sum("toFirstResponse") as answer_sum
          from (${values(whole ? and(days.ends(cases.createdAt), ...scope.where) : inPeriod)}) as d group by 1, 2, 3`,
      ),
    ),
    whole
      ? queryRows<{ department_id: number; kind: 'to_close' | 'to_answer'; tenth: number; n: number; ms: number }>(
          ex,
          sql`select ${caseFigures.departmentId} as department_id, ${caseFigures.kind} as kind, ${caseFigures.tenth} as tenth,
              sum(${caseFigures.cases})::int as n, sum(${caseFigures.msSum}) as ms
            from ${summedFigures} where ${figureRows(['to_close', 'to_answer'], whole, scope.figures)}
            group by 1, 2, 3 having sum(${caseFigures.cases}) <> 0`,
        )
      : [],
  ]);
  const bins = new Map<number | null, Record<Measure, DurationBins>>();
  const binsOf = (key: number | null) => {
    let b = bins.get(key);
    if (!b) bins.set(key, (b = { toClose: new DurationBins(), toFirstResponse: new DurationBins() }));
    return b;
  };
  for (const r of direct) {
    for (const b of [binsOf(r.department_id), binsOf(null)]) {
      if (r.close_tenth !== null) b.toClose.add(Number(r.close_tenth), Number(r.n), Number(r.close_sum));
      if (r.answer_tenth !== null) b.toFirstResponse.add(Number(r.answer_tenth), Number(r.n), Number(r.answer_sum));
    }
  }
  for (const r of summed) {
    const measure = r.kind === 'to_close' ? 'toClose' : 'toFirstResponse';
    for (const b of [binsOf(r.department_id), binsOf(null)]) b[measure].add(Number(r.tenth), Number(r.n), Number(r.ms));
  }

  const straddles = [...bins].flatMap(([key, b]) =>
    (['toClose', 'toFirstResponse'] as const).flatMap((measure) => {
      const middle = b[measure].middle();
      return middle && 'lower' in middle ? [{ key, measure, ...middle }] : [];
    }),
  );
  const exact = new Map<string, number>();
  if (straddles.length) {
    const inGroup = (key: number | null, measure: Measure, tenth: number) =>
      sql`${tenthOf(sql.identifier(measure))} = ${tenth}${key === null ? sql`` : sql` and department_id = ${key}`}`;
    const [row] = await aggregateStatement(ex, (tx) =>
      queryRows<Record<string, number>>(
        tx,
        sql`select ${sql.join(
          straddles.map(
            (s, i) =>
              sql`max(${sql.identifier(s.measure)}) filter (where ${inGroup(s.key, s.measure, s.lower)}) as ${sql.identifier(`lo${i}`)},
                  min(${sql.identifier(s.measure)}) filter (where ${inGroup(s.key, s.measure, s.upper)}) as ${sql.identifier(`hi${i}`)}`,
          ),
          sql`, `,
        )} from (${values(inPeriod)}) as d`,
      ),
    );
    straddles.forEach((s, i) => {
      const lo = Number(row![`lo${i}`]) / DAY_MS;
      const hi = Number(row![`hi${i}`]) / DAY_MS;
      // As percentile_cont interpolates: lower + (upper - lower) × 0.5.
      exact.set(`${s.key}:${s.measure}`, tenths(lo + (hi - lo) * 0.5)!);
    });
  }

  const figures = (key: number | null, measure: Measure, b: DurationBins): DurationFigures => {
    const middle = b.middle();
    if (!middle) return NO_DURATION;
    const median = 'tenth' in middle ? middle.tenth / 10 : exact.get(`${key}:${measure}`)!;
    return { cases: b.count, meanDays: tenths(b.sum / b.count / DAY_MS), medianDays: median };
  };
  return new Map(
    [...bins].map(
      ([key, b]) =>
        [
          key,
          { toClose: figures(key, 'toClose', b.toClose), toFirstResponse: figures(key, 'toFirstResponse', b.toFirstResponse) },
        ] as const,
    ),
  );
}

/** A duration's tenth of a day in the double arithmetic `tenths` does in Node (days times ten, rounded half up): the tenth it shows as. */
const tenthOf = (ms: SQLWrapper) => sql`floor(${ms} / ${sql.raw(String(DAY_MS))} * 10 + 0.5)`;

/** Durations (milliseconds) counted per tenth of a day, and their sum. */
class DurationBins {
  private readonly bins = new Map<number, number>();
  count = 0;
  /** Whole milliseconds: exact in a double up to 2^53 ms (285 millennia of waiting). */
  sum = 0;

  add(tenth: number, n: number, sum: number): void {
    this.bins.set(tenth, (this.bins.get(tenth) ?? 0) + n);
    this.count += n;
    this.sum += sum;
  }

  /**
   * Where the median falls: the middle duration's tenth (or the two middle ones', when they share
   * it, and then so does their mean), or the two tenths holding the two middle ones, of which the
   * lower's longest and the upper's shortest duration are the two middle ones. Null when empty.
   */
  middle(): { tenth: number } | { lower: number; upper: number } | null {
    if (!this.count) return null;
    const ordered = [...this.bins].sort((a, b) => a[0] - b[0]);
    const tenthAt = (rank: number) => {
      let before = 0;
      for (const [tenth, n] of ordered) {
        before += n;
        if (rank <= before) return tenth;
      }
      throw new Error('rank beyond the count');
    };
    const lower = tenthAt(Math.ceil(this.count / 2));
    const upper = this.count % 2 ? lower : tenthAt(this.count / 2 + 1);
    return upper === lower ? { tenth: lower } : { lower, upper };
  }
}

/** Rounded to a tenth of a day: finer is noise to a coordinator. */
function tenths(days: number | string | null): number | null {
  return days === null ? null : Math.round(Number(days) * 10) / 10;
}

/**
 * The surveys answered and the reopenings of the period's cases: one join of the few surveys and
 * reopening events (tens of thousands in a year) with the period's cases, not one join each.
 */
async function satisfactionOf(ex: Executor, inPeriod: SQL | undefined): Promise<CaseStats['satisfaction']> {
  const rated = (n: number) => sql.raw(`(count(*) filter (where t.rating = ${n}))::int`);
  const [a] = await aggregateStatement(ex, (tx) =>
    queryRows<{
      answered: number;
      rated: number;
      rating_sum: number;
      unsolved: number;
      r1: number;
      r2: number;
      r3: number;
      r4: number;
      r5: number;
      reopened: number;
    }>(
      tx,
      sql`select (count(*) filter (where t.survey))::int as answered, count(t.rating)::int as rated,
          coalesce(sum(t.rating), 0)::int as rating_sum, (count(*) filter (where t.solved = false))::int as unsolved,
          ${rated(1)} as r1, ${rated(2)} as r2, ${rated(3)} as r3, ${rated(4)} as r4, ${rated(5)} as r5,
          (count(distinct t.case_id) filter (where not t.survey))::int as reopened
        from (
          select ${caseSurveys.caseId} as case_id, true as survey, ${caseSurveys.rating} as rating, ${caseSurveys.solved} as solved
          from ${caseSurveys} join ${cases} on ${cases.id} = ${caseSurveys.caseId}
          where ${isNotNull(caseSurveys.answeredAt)} and ${inPeriod}
          union all
          select ${caseEvents.caseId}, false, null, null
          from ${caseEvents} join ${cases} on ${cases.id} = ${caseEvents.caseId}
          where ${eq(caseEvents.type, 'case.reopened')} and ${inPeriod}
        ) as t`,
    ),
  );
  return {
    answered: Number(a?.answered ?? 0),
    averageRating: a?.rated ? Math.round((Number(a.rating_sum) / Number(a.rated)) * 10) / 10 : null,
    byRating: {
      '1': Number(a?.r1 ?? 0),
      '2': Number(a?.r2 ?? 0),
      '3': Number(a?.r3 ?? 0),
      '4': Number(a?.r4 ?? 0),
      '5': Number(a?.r5 ?? 0),
    },
    unsolved: Number(a?.unsolved ?? 0),
    reopened: Number(a?.reopened ?? 0),
  };
}
