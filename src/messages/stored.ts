import type { Contact, Location } from './inbound.js';
import { OUTBOUND_AUTHORS, type Prompt } from './outbound.js';

/**
 * How a message is kept (the `messages` table): its direction, who wrote it, and what it carries
 * besides its text. The schema types its columns from here.
 */

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** The citizen writes inbound messages; the others write outbound ones. */
export const MESSAGE_AUTHORS = ['citizen', ...OUTBOUND_AUTHORS] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/** An inbound email's headers and whole text, kept with the message so answers thread onto it and nothing trimmed is lost. */
export interface StoredEmail {
  messageId?: string | undefined;
  /** The thread's Message-IDs, oldest first. */
  references?: string[] | undefined;
  from?: { address: string; name?: string | undefined } | undefined;
  /** The Date header, as an ISO instant. */
  date?: string | undefined;
  fullText?: string | undefined;
  /** Why the mail got no automatic answer (an auto-reply, a bounce, a list…). */
  noAnswer?: string | undefined;
  rejectedAttachments?: Array<{ filename?: string | undefined; contentType: string; reason: 'type' | 'size' | 'count' }> | undefined;
}

/**
 * `messages.payload`. Which parts are there depends on the message: an outbound one carries its
 * prompt; an inbound chat message what the citizen shared besides text; an inbound document (an
 * email) its subject and the channel's details.
 */
export interface MessagePayload {
  /** Outbound: the structured prompt each channel renders its own way (buttons, lists, keyboards). */
  prompt?: Prompt | undefined;
  location?: Location | undefined;
  contact?: Contact | undefined;
  /** The button the citizen picked. */
  choice?: string | undefined;
  /** Where the citizen came from (a Telegram deep link). */
  referral?: string | undefined;
  subject?: string | undefined;
  email?: StoredEmail | undefined;
}

/** What a document channel keeps with the message (the subject is added by the pipeline). */
export type DocumentPayload = Pick<MessagePayload, 'email'>;
