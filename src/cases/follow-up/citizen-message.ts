import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { cases, citizens, conversations, type Case } from '../../db/schema.js';
import { enqueueOutbound } from '../../outbox/enqueue.js';
import type { OutboundMessageInput } from '../../messages/outbound.js';
import { reachedThroughContact, type Channel } from '../../messages/inbound.js';
import { toE164 } from '../../messages/phone-number.js';
import type { CountryCode } from 'libphonenumber-js';
import type { PendingContactReason } from '../case-events.js';

/** What the running instance can send on, as far as the follow-up of a case needs to know. */
export interface FollowUpChannels {
  /** A sender for the 'email' channel exists (SMTP_URL and EMAIL_FROM are set). */
  email: boolean;
  /**
   * SMS can be sent (SMS_PROVIDER): the call-back rules' SMS goes out by itself; `notices` (the
   * opt-in SMS_CITIZEN_NOTICES) lets notices reach citizens who left only a phone. `region` reads
   * phones typed without "+".
   */
  sms?: { region: CountryCode; notices: boolean } | undefined;
  /** PUBLIC_URL when set: notices and final answers then link to the case's public status page (never to localhost). */
  publicUrl?: string | undefined;
}

export type FollowUp =
  | { kind: 'sent'; messageId: number; channel: Channel }
  /** Nobody can be written to: staff must call (or visit) the citizen with this message. */
  | { kind: 'pending_contact'; phone: string | null; email: string | null; reason: PendingContactReason }
  | { kind: 'none' };

const EMAIL = 'email';
const SMS = 'sms';

/**
 * Puts a message to the citizen in the outbox, inside the caller's transaction: on the case's own
 * conversation when it has one; for a case staff opened on behalf of a citizen (phone, visit…),
 * by email when the citizen left an address and email can be sent, the case then joining that
 * email conversation so later answers and the citizen's replies share its thread. Otherwise the
 * caller records that the answer must be given by phone.
 */
export async function followUpCitizen(
  tx: Tx,
  current: Case,
  content: string | OutboundMessageInput,
  channels: FollowUpChannels,
): Promise<FollowUp> {
  // Staff's words unless told otherwise; automatic notices say they are the system's (WhatsApp picks its template by it).
  const outbound: OutboundMessageInput = typeof content === 'string' ? { text: content, author: 'staff' } : { author: 'staff', ...content };
  if (current.conversationId) {
    const [conversation] = await tx
      .select({ channel: conversations.channel })
      .from(conversations)
      .where(eq(conversations.id, current.conversationId))
      .limit(1);
    if (!conversation) return { kind: 'none' };
    const message = await enqueueOutbound(tx, {
      conversationId: current.conversationId,
      channel: conversation.channel,
      caseId: current.id,
      message: outbound,
    });
    return { kind: 'sent', messageId: message.id, channel: conversation.channel };
  }
  if (!reachedThroughContact(current.channel)) return { kind: 'none' };

  const [citizen] = await tx
    .select({ phone: citizens.phone, email: citizens.email })
    .from(citizens)
    .where(eq(citizens.id, current.citizenId))
    .limit(1);
  const phone = citizen?.phone ?? null;
  const email = citizen?.email?.trim().toLowerCase() || null;
  if (!email || !channels.email) {
    // Mail is free and keeps a thread; an SMS costs per part, so it is the fallback, only when the municipality opted in, and
    // only for one-way automatic notices: staff's answers to a phone-only citizen are still given by a call, and a question
    // (the survey) waits for an answer this case's own conversation would not receive, as the case is not moved onto the SMS one.
    const notice = outbound.author === 'system' && !outbound.prompt;
    const mobile = channels.sms?.notices && notice ? toE164(phone, channels.sms.region) : null;
    if (mobile) return sendSms(tx, current, outbound, mobile);
    return { kind: 'pending_contact', phone, email, reason: email ? 'no_email_channel' : 'no_email' };
  }

  const conversationId = await emailConversationFor(tx, current, email);
  await tx.update(cases).set({ conversationId }).where(eq(cases.id, current.id));
  const message = await enqueueOutbound(tx, { conversationId, channel: EMAIL, caseId: current.id, message: outbound });
  return { kind: 'sent', messageId: message.id, channel: EMAIL };
}

/**
 * An SMS to `phone` (E.164) about the case, on that phone's one SMS conversation (the same one
 * its replies arrive in). The case is not moved onto it: a phone may be several cases' contact.
 */
export async function sendSms(tx: Tx, current: Case, content: OutboundMessageInput, phone: string): Promise<FollowUp & { kind: 'sent' }> {
  await tx
    .insert(conversations)
    .values({ channel: SMS, conversationKey: phone, channelUserId: phone, citizenId: current.citizenId, dialogState: {} })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channel, SMS), eq(conversations.conversationKey, phone)))
    .limit(1);
  const message = await enqueueOutbound(tx, { conversationId: row!.id, channel: SMS, caseId: current.id, message: content });
  return { kind: 'sent', messageId: message.id, channel: SMS };
}

/** The phone an SMS for the call-back goes to, when SMS can be sent and the number reads as one. */
export function smsNumber(phone: string | null, channels: FollowUpChannels): string | null {
  return channels.sms ? toE164(phone, channels.sms.region) : null;
}

/**
 * One email conversation per case we start by mail, keyed like the channel's own threads
 * ("address root"), the folio standing in for the thread root; the sender puts the folio in the
 * subject, so the citizen's reply is recognised as this case's.
 */
async function emailConversationFor(tx: Tx, current: Case, address: string): Promise<string> {
  const conversationKey = `${address} ${current.folio}`.slice(0, 200);
  await tx
    .insert(conversations)
    .values({ channel: EMAIL, conversationKey, channelUserId: address, citizenId: current.citizenId, dialogState: {} })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.channel, EMAIL), eq(conversations.conversationKey, conversationKey)))
    .limit(1);
  return row!.id;
}

/**
 * Cases whose answer still has to be given by phone: a pending-contact event with no
 * `case.citizen_contacted` after it. Used by the tray (as a column and a filter).
 */
export const pendingContactSql = sql<boolean>`exists (
  select 1 from case_events p
  where p.case_id = ${cases.id} and p.type = 'case.answer_pending_contact'
    and not exists (select 1 from case_events c where c.case_id = p.case_id and c.type = 'case.citizen_contacted' and c.id > p.id)
)`;
