import { and, eq, inArray } from 'drizzle-orm';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Db } from '../db/client.js';
import { conversations, type Conversation } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { enqueueOutbound } from '../outbox/enqueue.js';
import { recordConversationEvent } from './events.js';

/**
 * A person taking a conversation from the bot and giving it back. The status is the handoff:
 * the dialog engine stays silent while it is `agent`, so nothing else needs to know.
 */

type HandoffEvent = 'conversation.taken_over' | 'conversation.handed_back' | 'conversation.closed_by_staff';

const byStaff = (staff: StaffPrincipal) => ({ staffUserId: staff.id, by: staff.name });

/** Moves the conversation between statuses only if it is in one of `from`; otherwise 404 or 409. */
async function transition(
  db: Db,
  id: string,
  from: Conversation['status'][],
  to: Conversation['status'],
  staff: StaffPrincipal,
  type: HandoffEvent,
  now: Date,
) {
  return db.transaction(async (tx) => {
    // A conditional update is the lock: of two operators taking the same conversation, one matches.
    const [row] = await tx
      .update(conversations)
      .set({ status: to, updatedAt: now })
      .where(and(eq(conversations.id, id), inArray(conversations.status, from)))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id)).limit(1);
      throw exists ? new Conflict('error.conversation_taken') : new NotFound('error.conversation_not_found');
    }
    await recordConversationEvent(tx, id, type, byStaff(staff));
    return row;
  });
}

export const takeOverConversation = (db: Db, id: string, staff: StaffPrincipal, now: Date) =>
  transition(db, id, ['waiting_agent'], 'agent', staff, 'conversation.taken_over', now);

export const handBackConversation = (db: Db, id: string, staff: StaffPrincipal, now: Date) =>
  transition(db, id, ['agent'], 'bot', staff, 'conversation.handed_back', now);

export const closeConversation = (db: Db, id: string, staff: StaffPrincipal, now: Date) =>
  transition(db, id, ['waiting_agent', 'agent'], 'closed', staff, 'conversation.closed_by_staff', now);

/** A staff reply goes out on the conversation's own channel, only while a person has it. */
export async function replyInConversation(db: Db, id: string, staff: StaffPrincipal, text: string, now: Date) {
  return db.transaction(async (tx) => {
    const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, id)).for('update').limit(1);
    if (!conversation) throw new NotFound('error.conversation_not_found');
    if (conversation.status !== 'agent') throw new Conflict('error.conversation_taken');
    const message = await enqueueOutbound(tx, { conversationId: id, channel: conversation.channel, message: { text, author: 'staff' } });
    await tx.update(conversations).set({ updatedAt: now }).where(eq(conversations.id, id));
    await recordConversationEvent(tx, id, 'conversation.staff_replied', { messageId: message.id, ...byStaff(staff) });
    return message;
  });
}
