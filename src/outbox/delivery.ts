import type { OutboundMessage } from '../messages/outbound.js';

/** One outbound message on its way to a channel, with what the channel needs to address it. */
export interface Delivery {
  outboxId: number;
  messageId: number;
  /** Stable across retries: channels that support idempotency keys use it. */
  idempotencyKey: string;
  attempt: number;
  channel: string;
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

/** Each channel's outbound adapter implements this; the worker knows nothing else about channels. */
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
