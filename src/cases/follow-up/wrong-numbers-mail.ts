import { PassThrough } from 'node:stream';
import { t } from '../../i18n/index.js';
import { writeCsv } from '../../reports/tabular-export.js';
import { listWrongNumbers, wrongNumbersTable } from '../wrong-numbers.js';
import { formatDate, formatDateTime } from './dates.js';
import { nextDigestRun } from './digests.js';
import type { Recurring } from './follow-up.js';
import { consoleCaseUrl, renderStaffMailHtml } from './mail-layout.js';
import type { DigestSchedule } from './policy.js';
import { queueStaffMail } from './staff-mail.js';

export const WRONG_NUMBERS_JOB = 'follow_up.wrong_numbers';

/** Monday morning, with the week's digests: the office starts its week with the list. */
const SCHEDULE: DigestSchedule = { name: 'numeros-equivocados', every: 'weekly', weekday: 'lun', time: '08:00', copyCoordinators: false };
const WEEK_MS = 7 * 86_400_000;

async function csvBytes(table: ReturnType<typeof wrongNumbersTable>): Promise<Uint8Array> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8')));
  await writeCsv(out, table);
  return Buffer.concat(chunks);
}

/**
 * The week's wrong numbers, mailed to the communications office (COMMUNICATIONS_OFFICE_EMAIL)
 * every Monday: those marked in the seven days before the run, in the mail and as a CSV. Not
 * scheduled at all without the address; an empty week still gets its mail, so silence means
 * the mail is missing, not that the list was empty.
 */
export const wrongNumbersMail: Recurring = {
  kind: WRONG_NUMBERS_JOB,
  next(deps, after) {
    if (!deps.communicationsOffice) return [];
    const run = nextDigestRun(deps, SCHEDULE, after);
    return [{ key: `wrong-numbers:${run.date}`, runAt: run.at, payload: { date: run.date } }];
  },
  handler(deps) {
    return async (job, context) => {
      const to = deps.communicationsOffice;
      const { locale, calendar } = deps;
      const until = job.runAt;
      const since = new Date(until.getTime() - WEEK_MS);
      const rows = await listWrongNumbers(context.db, { since, until });
      const range = { from: formatDate(since, calendar.timeZone, locale), to: formatDate(until, calendar.timeZone, locale) };
      const intro = t(locale, rows.length ? 'wrong_numbers.mail.intro' : 'wrong_numbers.mail.empty', range);
      const header = (['folio', 'citizen', 'phone', 'department', 'marked_at', 'note'] as const).map((column) =>
        t(locale, `wrong_numbers.col.${column}`),
      );
      const lines = rows.map((r) => ({
        cells: [
          r.folio,
          r.citizenName ?? '',
          r.phone ?? '',
          r.department,
          formatDateTime(r.markedAt, calendar.timeZone, locale),
          r.note ?? '',
        ],
        href: consoleCaseUrl(deps.publicUrl, r.caseId),
      }));
      const date = String(job.payload.date);
      const attachment = rows.length
        ? [
            {
              filename: `numeros-equivocados-${date}.csv`,
              contentType: 'text/csv; charset=utf-8',
              content: await csvBytes(wrongNumbersTable(rows, locale, calendar.timeZone)),
            },
          ]
        : [];
      await context.db.transaction(async (tx) => {
        if (to && deps.mail.enabled) {
          const title = t(locale, 'wrong_numbers.mail.title');
          await queueStaffMail(
            tx,
            {
              dedupKey: `wrong-numbers:${date}`,
              kind: 'wrong_numbers',
              to,
              subject: t(locale, 'wrong_numbers.mail.subject', { count: rows.length }),
              text: [intro, '', ...lines.map((l) => `${l.cells.filter(Boolean).join(' · ')}\n  ${l.href}`)].join('\n'),
              html: renderStaffMailHtml(
                title,
                deps.municipalityName,
                [{ paragraphs: [intro] }, ...(lines.length ? [{ table: { header, rows: lines } }] : [])],
                t(locale, 'follow_up.mail.footer', { municipality: deps.municipalityName }),
              ),
              attachments: attachment,
            },
            deps.mail.fromDomain,
          );
        }
        await context.finish(tx);
      });
      deps.logger.info({ date, wrongNumbers: rows.length }, 'wrong-number list queued');
    };
  },
};
