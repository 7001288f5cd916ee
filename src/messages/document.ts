import type { Attachment, Channel } from './inbound.js';
import type { DocumentPayload } from './stored.js';

/**
 * A message that arrives whole, as an email does: no back-and-forth, so it is read in one turn.
 * What a document channel hands the pipeline, beside `InboundMessage` for chats.
 */
export interface DocumentInbound {
  kind: 'document';
  channel: Channel;
  /** The sender's address, lowercased: the citizen's identity on this channel. */
  channelUserId: string;
  externalId: string;
  receivedAt: Date;
  senderName: string | undefined;
  subject: string;
  /** What the citizen wrote, quoted history and signature trimmed: what is classified and described. */
  text: string;
  attachments: Attachment[];
  /** Files that were not kept, named in the answer. */
  rejectedAttachments: Array<{ filename: string | undefined; reason: 'type' | 'size' | 'count' }>;
  /** The conversation key when this message starts (or continues) a thread of its own. */
  threadKey: string;
  /** Platform ids of earlier messages this one answers, newest first (In-Reply-To, References). */
  repliesTo: string[];
  /** Set when the message must get no automatic answer (auto-reply, bounce, list…); it is still stored. */
  noAnswer: string | undefined;
  /** Platform ids of our outbound messages this one reports undeliverable (a bounce). */
  undeliverable: string[];
  /** At most this many automatic answers per sender per hour (counted in the database). */
  answersPerHour: number;
  /** The attachment size limit, quoted when files were refused. */
  maxAttachmentBytes: number;
  /** Channel-specific details stored with the message (headers, the untrimmed text). */
  payload: DocumentPayload;
}
