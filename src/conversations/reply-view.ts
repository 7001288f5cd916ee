import type { Message } from '../db/schema.js';
import type { Prompt } from '../messages/outbound.js';

/** An outbound message as the web chat (and any API client) sees it. */
export interface ReplyView {
  id: string;
  text: string;
  author: 'bot' | 'staff' | 'system';
  prompt?: Prompt;
  createdAt: string;
}

export interface HistoryItem extends Omit<ReplyView, 'author'> {
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'staff' | 'system';
}

export function toReplyView(message: Message): ReplyView {
  const prompt = message.payload.prompt;
  return {
    id: String(message.id),
    text: message.text,
    author: message.author as ReplyView['author'],
    ...(prompt ? { prompt } : {}),
    createdAt: message.createdAt.toISOString(),
  };
}
