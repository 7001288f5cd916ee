import { DeliveryFailed, type ChannelSender, type Delivery } from '../../messages/delivery.js';
import type { WebChatHub } from './hub.js';

/** One message as the browser reads it, in a push or in the history. */
export interface WebMessageView {
  id: string;
  text: string;
  author: string;
  prompt?: unknown;
  createdAt: string;
}

/** The frame a browser receives for one message; the same shape the REST replies use. */
export function webMessageFrame({ id, text, author, prompt, createdAt }: WebMessageView) {
  return { type: 'message' as const, message: { id, text, author, ...(prompt ? { prompt } : {}), createdAt } };
}

export function renderWebMessage(delivery: Delivery) {
  return webMessageFrame({
    id: String(delivery.messageId),
    text: delivery.message.text,
    author: delivery.message.author,
    prompt: delivery.message.prompt,
    createdAt: delivery.createdAt.toISOString(),
  });
}

/**
 * A web message counts as delivered once it is stored and published to every instance: the one
 * holding the browser's socket pushes it, and a browser connected nowhere reads it from the
 * history when it comes back. If publishing fails the delivery fails too, and is tried again.
 */
export function createWebSender(hub: WebChatHub): ChannelSender {
  return {
    async send(delivery) {
      try {
        await hub.broadcast(delivery.conversationId, String(delivery.messageId), renderWebMessage(delivery));
      } catch (error) {
        throw new DeliveryFailed(`web chat push not published: ${(error as Error)?.message ?? String(error)}`);
      }
      return {};
    },
  };
}
