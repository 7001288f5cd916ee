import { and, asc, eq, isNull, notInArray } from 'drizzle-orm';
import { addDays, type BusinessCalendar, weekday } from '../../calendar/business-calendar.js';
import { cases, categories, departments } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import { FINAL_STATUSES } from '../case-type.js';
import { formatDate, formatDueDate } from './dates.js';
import type { FollowUpDeps, Recurring } from './follow-up.js';
import { consoleCaseUrl, renderStaffMailHtml } from './mail-layout.js';
import type { DigestSchedule } from './policy.js';
import { coordinatorRecipients } from './recipients.js';
import { queueStaffMail } from './staff-mail.js';

const WEEKDAYS = ['dom', 'lun', 'mar', 'mie', 'jue', 'vie', 'sab'] as const;
const DAY_MS = 86_400_000;

/** The first `time` (HH:MM, the municipality's clock) strictly after `after` on a day `fits` accepts. */
export function nextLocalTime(
  calendar: BusinessCalendar,
  time: string,
  after: Date,
  fits: (date: string) => boolean,
): { date: string; at: Date } {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  let date = calendar.localDate(after);
  for (let i = 0; i < 60; i += 1, date = addDays(date, 1)) {
    if (!fits(date)) continue;
    const at = calendar.atLocalTime(date, hh * 60 + mm);
    if (at > after) return { date, at };
  }
  throw new Error(`no day for a ${time} run in the 60 days after ${after.toISOString()}`);
}

