import { and, eq, inArray, isNull, like, lt, or } from 'drizzle-orm';
import { readChannelState } from '../db/channel-state.js';
import type { Db, Executor } from '../db/client.js';
import { channelState, messages } from '../db/schema.js';
import type { DeliveryReports, DeliveryStatus, DeliveryStatusReport } from '../messages/delivery.js';
import type { Channel } from '../messages/inbound.js';

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
        earlier.length > 0
          ? or(isNull(messages.deliveryStatus), inArray(messages.deliveryStatus, [...earlier]))
          : isNull(messages.deliveryStatus),
      ),
    )
    .returning({ id: messages.id });
  return updated.length > 0;
}

/** Records why a message could not be sent at all (e.g. outside WhatsApp's window with no template). */
export async function recordDeliveryError(ex: Executor, messageId: number, error: string, at: Date): Promise<void> {
  await ex
    .update(messages)
    .set({ deliveryStatus: 'failed', deliveryStatusAt: at, deliveryError: error.slice(0, 1000) })
    .where(eq(messages.id, messageId));
}

/** Held reports older than this belong to messages Ventanilla did not send; they are dropped. */
const HOLD_MS = 3_600_000;
const heldKey = (externalId: string) => `held-status:${externalId}`;

/**
 * Records a report, or holds it when its message is not known yet: a platform may report
 * "sent" before the sender's HTTP call has returned the id. Whoever comes second applies it —
 * this side re-checks after holding, `markSent` checks after storing the id.
 */
export async function recordOrHoldDeliveryStatus(ex: Executor, report: DeliveryStatusReport, now: Date): Promise<boolean> {
  if (await recordDeliveryStatus(ex, report)) return true;
  await ex
    .delete(channelState)
    .where(
      and(
        eq(channelState.channel, report.channel),
        like(channelState.key, 'held-status:%'),
        lt(channelState.updatedAt, new Date(now.getTime() - HOLD_MS)),
      ),
    );
  const held = await readChannelState<SerializedReport[]>(ex, report.channel, heldKey(report.externalId));
  const reports = [...(held ?? []), serialize(report)];
  await ex
    .insert(channelState)
    .values({ channel: report.channel, key: heldKey(report.externalId), value: reports, updatedAt: now })
    .onConflictDoUpdate({ target: [channelState.channel, channelState.key], set: { value: reports, updatedAt: now } });
  return applyHeldDeliveryStatuses(ex, report.channel, report.externalId);
}

/**
 * Stores the platform's id on a message as soon as the sender has it, then applies any report
 * that arrived first. (The outbox worker stores the id again afterwards; that is harmless.)
 */
export async function markSent(ex: Executor, channel: Channel, messageId: number, externalId: string): Promise<void> {
  await ex.update(messages).set({ externalId }).where(eq(messages.id, messageId));
  await applyHeldDeliveryStatuses(ex, channel, externalId);
}

async function applyHeldDeliveryStatuses(ex: Executor, channel: Channel, externalId: string): Promise<boolean> {
  const held = await readChannelState<SerializedReport[]>(ex, channel, heldKey(externalId));
  if (!held) return false;
  const known = await ex
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.channel, channel), eq(messages.externalId, externalId), eq(messages.direction, 'out')))
    .limit(1);
  if (known.length === 0) return false;
  for (const report of held) await recordDeliveryStatus(ex, { ...report, at: new Date(report.at) });
  await ex.delete(channelState).where(and(eq(channelState.channel, channel), eq(channelState.key, heldKey(externalId))));
  return true;
}

type SerializedReport = Omit<DeliveryStatusReport, 'at'> & { at: string };
const serialize = (report: DeliveryStatusReport): SerializedReport => ({ ...report, at: report.at.toISOString() });

/** The channels' way to report on what they sent, on the queue's clock. */
export function createDeliveryReports(db: Db, now: () => Date): DeliveryReports {
  return {
    report: (report) => recordOrHoldDeliveryStatus(db, report, now()),
    markSent: (channel, messageId, externalId) => markSent(db, channel, messageId, externalId),
  };
}
