import type { EmailConfig } from '../../config.js';
import { t, type Locale } from '../../i18n/index.js';
import { escapeHtml } from '../../html.js';
import type { ChannelSender, Delivery } from '../../messages/delivery.js';
import { createMailer } from './client.js';
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

/** Answers citizens through the outbox, in their thread. A 5xx answer is final (DeliveryRefused); the rest is retried. */
export function createEmailSender(options: EmailSenderOptions): ChannelSender & { close(): void } {
  const mailer = createMailer(options.config);
  return {
    async send(delivery) {
      const mail = renderMail(delivery, await options.thread(delivery), options.config.from.address, options.locale);
      const sent = await mailer.send({ to: delivery.channelUserId, ...mail });
      return { externalId: sent.messageId };
    },
    close: () => mailer.close(),
  };
}

function toHtml(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html><html><body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #222">\n${paragraphs}\n</body></html>`;
}
