import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachments, messages, type Message } from '../db/schema.js';
import type { Attachment, Channel } from '../messages/inbound.js';
import type { MessagePayload } from '../messages/stored.js';

/** The inbound message a retried delivery duplicates: it was stored first, so it must be there. */
export async function findStoredInbound(ex: Executor, conversationId: string, externalId: string): Promise<Message> {
  const [row] = await ex
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.externalId, externalId), eq(messages.direction, 'in')))
    .limit(1);
  if (!row) throw new Error('duplicate inbound message not found');
  return row;
}

export interface InboundRow {
  conversationId: string;
  channel: Channel;
  externalId: string;
  text: string;
  payload: MessagePayload;
  receivedAt: Date;
  attachments: readonly Attachment[];
}

/**
 * Stores a citizen's message and its files once: a retried delivery (same conversation and
 * platform id) inserts nothing and returns undefined, so the caller answers it with what the first got.
 */
export async function storeInboundOnce(ex: Executor, row: InboundRow): Promise<Message | undefined> {
  const [stored] = await ex
    .insert(messages)
    .values({
      conversationId: row.conversationId,
      direction: 'in',
      channel: row.channel,
      externalId: row.externalId,
      author: 'citizen',
      text: row.text,
      payload: row.payload,
      createdAt: row.receivedAt,
    })
    .onConflictDoNothing({ target: [messages.conversationId, messages.externalId], where: sql`direction = 'in'` })
    .returning();
  if (!stored) return undefined;
  if (row.attachments.length > 0)
    await ex.insert(attachments).values(
      row.attachments.map((file) => ({
        messageId: stored.id,
        kind: file.kind,
        contentType: file.contentType,
        filename: file.filename ?? null,
        sizeBytes: file.data.byteLength,
        data: file.data,
      })),
    );
  return stored;
}
