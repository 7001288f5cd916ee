import { and, eq } from 'drizzle-orm';
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
