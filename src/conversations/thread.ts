import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { cases, messages } from '../db/schema.js';
import type { MessagePayload } from '../messages/stored.js';

/** Where an outbound message stands in its conversation: what a channel needs to thread it (email's In-Reply-To, the folio in the subject). */
export interface ReplyThread {
  /** The citizen's message it answers (the one that produced it, else their latest), with what its channel stored. */
  answered: { payload: MessagePayload } | undefined;
  /** The folio of the message's case, else of the conversation's latest case. */
  folio: string | undefined;
}

export async function loadReplyThread(ex: Executor, messageId: number): Promise<ReplyThread> {
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
  const caseRow = message.caseId
    ? await ex.select({ folio: cases.folio }).from(cases).where(eq(cases.id, message.caseId)).limit(1)
    : await ex
        .select({ folio: cases.folio })
        .from(cases)
        .where(eq(cases.conversationId, message.conversationId))
        .orderBy(desc(cases.id))
        .limit(1);
  return { answered: answered ? { payload: answered.payload ?? {} } : undefined, folio: caseRow[0]?.folio };
}
