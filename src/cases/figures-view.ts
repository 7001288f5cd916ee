import type { CaseStatus, CaseType } from './case-type.js';

/**
 * The shapes of the figures the statistics and the dashboard answer (issue 17), apart from the
 * queries that compute them: types only (and two lists), so the console's type checker can read
 * them without the server's database code.
 */

export const GRANULARITIES = ['day', 'week', 'month'] as const;

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

/** Days, to a tenth; null when no case of the period got that far. */
export interface DurationFigures {
  cases: number;
  meanDays: number | null;
  medianDays: number | null;
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
  /** How long citizens waited, of the cases of the period (all departments in scope). */
  durations: {
    /** From opening to the first answer staff gave (a reply, the final answer or a rejection). */
    toFirstResponse: DurationFigures;
    /** From opening to the final answer, of the cases closed with one. */
    toClose: DurationFigures;
  };
  satisfaction: {
    answered: number;
    averageRating: number | null;
    byRating: Record<'1' | '2' | '3' | '4' | '5', number>;
    unsolved: number;
    reopened: number;
  };
}

/** One step of the opened/closed series: `period` is the local date its day, ISO week (Monday) or month starts on. */
export interface SeriesPoint {
  period: string;
  opened: number;
  /** Closed with a final answer in that step (of any opening date). */
  closed: number;
  /** Declared not admissible in that step. */
  noProcede: number;
}

/**
 * Deadline compliance of the cases whose term ended in the period (`due_at` inside it and not
 * after now; an extension's new date counts as the term): `onTime` got their final answer
 * (closed or declared not admissible) at or before `due_at`, `late` after it, `unanswered` none
 * yet. `share` is onTime / due as a percentage to a tenth, null when nothing was due.
 */
export interface Compliance {
  due: number;
  onTime: number;
  late: number;
  unanswered: number;
  share: number | null;
}

export const AGE_BUCKETS = ['0-7', '8-15', '16-30', '31+'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface CaseDashboard extends CaseStats {
  granularity: (typeof GRANULARITIES)[number];
  series: SeriesPoint[];
  byCategory: Array<{ categoryId: number; category: string; department: string; cases: number }>;
  /** The open cases now, whatever their opening date, by whole days since they were opened. */
  openByAge: Record<AgeBucket, number>;
  compliance: Compliance & { byDepartment: Array<{ departmentId: number; department: string } & Compliance> };
}

/** The dashboard as the API answers it: the case figures, the period in local days and the attention log's share. */
export interface Dashboard extends CaseDashboard {
  /** The period as asked, in local days of `timeZone`. */
  fromDay: string;
  toDay: string;
  timeZone: string;
  /** Null for department staff; the channel filter applies, the department and type filters cannot. */
  attention: {
    /** Every kind of the attention log (src/db/schema.ts `attention_log.kind`), counted. */
    byKind: Record<string, number>;
    procedures: Array<{ procedureId: string; procedure: string; count: number }>;
  } | null;
}
