import { z } from 'zod';
import { InboundMessage, Location } from '../../messages/inbound.js';
import { storableString } from '../../messages/storable-text.js';

/** The JSON a browser posts for one citizen message. */
export const WebChatMessageBody = z.object({
  /** Chosen by the browser and reused on retries, so a resent message is recognized. */
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'debe ser un identificador de 8 a 100 caracteres (letras, dígitos, - o _)'),
  /** Its length is checked by the route, which answers with a message saying the limit. */
  text: storableString().optional(),
  choice: storableString().min(1).max(200).optional(),
  location: Location.omit({ label: true }).optional(),
});
export type WebChatMessageBody = z.infer<typeof WebChatMessageBody>;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic'] as const;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export function webMessageToInbound(conversationId: string, body: WebChatMessageBody, receivedAt: Date): InboundMessage {
  return InboundMessage.parse({
    channel: 'web',
    channelUserId: conversationId,
    conversationKey: conversationId,
    externalId: body.clientMessageId,
    text: body.text?.trim() ?? '',
    choice: body.choice,
    location: body.location,
    receivedAt,
  });
}

export function webPhotoToInbound(
  conversationId: string,
  clientMessageId: string,
  contentType: string,
  data: Uint8Array,
  receivedAt: Date,
): InboundMessage {
  const extension = contentType.split('/')[1] ?? 'bin';
  return InboundMessage.parse({
    channel: 'web',
    channelUserId: conversationId,
    conversationKey: conversationId,
    externalId: clientMessageId,
    text: '',
    attachments: [{ kind: 'photo', contentType, filename: `foto.${extension}`, data }],
    receivedAt,
  });
}
