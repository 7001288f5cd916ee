/**
 * Sending mail, as the parts that send it see it: the email channel's answers to citizens and
 * the follow-up's mail to staff. The SMTP implementation is the email channel's (`createMailer`).
 */

/** One mail to send; `automatic` marks it `Auto-Submitted: auto-replied` (RFC 3834). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** `<…@domain>`; one is made from EMAIL_FROM's domain when absent. */
  messageId?: string | undefined;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  automatic: boolean;
  attachments?: Array<{ filename: string; contentType: string; content: Uint8Array }> | undefined;
}

export interface Mailer {
  /** Resolves with the Message-ID sent; throws DeliveryRefused (5xx) or DeliveryFailed (the rest). */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}
