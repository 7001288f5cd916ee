import { and, desc, eq, isNull, lte, notInArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { cases, departments, followUpMarks, routingSheets } from '../../db/schema.js';
import { catalogue, t, type Locale } from '../../i18n/index.js';
import type { Channel } from '../../messages/inbound.js';
import { FINAL_STATUSES, isFinalStatus } from '../case-type.js';
import { recordCaseEvent } from '../events.js';
import { signAcknowledgementToken } from './acknowledgement-link.js';
import { loadCaseSheet, mapLink, type CaseSheet } from './case-sheet.js';
import { formatDate, formatDateTime, formatDueDate } from './dates.js';
import { reaction, type FollowUpDeps, type Sweep } from './follow-up.js';
import { consoleCaseUrl, renderNoticeMailHtml, renderStaffMailHtml } from './mail-layout.js';
import { coordinatorRecipients } from './recipients.js';
import { renderRoutingSheetPdf } from './routing-sheet-pdf.js';
import { queueStaffNotice } from './notice-digest.js';
import { queueStaffMail } from './staff-mail.js';

const DAY_MS = 86_400_000;

/**
 * When a case reaches a department (opened there, derived or reclassified into it), the
 * department's liaison gets its routing sheet (hoja de trámite) by mail, as HTML and as a PDF,
 * with a signed link to acknowledge receipt.
 */
export const routingSheetReaction = reaction({
  name: 'routing sheet',
  on: ['case.opened', 'case.derived', 'case.reclassified'],
  async run(tx, event, current, deps, now) {
    if (event.type !== 'case.opened' && event.data.toDepartmentId === undefined) return; // a move inside the department
    if (isFinalStatus(current.status)) return;
    // A report joined to another's is worked through that one: its department hears of the parent only.
    if (current.clusterParentId !== null) return;
    const [department] = await tx.select().from(departments).where(eq(departments.id, current.departmentId)).limit(1);
    if (!department) return;
    const linkExpiresAt = new Date(now.getTime() + deps.policy.acknowledgement.linkValidDays * DAY_MS);
    const [sheet] = await tx
      .insert(routingSheets)
      .values({
        caseId: current.id,
        departmentId: department.id,
        triggerEventId: event.id,
        toAddress: department.liaisonEmail,
        linkExpiresAt,
        createdAt: now,
      })
      .onConflictDoNothing({ target: routingSheets.triggerEventId })
      .returning();
    if (!sheet) return;
    const caseSheet = (await loadCaseSheet(tx, current.id))!;
    const link = acknowledgementUrl(deps, sheet.id, linkExpiresAt);
    let mailed = false;
    if (deps.mail.enabled && department.liaisonEmail) {
      const mail = await composeRoutingSheet(deps, caseSheet, link, linkExpiresAt);
      const staffMailId = await queueStaffMail(
        tx,
        {
          dedupKey: `routing-sheet:${sheet.id}`,
          kind: 'routing_sheet',
          caseId: current.id,
          departmentId: department.id,
          to: department.liaisonEmail,
          ...mail,
        },
        deps.mail.fromDomain,
      );
      if (staffMailId) await tx.update(routingSheets).set({ staffMailId }).where(eq(routingSheets.id, sheet.id));
      mailed = staffMailId !== null;
    }
    await recordCaseEvent(
      tx,
      current.id,
      'follow_up.routing_sheet_sent',
      { kind: 'system' },
      {
        sheetId: sheet.id,
        department: department.name,
        to: department.liaisonEmail,
        mailed,
        ...(mailed ? {} : { reason: department.liaisonEmail ? 'mail_not_configured' : 'no_liaison' }),
      },
      now,
    );
  },
});

export function acknowledgementUrl(deps: Pick<FollowUpDeps, 'publicUrl' | 'linkSecret'>, sheetId: number, expiresAt: Date): string {
  return `${deps.publicUrl.replace(/\/+$/, '')}/acuse/${signAcknowledgementToken(deps.linkSecret, sheetId, expiresAt)}`;
}

/** The sheet's fields, shared by the mail, the PDF and the acknowledgement page. */
export function routingSheetRows(deps: Pick<FollowUpDeps, 'locale' | 'calendar'>, sheet: CaseSheet): Array<[string, string]> {
  const { locale } = deps;
  const zone = deps.calendar.timeZone;
  const map = mapLink(sheet);
  const where = [sheet.address, sheet.latitude !== null ? `${sheet.latitude.toFixed(6)}, ${sheet.longitude!.toFixed(6)}` : null]
    .filter(Boolean)
    .join(' · ');
  return [
    [t(locale, 'follow_up.sheet.folio'), sheet.folio],
    [t(locale, 'follow_up.sheet.type'), t(locale, `console.type.${sheet.type}`)],
    [t(locale, 'follow_up.sheet.category'), sheet.category],
    [t(locale, 'follow_up.sheet.department'), sheet.department],
    [t(locale, 'follow_up.sheet.received'), formatDateTime(sheet.createdAt, zone, locale)],
    [t(locale, 'follow_up.sheet.due'), formatDueDate(sheet.dueAt, zone, locale)],
    [t(locale, 'follow_up.sheet.channel'), channelLabel(locale, sheet.channel)],
    [t(locale, 'follow_up.sheet.citizen'), sheet.citizenName ?? t(locale, 'follow_up.sheet.anonymous')],
    [t(locale, 'follow_up.sheet.location'), where ? `${where}${map ? `\n${map}` : ''}` : t(locale, 'follow_up.sheet.no_location')],
    [
      t(locale, 'follow_up.sheet.attachments'),
      sheet.attachments.length
        ? sheet.attachments.map((a) => `${a.filename ?? a.contentType} (${Math.max(1, Math.round(a.sizeBytes / 1024))} KB)`).join('\n')
        : t(locale, 'follow_up.sheet.none'),
    ],
  ];
}

async function composeRoutingSheet(deps: FollowUpDeps, sheet: CaseSheet, link: string, expiresAt: Date) {
  const { locale } = deps;
  const rows = routingSheetRows(deps, sheet);
  const title = t(locale, 'follow_up.sheet.title');
  const expires = formatDate(expiresAt, deps.calendar.timeZone, locale);
  const intro = t(locale, 'follow_up.sheet.intro', { department: sheet.department });
  const footer = t(locale, 'follow_up.mail.footer', { municipality: deps.municipalityName });
  const pdf = await renderRoutingSheetPdf({
    municipality: deps.municipalityName,
    title,
    folio: sheet.folio,
    rows,
    requestLabel: t(locale, 'follow_up.sheet.request'),
    request: sheet.description,
    acknowledgementLabel: t(locale, 'follow_up.sheet.ack_box'),
    acknowledgementLines: [
      t(locale, 'follow_up.sheet.ack_name'),
      t(locale, 'follow_up.sheet.ack_signature'),
      t(locale, 'follow_up.sheet.ack_date'),
    ],
    footer,
  });
  const html = renderStaffMailHtml(
    `${title} ${sheet.folio}`,
    deps.municipalityName,
    [
      { paragraphs: [intro] },
      { rows },
      { heading: t(locale, 'follow_up.sheet.request'), paragraphs: [sheet.description] },
      {
        action: { label: t(locale, 'follow_up.sheet.ack_button'), href: link },
        paragraphs: [t(locale, 'follow_up.sheet.ack_note', { date: expires })],
      },
      { paragraphs: [t(locale, 'follow_up.sheet.console', { url: consoleCaseUrl(deps.publicUrl, sheet.id) })] },
    ],
    footer,
  );
  const text = [
    intro,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `${t(locale, 'follow_up.sheet.request')}:`,
    sheet.description,
    '',
    `${t(locale, 'follow_up.sheet.ack_button')}: ${link}`,
    t(locale, 'follow_up.sheet.ack_note', { date: expires }),
    '',
    t(locale, 'follow_up.sheet.console', { url: consoleCaseUrl(deps.publicUrl, sheet.id) }),
  ].join('\n');
  return {
    subject: t(locale, 'follow_up.sheet.subject', { folio: sheet.folio, category: sheet.category }),
    text,
    html,
    attachments: [{ filename: `hoja-de-tramite-${sheet.folio}.pdf`, contentType: 'application/pdf', content: pdf }],
  };
}

/**
 * Routing sheets nobody acknowledged: the liaison is reminded once after `remindAfter`, and the
 * coordinators are told after `escalateAfter` more. Only the sheet of the department that holds
 * the case now counts, and only while the case is open.
 */
export const acknowledgementSweep: Sweep = {
  name: 'acknowledgement reminders',
  async run(deps, now) {
    const { db, policy, calendar } = deps;
    // Business days are never fewer than calendar days: this bound only narrows the candidates.
    const oldest = new Date(now.getTime() - policy.acknowledgement.remindAfter.days * DAY_MS);
    const candidates = await db
      .select({ sheet: routingSheets, folio: cases.folio, caseDepartment: cases.departmentId })
      .from(routingSheets)
      .innerJoin(cases, eq(cases.id, routingSheets.caseId))
      .where(and(isNull(routingSheets.acknowledgedAt), lte(routingSheets.createdAt, oldest), notInArray(cases.status, [...FINAL_STATUSES])))
      .orderBy(routingSheets.id);
    for (const { sheet, folio, caseDepartment } of candidates) {
      if (sheet.departmentId !== caseDepartment) continue;
      const remindAt = calendar.addTerm(sheet.createdAt, policy.acknowledgement.remindAfter);
      if (now < remindAt) continue;
      await db.transaction(async (tx) => {
        const [latest] = await tx
          .select({ id: routingSheets.id })
          .from(routingSheets)
          .where(eq(routingSheets.caseId, sheet.caseId))
          .orderBy(desc(routingSheets.id))
          .limit(1);
        if (latest?.id !== sheet.id) return;
        const reminded = await markedAt(tx, sheet.caseId, `ack-reminder:${sheet.id}`);
        if (!reminded) {
          await mark(tx, sheet.caseId, `ack-reminder:${sheet.id}`, now);
          await remind(tx, deps, sheet, folio, now);
          return;
        }
        if (now < calendar.addTerm(reminded, policy.acknowledgement.escalateAfter)) return;
        if (!(await mark(tx, sheet.caseId, `ack-escalated:${sheet.id}`, now))) return;
        await escalate(tx, deps, sheet, folio, now);
      });
    }
  },
};

async function remind(tx: Tx, deps: FollowUpDeps, sheet: typeof routingSheets.$inferSelect, folio: string, now: Date) {
  const { locale } = deps;
  const link = acknowledgementUrl(deps, sheet.id, sheet.linkExpiresAt);
  const sentOn = formatDate(sheet.createdAt, deps.calendar.timeZone, locale);
  const digest = !deps.policy.acknowledgement.urgent.includes('reminder');
  if (deps.mail.enabled && sheet.toAddress && digest) {
    await queueStaffNotice(
      tx,
      {
        dedupKey: `ack-reminder:${sheet.id}`,
        kind: 'ack_reminder',
        caseId: sheet.caseId,
        departmentId: sheet.departmentId,
        to: sheet.toAddress,
        sheetId: sheet.id,
        ackLink: link,
      },
      now,
    );
  } else if (deps.mail.enabled && sheet.toAddress) {
    const title = t(locale, 'follow_up.reminder.subject', { folio });
    const body = t(locale, 'follow_up.reminder.body', { folio, date: sentOn });
    await queueStaffMail(
      tx,
      {
        dedupKey: `ack-reminder:${sheet.id}`,
        kind: 'acknowledgement_reminder',
        caseId: sheet.caseId,
        departmentId: sheet.departmentId,
        to: sheet.toAddress,
        subject: title,
        text: `${body}\n\n${t(locale, 'follow_up.sheet.ack_button')}: ${link}\n${t(locale, 'follow_up.sheet.console', { url: consoleCaseUrl(deps.publicUrl, sheet.caseId) })}`,
        html: renderNoticeMailHtml(deps, title, body, { label: t(locale, 'follow_up.sheet.ack_button'), href: link }),
      },
      deps.mail.fromDomain,
    );
  }
  await recordCaseEvent(
    tx,
    sheet.caseId,
    'follow_up.acknowledgement_reminded',
    { kind: 'system' },
    { sheetId: sheet.id, to: sheet.toAddress, mailed: deps.mail.enabled && Boolean(sheet.toAddress), digest },
    now,
  );
}

async function escalate(tx: Tx, deps: FollowUpDeps, sheet: typeof routingSheets.$inferSelect, folio: string, now: Date) {
  const { locale } = deps;
  const [department] = await tx.select({ name: departments.name }).from(departments).where(eq(departments.id, sheet.departmentId)).limit(1);
  const coordinators = await coordinatorRecipients(tx);
  const title = t(locale, 'follow_up.ack_escalation.subject', { folio, department: department?.name ?? '' });
  const body = t(locale, 'follow_up.ack_escalation.body', {
    folio,
    department: department?.name ?? '',
    date: formatDate(sheet.createdAt, deps.calendar.timeZone, locale),
    to: sheet.toAddress ?? '—',
  });
  const digest = !deps.policy.acknowledgement.urgent.includes('escalation');
  if (deps.mail.enabled) {
    for (const coordinator of coordinators) {
      if (digest) {
        await queueStaffNotice(
          tx,
          {
            dedupKey: `ack-escalated:${sheet.id}:${coordinator.address.toLowerCase()}`,
            kind: 'ack_escalation',
            caseId: sheet.caseId,
            departmentId: sheet.departmentId,
            to: coordinator.address,
            sheetId: sheet.id,
          },
          now,
        );
        continue;
      }
      await queueStaffMail(
        tx,
        {
          dedupKey: `ack-escalated:${sheet.id}:${coordinator.address}`,
          kind: 'acknowledgement_escalation',
          caseId: sheet.caseId,
          departmentId: sheet.departmentId,
          to: coordinator.address,
          subject: title,
          text: `${body}\n\n${consoleCaseUrl(deps.publicUrl, sheet.caseId)}`,
          html: renderNoticeMailHtml(deps, title, body, {
            label: t(locale, 'follow_up.mail.open_case'),
            href: consoleCaseUrl(deps.publicUrl, sheet.caseId),
          }),
        },
        deps.mail.fromDomain,
      );
    }
  }
  await recordCaseEvent(
    tx,
    sheet.caseId,
    'follow_up.acknowledgement_escalated',
    { kind: 'system' },
    { sheetId: sheet.id, to: coordinators.map((c) => c.address), digest },
    now,
  );
}

/** Records a mark; false when it was already there (another run acted). */
export async function mark(tx: Tx, caseId: number, name: string, now: Date): Promise<boolean> {
  const inserted = await tx
    .insert(followUpMarks)
    .values({ caseId, mark: name, createdAt: now })
    .onConflictDoNothing()
    .returning({ caseId: followUpMarks.caseId });
  return inserted.length > 0;
}

export async function markedAt(tx: Tx, caseId: number, name: string): Promise<Date | null> {
  const [row] = await tx
    .select({ at: followUpMarks.createdAt })
    .from(followUpMarks)
    .where(and(eq(followUpMarks.caseId, caseId), eq(followUpMarks.mark, name)))
    .limit(1);
  return row?.at ?? null;
}

/** Records the acknowledgement of a sheet; false when it had been acknowledged already. */
export async function acknowledgeRoutingSheet(tx: Tx, sheetId: number, by: string, ip: string | null, now: Date): Promise<boolean> {
  const updated = await tx
    .update(routingSheets)
    .set({ acknowledgedAt: now, acknowledgedBy: by, acknowledgedIp: ip })
    .where(and(eq(routingSheets.id, sheetId), isNull(routingSheets.acknowledgedAt)))
    .returning();
  const sheet = updated[0];
  if (!sheet) return false;
  const [department] = await tx.select({ name: departments.name }).from(departments).where(eq(departments.id, sheet.departmentId)).limit(1);
  await recordCaseEvent(
    tx,
    sheet.caseId,
    'follow_up.acknowledged',
    { kind: 'system', id: 'acuse' },
    { sheetId, by, department: department?.name ?? null, address: sheet.toAddress },
    now,
  );
  return true;
}

/** "Teléfono" rather than "telefono"; an unknown channel shows as it is stored. */
function channelLabel(locale: Locale, channel: Channel): string {
  return catalogue(locale)[`console.channel.${channel}`] ?? channel;
}
