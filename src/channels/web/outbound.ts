import type { ChannelSender, Delivery } from '../../messages/delivery.js';
import type { WebChatHub } from './hub.js';

/** The frame a browser receives for one message; the same shape the REST replies use. */
export function renderWebMessage(delivery: Delivery) {
  return {
    type: 'message' as const,
    message: {
      id: String(delivery.messageId),
      text: delivery.message.text,
      author: delivery.message.author,
      ...(delivery.message.prompt ? { prompt: delivery.message.prompt } : {}),
      createdAt: delivery.createdAt.toISOString(),
    },
  };
}

/**
 * A web message counts as delivered once it is stored: pushed now to any open socket, and
 * otherwise read from the history when the browser comes back.
 */
export function createWebSender(hub: WebChatHub): ChannelSender {
  return {
    async send(delivery) {
      hub.push(delivery.conversationId, renderWebMessage(delivery));
      return {};
    },
  };
}
