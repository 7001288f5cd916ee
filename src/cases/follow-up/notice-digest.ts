import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { queryRows, type Executor, type Tx } from '../../db/client.js';
import { cases, categories, departments, routingSheets, type STAFF_NOTICE_KINDS, staffNotices } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import { FINAL_STATUSES } from '../case-type.js';
import { formatDate, formatDueDate } from './dates.js';
import { nextLocalTime } from './digests.js';
import type { FollowUpDeps, Recurring } from './follow-up.js';
import { consoleCaseUrl, renderStaffMailHtml, type MailSection } from './mail-layout.js';
import { queueStaffMail } from './staff-mail.js';

export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number];

export interface StaffNoticeInput {
  /** One notice per reason and recipient: the same key twice is one line in one digest. */
  dedupKey: string;
  kind: StaffNoticeKind;
  caseId: number;
  departmentId: number;
  to: string;
  /** The routing sheet's acknowledgement link, when the recipient is the one to acknowledge it. */
  ackLink?: string | undefined;
  percent?: number | undefined;
  dueAt?: Date | undefined;
  sheetId?: number | undefined;
}

/**
 * Keeps a notice for the recipient's next daily digest, inside the caller's unit of work (the
 * decision and the notice commit together).
 */
export async function queueStaffNotice(tx: Executor, notice: StaffNoticeInput, now: Date): Promise<void> {
  await tx
    .insert(staffNotices)
    .values({
      dedupKey: notice.dedupKey.slice(0, 300),
      kind: notice.kind,
      caseId: notice.caseId,
      departmentId: notice.departmentId,
      // One inbox, however its address was typed: the digest groups by it.
      toAddress: notice.to.trim().toLowerCase(),
      percent: notice.percent ?? null,
      dueAt: notice.dueAt ?? null,
      sheetId: notice.sheetId ?? null,
      ackLink: notice.ackLink ?? null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: staffNotices.dedupKey });
}

/** The next digest moment strictly after `after`: the policy's local time, on business days unless it says every day. */
export function nextNoticeDigestRun(deps: Pick<FollowUpDeps, 'calendar' | 'policy'>, after: Date): { date: string; at: Date } {
  const { time, days } = deps.policy.noticeDigest;
  return nextLocalTime(deps.calendar, time, after, (date) => days === 'every' || deps.calendar.isBusinessDay(date));
}

export const NOTICE_DIGEST_JOB = 'follow_up.notice_digest';

/** Most pressing first: what is overdue, then what nobody acknowledged, then what is getting close. */
const SECTION_ORDER: readonly StaffNoticeKind[] = ['overdue', 'ack_escalation', 'ack_reminder', 'deadline_warning'];

/**
 * The daily notice digest (issue 18): every pending notice goes to its recipient in one mail per
 * department, listing the cases, instead of one mail per case. One transaction per run queues the
 * mails, settles their notices and finishes the job, so a second instance or a rerun after a crash
 * finds nothing left to send; a notice decided while the digest runs waits for the next one.
 */
export const noticeDigest: Recurring = {
  kind: NOTICE_DIGEST_JOB,
  next(deps, after) {
    const run = nextNoticeDigestRun(deps, after);
    return [{ key: `notice-digest:${run.date}`, runAt: run.at, payload: { date: run.date } }];
  },
  handler(deps) {
    return async (job, context) => {
      const date = String(job.payload.date);
      const { now } = context;
      // A digest run late (after a stop) takes only what was decided by its own hour: what came
      // later belongs to the next one, at the hour people expect it.
      const upTo = new Date(Math.min(job.runAt.getTime(), now.getTime()));
      let mailed = 0;
      await context.db.transaction(async (tx) => {
        const recipients = await queryRows<{ to: string; departmentId: number }>(
          tx,
          sql`select distinct ${staffNotices.toAddress} as "to", ${staffNotices.departmentId} as "departmentId"
              from ${staffNotices} where ${staffNotices.settledAt} is null and ${staffNotices.createdAt} <= ${upTo.toISOString()}
              order by 2, 1`,
        );
        for (const { to, departmentId } of recipients) {
          if (await digestFor(tx, deps, to, Number(departmentId), date, upTo, now)) mailed += 1;
        }
        await context.finish(tx);
      });
      deps.logger.info({ date, mails: mailed }, 'notice digest queued');
    };
  },
};

