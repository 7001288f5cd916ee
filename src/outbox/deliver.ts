import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversations, messages } from '../db/schema.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OutboundMessage } from '../messages/outbound.js';
import { JobFailed } from '../queue/errors.js';
import type { ClaimedJob, JobKind } from '../queue/job.js';
import { recordDeliveryError } from './delivery-status.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from '../messages/delivery.js';

export interface DeliveryKindOptions {
  senders: ReadonlyMap<string, ChannelSender>;
  /** `delivery.failed` is told here when a message is given up on; the outbox knows nothing of cases. */
  events: DomainEvents;
}

/**
 * Sending one outbound message is a kind of job: deliveries to different conversations go side by
 * side, a conversation's own wait for each other (the ordering key), and a crash mid-send only
 * delays a message until its lease runs out — it is never lost.
 */
export function deliveryKind({ senders, events }: DeliveryKindOptions): JobKind {
  return {
    concurrent: true,
    leaseMs: 60_000,
    maxAttempts: 10,
    retry: { baseMs: 2_000, maxMs: 3_600_000 },
    async run(job, context) {
      const delivery = await loadDelivery(context.db, job);
      if (!delivery) {
        await context.db.transaction(context.finish);
        return;
      }
      const sender = senders.get(delivery.channel);
      if (!sender) throw new JobFailed(`no sender is configured for channel "${delivery.channel}"`);
      let externalId: string | undefined;
      try {
        externalId = (await sender.send(delivery)).externalId;
      } catch (error) {
        if (error instanceof DeliveryRefused) throw new JobFailed(error.message, { permanent: true });
        if (error instanceof DeliveryFailed) throw new JobFailed(error.message, { retryAfterMs: error.retryAfterMs });
        throw error;
      }
      await context.db.transaction(async (tx) => {
        if (externalId) await tx.update(messages).set({ externalId }).where(eq(messages.id, delivery.messageId));
        await context.finish(tx);
      });
    },
    async gaveUp(job, error, { db, now }) {
      const messageId = Number(job.payload.messageId);
      const reason = String((error as Error)?.message ?? error);
      // The message itself says it never went out, so whoever reads the conversation sees why.
      await db.transaction(async (tx) => {
        await recordDeliveryError(tx, messageId, reason, now);
        const [message] = await tx
          .select({ conversationId: messages.conversationId, caseId: messages.caseId, channel: messages.channel })
          .from(messages)
          .where(eq(messages.id, messageId));
        if (message) await events.emit(tx, 'delivery.failed', { messageId, ...message, error: reason.slice(0, 500), at: now });
      });
    },
  };
}

async function loadDelivery(db: Db, job: ClaimedJob): Promise<Delivery | undefined> {
  const messageId = Number(job.payload.messageId);
  const [row] = await db
    .select({ message: messages, conversation: conversations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(messages.id, messageId));
  if (!row) return undefined;
  const { message, conversation } = row;
  const prompt = message.payload.prompt;
  return {
    jobId: job.id,
    messageId: message.id,
    idempotencyKey: `ventanilla-${message.id}`,
    attempt: job.attempt,
    channel: message.channel,
    conversationId: conversation.id,
    conversationKey: conversation.conversationKey,
    channelUserId: conversation.channelUserId,
    message: OutboundMessage.parse({ text: message.text, author: message.author, ...(prompt ? { prompt } : {}) }),
    createdAt: message.createdAt,
    lastInboundAt: conversation.lastInboundAt,
  };
}
