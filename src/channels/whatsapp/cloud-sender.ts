import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from '../../messages/delivery.js';
import { GRAPH_CODES, GraphApiError, GraphNetworkError, type GraphClient, type GraphMessage } from './client.js';
import { renderCloudMessages, renderTemplate, type RenderLabels } from './outbound.js';
import { templateFor, type WhatsAppTemplates } from '../../messages/templates.js';

/** WhatsApp's customer-service window: free-form messages only within 24 hours of the citizen's last message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

export function withinServiceWindow(lastInboundAt: Date | null, now: Date): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}

export interface CloudSenderOptions {
  client: GraphClient;
  templates: WhatsAppTemplates;
  labels: RenderLabels;
  now: () => Date;
  /** Told the platform's id as soon as a message is accepted, before statuses about it can be matched. */
  onSent?: (messageId: number, wamid: string) => Promise<void>;
}

/**
 * Sends one outbox message through the Cloud API. Inside the window the dialog's message goes
 * as it is (buttons, lists); outside it, the configured template carries it, or it is refused
 * with a reason the outbox keeps.
 */
export function createCloudSender({ client, templates, labels, now, onSent }: CloudSenderOptions): ChannelSender {
  async function sendAll(to: string, parts: GraphMessage[]): Promise<string> {
    let last = '';
    for (const part of parts) last = await client.sendMessage(to, part);
    return last;
  }

  async function sendAsTemplate(delivery: Delivery, reason: string): Promise<string> {
    const template = templateFor(templates, delivery.message.author);
    if (!template) {
      throw new DeliveryRefused(
        `${reason}; WhatsApp only allows a pre-approved template there and WHATSAPP_TEMPLATES has none for ${delivery.message.author === 'staff' ? '"reply" or "notice"' : '"notice"'}`,
      );
    }
    return client.sendMessage(delivery.channelUserId, renderTemplate(delivery.message, template));
  }

  async function sendOne(delivery: Delivery): Promise<string> {
    if (!withinServiceWindow(delivery.lastInboundAt, now())) {
      return sendAsTemplate(delivery, 'the citizen last wrote more than 24 hours ago');
    }
    try {
      return await sendAll(delivery.channelUserId, renderCloudMessages(delivery.message, labels));
    } catch (error) {
      // Meta's clock decides the window; when it says closed, the template still may go.
      if (error instanceof GraphApiError && error.code === GRAPH_CODES.reEngagement) {
        return sendAsTemplate(delivery, 'WhatsApp reports the 24-hour window closed (131047)');
      }
      throw error;
    }
  }

  return {
    async send(delivery) {
      let externalId: string;
      try {
        externalId = await sendOne(delivery);
      } catch (error) {
        throw classify(error);
      }
      // The message is out: a failure to note its id early must not make the outbox send it twice.
      await onSent?.(delivery.messageId, externalId).catch(() => undefined);
      return { externalId };
    },
  };
}

/** Platform refusals are final; throttling, outages and network failures are retried. */
function classify(error: unknown): Error {
  if (error instanceof DeliveryRefused || error instanceof DeliveryFailed) return error;
  if (error instanceof GraphNetworkError) return new DeliveryFailed(error.message);
  if (error instanceof GraphApiError) {
    const code = error.code ?? -1;
    const transient =
      error.httpStatus === 429 ||
      error.httpStatus >= 500 ||
      (GRAPH_CODES.throttled as readonly number[]).includes(code) ||
      (GRAPH_CODES.unavailable as readonly number[]).includes(code) ||
      (GRAPH_CODES.badToken as readonly number[]).includes(code) ||
      error.httpStatus === 401;
    return transient ? new DeliveryFailed(error.message, error.retryAfterMs) : new DeliveryRefused(error.message);
  }
  return new DeliveryFailed(String((error as Error)?.message ?? error));
}