type NoticeLine = Awaited<ReturnType<typeof pendingNotices>>[number];

function pendingNotices(tx: Tx, to: string, departmentId: number, upTo: Date) {
  return tx
    .select({
      id: staffNotices.id,
      kind: staffNotices.kind,
      caseId: staffNotices.caseId,
      percent: staffNotices.percent,
      dueAt: staffNotices.dueAt,
      sheetId: staffNotices.sheetId,
      ackLink: staffNotices.ackLink,
      folio: cases.folio,
      status: cases.status,
      caseDueAt: cases.dueAt,
      category: categories.name,
      description: cases.description,
      department: departments.name,
      sheetSentAt: routingSheets.createdAt,
      acknowledgedAt: routingSheets.acknowledgedAt,
    })
    .from(staffNotices)
    .innerJoin(cases, eq(cases.id, staffNotices.caseId))
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, staffNotices.departmentId))
    .leftJoin(routingSheets, eq(routingSheets.id, staffNotices.sheetId))
    .where(
      and(
        eq(staffNotices.toAddress, to),
        eq(staffNotices.departmentId, departmentId),
        isNull(staffNotices.settledAt),
        lte(staffNotices.createdAt, upTo),
      ),
    )
    .orderBy(asc(cases.dueAt), asc(staffNotices.id))
    .for('update', { of: staffNotices });
}

/** Still worth telling: the case is open, its due date is the one warned about, the sheet is still unacknowledged. */
function stillDue(line: NoticeLine): boolean {
  if ((FINAL_STATUSES as readonly string[]).includes(line.status)) return false;
  if ((line.kind === 'deadline_warning' || line.kind === 'overdue') && line.dueAt && line.dueAt.getTime() !== line.caseDueAt.getTime())
    return false;
  if ((line.kind === 'ack_reminder' || line.kind === 'ack_escalation') && line.acknowledgedAt) return false;
  return true;
}

async function digestFor(
  tx: Tx,
  deps: FollowUpDeps,
  to: string,
  departmentId: number,
  date: string,
  upTo: Date,
  now: Date,
): Promise<boolean> {
  const lines = await pendingNotices(tx, to, departmentId, upTo);
  if (lines.length === 0) return false;
  const due = lines.filter(stillDue);
  const settle = async (ids: number[], outcome: 'mailed' | 'moot', staffMailId: number | null) => {
    if (ids.length > 0) await tx.update(staffNotices).set({ settledAt: now, outcome, staffMailId }).where(inArray(staffNotices.id, ids));
  };
  await settle(
    lines.filter((l) => !due.includes(l)).map((l) => l.id),
    'moot',
    null,
  );
  if (due.length === 0) return false;

  const { locale } = deps;
  const department = due[0]!.department;
  const count = (kind: StaffNoticeKind) => new Set(due.filter((l) => l.kind === kind).map((l) => l.caseId)).size;
  const counts = {
    overdue: count('overdue'),
    unacknowledged: new Set(due.filter((l) => l.kind === 'ack_reminder' || l.kind === 'ack_escalation').map((l) => l.caseId)).size,
    soon: count('deadline_warning'),
  };
  const subject = t(locale, 'follow_up.notices.subject', { department, date: formatDate(now, deps.calendar.timeZone, locale), ...counts });
  const intro = t(locale, 'follow_up.notices.intro', { department });
  const sections = SECTION_ORDER.map((kind) => ({ kind, lines: due.filter((l) => l.kind === kind) })).filter((s) => s.lines.length > 0);
  const rendered = sections.map(({ kind, lines: mine }) => renderSection(deps, kind, mine, now));
  const id = await queueStaffMail(
    tx,
    {
      // The first notice's id makes each digest its own mail: a later one the same day is not taken for a repeat.
      dedupKey: `notice-digest:${date}:${departmentId}:${to}:${Math.min(...due.map((l) => l.id))}`,
      kind: 'notice_digest',
      departmentId,
      to,
      subject,
      text: [intro, ...rendered.flatMap((s) => ['', s.text])].join('\n'),
      html: renderStaffMailHtml(
        t(locale, 'follow_up.notices.title', { department }),
        deps.municipalityName,
        [{ paragraphs: [intro] }, ...rendered.map((s) => s.section)],
        t(locale, 'follow_up.mail.footer', { municipality: deps.municipalityName }),
      ),
    },
    deps.mail.fromDomain,
  );
  await settle(
    due.map((l) => l.id),
    'mailed',
    id,
  );
  return id !== null;
}

