import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { messages } from '../db/schema.js';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/**
 * Which earlier status each report may replace. Platforms report out of order (a late
 * "delivered" after "read"), so a status never moves backwards; "failed" only replaces a
 * message not yet known to have arrived.
 */
const REPLACES: Record<DeliveryStatus, ReadonlyArray<DeliveryStatus>> = {
  sent: [],
  delivered: ['sent', 'failed'],
  read: ['sent', 'delivered', 'failed'],
  failed: ['sent'],
};

export interface DeliveryStatusReport {
  channel: string;
  /** The platform's id of the outbound message (what the sender returned as `externalId`). */
  externalId: string;
  status: DeliveryStatus;
  at: Date;
  error?: string | undefined;
}

/** Records what the platform reports about an outbound message; returns whether a message changed. */
export async function recordDeliveryStatus(ex: Executor, report: DeliveryStatusReport): Promise<boolean> {
  const earlier = REPLACES[report.status];
  const updated = await ex
    .update(messages)
    .set({
      deliveryStatus: report.status,
      deliveryStatusAt: report.at,
      deliveryError: report.status === 'failed' ? (report.error ?? 'failed').slice(0, 1000) : null,
    })
    .where(
      and(
        eq(messages.channel, report.channel),
        eq(messages.externalId, report.externalId),
        eq(messages.direction, 'out'),
        earlier.length > 0 ? or(isNull(messages.deliveryStatus), inArray(messages.deliveryStatus, [...earlier])) : isNull(messages.deliveryStatus),
      ),
    )
    .returning({ id: messages.id });
  return updated.length > 0;
}

/** Records why a message could not be sent at all (e.g. outside WhatsApp's window with no template). */
export async function recordDeliveryError(ex: Executor, messageId: number, error: string, at: Date): Promise<void> {
  await ex.update(messages).set({ deliveryStatus: 'failed', deliveryStatusAt: at, deliveryError: error.slice(0, 1000) }).where(eq(messages.id, messageId));
}
