import { and, asc, desc, eq, not, or, sql, type SQL } from 'drizzle-orm';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { cases, categories, citizens, departments, openCaseSql } from '../db/schema.js';
import { type Locale, type MessageKey, t } from '../i18n/index.js';
import type { Column, Row, TabularExport } from '../reports/tabular-export.js';
import { FINAL_STATUSES } from './case-type.js';
import { pendingContactSql } from './follow-up/citizen-message.js';
import { filtersOf, TrayFilter } from './tray.js';

/** The tray's filters without its page size: an export has every row the tray would show. */
export const TrayExportFilter = TrayFilter.omit({ limit: true });
export type TrayExportFilter = typeof TrayExportFilter._output;

const PAGE = 1000;
const DAY_MS = 86_400_000;

const finalSql = sql.raw(FINAL_STATUSES.map((s) => `'${s}'`).join(', '));
/** The final answer or the rejection's reason, only while the case is closed (a reopened case's old answer is no answer). */
const finalAnswerSql = sql<string | null>`case when ${cases.status} in (${finalSql}) then (
  select coalesce(e.data->>'answer', e.data->>'reason') from case_events e
  where e.case_id = ${cases.id} and e.type in ('case.closed', 'case.rejected') order by e.id desc limit 1
) end`;

const exportColumns = {
  id: cases.id,
  folio: cases.folio,
  createdAt: cases.createdAt,
  type: cases.type,
  category: categories.name,
  department: departments.name,
  status: cases.status,
  assignedRole: cases.assignedRole,
  channel: cases.channel,
  citizenName: citizens.name,
  phone: citizens.phone,
  email: citizens.email,
  address: cases.address,
  description: cases.description,
  dueAt: cases.dueAt,
  closedAt: cases.closedAt,
  finalAnswer: finalAnswerSql,
  emergency: cases.emergency,
  // The keys the next page starts after, as PostgreSQL wrote them: a JS Date would drop the microseconds.
  createdKey: sql<string>`${cases.createdAt}::text`,
  dueKey: sql<string>`${cases.dueAt}::text`,
};
type ExportRow = Awaited<ReturnType<typeof page>>[number];
/** What a page needs of the previous page's last row. */
type Keys = { id: number; emergency: boolean; createdKey: string; dueKey: string };

function page(ex: Executor, where: SQL | undefined, sort: TrayExportFilter['sort'], after: Keys | undefined) {
  const order = sort === 'urgent' ? [desc(cases.emergency), asc(cases.dueAt), asc(cases.id)] : [desc(cases.createdAt), desc(cases.id)];
  return ex
    .select(exportColumns)
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .innerJoin(citizens, eq(citizens.id, cases.citizenId))
    .where(and(where, after && keysetAfter(sort, after)))
    .orderBy(...order)
    .limit(PAGE);
}

/** The rows after `last` in the tray's order, so each page reads its index from where the last stopped. */
function keysetAfter(sort: TrayExportFilter['sort'], last: Keys): SQL {
  if (sort === 'urgent') {
    return or(
      sql`${cases.emergency} < ${last.emergency}`,
      and(eq(cases.emergency, last.emergency), sql`(${cases.dueAt}, ${cases.id}) > (${last.dueKey}::timestamptz, ${last.id})`),
    )!;
  }
  return sql`(${cases.createdAt}, ${cases.id}) < (${last.createdKey}::timestamptz, ${last.id})`;
}

async function* keyset(ex: Executor, where: SQL | undefined, sort: TrayExportFilter['sort']): AsyncGenerator<ExportRow> {
  let last: Keys | undefined;
  for (;;) {
    const rows = await page(ex, where, sort, last);
    yield* rows;
    if (rows.length < PAGE) return;
    last = rows.at(-1);
  }
}

type Sortable = Pick<ExportRow, 'id' | 'createdAt' | 'dueAt' | 'emergency'>;
const newestFirst = (a: Sortable, b: Sortable) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;
const mostUrgentFirst = (a: Sortable, b: Sortable) =>
  Number(b.emergency) - Number(a.emergency) || a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id;

/** Two streams each in `order`, as one in that order. */
async function* merged<T>(a: AsyncIterator<T>, b: AsyncIterator<T>, order: (x: T, y: T) => number): AsyncGenerator<T> {
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && order(x.value, y.value) <= 0)) {
      yield x.value as T;
      x = await a.next();
    } else {
      yield y.value;
      y = await b.next();
    }
  }
}

/**
 * Every case of the tray for this person and filter, in the tray's order, read a page at a time
 * (keyset over the tray's indexes, never OFFSET). As the tray does, the default view is two
 * streams — open cases from their partial index, closed ones still owed a phone call — merged.
 */
export function trayExportRows(ex: Executor, staff: StaffPrincipal, filter: TrayExportFilter, now: Date): AsyncGenerator<ExportRow> {
  const where = filtersOf(staff, { ...filter, limit: PAGE }, now);
  if (filter.status) return keyset(ex, and(eq(cases.status, filter.status), ...where), filter.sort);
  const open = keyset(ex, and(openCaseSql, ...where), filter.sort);
  if (filter.overdue) return open;
  const closedToCall = keyset(ex, and(not(openCaseSql), pendingContactSql, ...where), filter.sort);
  return merged(open, closedToCall, filter.sort === 'urgent' ? mostUrgentFirst : newestFirst);
}

/**
 * The columns a clerk needs to work or report the cases: what, where, who and how to reach them,
 * and where each case stands. Left out on purpose: coordinates, attachments, the history and
 * staff names. Labels are the console's own words.
 */
const COLUMNS = [
  ['folio', 'text', 16],
  ['opened', 'datetime', 17],
  ['type', 'text', 22],
  ['category', 'text', 24],
  ['department', 'text', 28],
  ['status', 'text', 15],
  ['level', 'text', 12],
  ['channel', 'text', 14],
  ['citizen', 'text', 24],
  ['contact', 'text', 26],
  ['address', 'text', 30],
  ['description', 'text', 50],
  ['due', 'date', 12],
  ['days_open', 'number', 8],
  ['closed', 'datetime', 17],
  ['final_answer', 'text', 50],
] as const;

export function trayExport(
  ex: Executor,
  staff: StaffPrincipal,
  filter: TrayExportFilter,
  now: Date,
  { locale, timeZone }: { locale: Locale; timeZone: string },
): TabularExport {
  const label = (key: string) => t(locale, key as MessageKey);
  const columns: Column[] = COLUMNS.map(([key, kind, width]) => ({ header: label(`export.col.${key}`), kind, width }));
  async function* rows(): AsyncGenerator<Row> {
    for await (const c of trayExportRows(ex, staff, filter, now)) {
      yield [
        c.folio,
        c.createdAt,
        label(`console.type.${c.type}`),
        c.category,
        c.department,
        label(`console.status.${c.status}`),
        label(`console.level.${c.assignedRole}`),
        label(`console.channel.${c.channel}`),
        c.citizenName,
        [c.phone, c.email].filter(Boolean).join(' / '),
        c.address,
        c.description,
        // A term ends at midnight after its last day, which is the day shown (as in the console).
        new Date(c.dueAt.getTime() - 1),
        Math.max(0, Math.floor(((c.closedAt ?? now).getTime() - c.createdAt.getTime()) / DAY_MS)),
        c.closedAt,
        c.finalAnswer,
      ];
    }
  }
  return { sheetName: label('export.tray.sheet'), columns, rows: rows(), timeZone };
}