function renderSection(deps: FollowUpDeps, kind: StaffNoticeKind, lines: NoticeLine[], now: Date): { section: MailSection; text: string } {
  const { locale } = deps;
  const zone = deps.calendar.timeZone;
  const days = (from: Date, to: Date) => Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 86_400_000));
  const col = (name: string) => t(locale, `follow_up.notices.col.${name}` as Parameters<typeof t>[1]);
  const table = (() => {
    switch (kind) {
      case 'overdue':
        return {
          header: [col('folio'), col('subject'), col('due'), col('late')],
          rows: lines.map((l) => [l.folio, subjectOf(l), formatDueDate(l.caseDueAt, zone, locale), String(days(l.caseDueAt, now))]),
        };
      case 'ack_reminder':
      case 'ack_escalation':
        return {
          header: [col('folio'), col('subject'), col('sheet_sent'), col('due')],
          rows: lines.map((l) => [
            l.folio,
            subjectOf(l),
            l.sheetSentAt ? formatDate(l.sheetSentAt, zone, locale) : '—',
            formatDueDate(l.caseDueAt, zone, locale),
          ]),
        };
      case 'deadline_warning':
        return {
          header: [col('folio'), col('subject'), col('used'), col('due'), col('left')],
          rows: lines.map((l) => [
            l.folio,
            subjectOf(l),
            `${l.percent ?? ''}%`,
            formatDueDate(l.caseDueAt, zone, locale),
            String(deps.calendar.businessDaysBetween(now, l.caseDueAt)),
          ]),
        };
    }
  })();
  const heading = t(locale, `follow_up.notices.section.${kind}`, { n: lines.length });
  const ackLabel = t(locale, 'follow_up.sheet.ack_button');
  const withAck = lines.some((l) => l.ackLink);
  return {
    section: {
      heading,
      table: {
        header: withAck ? [...table.header, ''] : table.header,
        rows: table.rows.map((cells, i) => ({
          cells,
          href: consoleCaseUrl(deps.publicUrl, lines[i]!.caseId),
          urgent: kind === 'overdue',
          action: lines[i]!.ackLink ? { label: ackLabel, href: lines[i]!.ackLink! } : undefined,
        })),
      },
    },
    text: [
      heading,
      ...table.rows.map((cells, i) => {
        const line = lines[i]!;
        const ack = line.ackLink ? `\n  ${ackLabel}: ${line.ackLink}` : '';
        return `- ${cells.join(' · ')}\n  ${consoleCaseUrl(deps.publicUrl, line.caseId)}${ack}`;
      }),
    ].join('\n'),
  };
}

/** What the case is about, short enough for a table cell: its category and the start of its description. */
function subjectOf(line: NoticeLine): string {
  const words = line.description.replace(/\s+/g, ' ').trim();
  const short = words.length > 70 ? `${words.slice(0, 69).replace(/\s+\S*$/, '')}…` : words;
  return short ? `${line.category}: ${short}` : line.category;
}
