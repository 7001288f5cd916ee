import { forgetContacts } from './contacts.js';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { recordAudit } from '../auth/audit.js';
import { CALLBACK_MESSAGE_JOB } from '../cases/callbacks.js';
import type { CaseEventType } from '../cases/case-events.js';
import type { Db, Tx } from '../db/client.js';
import {
  attachments,
  callbackAttempts,
  callbacks,
  importRows,
  caseEvents,
  cases,
  channelState,
  citizenIdentities,
  citizens,
  conversations,
  jobs,
  labelledExamples,
  messages,
  staffMails,
} from '../db/schema.js';
import { NotFound } from '../errors.js';
import { type Locale, t } from '../i18n/index.js';
import { DELIVER_JOB, deliveryKey } from '../outbox/enqueue.js';

/**
 * The fields of each case event that can carry a person's words or contact: free text written by
 * the citizen or by staff about them, addresses, phones, emails, delivery errors that quote an
 * address. Keyed by every event type, so a new event type does not compile until someone decides
 * what of it is personal. Everything else (folio, type, category, department, dates, status
 * changes, who on the staff did it) stays: that is the anonymised history.
 */
const PERSONAL_EVENT_FIELDS = {
  'case.opened': [],
  'case.attachment_added': [],
  'case.message_added': [],
  'case.address_added': ['address'],
  'delivery.failed': ['error'],
  'case.received': [],
  'case.derived': ['note'],
  'case.derived_external': ['note'],
  'case.reclassified': ['reason'],
  'case.note_added': ['text'],
  'case.status_changed': ['note'],
  'case.replied': ['text'],
  'case.closed': ['answer'],
  'case.rejected': ['reason'],
  'case.answer_pending_contact': ['phone', 'email', 'text'],
  'case.citizen_contacted': ['note'],
  'case.extended': ['reason'],
  'case.reopened': [],
  'case.escalated': [],
  'case.survey_answered': [],
  'follow_up.routing_sheet_sent': [],
  'follow_up.acknowledged': [],
  'follow_up.acknowledgement_reminded': [],
  'follow_up.acknowledgement_escalated': [],
  'follow_up.deadline_warning': [],
  'follow_up.citizen_notified': [],
  'follow_up.survey_sent': [],
  'follow_up.mail_sent': [],
  'follow_up.mail_failed': [],
  'follow_up.mail_resent': [],
  'callback.requested': ['reason', 'phone'],
  'callback.attempted': ['note'],
  'callback.action_taken': ['phone', 'text'],
  'case.imported': [],
  'case.filed_by_app': ['accountId'],
  'case.cluster_joined': [],
  'case.cluster_gained': [],
  'case.cluster_left': [],
  'case.cluster_lost': [],
  'callback.assigned': [],
  'callback.message_sent_by_hand': ['phone'],
} as const satisfies Record<CaseEventType, readonly string[]>;

/** Contact fields become null; words become the placeholder, so the history still reads "a note was written here". */
const CONTACT_FIELDS: ReadonlySet<string> = new Set(['phone', 'email', 'address']);

export interface ErasureRequest {
  citizenId: number;
  /** The admin who asked; null from the command line (the server's operator). */
  staffUserId: number | null;
  ip: string | null;
  /** The language of the placeholder left where words were. */
  locale: Locale;
  now: Date;
}

export interface ErasureResult {
  citizenId: number;
  erasedAt: Date;
  /** The citizen had been erased before: whatever arrived since was erased too, and no new audit line was written. */
  alreadyErased: boolean;
  cases: number;
  messages: number;
  attachments: number;
}

/**
 * Erases one citizen's personal data in one transaction: their name and contact, the phone
 * centre's registration (birth date, sex, birthplace, home address), their channel identities,
 * what they and the bot and staff wrote in their conversations, photos, the dialog's
 * memory, labelled examples taken from their words, and the personal parts of their cases and of
 * the mail, calls and jobs about those cases. The cases stay (type, category, department, dates,
 * status, folio, their event history without words), so statistics and folio lookups still work.
 * Running it again is harmless. The audit line says who erased whom and when, never what.
 */
