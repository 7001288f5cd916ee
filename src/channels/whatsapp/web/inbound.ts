import { InboundMessage, MAX_TEXT_LENGTH, type Attachment } from '../../../messages/inbound.js';
import type { DeliveryStatusReport } from '../../../messages/delivery.js';

/**
 * The fields Ventanilla reads from a whatsapp-web.js `Message` (see its index.d.ts). Declared
 * here rather than imported so the mapping stays pure and testable without the library.
 */
export interface WebMessageLike {
  id: { _serialized: string };
  from: string;
  fromMe: boolean;
  type: string;
  body: string;
  timestamp: number;
  hasMedia: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  location?: { latitude: number | string; longitude: number | string; name?: string; address?: string; description?: string } | null;
  /** Present on replies to the (deprecated) buttons and lists. */
  selectedButtonId?: string;
  selectedRowId?: string;
}

/** A whatsapp-web.js `MessageMedia`: base64 data. */
export interface WebMediaLike {
  mimetype: string;
  data: string;
  filename?: string | null;
}

const MEDIA_KINDS: Record<string, Attachment['kind']> = {
  image: 'photo',
  document: 'document',
  audio: 'audio',
  ptt: 'audio',
  video: 'video',
};

/** What a citizen can say; the rest (notifications, reactions, revoked messages, calls…) is not a message to the municipality. */
const CONVERSATIONAL = new Set([
  'chat',
  'location',
  'buttons_response',
  'list_response',
  'template_button_reply',
  'vcard',
  ...Object.keys(MEDIA_KINDS),
]);

/** Why a message is left alone, or null when it should be stored. */
export function ignoreReason(message: WebMessageLike): string | null {
  if (message.fromMe) return 'sent by this account';
  if (message.isStatus || message.from === 'status@broadcast') return 'a status update';
  if (message.broadcast) return 'a broadcast';
  if (message.from.endsWith('@g.us')) return 'a group';
  if (message.from.endsWith('@newsletter')) return 'a channel';
  if (!CONVERSATIONAL.has(message.type)) return `type ${message.type}`;
  return null;
}

/** Whether the adapter should download the message's file before mapping it. */
export function wantsMedia(message: WebMessageLike): boolean {
  return message.hasMedia && message.type in MEDIA_KINDS;
}

/**
 * The citizen's id on the channel: the phone number for ordinary chats (`5215512345678@c.us`), so
 * Cloud API and Web conversations with the same person are one; other ids (`…@lid`) stay whole.
 */
export function webUserId(chatId: string): string {
  return chatId.endsWith('@c.us') ? chatId.slice(0, -'@c.us'.length) : chatId;
}

/** The chat to send to for a stored user id (the inverse of `webUserId`). */
export function webChatId(userId: string): string {
  return userId.includes('@') ? userId : `${userId}@c.us`;
}

/** One whatsapp-web.js message → the normalized message, or null when it is not for Ventanilla. */
export function webMessageToInbound(message: WebMessageLike, media: WebMediaLike | null): InboundMessage | null {
  if (ignoreReason(message)) return null;
  const userId = webUserId(message.from);
  const kind = MEDIA_KINDS[message.type];
  const attachments: Attachment[] =
    kind && media
      ? [
          {
            kind,
            contentType: media.mimetype.split(';')[0]!.trim(),
            data: new Uint8Array(Buffer.from(media.data, 'base64')),
            ...(media.filename ? { filename: media.filename.slice(0, 255) } : {}),
          },
        ]
      : [];
  // A location's `body` is a map thumbnail in base64, and a vCard's is the card: neither is text.
  const text = message.type === 'location' || message.type === 'vcard' ? '' : message.body;
  return InboundMessage.parse({
    channel: 'whatsapp',
    channelUserId: userId,
    conversationKey: userId,
    // A "@c.us" id is the number itself (a "@lid" one is not): the dialog does not ask for it.
    senderPhone: /^\d{6,15}$/.test(userId) ? `+${userId}` : undefined,
    externalId: message.id._serialized,
    text: text.trim().slice(0, MAX_TEXT_LENGTH),
    attachments,
    choice: message.selectedButtonId ?? message.selectedRowId ?? undefined,
    location: message.type === 'location' ? locationOf(message.location) : undefined,
    contact: message.type === 'vcard' ? contactOf(message.body) : undefined,
    receivedAt: new Date(message.timestamp * 1000),
  });
}

function locationOf(location: WebMessageLike['location']) {
  if (!location) return undefined;
  const latitude = Number(location.latitude);
  const longitude = Number(location.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  const label = [location.name, location.address].filter(Boolean).join(', ') || location.description;
  return { latitude, longitude, ...(label ? { label: label.slice(0, 500) } : {}) };
}

function contactOf(vcard: string) {
  const name = /^FN:(.*)$/m.exec(vcard)?.[1]?.trim();
  const phone = /^TEL[^:]*:(.*)$/m.exec(vcard)?.[1]?.trim();
  return { ...(name ? { name: name.slice(0, 200) } : {}), ...(phone ? { phone: phone.slice(0, 40) } : {}) };
}

/** whatsapp-web.js acknowledgements (MessageAck) → delivery statuses; pending and "played" add nothing. */
export function webAckToReport(messageId: string, ack: number, at: Date): DeliveryStatusReport | null {
  const status = ack === -1 ? 'failed' : ack === 1 ? 'sent' : ack === 2 ? 'delivered' : ack === 3 || ack === 4 ? 'read' : null;
  if (!status) return null;
  return {
    channel: 'whatsapp',
    externalId: messageId,
    status,
    at,
    ...(status === 'failed' ? { error: 'WhatsApp Web reported an error (ack -1)' } : {}),
  };
}
