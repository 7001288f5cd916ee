import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { followUpMarks, routingSheets } from '../db/schema.js';
import { isFinalStatus, type CaseStatus } from './case-type.js';
import { forwardingDeadline, type CaseTerms } from './deadlines.js';
import { caseHistory } from './events.js';
import { deadlineMark, pointMoment } from './follow-up/deadline-warnings.js';

/**
 * The legal clock of a case as the console shows it: the due date and its term, days left, the
 * one extension, the term to forward it to another authority, and when each automatic warning
 * and escalation happens (or happened).
 */
export async function caseDeadline(
  ex: Executor,
  terms: CaseTerms,
  c: { id: number; createdAt: Date; dueAt: Date; extendedAt: Date | null; status: CaseStatus },
  now: Date,
) {
  const { calendar, policy } = terms;
  const events = await caseHistory(ex, c.id, ['case.opened', 'case.extended', 'case.derived_external']);
  const opened = events.find((e) => e.type === 'case.opened');
  const extended = events.find((e) => e.type === 'case.extended');
  const forwarded = events.find((e) => e.type === 'case.derived_external');
  const marks = new Set(
    (await ex.select({ mark: followUpMarks.mark }).from(followUpMarks).where(eq(followUpMarks.caseId, c.id))).map((m) => m.mark),
  );
  const [sheet] = await ex.select().from(routingSheets).where(eq(routingSheets.caseId, c.id)).orderBy(desc(routingSheets.id)).limit(1);
  const open = !isFinalStatus(c.status);
  const term = opened?.data.term ?? null;
  const forwardBy = forwardingDeadline(terms, c.createdAt);
  return {
    dueAt: c.dueAt.toISOString(),
    term,
    overdue: open && now >= c.dueAt,
    daysLeft: Math.ceil((c.dueAt.getTime() - now.getTime()) / 86_400_000),
    businessDaysLeft: calendar.businessDaysBetween(now, c.dueAt),
    extension: {
      allowed: policy.extension.allowed,
      term: policy.extension.term,
      usedAt: c.extendedAt?.toISOString() ?? null,
      reason: extended?.data.reason ?? null,
      available: policy.extension.allowed && !c.extendedAt && open && now < c.dueAt,
      wouldMoveTo: calendar.addTerm(c.dueAt, policy.extension.term).toISOString(),
    },
    forwarding: {
      deadline: forwardBy.toISOString(),
      forwardedAt: forwarded?.createdAt.toISOString() ?? null,
      late: !forwarded && open && now >= forwardBy,
    },
    checkpoints: policy.escalation.map((point) => ({
      percent: point.percent,
      at: pointMoment(c.createdAt, c.dueAt, point.percent).toISOString(),
      notify: point.notify,
      escalate: point.escalate,
      /** Mailed at once; otherwise in the next notice digest. */
      urgent: point.urgent,
      done: marks.has(deadlineMark(point.percent, c.dueAt)),
    })),
    acknowledgement: sheet
      ? {
          sentAt: sheet.createdAt.toISOString(),
          to: sheet.toAddress,
          acknowledgedAt: sheet.acknowledgedAt?.toISOString() ?? null,
          acknowledgedBy: sheet.acknowledgedBy,
          remindAt: calendar.addTerm(sheet.createdAt, policy.acknowledgement.remindAfter).toISOString(),
        }
      : null,
  };
}
