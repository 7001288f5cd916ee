import { z } from 'zod';
import { MAX_TEXT_LENGTH, type Attachment, type InboundMessageInput } from '../../messages/inbound.js';
import type { DeliveryStatusReport } from '../../messages/delivery.js';

/**
 * The parts of Meta's webhook payload Ventanilla reads
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples).
 * Unknown fields pass through untouched, so Meta adding one breaks nothing.
 */
/** Seconds since 1970 as Meta writes them; twelve digits reach far past any real date and stay a valid Date. */
const UnixSeconds = z.string().regex(/^\d{1,12}$/);

const MediaRef = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

export const CloudMessage = z.object({
  from: z.string().min(1).max(40),
  id: z.string().min(1).max(300),
  timestamp: UnixSeconds,
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  image: MediaRef.optional(),
  document: MediaRef.optional(),
  audio: MediaRef.optional(),
  video: MediaRef.optional(),
  sticker: MediaRef.optional(),
  contacts: z
    .array(
      z.object({
        phones: z.array(z.object({ phone: z.string().optional() })).optional(),
        name: z.object({ formatted_name: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});
export type CloudMessage = z.infer<typeof CloudMessage>;

const CloudStatus = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: UnixSeconds,
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});
export type CloudStatus = z.infer<typeof CloudStatus>;

export const CloudWebhook = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string().optional(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z.object({
            metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
            contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
            // Read one by one (see webhookContents): one message we cannot read must not cost the others.
            messages: z.array(z.unknown()).optional(),
            statuses: z.array(z.unknown()).optional(),
          }),
        }),
      ),
    }),
  ),
});
export type CloudWebhook = z.infer<typeof CloudWebhook>;

/** Message types that carry a file to fetch from the Graph API. */
const MEDIA_KINDS = { image: 'photo', document: 'document', audio: 'audio', video: 'video', sticker: 'other' } as const;
type MediaType = keyof typeof MEDIA_KINDS;

/** Types that are not something the citizen said (a reaction, a "message deleted"): nothing to store. */
const IGNORED_TYPES = new Set(['reaction', 'system', 'ephemeral', 'request_welcome']);

export interface WebhookContents {
  messages: CloudMessage[];
  statuses: CloudStatus[];
  /** Items of the bundle that are not what Meta documents, with why: skipped, not retried. */
  unreadable: Array<{ item: 'message' | 'status'; id: unknown; issues: unknown }>;
}

/**
 * Everything one delivery carries, in order. One POST may bundle several messages and statuses,
 * across entries and changes; only the `messages` field concerns Ventanilla.
 */
export function webhookContents(payload: CloudWebhook, phoneNumberId: string): WebhookContents {
  const contents: WebhookContents = { messages: [], statuses: [], unreadable: [] };
  const read = <T>(item: 'message' | 'status', schema: z.ZodType<T>, raw: unknown): T | null => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    contents.unreadable.push({ item, id, issues: parsed.error.issues.slice(0, 3) });
    return null;
  };
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const target = change.value.metadata?.phone_number_id;
      // A business account may own several numbers; the others are not this install's.
      if (target !== undefined && target !== phoneNumberId) continue;
      for (const raw of change.value.messages ?? []) {
        const message = read('message', CloudMessage, raw);
        if (message && !IGNORED_TYPES.has(message.type)) contents.messages.push(message);
      }
      for (const raw of change.value.statuses ?? []) {
        const status = read('status', CloudStatus, raw);
        if (status) contents.statuses.push(status);
      }
    }
  }
  return contents;
}

/** A webhook body as parsed JSON → what it carries; never throws, whatever was posted. */
export function readWebhook(
  json: unknown,
  phoneNumberId: string,
): ({ understood: true } & WebhookContents) | { understood: false; issues: unknown } {
  const parsed = CloudWebhook.safeParse(json);
  if (!parsed.success) return { understood: false, issues: parsed.error.issues.slice(0, 5) };
  return { understood: true, ...webhookContents(parsed.data, phoneNumberId) };
}

/** The media a message refers to, if it is a media message. */
export function mediaOf(
  message: CloudMessage,
): { type: MediaType; id: string; mimeType: string | undefined; filename: string | undefined } | null {
  for (const type of Object.keys(MEDIA_KINDS) as MediaType[]) {
    const ref = message[type];
    if (message.type === type && ref) return { type, id: ref.id, mimeType: ref.mime_type, filename: ref.filename };
  }
  return null;
}

export interface DownloadedMedia {
  contentType: string;
  data: Uint8Array<ArrayBuffer>;
}

const MIME_TYPE = /^[\w.+-]{1,90}\/[\w.+-]{1,90}$/;

/** One Cloud API message → the normalized message, still to be validated; `media` is the file already fetched, if any. */
export function cloudMessageToInbound(message: CloudMessage, media: DownloadedMedia | null): InboundMessageInput {
  const ref = mediaOf(message);
  const attachments: Attachment[] =
    ref && media
      ? [
          {
            kind: MEDIA_KINDS[ref.type],
            // Only a well-formed type is believed; anything else is kept as plain bytes.
            contentType: MIME_TYPE.test(media.contentType) ? media.contentType : 'application/octet-stream',
            data: media.data,
            ...(ref.filename ? { filename: ref.filename.slice(0, 255) } : {}),
          },
        ]
      : [];
  const caption = message[ref?.type ?? 'image']?.caption;
  const contact = message.type === 'contacts' ? message.contacts?.[0] : undefined;
  return {
    channel: 'whatsapp',
    channelUserId: message.from,
    conversationKey: message.from,
    // WhatsApp's sender id is the number itself: the dialog does not ask for it.
    senderPhone: /^\d{6,15}$/.test(message.from) ? `+${message.from}` : undefined,
    externalId: message.id,
    text: (textOf(message) ?? caption ?? '').trim().slice(0, MAX_TEXT_LENGTH),
    attachments,
    choice: choiceOf(message),
    location: message.type === 'location' && message.location ? locationOf(message.location) : undefined,
    contact: contact ? { name: contact.name?.formatted_name?.slice(0, 200), phone: contact.phones?.[0]?.phone?.slice(0, 40) } : undefined,
    receivedAt: new Date(Number(message.timestamp) * 1000),
  };
}

function textOf(message: CloudMessage): string | undefined {
  if (message.type === 'text') return message.text?.body;
  if (message.type === 'interactive') return message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title;
  if (message.type === 'button') return message.button?.text;
  return undefined;
}

function choiceOf(message: CloudMessage): string | undefined {
  const id = message.interactive?.button_reply?.id ?? message.interactive?.list_reply?.id ?? message.button?.payload;
  return id ? id.slice(0, 200) : undefined;
}

function locationOf(location: NonNullable<CloudMessage['location']>) {
  const label = [location.name, location.address].filter(Boolean).join(', ');
  return { latitude: location.latitude, longitude: location.longitude, ...(label ? { label: label.slice(0, 500) } : {}) };
}

const KNOWN_STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/** A status notification → the report the outbox records; null for kinds Ventanilla does not track (e.g. "deleted"). */
export function cloudStatusToReport(status: CloudStatus): DeliveryStatusReport | null {
  if (!KNOWN_STATUSES.has(status.status)) return null;
  const error = status.errors?.[0];
  return {
    channel: 'whatsapp',
    externalId: status.id,
    status: status.status as DeliveryStatusReport['status'],
    at: new Date(Number(status.timestamp) * 1000),
    error: error ? [error.code, error.title, error.error_data?.details ?? error.message].filter(Boolean).join(': ') : undefined,
  };
}
