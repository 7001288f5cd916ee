import type { ReplyThread } from '../../conversations/thread.js';

/** What the sender needs to put an outgoing mail in the citizen's thread. */
export interface MailThread {
  /** The subject of the citizen's mail this answers, if any. */
  subject: string | undefined;
  folio: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
}

/** Stored with each inbound email (messages.payload.email) so answers can thread onto it. */
export interface StoredEmailHeaders {
  messageId?: string | undefined;
  references?: string[] | undefined;
}

/** The mail headers that put an answer in the thread of the citizen's mail it answers. */
export function mailThread(thread: ReplyThread): MailThread {
  const payload = (thread.answered?.payload ?? {}) as { subject?: string; email?: StoredEmailHeaders };
  const inReplyTo = payload.email?.messageId;
  return {
    subject: payload.subject || undefined,
    folio: thread.folio,
    inReplyTo,
    references: [...(payload.email?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20),
  };
}
