import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { conversationEvents } from '../db/schema.js';
import type { ConversationEventData, ConversationEventType } from './conversation-events.js';

/** Appends an event to a conversation, with the data its type carries (checked against conversation-events.ts). */
export async function recordConversationEvent<T extends ConversationEventType>(
  ex: Executor,
  conversationId: string,
  type: T,
  data: ConversationEventData<T>,
): Promise<void> {
  await ex.insert(conversationEvents).values({ conversationId, type, data });
}

/** The data of a conversation's latest event of `type`, if it had one. */
export async function latestConversationEvent<T extends ConversationEventType>(
  ex: Executor,
  conversationId: string,
  type: T,
): Promise<ConversationEventData<T> | undefined> {
  const [row] = await ex
    .select({ data: conversationEvents.data })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.type, type)))
    .orderBy(desc(conversationEvents.id))
    .limit(1);
  // Type and data are two columns, written as a checked pair by recordConversationEvent.
  return row?.data as ConversationEventData<T> | undefined;
}
