import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { cases, caseSurveys, departments, type Case } from '../../db/schema.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { recordCaseEvent, type CaseEventType, type RecordedCaseEvent } from '../events.js';
import { withStatusLink } from '../status-link.js';
import { followUpCitizen } from './citizen-message.js';
import { formatDueDate } from './dates.js';
import { reaction, type FollowUpDeps } from './follow-up.js';
import { consoleCaseUrl, renderNoticeMailHtml } from './mail-layout.js';
import { departmentRecipients } from './recipients.js';
import { queueStaffMail } from './staff-mail.js';

const DAY_MS = 86_400_000;

/** The options of the satisfaction question; the conversation service reads the answer by these ids. */
export const SURVEY_FIELD = 'survey';
export const SURVEY_UNSOLVED = 'survey:unsolved';

/**
 * Tells the citizen, on their own channel, what happened to their case: received by the
 * department, sent to another department, forwarded to another authority, its status changed.
 * Automatic notices that cannot be written to anyone (a phone-only case) are recorded, not
 * turned into calls: the final answer is what staff must call about.
 */
const NOTICE_EVENTS = ['case.received', 'case.derived', 'case.derived_external', 'case.status_changed'] as const;

export const citizenNotices = reaction({
  name: 'citizen notices',
  on: NOTICE_EVENTS,
  async run(tx, event, current, deps, now) {
    const text = await noticeText(tx, event, current, deps);
    if (!text) return;
    const linked = withStatusLink(text, current.folio, deps.channels.publicUrl, deps.locale);
    await notify(tx, current, deps, now, event.type, { text: linked, author: 'system' });
  },
});

async function noticeText(
  tx: Tx,
  event: RecordedCaseEvent<(typeof NOTICE_EVENTS)[number]>,
  current: Case,
  deps: FollowUpDeps,
): Promise<string | null> {
  const { locale } = deps;
  const department = async (id: number) =>
    (await tx.select({ name: departments.name }).from(departments).where(eq(departments.id, id)).limit(1))[0]?.name ?? '';
  const due = formatDueDate(current.dueAt, deps.calendar.timeZone, locale);
  const say = (key: MessageKey, vars: Record<string, string> = {}) => t(locale, key, { folio: current.folio, fecha: due, ...vars });
  switch (event.type) {
    case 'case.received':
      return say('follow_up.notice.received', { dependencia: await department(current.departmentId) });
    case 'case.derived':
      return event.data.toDepartmentId === undefined
        ? null
        : say('follow_up.notice.derived', { dependencia: await department(event.data.toDepartmentId) });
    case 'case.derived_external':
      return say('follow_up.notice.forwarded', { organismo: event.data.organism ?? '' });
    case 'case.status_changed':
      return event.data.to === 'escalado'
        ? say('follow_up.notice.escalated')
        : event.data.to === 'en_seguimiento'
          ? say('follow_up.notice.in_progress')
          : null;
  }
}

async function notify(
  tx: Tx,
  current: Case,
  deps: FollowUpDeps,
  now: Date,
  about: CaseEventType | 'survey',
  message: { text: string; author: 'system'; prompt?: { field: string; kind: 'choice'; options: Array<{ id: string; label: string }> } },
) {
  const sent = await followUpCitizen(tx, current, message, deps.channels);
  await recordCaseEvent(
    tx,
    current.id,
    'follow_up.citizen_notified',
    { kind: 'system' },
    {
      about,
      ...(sent.kind === 'sent'
        ? { channel: sent.channel, messageId: sent.messageId }
        : { channel: null, reason: sent.kind === 'pending_contact' ? sent.reason : 'no_channel' }),
    },
    now,
  );
  return sent;
}

/**
 * After the final answer, asks whether the case was solved and for a rating from 1 to 5.
 * "No se resolvió" within `policy.survey.reopenWithinDays` reopens the case (src/cases/satisfaction.ts).
 */
export const satisfactionSurvey = reaction({
  name: 'satisfaction survey',
  on: ['case.closed'],
  async run(tx, event, current, deps, now) {
    if (current.status !== 'cerrado') return;
    const { locale } = deps;
    const options = [
      ...[5, 4, 3, 2, 1].map((n) => ({ id: `survey:${n}`, label: t(locale, `follow_up.survey.rating_${n}` as MessageKey) })),
      { id: SURVEY_UNSOLVED, label: t(locale, 'follow_up.survey.unsolved') },
    ];
    const sent = await notify(tx, current, deps, now, 'survey', {
      text: t(locale, 'follow_up.survey.question', { folio: current.folio }),
      author: 'system',
      prompt: { field: SURVEY_FIELD, kind: 'choice', options },
    });
    if (sent.kind !== 'sent') return;
    await tx
      .insert(caseSurveys)
      .values({
        caseId: current.id,
        conversationId: (await conversationOf(tx, current.id)) ?? null,
        closedEventId: event.id,
        sentAt: now,
        reopenUntil: new Date(now.getTime() + deps.policy.survey.reopenWithinDays * DAY_MS),
      })
      .onConflictDoNothing();
    await recordCaseEvent(
      tx,
      current.id,
      'follow_up.survey_sent',
      { kind: 'system' },
      { channel: sent.channel, reopenWithinDays: deps.policy.survey.reopenWithinDays },
      now,
    );
  },
});

/** The conversation the case writes to now (an email case gets one when first answered). */
async function conversationOf(tx: Tx, caseId: number): Promise<string | null> {
  const [row] = await tx.select({ conversationId: cases.conversationId }).from(cases).where(eq(cases.id, caseId)).limit(1);
  return row?.conversationId ?? null;
}

/** A case the citizen reopened ("no se resolvió") goes back to its department with a mail saying so. */
export const reopenedToDepartment = reaction({
  name: 'reopened case to its department',
  on: ['case.reopened'],
  async run(tx, _event, current, deps, now) {
    const { locale } = deps;
    const recipients = await departmentRecipients(tx, current);
    const name =
      (await tx.select({ name: departments.name }).from(departments).where(eq(departments.id, current.departmentId)).limit(1))[0]?.name ??
      '';
    const subject = t(locale, 'follow_up.reopened.subject', { folio: current.folio });
    const body = t(locale, 'follow_up.reopened.body', {
      folio: current.folio,
      dependencia: name,
      fecha: formatDueDate(current.dueAt, deps.calendar.timeZone, locale),
    });
    const url = consoleCaseUrl(deps.publicUrl, current.id);
    if (deps.mail.enabled) {
      for (const r of recipients) {
        await queueStaffMail(
          tx,
          {
            dedupKey: `reopened:${current.id}:${Math.floor(now.getTime() / 1000)}:${r.address.toLowerCase()}`,
            kind: 'reopened',
            caseId: current.id,
            departmentId: current.departmentId,
            to: r.address,
            subject,
            text: `${body}\n\n${url}`,
            html: renderNoticeMailHtml(deps, subject, body, { label: t(locale, 'follow_up.mail.open_case'), href: url }),
          },
          deps.mail.fromDomain,
        );
      }
    }
  },
});