/** The first run of a digest schedule strictly after `after`, on the municipality's clock. */
export function nextDigestRun(deps: Pick<FollowUpDeps, 'calendar'>, schedule: DigestSchedule, after: Date): { date: string; at: Date } {
  const wanted = WEEKDAYS.indexOf(schedule.weekday);
  return nextLocalTime(deps.calendar, schedule.time, after, (date) => {
    if (weekday(date) !== wanted) return false;
    if (schedule.every !== 'fortnightly') return true;
    const anchor = schedule.anchor ?? '2026-01-05';
    const weeks = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${anchor}T00:00:00Z`)) / (7 * DAY_MS));
    return ((weeks % 2) + 2) % 2 === 0;
  });
}

export const DIGEST_JOB = 'follow_up.digest';

/**
 * Weekly and fortnightly digests (policy.digests): each department's liaison gets one mail with
 * its open cases, overdue first, each linked to the console; a schedule with `copyCoordinators`
 * also sends the coordinators one mail covering every department.
 */
export const digests: Recurring = {
  kind: DIGEST_JOB,
  next(deps, after) {
    return deps.policy.digests.map((schedule) => {
      const run = nextDigestRun(deps, schedule, after);
      return { key: `digest:${schedule.name}:${run.date}`, runAt: run.at, payload: { name: schedule.name, date: run.date } };
    });
  },
  handler(deps) {
    return async (job, context) => {
      const schedule = deps.policy.digests.find((s) => s.name === job.payload.name);
      if (!schedule) return; // the policy changed since it was scheduled
      const now = context.now;
      const rows = await context.db
        .select({
          id: cases.id,
          folio: cases.folio,
          status: cases.status,
          dueAt: cases.dueAt,
          category: categories.name,
          departmentId: cases.departmentId,
        })
        .from(cases)
        .innerJoin(categories, eq(categories.id, cases.categoryId))
        // Reports joined to another's are worked through it: the digest lists the parent once.
        .where(and(notInArray(cases.status, [...FINAL_STATUSES]), isNull(cases.clusterParentId)))
        .orderBy(asc(cases.dueAt), asc(cases.id));
      const active = await context.db
        .select()
        .from(departments)
        .where(and(eq(departments.active, true)))
        .orderBy(asc(departments.name));
      const names = new Map(active.map((d) => [d.id, d.name]));
      const date = String(job.payload.date);
      const { locale } = deps;
      const today = formatDate(now, deps.calendar.timeZone, locale);
      const footer = t(locale, 'follow_up.mail.footer', { municipality: deps.municipalityName });
      const title = t(locale, 'follow_up.digest.title', { name: schedule.name });
      const line = (c: (typeof rows)[number], withDepartment: boolean) => {
        const overdue = c.dueAt <= now;
        const days = Math.ceil(Math.abs(c.dueAt.getTime() - now.getTime()) / DAY_MS);
        return {
          cells: [
            c.folio,
            c.category,
            ...(withDepartment ? [names.get(c.departmentId) ?? ''] : []),
            t(locale, `console.status.${c.status}`),
            formatDueDate(c.dueAt, deps.calendar.timeZone, locale),
            overdue ? t(locale, 'follow_up.digest.overdue_days', { days }) : t(locale, 'follow_up.digest.days_left', { days }),
          ],
          href: consoleCaseUrl(deps.publicUrl, c.id),
          urgent: overdue,
          overdue,
        };
      };
      // Overdue first (most overdue on top), then by due date.
      const ordered = [...rows].sort((a, b) => Number(b.dueAt <= now) - Number(a.dueAt <= now) || a.dueAt.getTime() - b.dueAt.getTime());
      const header = (withDepartment: boolean) => [
        t(locale, 'follow_up.digest.col.folio'),
        t(locale, 'follow_up.digest.col.category'),
        ...(withDepartment ? [t(locale, 'follow_up.digest.col.department')] : []),
        t(locale, 'follow_up.digest.col.status'),
        t(locale, 'follow_up.digest.col.due'),
        t(locale, 'follow_up.digest.col.left'),
      ];

      await context.db.transaction(async (tx) => {
        if (deps.mail.enabled) {
          for (const department of active) {
            if (!department.liaisonEmail) continue;
            const mine = ordered.filter((c) => c.departmentId === department.id).map((c) => line(c, false));
            const overdue = mine.filter((r) => r.overdue).length;
            const subject = t(locale, 'follow_up.digest.subject', {
              name: schedule.name,
              open: mine.length,
              overdue,
              department: department.name,
            });
            const intro = mine.length
              ? t(locale, 'follow_up.digest.intro', { department: department.name, date: today })
              : t(locale, 'follow_up.digest.empty', { department: department.name });
            await queueStaffMail(
              tx,
              {
                dedupKey: `digest:${schedule.name}:${date}:${department.id}`,
                kind: 'digest',
                departmentId: department.id,
                to: department.liaisonEmail,
                subject,
                text: [intro, '', ...mine.map((r) => `${r.cells.join(' · ')}\n  ${r.href}`)].join('\n'),
                html: renderStaffMailHtml(
                  title,
                  deps.municipalityName,
                  [{ paragraphs: [intro] }, ...(mine.length ? [{ table: { header: header(false), rows: mine } }] : [])],
                  footer,
                ),
              },
              deps.mail.fromDomain,
            );
          }
          if (schedule.copyCoordinators) {
            const all = ordered.map((c) => line(c, true));
            const overdue = all.filter((r) => r.overdue).length;
            for (const coordinator of await coordinatorRecipients(tx)) {
              await queueStaffMail(
                tx,
                {
                  dedupKey: `digest:${schedule.name}:${date}:coordinator:${coordinator.address.toLowerCase()}`,
                  kind: 'digest',
                  to: coordinator.address,
                  subject: t(locale, 'follow_up.digest.subject_all', { name: schedule.name, open: all.length, overdue }),
                  text: [
                    t(locale, 'follow_up.digest.intro_all', { date: today }),
                    '',
                    ...all.map((r) => `${r.cells.join(' · ')}\n  ${r.href}`),
                  ].join('\n'),
                  html: renderStaffMailHtml(
                    title,
                    deps.municipalityName,
                    [
                      { paragraphs: [t(locale, 'follow_up.digest.intro_all', { date: today })] },
                      { table: { header: header(true), rows: all } },
                    ],
                    footer,
                  ),
                },
                deps.mail.fromDomain,
              );
            }
          }
        }
        await context.finish(tx);
      });
      deps.logger.info({ digest: schedule.name, date, openCases: rows.length }, 'digest queued');
    };
  },
};
