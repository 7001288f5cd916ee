import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { messages, type Message } from '../db/schema.js';

/** The inbound message a retried delivery duplicates: it was stored first, so it must be there. */
export async function findStoredInbound(ex: Executor, channel: string, externalId: string): Promise<Message> {
  const [row] = await ex
    .select()
    .from(messages)
    .where(and(eq(messages.channel, channel), eq(messages.externalId, externalId), eq(messages.direction, 'in')))
    .limit(1);
  if (!row) throw new Error('duplicate inbound message not found');
  return row;
}

/**
 * Stores a citizen's message once: a retried delivery (same channel and platform id) inserts
 * nothing and returns undefined, so the caller answers it with what the first delivery got.
 */
export async function insertInboundOnce(
  ex: Executor,
  row: { conversationId: string; channel: string; externalId: string; text: string; payload: Record<string, unknown>; receivedAt: Date },
): Promise<Message | undefined> {
  const [stored] = await ex
    .insert(messages)
    .values({ conversationId: row.conversationId, direction: 'in', channel: row.channel, externalId: row.externalId, author: 'citizen', text: row.text, payload: row.payload, createdAt: row.receivedAt })
    .onConflictDoNothing({ target: [messages.channel, messages.externalId], where: sql`direction = 'in'` })
    .returning();
  return stored;
}
