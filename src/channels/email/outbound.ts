import nodemailer from 'nodemailer';
import type { EmailConfig } from '../../config.js';
import { t, type Locale } from '../../i18n/index.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from '../../outbox/delivery.js';
import type { MailThread } from './thread.js';

export interface EmailSenderOptions {
  config: EmailConfig;
  locale: Locale;
  /** Where the mail goes in the thread; read from the database by the channel. */
  thread(delivery: Delivery): Promise<MailThread>;
}

/** The pieces of one outgoing mail, before the transport: what tests and the sender share. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  automatic: boolean;
}

export function renderMail(delivery: Delivery, thread: MailThread, fromAddress: string, locale: Locale): RenderedMail {
  const domain = fromAddress.split('@')[1] ?? 'localhost';
  const base = thread.subject ? `Re: ${thread.subject.replace(/^(?:(?:re|r|aw|sv|rv)\s*:\s*)+/i, '')}` : t(locale, 'email.subject_default');
  const tag = thread.folio ? `[${thread.folio}]` : '';
  const subject = !tag || base.includes(tag) ? base : thread.subject ? `${base} ${tag}` : `${tag} ${base}`;
  return {
    subject,
    text: delivery.message.text,
    html: toHtml(delivery.message.text),
    // Stable across retries of the same message, so a resend after a lost reply can be recognised.
    messageId: `<ventanilla-${delivery.messageId}-${delivery.createdAt.getTime().toString(36)}@${domain}>`,
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    automatic: delivery.message.author !== 'staff',
  };
}

/** Sends through SMTP_URL. A 5xx answer is final (DeliveryRefused); the rest is retried. */
export function createEmailSender(options: EmailSenderOptions): ChannelSender & { close(): void } {
  const { smtp, from } = options.config;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(delivery) {
      const mail = renderMail(delivery, await options.thread(delivery), from.address, options.locale);
      try {
        await transport.sendMail({
          from: from.name ? { name: from.name, address: from.address } : from.address,
          to: delivery.channelUserId,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references.length ? { references: mail.references } : {}),
          // RFC 3834: tells autoresponders (and ours, at the other end) not to answer this.
          headers: mail.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
        });
      } catch (error) {
        throw classifySmtpError(error);
      }
      return { externalId: mail.messageId };
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
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) return new DeliveryRefused(`SMTP ${e.responseCode}: ${detail}`);
  return new DeliveryFailed(`SMTP: ${detail}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function toHtml(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html><html><body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222">\n${paragraphs}\n</body></html>`;
}
