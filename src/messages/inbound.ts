import { z } from 'zod';
import { storableString } from './storable-text.js';

/** Every channel Ventanilla knows. Staff-entered channels (phone, in person…) arrive with the console. */
export const CHANNELS = ['web', 'telegram', 'whatsapp', 'email', 'sms', 'telefono', 'presencial', 'visita', 'redes', 'open311'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;
const channels: ReadonlySet<string> = new Set(CHANNELS);
export const isChannel = (value: string): value is Channel => channels.has(value);

/** Channels where the citizen did not write to us: staff type the case in for them. */
export const OFFLINE_CHANNELS = ['telefono', 'presencial', 'visita', 'redes'] as const satisfies readonly Channel[];
export type OfflineChannel = (typeof OFFLINE_CHANNELS)[number];
const offlineChannels: ReadonlySet<Channel> = new Set(OFFLINE_CHANNELS);
export const isOfflineChannel = (channel: Channel): channel is OfflineChannel => offlineChannels.has(channel);
/** Cases from these have no conversation of their own: the citizen is told through the contact they left. */
const contactOnly: ReadonlySet<Channel> = new Set([...OFFLINE_CHANNELS, 'open311']);
export const reachedThroughContact = (channel: Channel): boolean => contactOnly.has(channel);

export const MAX_TEXT_LENGTH = 4000;

export const ATTACHMENT_KINDS = ['photo', 'document', 'audio', 'video', 'other'] as const;

export const Attachment = z.object({
  kind: z.enum(ATTACHMENT_KINDS),
  contentType: storableString().min(1).max(200),
  filename: storableString().max(255).optional(),
  /** Raw bytes; adapters download platform media before handing the message on. */
  data: z.instanceof(Uint8Array),
});
export type Attachment = z.infer<typeof Attachment>;

export const Location = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  /** A venue name or a street address when the platform provides one. */
  label: storableString().max(500).optional(),
});
export type Location = z.infer<typeof Location>;

export const Contact = z.object({
  name: storableString().max(200).optional(),
  phone: storableString().max(40).optional(),
  email: storableString().max(254).optional(),
});
export type Contact = z.infer<typeof Contact>;

/**
 * The one shape every channel adapter produces. `externalId` is the platform's id for the
 * delivery (Telegram update id, WhatsApp message id, Message-ID, web client id): unique per
 * channel, so a retried delivery is recognized and stored once.
 */
export const InboundMessage = z.object({
  channel: Channel,
  channelUserId: storableString().min(1).max(200),
  /** Identifies the conversation within the channel (chat id, thread, web conversation id). */
  conversationKey: storableString().min(1).max(200),
  externalId: storableString().min(1).max(300),
  text: storableString().max(MAX_TEXT_LENGTH).default(''),
  attachments: z.array(Attachment).max(10).default([]),
  location: Location.optional(),
  contact: Contact.optional(),
  /** A choice picked from a structured prompt (button id), when the channel knows it. */
  choice: storableString().max(200).optional(),
  /** The sender's phone number when the platform vouches for it (WhatsApp's sender), in E.164. */
  senderPhone: z
    .string()
    .regex(/^\+\d{6,15}$/)
    .optional(),
  /** Where the citizen came from, when the platform says (a Telegram deep-link `/start` payload). */
  referral: storableString().max(200).optional(),
  receivedAt: z.date(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;
export type InboundMessageInput = z.input<typeof InboundMessage>;
