import { and, eq, notInArray, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client.js';
import { cases, categories, departments, followUpMarks } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import { FINAL_STATUSES } from '../case-type.js';
import { recordCaseEvent } from '../events.js';
import { formatDueDate } from './dates.js';
import type { FollowUpDeps, Sweep } from './follow-up.js';
import { consoleCaseUrl, renderStaffMailHtml } from './mail-layout.js';
import type { EscalationPoint } from './policy.js';
import { coordinatorRecipients, departmentRecipients, type Recipient } from './recipients.js';
import { queueStaffNotice } from './notice-digest.js';
import { queueStaffMail } from './staff-mail.js';

/** The mark of a warning point: tied to the due date, so an extension (a new due date) arms the points again. */
export const deadlineMark = (percent: number, dueAt: Date) => `deadline:${percent}:${Math.floor(dueAt.getTime() / 1000)}`;

/** When a point of the term comes: `percent` of the way from opening to the due date. */
export function pointMoment(createdAt: Date, dueAt: Date, percent: number): Date {
  return new Date(createdAt.getTime() + ((dueAt.getTime() - createdAt.getTime()) * percent) / 100);
}

const BATCH = 200;

/**
 * Warns at each configured share of the term (50%, 80%, 100%…), once per point and due date,
 * and marks overdue cases `escalado`. Candidates are found in SQL, from the latest point down:
 * a case that crossed several points since the last sweep is warned only for the latest, and the
 * earlier ones are marked as passed.
 */
export const deadlineSweep: Sweep = {
  name: 'deadline warnings',
  async run(deps, now) {
    const points = [...deps.policy.escalation].sort((a, b) => b.percent - a.percent);
    for (const [index, point] of points.entries()) {
      const lower = points.slice(index + 1);
      for (;;) {
        const due = await queryRows<{ id: number }>(
          deps.db,
          sql`
          select c.id from cases c
          where c.status not in ('cerrado', 'no_procede')
            and c.cluster_parent_id is null
            and c.created_at + (c.due_at - c.created_at) * ${point.percent / 100} <= ${now.toISOString()}
            and not exists (select 1 from follow_up_marks m
                            where m.case_id = c.id and m.mark = ${`deadline:${point.percent}:`} || extract(epoch from c.due_at)::bigint)
          order by c.due_at limit ${BATCH}`,
        );
        if (due.length === 0) break;
        for (const { id } of due) await deps.db.transaction((tx) => warn(tx, deps, Number(id), point, lower, now));
        if (due.length < BATCH) break;
      }
    }
  },
};

async function warn(
  tx: Tx,
  deps: FollowUpDeps,
  caseId: number,
  point: EscalationPoint,
  lower: EscalationPoint[],
  now: Date,
): Promise<void> {
  const [current] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.id, caseId), notInArray(cases.status, [...FINAL_STATUSES])))
    .for('update')
    .limit(1);
  if (!current) return;
  const inserted = await tx
    .insert(followUpMarks)
    .values({ caseId, mark: deadlineMark(point.percent, current.dueAt), createdAt: now })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return; // another instance acted
  if (lower.length > 0) {
    await tx
      .insert(followUpMarks)
      .values(lower.map((p) => ({ caseId, mark: deadlineMark(p.percent, current.dueAt), createdAt: now })))
      .onConflictDoNothing();
  }

  const recipients: Recipient[] = [];
  if (point.notify.includes('department')) recipients.push(...(await departmentRecipients(tx, current)));
  if (point.notify.includes('coordinator')) recipients.push(...(await coordinatorRecipients(tx)));
  const seen = new Set<string>();
  const to = recipients.filter((r) => !seen.has(r.address.toLowerCase()) && seen.add(r.address.toLowerCase()));

  const overdue = now >= current.dueAt;
  const { locale } = deps;
  const [info] = await tx
    .select({ category: categories.name, department: departments.name })
    .from(categories)
    .innerJoin(departments, eq(departments.id, current.departmentId))
    .where(eq(categories.id, current.categoryId))
    .limit(1);
  const dueText = formatDueDate(current.dueAt, deps.calendar.timeZone, locale);
  const left = deps.calendar.businessDaysBetween(now, current.dueAt);
  const subject = overdue
    ? t(locale, 'follow_up.deadline.subject_overdue', { folio: current.folio, date: dueText })
    : t(locale, 'follow_up.deadline.subject', { folio: current.folio, date: dueText, percent: point.percent });
  const body = overdue
    ? t(locale, 'follow_up.deadline.body_overdue', {
        folio: current.folio,
        category: info?.category ?? '',
        department: info?.department ?? '',
        date: dueText,
      })
    : t(locale, 'follow_up.deadline.body', {
        folio: current.folio,
        category: info?.category ?? '',
        department: info?.department ?? '',
        date: dueText,
        percent: point.percent,
        days: left,
      });
  const url = consoleCaseUrl(deps.publicUrl, caseId);
  // One mail per case only for a point the policy marks urgent; the rest wait for the daily notice digest.
  const digest = !point.urgent;
  if (deps.mail.enabled) {
    for (const recipient of to) {
      const dedupKey = `${deadlineMark(point.percent, current.dueAt)}:${caseId}:${recipient.address.toLowerCase()}`;
      if (digest)
        await queueStaffNotice(
          tx,
          {
            dedupKey,
            kind: overdue ? 'overdue' : 'deadline_warning',
            caseId,
            departmentId: current.departmentId,
            to: recipient.address,
            percent: point.percent,
            dueAt: current.dueAt,
          },
          now,
        );
      else await queueDeadlineMail(tx, deps, caseId, current.departmentId, dedupKey, recipient.address, subject, body, url);
    }
  }
  await recordCaseEvent(
    tx,
    caseId,
    'follow_up.deadline_warning',
    { kind: 'system' },
    {
      percent: point.percent,
      dueAt: current.dueAt.toISOString(),
      overdue,
      to: to.map((r) => r.address),
      mailed: deps.mail.enabled,
      digest,
    },
    now,
  );
  if (point.escalate && overdue && current.status !== 'escalado') {
    await tx.update(cases).set({ status: 'escalado', updatedAt: now }).where(eq(cases.id, caseId));
    await recordCaseEvent(
      tx,
      caseId,
      'case.escalated',
      { kind: 'system' },
      { from: current.status, reason: 'overdue', dueAt: current.dueAt.toISOString() },
      now,
    );
  }
}

async function queueDeadlineMail(
  tx: Tx,
  deps: FollowUpDeps,
  caseId: number,
  departmentId: number,
  dedupKey: string,
  to: string,
  subject: string,
  body: string,
  url: string,
) {
  await queueStaffMail(
    tx,
    {
      dedupKey,
      kind: 'deadline_warning',
      caseId,
      departmentId,
      to,
      subject,
      text: `${body}\n\n${url}`,
      html: renderStaffMailHtml(
        subject,
        deps.municipalityName,
        [{ paragraphs: [body] }, { action: { label: t(deps.locale, 'follow_up.mail.open_case'), href: url } }],
        t(deps.locale, 'follow_up.mail.footer', { municipality: deps.municipalityName }),
      ),
    },
    deps.mail.fromDomain,
  );
}