export async function eraseCitizen(db: Db, request: ErasureRequest): Promise<ErasureResult> {
  return db.transaction(async (tx) => {
    // The row lock makes two erasures of one citizen take turns.
    const [citizen] = await tx
      .select({ id: citizens.id, erasedAt: citizens.erasedAt })
      .from(citizens)
      .where(eq(citizens.id, request.citizenId))
      .for('update');
    if (!citizen) throw new NotFound('error.citizen_not_found');
    const placeholder = t(request.locale, 'privacy.erased');

    const caseRows = await tx.select({ id: cases.id }).from(cases).where(eq(cases.citizenId, citizen.id));
    const caseIds = caseRows.map((c) => c.id);
    // Locked so a message the citizen is sending right now lands before the erasure or waits for it.
    const ownConversations = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.citizenId, citizen.id))
      .for('update');
    const conversationIds = ownConversations.map((c) => c.id);

    const messageScope = or(
      conversationIds.length > 0 ? inArray(messages.conversationId, conversationIds) : sql`false`,
      caseIds.length > 0 ? inArray(messages.caseId, caseIds) : sql`false`,
    );
    const messageRows = await tx
      .select({ id: messages.id, externalId: messages.externalId, channel: messages.channel })
      .from(messages)
      .where(messageScope);
    const messageIds = messageRows.map((m) => m.id);

    const removedAttachments = await eraseAttachments(tx, messageIds, caseIds);
    if (messageIds.length > 0) {
      await tx
        .update(messages)
        .set({ text: '', payload: {}, externalId: null, deliveryError: null })
        .where(inArray(messages.id, messageIds));
      await cancelJobs(
        tx,
        messageIds.map((id) => deliveryKey(id)),
        DELIVER_JOB,
      );
      // WhatsApp's message ids encode the phone number; status reports held for them go too.
      const held = messageRows.filter((m) => m.externalId).map((m) => `held-status:${m.externalId}`);
      if (held.length > 0) await tx.delete(channelState).where(inArray(channelState.key, held));
    }

    if (conversationIds.length > 0) {
      await tx.delete(labelledExamples).where(inArray(labelledExamples.conversationId, conversationIds));
      // Keys and user ids are phone numbers, chat ids and email addresses; the token stops working.
      await tx
        .update(conversations)
        .set({
          conversationKey: sql`'erased:' || ${conversations.id}::text`,
          channelUserId: 'erased',
          tokenHash: null,
          dialogState: {},
          status: 'closed',
          updatedAt: request.now,
        })
        .where(inArray(conversations.id, conversationIds));
    }

    if (caseIds.length > 0) await eraseCaseData(tx, caseIds, placeholder);

    await tx.delete(citizenIdentities).where(eq(citizenIdentities.citizenId, citizen.id));
    await forgetContacts(tx, citizen.id);
    await tx
      .update(citizens)
      .set({ name: null, phone: null, email: null, registration: null, updatedAt: request.now, erasedAt: citizen.erasedAt ?? request.now })
      .where(eq(citizens.id, citizen.id));
    if (!citizen.erasedAt)
      await recordAudit(tx, {
        staffUserId: request.staffUserId,
        action: 'citizen.erased',
        subjectType: 'citizen',
        subjectId: citizen.id,
        ip: request.ip,
      });
    return {
      citizenId: citizen.id,
      erasedAt: citizen.erasedAt ?? request.now,
      alreadyErased: citizen.erasedAt !== null,
      cases: caseIds.length,
      messages: messageIds.length,
      attachments: removedAttachments,
    };
  });
}

async function eraseAttachments(tx: Tx, messageIds: number[], caseIds: number[]): Promise<number> {
  if (messageIds.length === 0 && caseIds.length === 0) return 0;
  const removed = await tx
    .delete(attachments)
    .where(
      or(
        messageIds.length > 0 ? inArray(attachments.messageId, messageIds) : sql`false`,
        caseIds.length > 0 ? inArray(attachments.caseId, caseIds) : sql`false`,
      ),
    )
    .returning({ id: attachments.id });
  return removed.length;
}

/** What is about the person in their cases, and in the mail, calls and jobs those cases produced. */
async function eraseCaseData(tx: Tx, caseIds: number[], placeholder: string): Promise<void> {
  // Without a conversation nothing more can be written to the citizen: later notices find no channel.
  await tx
    .update(cases)
    .set({ description: placeholder, address: null, latitude: null, longitude: null, conversationId: null })
    .where(inArray(cases.id, caseIds));

  // Case history is append-only for everyone else; erasure is the one rewrite the law asks for.
  const events = await tx
    .select({ id: caseEvents.id, type: caseEvents.type, data: caseEvents.data })
    .from(caseEvents)
    .where(inArray(caseEvents.caseId, caseIds));
  for (const event of events) {
    const fields: readonly string[] = PERSONAL_EVENT_FIELDS[event.type] ?? [];
    const data = event.data as Record<string, unknown>;
    const personal = fields.filter((field) => typeof data[field] === 'string' && data[field] !== placeholder);
    if (personal.length === 0) continue;
    const scrubbed = { ...data };
    for (const field of personal) scrubbed[field] = CONTACT_FIELDS.has(field) ? null : placeholder;
    await tx
      .update(caseEvents)
      .set({ data: scrubbed as typeof event.data })
      .where(eq(caseEvents.id, event.id));
  }

  // Routing sheets and notices to staff carry the name, the request, the place and the photos (in the PDF too).
  await tx
    .update(staffMails)
    .set({ text: placeholder, html: null, attachments: [], lastError: null })
    .where(inArray(staffMails.caseId, caseIds));

  // A spreadsheet row still being imported keeps the words it was read from (issue 17).
  await tx.update(importRows).set({ fields: null }).where(inArray(importRows.caseId, caseIds));

  const callbackRows = await tx
    .update(callbacks)
    .set({
      phone: null,
      reason: sql`case when ${callbacks.reason} is null then null else ${placeholder} end`,
      status: sql`case when ${callbacks.status} = 'open' then 'closed' else ${callbacks.status} end`,
      nextAction: 'none',
      nextActionAt: null,
    })
    .where(inArray(callbacks.caseId, caseIds))
    .returning({ id: callbacks.id });
  if (callbackRows.length > 0) {
    const callbackIds = callbackRows.map((c) => c.id);
    await tx.update(callbackAttempts).set({ note: null }).where(inArray(callbackAttempts.callbackId, callbackIds));
    await cancelJobs(
      tx,
      callbackIds.map((id) => `callback-message:${id}`),
      CALLBACK_MESSAGE_JOB,
    );
  }
}

/** Pending jobs would write to someone who asked to be forgotten; errors of past attempts may quote their address. */
async function cancelJobs(tx: Tx, keys: string[], kind: string): Promise<void> {
  if (keys.length === 0) return;
  const pending = sql`${jobs.status} = 'pending'`;
  await tx
    .update(jobs)
    .set({
      status: sql`case when ${pending} then 'failed' else ${jobs.status} end`,
      lastError: sql`case when ${pending} then 'erased' else null end`,
      lockedUntil: null,
    })
    .where(and(eq(jobs.kind, kind), inArray(jobs.key, keys)));
}
