import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { CaseType, DueUnit } from './case-type.js';
import type { FollowUpPolicy, Term } from './follow-up/policy.js';

/** What a case's answer term is computed from: the policy, the calendar, and the default days. */
export interface CaseTerms {
  policy: FollowUpPolicy;
  calendar: BusinessCalendar;
  /** CASE_DUE_DAYS, used when the policy names no default. */
  defaultDueDays: number;
}

export interface TermSubject {
  type: CaseType;
  categoryCode: string;
  /** The category's own days, set in the console. */
  categoryDueDays: number | null;
  categoryDueUnit: DueUnit | null;
}

/**
 * The term that applies, most specific first: the category's days set in the console, the
 * policy's term for the category, for the type, the policy's default, CASE_DUE_DAYS.
 */
export function termFor(terms: CaseTerms, subject: TermSubject): Term & { source: 'category' | 'policy_category' | 'type' | 'default' } {
  const { deadlines } = terms.policy;
  if (subject.categoryDueDays) return { days: subject.categoryDueDays, unit: subject.categoryDueUnit ?? 'calendar', source: 'category' };
  const byCategory = deadlines.byCategory[subject.categoryCode];
  if (byCategory) return { ...byCategory, source: 'policy_category' };
  const byType = deadlines.byType[subject.type];
  if (byType) return { ...byType, source: 'type' };
  return { ...(deadlines.default ?? { days: terms.defaultDueDays, unit: 'calendar' }), source: 'default' };
}

export function dueDateFor(terms: CaseTerms, subject: TermSubject, start: Date): { dueAt: Date; term: Term } {
  const term = termFor(terms, subject);
  return { dueAt: terms.calendar.addTerm(start, term), term: { days: term.days, unit: term.unit } };
}

/** The last moment a request that belongs to another authority may be forwarded. */
export function forwardingDeadline(terms: CaseTerms, openedAt: Date): Date {
  return terms.calendar.addTerm(openedAt, terms.policy.forwarding);
}
