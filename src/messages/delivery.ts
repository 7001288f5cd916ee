import type { Channel } from './inbound.js';
import type { OutboundMessage } from './outbound.js';

/** One outbound message on its way to a channel, with what the channel needs to address it. */
export interface Delivery {
  jobId: number;
  messageId: number;
  /** Stable across retries: channels that support idempotency keys use it. */
  idempotencyKey: string;
  attempt: number;
  channel: Channel;
  conversationId: string;
  conversationKey: string;
  channelUserId: string;
  message: OutboundMessage;
  createdAt: Date;
  /** When the citizen last wrote in this conversation: WhatsApp only allows free-form messages within 24 hours of it. */
  lastInboundAt: Date | null;
}

export interface DeliveryResult {
  externalId?: string | undefined;
}

/** Each channel's outbound adapter implements this; the queue's deliveries know nothing else about channels. */
export interface ChannelSender {
  send(delivery: Delivery): Promise<DeliveryResult>;
}

/** The platform said no (bad recipient, blocked bot): retrying will not help. */
export class DeliveryRefused extends Error {
  override name = 'DeliveryRefused';
}

/** The network or the platform failed for now; try again later, honouring `retryAfterMs` when given. */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What a platform last reported about an outbound message (stored in messages.delivery_status). */
export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a platform reports about an outbound message after sending it. */
export interface DeliveryStatusReport {
  channel: Channel;
  /** The platform's id of the outbound message (what the sender returned as `externalId`). */
  externalId: string;
  status: DeliveryStatus;
  at: Date;
  error?: string | undefined;
}

/** How a channel tells the pipeline what became of the messages it sent. */
export interface DeliveryReports {
  /** Records a report, or holds it until the message's platform id is known; returns whether a message changed. */
  report(report: DeliveryStatusReport): Promise<boolean>;
  /** Stores the platform's id on a message as soon as the sender has it (before `send` returns), applying held reports. */
  markSent(channel: Channel, messageId: number, externalId: string): Promise<void>;
}
