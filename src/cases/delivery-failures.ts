import { desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { cases } from '../db/schema.js';
import type { DomainEventMap, DomainEvents } from '../events/domain-events.js';
import type { CaseEventDataMap } from './case-events.js';
import { recordCaseEvent } from './events.js';

/**
 * A message that never reached the citizen shows on its case (or the conversation's latest case)
 * as a `delivery.failed` event, so staff see that the citizen never got it.
 */
export async function recordDeliveryFailureOnCase(tx: Tx, failure: DomainEventMap['delivery.failed']): Promise<void> {
  const caseId =
    failure.caseId ??
    (
      await tx.select({ id: cases.id }).from(cases).where(eq(cases.conversationId, failure.conversationId)).orderBy(desc(cases.id)).limit(1)
    )[0]?.id;
  if (!caseId) return;
  const data: CaseEventDataMap['delivery.failed'] =
    failure.bounceMessageId !== undefined
      ? { messageId: failure.messageId, channel: failure.channel, reason: 'bounce', bounceMessageId: failure.bounceMessageId }
      : { messageId: failure.messageId, channel: failure.channel, error: failure.error ?? '' };
  await recordCaseEvent(tx, caseId, 'delivery.failed', { kind: 'system' }, data);
}

/** What the case domain does when the rest of the pipeline tells it something. */
export function listenForCases(events: DomainEvents): DomainEvents {
  return events.on('delivery.failed', recordDeliveryFailureOnCase);
}
