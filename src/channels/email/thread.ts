import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { cases, messages } from '../../db/schema.js';

/** What the sender needs to put an outgoing mail in the citizen's thread. */
export interface MailThread {
  /** The subject of the citizen's mail this answers, if any. */
  subject: string | undefined;
  folio: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
}

/** Stored with each inbound email (messages.payload.email) so answers can thread onto it. */
export interface StoredEmailHeaders {
  messageId?: string | undefined;
  references?: string[] | undefined;
}

/**
 * The sender's one read: the citizen's mail an outgoing message answers (the one that produced
 * it, else the latest in the conversation) and the folio of its case.
 */
export async function loadMailThread(ex: Executor, messageId: number): Promise<MailThread> {
  const [message] = await ex.select().from(messages).where(eq(messages.id, messageId)).limit(1);
  if (!message) throw new Error(`outbound message ${messageId} not found`);
  const [answered] = message.inReplyTo
    ? await ex.select().from(messages).where(eq(messages.id, message.inReplyTo)).limit(1)
    : await ex
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, message.conversationId), eq(messages.direction, 'in')))
        .orderBy(desc(messages.id))
        .limit(1);
  const payload = (answered?.payload ?? {}) as { subject?: string; email?: StoredEmailHeaders };
  const caseRow = message.caseId
    ? await ex.select({ folio: cases.folio }).from(cases).where(eq(cases.id, message.caseId)).limit(1)
    : await ex.select({ folio: cases.folio }).from(cases).where(eq(cases.conversationId, message.conversationId)).orderBy(desc(cases.id)).limit(1);
  const inReplyTo = payload.email?.messageId;
  return {
    subject: payload.subject || undefined,
    folio: caseRow[0]?.folio,
    inReplyTo,
    references: [...(payload.email?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20),
  };
}
