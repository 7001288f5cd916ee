import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { EmailConfig } from '../../config.js';
import { DeliveryFailed, DeliveryRefused } from '../../messages/delivery.js';
import type { Mailer } from '../../messages/mail.js';

export type { Mailer, OutgoingMail } from '../../messages/mail.js';

/**
 * The SMTP wire: what any part of Ventanilla that sends mail uses (answers to citizens through
 * the outbox, notices to departments). It knows nothing of cases or conversations.
 */
export function createMailer(config: Pick<EmailConfig, 'smtp' | 'from'>): Mailer {
  const { smtp, from } = config;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  const domain = from.address.split('@')[1] ?? 'localhost';
  return {
    async send(mail) {
      const messageId = mail.messageId ?? `<ventanilla-${randomUUID()}@${domain}>`;
      try {
        await transport.sendMail({
          from: from.name ? { name: from.name, address: from.address } : from.address,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
          messageId,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references?.length ? { references: mail.references } : {}),
          // Tells autoresponders (ours included, at the other end) not to answer this.
          headers: mail.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
          ...(mail.attachments?.length
            ? {
                attachments: mail.attachments.map((a) => ({
                  filename: a.filename,
                  contentType: a.contentType,
                  content: Buffer.from(a.content),
                })),
              }
            : {}),
        });
      } catch (error) {
        throw classifySmtpError(error);
      }
      return { messageId };
    },
    close: () => transport.close(),
  };
}

/** "The server said no for good" versus "try again later", as the outbox needs to know. */
export function classifySmtpError(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const detail = (e.response ?? e.message ?? String(error)).slice(0, 500);
  // A rejected login is our configuration, not the recipient: keep the mail until it is fixed.
  if (e.code === 'EAUTH') return new DeliveryFailed(`SMTP: ${detail}`);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600)
    return new DeliveryRefused(`SMTP ${e.responseCode}: ${detail}`);
  return new DeliveryFailed(`SMTP: ${detail}`);
}
