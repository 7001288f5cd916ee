import { desc, eq } from 'drizzle-orm';
import { recordCaseEvent } from '../cases/events.js';
import type { Db } from '../db/client.js';
import { cases, messages } from '../db/schema.js';

/**
 * A message the outbox gave up on is marked failed and, when it belongs to a case, shows on the
 * case as a `delivery.failed` event, so staff see that the citizen never got it.
 */
export async function recordDeliveryFailure(db: Db, messageId: number, error: string, at: Date = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [message] = await tx
      .update(messages)
      .set({ deliveryStatus: 'failed', deliveryStatusAt: at, deliveryError: error.slice(0, 1000) })
      .where(eq(messages.id, messageId))
      .returning({ id: messages.id, caseId: messages.caseId, channel: messages.channel, conversationId: messages.conversationId });
    if (!message) return;
    const caseId =
      message.caseId ?? (await tx.select({ id: cases.id }).from(cases).where(eq(cases.conversationId, message.conversationId)).orderBy(desc(cases.id)).limit(1))[0]?.id;
    if (caseId) await recordCaseEvent(tx, caseId, 'delivery.failed', { kind: 'system' }, { messageId, channel: message.channel, error: error.slice(0, 500) });
  });
}
