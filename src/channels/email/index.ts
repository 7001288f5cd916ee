import type { ChannelFactory } from '../channel.js';
import { MailboxWatcher, type MailboxPosition } from './inbound.js';
import { createEmailSender } from './outbound.js';
import { parseEmail } from './parse.js';
import { mailThread } from './thread.js';

const CHANNEL = 'email';
const MAX_ATTACHMENTS = 10;

/**
 * The public mailbox as a channel: mail read over IMAP becomes cases (or messages on the case its
 * thread belongs to), and answers leave over SMTP in the same thread. With SMTP only (no
 * IMAP_URL) it is just a sender, which is all the follow-up mail needs.
 */
export const emailChannel: ChannelFactory = ({ config, conversations, state, logger, now }) => {
  const email = config.email;
  if (!email) return null;
  const log = logger.child({ channel: CHANNEL });
  const sender = createEmailSender({
    config: email,
    locale: config.locale,
    thread: async (delivery) => mailThread(await conversations.threadOf(delivery.messageId)),
  });
  const store = state(CHANNEL);
  const stateKey = `imap:${email.imap?.user ?? ''}@${email.imap?.host ?? ''}/${email.folder}`;

  const watcher = email.imap
    ? new MailboxWatcher({
        server: email.imap,
        folder: email.folder,
        folderDone: email.folderDone,
        pollMs: email.pollMs,
        logger: log,
        loadPosition: () => store.read<MailboxPosition>(stateKey),
        commit: async (raw, position) => {
          const mail = await parseEmail(raw, {
            ownAddress: email.from.address,
            attachments: { maxBytes: email.maxAttachmentBytes, types: email.attachmentTypes, maxCount: MAX_ATTACHMENTS },
          });
          const sender = mail.from?.address ?? '';
          const result = await conversations.receive({
            kind: 'document',
            channel: CHANNEL,
            channelUserId: sender || 'remitente-desconocido',
            externalId: mail.externalId,
            receivedAt: now(),
            senderName: mail.from?.name,
            subject: mail.subject,
            text: mail.text,
            attachments: mail.attachments,
            rejectedAttachments: mail.rejected,
            threadKey: threadKey(sender, mail.threadRoot),
            repliesTo: mail.threadIds,
            noAnswer: mail.noAnswer,
            undeliverable: mail.bouncedIds,
            answersPerHour: email.answersPerSenderPerHour,
            maxAttachmentBytes: email.maxAttachmentBytes,
            payload: {
              email: {
                messageId: mail.messageId,
                references: mail.threadIds.slice().reverse(),
                from: mail.from,
                date: mail.date?.toISOString(),
                fullText: mail.fullText.slice(0, 100_000),
                ...(mail.noAnswer ? { noAnswer: mail.noAnswer } : {}),
                ...(mail.rejected.length ? { rejectedAttachments: mail.rejected } : {}),
              },
            },
          });
          // The position is written after the message's own transaction: a crash in between
          // re-reads this message next time, and its Message-ID makes that a no-op.
          await store.write(stateKey, position);
          log.info(
            { externalId: mail.externalId, outcome: result.outcome, duplicate: result.duplicate, caseId: result.caseId },
            'email received',
          );
        },
      })
    : undefined;

  return {
    name: CHANNEL,
    sender,
    start: async () => watcher?.start(),
    stop: async () => {
      await watcher?.stop();
      sender.close();
    },
  };
};

/** One conversation per citizen and thread; a key must stay short, so long ids are cut. */
function threadKey(sender: string, root: string): string {
  return `${sender} ${root}`.slice(0, 200);
}
