import { t, type Locale } from '../../i18n/index.js';
import type { OutboundMessage, Prompt } from '../../messages/outbound.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from '../../messages/delivery.js';
import { TelegramRefused, type TelegramClient } from './client.js';
import { INDEX_PREFIX } from './inbound.js';
import type { SendLimiter } from './rate-limit.js';

/** Telegram's limit for one message's text. */
export const MAX_MESSAGE_LENGTH = 4096;
const MAX_CALLBACK_DATA_BYTES = 64;
/** A 429 asking for at most this long is waited out in the sender; longer ones go back to the outbox. */
const RETRY_INLINE_MS = 10_000;

type InlineKeyboard = { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
type ReplyKeyboard = {
  keyboard: Array<Array<{ text: string; request_location?: boolean; request_contact?: boolean }>>;
  one_time_keyboard: true;
  resize_keyboard: true;
};
type ReplyMarkup = InlineKeyboard | ReplyKeyboard | { remove_keyboard: true };

/** One `sendMessage` call's parameters, less the chat. */
export interface SendMessageParams {
  text: string;
  reply_markup?: ReplyMarkup;
  link_preview_options: { is_disabled: true };
}

/**
 * Splits text into parts of at most `max` characters, preferring a paragraph break, then a line
 * break, then a space; a word longer than a whole part is cut. Never splits a surrogate pair.
 */
export function splitText(text: string, max = MAX_MESSAGE_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(separator, max);
      if (at > max / 4) {
        cut = at;
        break;
      }
    }
    let head: string;
    if (cut === -1) {
      let end = max;
      const code = rest.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end -= 1;
      head = rest.slice(0, end);
      rest = rest.slice(end);
    } else {
      head = rest.slice(0, cut);
      rest = rest.slice(cut).replace(/^\s+/, '');
    }
    if (head.trim()) parts.push(head.trimEnd());
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

/**
 * How a prompt looks on Telegram: options as inline buttons (their id as callback data), a
 * location or phone request as a reply-keyboard button, a skip button when the answer is optional.
 * Plain messages clear any reply keyboard left from an earlier question.
 */
export function renderMarkup(prompt: Prompt | undefined, locale: Locale): ReplyMarkup {
  if (!prompt) return { remove_keyboard: true };
  const skip = { id: 'skip', label: t(locale, 'telegram.skip') };
  if (prompt.kind === 'location' || prompt.kind === 'phone') {
    const request =
      prompt.kind === 'location'
        ? { text: t(locale, 'telegram.share_location'), request_location: true }
        : { text: t(locale, 'telegram.share_phone'), request_contact: true };
    // Other answers (the contact question's "No tengo") are keyboard buttons too: they send their label as text.
    const rows: ReplyKeyboard['keyboard'] = [[request], ...prompt.options.map((o) => [{ text: o.label }])];
    if (prompt.optional) rows.push([{ text: skip.label }]);
    return { keyboard: rows, one_time_keyboard: true, resize_keyboard: true };
  }
  const options = [...prompt.options];
  if (prompt.optional && !options.some((o) => o.id === skip.id)) options.push(skip);
  if (options.length === 0) return { remove_keyboard: true };
  const buttons = options.map((option, index) => ({
    text: option.label,
    callback_data: Buffer.byteLength(option.id) <= MAX_CALLBACK_DATA_BYTES ? option.id : `${INDEX_PREFIX}${index}`,
  }));
  // Short labels side by side (Sí / No), longer ones one per row so they are not cut.
  const sideBySide = buttons.length <= 3 && buttons.every((b) => b.text.length <= 16);
  return { inline_keyboard: sideBySide ? [buttons] : buttons.map((b) => [b]) };
}

export function renderOutbound(message: OutboundMessage, locale: Locale): SendMessageParams[] {
  const text = message.author === 'staff' ? `${t(locale, 'telegram.staff')}:\n${message.text}` : message.text;
  const parts = splitText(text);
  const markup = renderMarkup(message.prompt, locale);
  // The buttons go with the last part, under the question they answer.
  return parts.map((part, i) => ({
    text: part,
    ...(i === parts.length - 1 ? { reply_markup: markup } : {}),
    link_preview_options: { is_disabled: true },
  }));
}

/**
 * Sends outbox deliveries to Telegram within its limits. A long message goes as several parts;
 * the parts already sent are remembered, so a retry after a failure mid-way does not repeat them.
 */
export function createTelegramSender(deps: { client: TelegramClient; limiter: SendLimiter; locale: Locale }): ChannelSender {
  const { client, limiter, locale } = deps;
  const partsSent = new Map<number, number[]>();
  const remember = (messageId: number, ids: number[]) => {
    partsSent.set(messageId, ids);
    // Only messages that failed mid-way stay here; a bound keeps given-up ones from piling up.
    if (partsSent.size > 1000) partsSent.delete(partsSent.keys().next().value!);
  };

  async function sendPart(chatId: string, params: SendMessageParams): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire(chatId);
      try {
        const sent = await client.call<{ message_id: number }>('sendMessage', { chat_id: chatIdParam(chatId), ...params });
        return sent.message_id;
      } catch (error) {
        if (!(error instanceof TelegramRefused)) throw new DeliveryFailed(String((error as Error).message));
        if (error.code === 429) {
          const wait = error.retryAfterMs ?? 1000;
          limiter.pause(chatId, wait);
          // Within the limiter's patience the wait happens here; beyond it the outbox retries later.
          if (wait <= RETRY_INLINE_MS && attempt < 3) continue;
          throw new DeliveryFailed(error.message, wait);
        }
        // A wrong token is fixed by configuration; the messages wait for it.
        if (error.code === 401) throw new DeliveryFailed(error.message);
        // Blocked by the user (403), chat gone or bad request (400): retrying cannot help.
        throw new DeliveryRefused(error.message);
      }
    }
  }

  return {
    async send(delivery: Delivery) {
      const chatId = delivery.conversationKey;
      const parts = renderOutbound(delivery.message, locale);
      const done = partsSent.get(delivery.messageId) ?? [];
      try {
        for (let i = done.length; i < parts.length; i++) {
          done.push(await sendPart(chatId, parts[i]!));
          if (i < parts.length - 1) remember(delivery.messageId, done);
        }
      } catch (error) {
        if (error instanceof DeliveryRefused) partsSent.delete(delivery.messageId);
        throw error;
      }
      partsSent.delete(delivery.messageId);
      return { externalId: `${chatId}:${done.join(',')}` };
    },
  };
}

/** Chat ids are numbers on the wire; usernames (@channel) stay strings. */
export function chatIdParam(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}
