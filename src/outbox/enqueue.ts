import type { Executor } from '../db/client.js';
import { messages, outbox, type Message } from '../db/schema.js';
import { OutboundMessage, type OutboundMessageInput } from '../messages/outbound.js';

export interface EnqueueInput {
  conversationId: string;
  channel: string;
  message: OutboundMessageInput;
  inReplyTo?: number | undefined;
  caseId?: number | undefined;
}

/**
 * Writes the message and its delivery job in the caller's transaction: if the state change that
 * produced the reply commits, the reply will be sent; if it rolls back, nothing is sent.
 */
export async function enqueueOutbound(tx: Executor, input: EnqueueInput): Promise<Message> {
  const message = OutboundMessage.parse(input.message);
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: input.conversationId,
      direction: 'out',
      channel: input.channel,
      author: message.author,
      text: message.text,
      payload: message.prompt ? { prompt: message.prompt } : {},
      inReplyTo: input.inReplyTo ?? null,
      caseId: input.caseId ?? null,
    })
    .returning();
  await tx.insert(outbox).values({ messageId: row!.id, conversationId: input.conversationId, channel: input.channel });
  return row!;
}
