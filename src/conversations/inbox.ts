import { and, asc, desc, eq, gt, inArray, ne, or } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { citizens, conversations, messages } from '../db/schema.js';
import { latestConversationEvent } from './events.js';

/** Conversations a person should look at: escalated ones waiting, and those a person has. */
const EMERGENCY_VISIBLE_MS = 24 * 3600_000;

export async function listInbox(ex: Executor, now = new Date()) {
  const rows = await ex
    .select({
      id: conversations.id,
      channel: conversations.channel,
      status: conversations.status,
      updatedAt: conversations.updatedAt,
      citizenName: citizens.name,
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
      const why = await latestConversationEvent(ex, row.id, 'conversation.escalated');
      return { ...row, lastText: last?.text ?? '', reason: why?.reason ?? '' };
    }),
  );
}

export async function getConversationView(ex: Executor, id: string) {
  const [conversation] = await ex
    .select({ id: conversations.id, channel: conversations.channel, status: conversations.status, citizenName: citizens.name })
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
  return { ...conversation, messages: rows.reverse() };
}
