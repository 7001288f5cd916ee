import { createHmac } from 'node:crypto';

/**
 * Webhook bodies in Meta's documented format
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples).
 */
export const PHONE_NUMBER_ID = '106540352242922';

let sequence = 0;
export const wamid = () => `wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQUI${(++sequence).toString().padStart(6, '0')}A`;
const unix = (at: Date) => String(Math.floor(at.getTime() / 1000));

export function envelope(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export function messagesFrom(from: string, messages: Array<Record<string, unknown>>, name = 'Juan') {
  return envelope({ contacts: [{ profile: { name }, wa_id: from }], messages: messages.map((m) => ({ from, ...m })) });
}

export const text = (body: string, at: Date, id = wamid()) => ({ id, timestamp: unix(at), type: 'text', text: { body } });
export const buttonReply = (replyId: string, title: string, at: Date, id = wamid()) => ({
  id,
  timestamp: unix(at),
  type: 'interactive',
  interactive: { type: 'button_reply', button_reply: { id: replyId, title } },
});
export const listReply = (replyId: string, title: string, at: Date, id = wamid()) => ({
  id,
  timestamp: unix(at),
  type: 'interactive',
  interactive: { type: 'list_reply', list_reply: { id: replyId, title, description: '' } },
});
export const location = (latitude: number, longitude: number, at: Date, extra: { name?: string; address?: string } = {}, id = wamid()) => ({
  id,
  timestamp: unix(at),
  type: 'location',
  location: { latitude, longitude, ...extra },
});
export const image = (mediaId: string, at: Date, caption?: string, id = wamid()) => ({
  id,
  timestamp: unix(at),
  type: 'image',
  image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'c3ZnNsb2RhdGE=', ...(caption ? { caption } : {}) },
});

export function status(id: string, value: 'sent' | 'delivered' | 'read' | 'failed', at: Date, recipient: string, errors?: unknown[]) {
  return {
    id,
    status: value,
    timestamp: unix(at),
    recipient_id: recipient,
    ...(value !== 'failed'
      ? { conversation: { id: 'c1', origin: { type: 'service' } }, pricing: { billable: true, pricing_model: 'CBP', category: 'service' } }
      : {}),
    ...(errors ? { errors } : {}),
  };
}

export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
