import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { jobs, messages, type Message } from '../db/schema.js';
import type { Channel } from '../messages/inbound.js';
import { OutboundMessage, type OutboundMessageInput } from '../messages/outbound.js';
import { enqueueJob } from '../queue/enqueue.js';

/** The queue's kind for sending one outbound message on its channel. */
export const DELIVER_JOB = 'message.deliver';

export const deliveryKey = (messageId: number) => `deliver:${messageId}`;

export interface EnqueueInput {
  conversationId: string;
  channel: Channel;
  message: OutboundMessageInput;
  inReplyTo?: number | undefined;
  caseId?: number | undefined;
}

/**
 * Writes the message and its delivery job in the caller's transaction: if the state change that
 * produced the reply commits, the reply will be sent; if it rolls back, nothing is sent. A
 * conversation's messages leave in the order they were written.
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
  await enqueueJob(tx, {
    kind: DELIVER_JOB,
    key: deliveryKey(row!.id),
    payload: { messageId: row!.id },
    orderingKey: input.conversationId,
  });
  return row!;
}

/** Replies handed back in an HTTP response (the web chat's) need no sending: their jobs are done. */
export async function markDeliveredInline(ex: Executor, messageIds: readonly number[], at: Date): Promise<void> {
  if (messageIds.length === 0) return;
  await ex
    .update(jobs)
    .set({ status: 'done', doneAt: at })
    .where(and(eq(jobs.kind, DELIVER_JOB), inArray(jobs.key, messageIds.map(deliveryKey)), eq(jobs.status, 'pending')));
}
