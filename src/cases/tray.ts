import { and, asc, desc, eq, gte, isNull, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isDepartmentRole } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { casesVisibleTo } from './case-visibility.js';
import { cases, categories, citizens, departments, openCaseSql } from '../db/schema.js';
import { isChannel } from '../messages/inbound.js';
import { CaseStatus, CaseType } from './case-type.js';
import { QueryDate } from './query-date.js';
import { pendingContactSql } from './follow-up/citizen-message.js';
import { searchSql } from './tray-search.js';

/** Closed and not-admissible cases are left out unless asked for by status. */
export const TrayFilter = z.object({
  status: CaseStatus.optional(),
  type: CaseType.optional(),
  category: z.string().trim().max(80).optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  channel: z.string().trim().max(40).optional(),
  from: QueryDate.optional(),
  to: QueryDate.optional(),
  overdue: z.stringbool().optional(),
  notReceived: z.stringbool().optional(),
  /** Only what waits for me: at my level (department staff) and not named to someone else, or named to me. */
  mine: z.stringbool().optional(),
  /** Only cases whose answer must be given by phone. */
  pendingContact: z.stringbool().optional(),
  /** Search: folio, the citizen's name, e-mail or phone digits, words of the description (tray-search.ts). */
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['newest', 'urgent']).default('newest'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type TrayFilter = z.infer<typeof TrayFilter>;

export type TrayRow = Awaited<ReturnType<typeof trayPage>>[number];

/**
 * The work tray: the cases this person may see, filtered, newest or most urgent first.
 *
 * By default the tray is the open cases plus the closed ones whose answer must still be phoned.
 * Asked as one `or`, PostgreSQL would walk every case ever opened; asked as two pages, the open
 * cases come from their partial index and the closed ones from the few pending-contact events,
 * and the two pages merge here in the same order.
 */
export async function listTray(ex: Executor, staff: StaffPrincipal, filter: TrayFilter, now: Date): Promise<TrayRow[]> {
  const where = filtersOf(staff, filter, now);
  if (filter.status) return trayPage(ex, and(eq(cases.status, filter.status), ...where), filter);
  const open = await trayPage(ex, and(openCaseSql, ...where), filter);
  // Overdue means still being worked: a closed case is never overdue.
  if (filter.overdue) return open;
  const closedToCall = await trayPage(ex, and(not(openCaseSql), pendingContactSql, ...where), filter);
  if (closedToCall.length === 0) return open;
  return [...open, ...closedToCall].sort(filter.sort === 'urgent' ? mostUrgentFirst : newestFirst).slice(0, filter.limit);
}

/** The tray's conditions (the person's departments, then the filter's): the tray and its exports select with the same. */
export function filtersOf(staff: StaffPrincipal, filter: TrayFilter, now: Date): SQL[] {
  const where: SQL[] = [];
  const visible = casesVisibleTo(staff);
  if (visible) where.push(visible);
  if (filter.pendingContact) where.push(pendingContactSql);
  if (filter.type) where.push(eq(cases.type, filter.type));
  if (filter.category) where.push(eq(categories.code, filter.category));
  if (filter.departmentId) where.push(eq(cases.departmentId, filter.departmentId));
  // The filter is free text: a channel Ventanilla does not know matches nothing.
  if (filter.channel) where.push(isChannel(filter.channel) ? eq(cases.channel, filter.channel) : sql`false`);
  if (filter.from) where.push(gte(cases.createdAt, filter.from));
  if (filter.to) where.push(lte(cases.createdAt, filter.to));
  if (filter.overdue) where.push(lt(cases.dueAt, now), openCaseSql);
  if (filter.notReceived) where.push(isNull(cases.receivedAt));
  const search = filter.q ? searchSql(filter.q) : undefined;
  if (search) where.push(search);
  if (filter.mine) {
    const atMyLevel = isDepartmentRole(staff.role)
      ? and(eq(cases.assignedRole, staff.role), or(isNull(cases.assignedUserId), eq(cases.assignedUserId, staff.id)))
      : undefined;
    where.push(atMyLevel ? or(atMyLevel, eq(cases.assignedUserId, staff.id))! : eq(cases.assignedUserId, staff.id));
  }
  return where;
}

const DESCRIPTION_SHOWN = 160;

function trayPage(ex: Executor, where: SQL | undefined, filter: TrayFilter) {
  return (
    ex
      .select({
        id: cases.id,
        folio: cases.folio,
        type: cases.type,
        status: cases.status,
        channel: cases.channel,
        createdAt: cases.createdAt,
        dueAt: cases.dueAt,
        receivedAt: cases.receivedAt,
        assignedRole: cases.assignedRole,
        emergency: cases.emergency,
        category: categories.name,
        department: departments.name,
        citizenName: citizens.name,
        // The tray shows the start of it; the case page has all of it.
        description: sql<string>`left(${cases.description}, ${DESCRIPTION_SHOWN})`,
        pendingContact: pendingContactSql,
      })
      .from(cases)
      .innerJoin(categories, eq(categories.id, cases.categoryId))
      .innerJoin(departments, eq(departments.id, cases.departmentId))
      .innerJoin(citizens, eq(citizens.id, cases.citizenId))
      .where(where)
      // Most urgent: emergencies first, then the nearest deadline.
      .orderBy(
        ...(filter.sort === 'urgent' ? [desc(cases.emergency), asc(cases.dueAt), asc(cases.id)] : [desc(cases.createdAt), desc(cases.id)]),
      )
      .limit(filter.limit)
  );
}

// The same orders as the SQL above, for merging two pages.
type Sortable = Pick<TrayRow, 'id' | 'createdAt' | 'dueAt' | 'emergency'>;
const newestFirst = (a: Sortable, b: Sortable) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;
const mostUrgentFirst = (a: Sortable, b: Sortable) =>
  Number(b.emergency) - Number(a.emergency) || a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id;
