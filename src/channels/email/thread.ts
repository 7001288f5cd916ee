import type { ReplyThread } from '../../conversations/thread.js';

/** What the sender needs to put an outgoing mail in the citizen's thread. */
export interface MailThread {
  /** The subject of the citizen's mail this answers, if any. */
  subject: string | undefined;
  folio: string | undefined;
  inReplyTo: string | undefined;
  references: string[];
}

/** The mail headers that put an answer in the thread of the citizen's mail it answers. */
export function mailThread(thread: ReplyThread): MailThread {
  const payload = thread.answered?.payload ?? {};
  const inReplyTo = payload.email?.messageId;
  return {
    subject: payload.subject || undefined,
    folio: thread.folio,
    inReplyTo,
    references: [...(payload.email?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20),
  };
}
