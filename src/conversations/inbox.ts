import { and, asc, desc, eq, gt, inArray, ne, or } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { citizens, conversationEvents, conversations, messages } from '../db/schema.js';
import type { HandoffReason } from '../dialogs/conversation-status.js';

/** Conversations a person should look at: escalated ones waiting, and those a person has. */
const EMERGENCY_VISIBLE_MS = 24 * 3600_000;

export async function listInbox(ex: Executor, now = new Date()) {
  const rows = await ex
    .select({
      id: conversations.id,
      channel: conversations.channel,
      status: conversations.status,
      updatedAt: conversations.updatedAt,
      channelUserId: conversations.channelUserId,
      citizenId: conversations.citizenId,
      citizenName: citizens.name,
      citizenPhone: citizens.phone,
      citizenEmail: citizens.email,
      emergencyAt: conversations.emergencyAt,
    })
    .from(conversations)
    .innerJoin(citizens, eq(citizens.id, conversations.citizenId))
    // A citizen who told of danger in the last day shows here too, even while the bot still has them.
    .where(
      or(
        inArray(conversations.status, ['waiting_agent', 'agent']),
        and(ne(conversations.status, 'closed'), gt(conversations.emergencyAt, new Date(now.getTime() - EMERGENCY_VISIBLE_MS))),
      ),
    )
    .orderBy(asc(conversations.updatedAt))
    .limit(200);
  return Promise.all(
    rows.map(async (row) => {
      const [last] = await ex
        .select({ text: messages.text })
        .from(messages)
        .where(and(eq(messages.conversationId, row.id), eq(messages.direction, 'in')))
        .orderBy(desc(messages.id))
        .limit(1);
      return { ...row, lastText: last?.text ?? '', ...(await escalationOf(ex, row.id, row.status)) };
    }),
  );
}

/**
 * Why the bot handed the conversation to a person, and since when it waits for one: the latest
 * escalation, while the conversation still waits (once taken, nobody is waiting).
 */
async function escalationOf(ex: Executor, conversationId: string, status: string) {
  const [row] = await ex
    .select({ data: conversationEvents.data, at: conversationEvents.createdAt })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.type, 'conversation.escalated')))
    .orderBy(desc(conversationEvents.id))
    .limit(1);
  // Type and data are two columns, written as a checked pair by recordConversationEvent.
  const reason = row ? (row.data as { reason: HandoffReason }).reason : null;
  return { reason, waitingSince: row && status === 'waiting_agent' ? row.at : null };
}

/** A citizen's conversations on every channel, newest first (the case page's «other conversations»). */
export function conversationsOfCitizen(ex: Executor, citizenId: number, limit = 20) {
  return ex
    .select({ id: conversations.id, channel: conversations.channel, status: conversations.status, updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(eq(conversations.citizenId, citizenId))
    .orderBy(desc(conversations.updatedAt))
    .limit(limit);
}

export async function getConversationView(ex: Executor, id: string) {
  const [conversation] = await ex
    .select({
      id: conversations.id,
      channel: conversations.channel,
      status: conversations.status,
      channelUserId: conversations.channelUserId,
      citizenId: conversations.citizenId,
      citizenName: citizens.name,
      citizenPhone: citizens.phone,
      citizenEmail: citizens.email,
    })
    .from(conversations)
    .innerJoin(citizens, eq(citizens.id, conversations.citizenId))
    .where(eq(conversations.id, id))
    .limit(1);
  if (!conversation) return null;
  const rows = await ex
    .select({ id: messages.id, direction: messages.direction, author: messages.author, text: messages.text, createdAt: messages.createdAt })
    .from(messages)
    .where(eq(messages.conversationId, id))
    .orderBy(desc(messages.id))
    .limit(500);
  // The newest 500, shown oldest first: an operator taking over needs the latest turns.
  return { ...conversation, ...(await escalationOf(ex, id, conversation.status)), messages: rows.reverse() };
}
