import type { Executor } from '../db/client.js';
import { messages, type Message } from '../db/schema.js';
import type { Channel } from '../messages/inbound.js';
import { OutboundMessage, type OutboundMessageInput } from '../messages/outbound.js';
import { enqueueJobs } from '../queue/enqueue.js';

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
  const [row] = await enqueueOutboundMany(tx, input, [input.message]);
  return row!;
}

export interface OutboundBatch {
  conversationId: string;
  channel: Channel;
  inReplyTo?: number | undefined;
  caseId?: number | undefined;
  /**
   * The replies go back in the caller's own response (the web chat's HTTP answer): they are
   * stored, and no delivery job is written, so nothing can push them a second time.
   */
  deliveredInline?: boolean | undefined;
}

/** A turn's replies: one insert for the messages, one for their jobs, in the order given. */
export async function enqueueOutboundMany(
  tx: Executor,
  batch: OutboundBatch,
  replies: readonly OutboundMessageInput[],
): Promise<Message[]> {
  if (replies.length === 0) return [];
  const rows = await tx
    .insert(messages)
    .values(
      replies.map((input) => {
        const message = OutboundMessage.parse(input);
        return {
          conversationId: batch.conversationId,
          direction: 'out' as const,
          channel: batch.channel,
          author: message.author,
          text: message.text,
          payload: message.prompt ? { prompt: message.prompt } : {},
          inReplyTo: batch.inReplyTo ?? null,
          caseId: batch.caseId ?? null,
        };
      }),
    )
    .returning();
  rows.sort((a, b) => a.id - b.id);
  if (!batch.deliveredInline)
    await enqueueJobs(
      tx,
      rows.map((row) => ({
        kind: DELIVER_JOB,
        key: deliveryKey(row.id),
        payload: { messageId: row.id },
        orderingKey: batch.conversationId,
      })),
    );
  return rows;
}
