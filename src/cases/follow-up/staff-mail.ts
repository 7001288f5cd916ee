import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Mailer } from '../../messages/mail.js';
import type { Executor, Tx } from '../../db/client.js';
import { staffMails, type StaffMail } from '../../db/schema.js';
import { DeliveryRefused } from '../../messages/delivery.js';
import type { ClaimedJob, JobContext } from '../../queue/job.js';
import { enqueueJob } from '../../queue/enqueue.js';
import { recordCaseEvent } from '../events.js';

export const STAFF_MAIL_JOB = 'staff_mail.deliver';

export interface StaffMailInput {
  /** One mail per reason and recipient: queueing the same key twice sends once. */
  dedupKey: string;
  kind: string;
  caseId?: number | null | undefined;
  departmentId?: number | null | undefined;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  attachments?: Array<{ filename: string; contentType: string; content: Uint8Array }> | undefined;
}

/**
 * Queues a mail to staff inside the caller's transaction (the decision and the mail commit
 * together) and schedules its delivery. Returns the mail's id, or null when it was already queued.
 */
export async function queueStaffMail(tx: Executor, input: StaffMailInput, fromDomain: string): Promise<number | null> {
  const [row] = await tx
    .insert(staffMails)
    .values({
      dedupKey: input.dedupKey.slice(0, 300),
      kind: input.kind,
      caseId: input.caseId ?? null,
      departmentId: input.departmentId ?? null,
      toAddress: input.to,
      subject: input.subject,
      text: input.text,
      html: input.html ?? null,
      attachments: (input.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        base64: Buffer.from(a.content).toString('base64'),
      })),
      messageId: `<ventanilla-aviso-${randomUUID()}@${fromDomain}>`,
    })
    .onConflictDoNothing({ target: staffMails.dedupKey })
    .returning({ id: staffMails.id });
  if (!row) return null;
  await enqueueJob(tx, { kind: STAFF_MAIL_JOB, key: `staff-mail:${row.id}`, payload: { staffMailId: row.id } });
  return Number(row.id);
}

/**
 * Sends one queued staff mail. An attempt is counted before the SMTP call and its outcome after
 * it; an attempt with no recorded outcome means the process died in between, so the mail may
 * already have left: it is sent again with the same Message-ID (mail clients fold the two) and
 * the case history says it may have arrived twice.
 */
export function createStaffMailDelivery(mailer: Mailer | undefined) {
  return async function deliverStaffMail(job: ClaimedJob, context: JobContext): Promise<void> {
    const { db, now } = context;
    const id = Number(job.payload.staffMailId);
    const [mail] = await db.select().from(staffMails).where(eq(staffMails.id, id)).limit(1);
    if (mail?.status !== 'pending') return;
    if (!mailer) {
      await db.transaction(async (tx) => {
        await settle(tx, mail, 'failed', 'el correo no está configurado (SMTP_URL, EMAIL_FROM)');
        await context.finish(tx);
      });
      return;
    }
    const outcomeUnknown = mail.attempts > 0 && mail.lastError === null;
    await db
      .update(staffMails)
      .set({ attempts: mail.attempts + 1, lastError: null })
      .where(eq(staffMails.id, id));
    if (outcomeUnknown && mail.caseId) {
      await recordCaseEvent(
        db,
        mail.caseId,
        'follow_up.mail_resent',
        { kind: 'system' },
        {
          kind: mail.kind,
          to: mail.toAddress,
          staffMailId: id,
          note: 'posible duplicado: el envío anterior se interrumpió antes de registrarse',
        },
        now,
      );
    }
    try {
      await mailer.send({
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? undefined,
        messageId: mail.messageId,
        automatic: true,
        attachments: mail.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.base64, 'base64'),
        })),
      });
    } catch (error) {
      const message = String((error as Error).message ?? error).slice(0, 1000);
      const final = error instanceof DeliveryRefused || job.attempt >= 8;
      await db.transaction(async (tx) => {
        if (final) {
          await settle(tx, mail, 'failed', message);
          await context.finish(tx);
        } else {
          await tx.update(staffMails).set({ lastError: message }).where(eq(staffMails.id, id));
        }
      });
      if (!final) throw error;
      return;
    }
    await db.transaction(async (tx) => {
      await tx
        .update(staffMails)
        .set({ status: 'sent', sentAt: now, lastError: null })
        .where(and(eq(staffMails.id, id), eq(staffMails.status, 'pending')));
      if (mail.caseId)
        await recordCaseEvent(
          tx,
          mail.caseId,
          'follow_up.mail_sent',
          { kind: 'system' },
          { kind: mail.kind, to: mail.toAddress, subject: mail.subject, staffMailId: id },
          now,
        );
      await context.finish(tx);
    });
  };
}

async function settle(tx: Tx, mail: StaffMail, status: 'failed', error: string): Promise<void> {
  await tx.update(staffMails).set({ status, lastError: error }).where(eq(staffMails.id, mail.id));
  if (mail.caseId)
    await recordCaseEvent(
      tx,
      mail.caseId,
      'follow_up.mail_failed',
      { kind: 'system' },
      { kind: mail.kind, to: mail.toAddress, error, staffMailId: mail.id },
    );
}
