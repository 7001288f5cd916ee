import { and, asc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { StaffPrincipal } from '../auth/sessions.js';
import { casesVisibleTo } from './case-visibility.js';
import type { Executor } from '../db/client.js';
import { callbackAttempts, callbacks, cases, citizens, departments } from '../db/schema.js';
import { type Locale, t } from '../i18n/index.js';
import type { TabularExport } from '../reports/tabular-export.js';

/**
 * The wrong-number list: call-backs the operators closed because the number was not the
 * citizen's, for the communications office to find the right one. Mailed weekly and exported.
 */

export interface WrongNumber {
  callbackId: number;
  caseId: number;
  folio: string;
  citizenName: string | null;
  phone: string | null;
  department: string;
  markedAt: Date;
  note: string | null;
}

export interface WrongNumberScope {
  /** Who asks: a department's staff see their department's only. Absent for the weekly mail, which covers every one. */
  staff?: StaffPrincipal | undefined;
  /** Marked at or after. */
  since?: Date | undefined;
  /** Marked before. */
  until?: Date | undefined;
}

/** A municipality has tens of these a week, not thousands; the cap only bounds a mistake. */
const MAX_ROWS = 20_000;

export async function listWrongNumbers(ex: Executor, scope: WrongNumberScope = {}): Promise<WrongNumber[]> {
  const { staff, since, until } = scope;
  const filters: Array<SQL | undefined> = [
    eq(callbacks.nextAction, 'communications_office'),
    staff ? casesVisibleTo(staff) : undefined,
    since ? gte(callbackAttempts.createdAt, since) : undefined,
    until ? lt(callbackAttempts.createdAt, until) : undefined,
  ];
  return (
    ex
      .select({
        callbackId: callbacks.id,
        caseId: cases.id,
        folio: cases.folio,
        citizenName: citizens.name,
        phone: callbacks.phone,
        department: departments.name,
        markedAt: callbackAttempts.createdAt,
        note: callbackAttempts.note,
      })
      .from(callbacks)
      // A call-back closes on its wrong number, so it has one such attempt: the one that put it on the list.
      .innerJoin(callbackAttempts, and(eq(callbackAttempts.callbackId, callbacks.id), eq(callbackAttempts.outcome, 'wrong_number')))
      .innerJoin(cases, eq(cases.id, callbacks.caseId))
      .innerJoin(citizens, eq(citizens.id, cases.citizenId))
      .innerJoin(departments, eq(departments.id, cases.departmentId))
      .where(and(...filters))
      .orderBy(asc(callbackAttempts.createdAt), asc(callbacks.id))
      .limit(MAX_ROWS)
  );
}

/** The list as a table for the XLSX/CSV writers. */
export function wrongNumbersTable(rows: readonly WrongNumber[], locale: Locale, timeZone: string): TabularExport {
  const label = (key: Parameters<typeof t>[1]) => t(locale, key);
  return {
    sheetName: label('wrong_numbers.sheet'),
    timeZone,
    columns: [
      { header: label('wrong_numbers.col.folio'), kind: 'text', width: 16 },
      { header: label('wrong_numbers.col.citizen'), kind: 'text', width: 28 },
      { header: label('wrong_numbers.col.phone'), kind: 'text', width: 18 },
      { header: label('wrong_numbers.col.department'), kind: 'text', width: 28 },
      { header: label('wrong_numbers.col.marked_at'), kind: 'datetime' },
      { header: label('wrong_numbers.col.note'), kind: 'text', width: 40 },
    ],
    rows: (async function* () {
      for (const r of rows) yield [r.folio, r.citizenName, r.phone, r.department, r.markedAt, r.note];
    })(),
  };
}
