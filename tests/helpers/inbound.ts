import type { DocumentInbound } from '../../src/messages/document.js';
import { InboundMessage, type InboundMessageInput } from '../../src/messages/inbound.js';

/**
 * Chat messages for pipeline tests: `inbound(key, text)` is a Telegram message in conversation
 * `key` from user `user-<key>`, with a fresh platform id each time (so it is never a retry).
 */
export function inboundMaker(idPrefix: string) {
  let counter = 0;
  return (key: string, text: string, extra: Partial<InboundMessageInput> = {}) => {
    counter += 1;
    return InboundMessage.parse({
      channel: 'telegram',
      channelUserId: `user-${key}`,
      conversationKey: key,
      externalId: `${idPrefix}-${key}-${counter}`,
      text,
      receivedAt: new Date(),
      ...extra,
    });
  };
}

/** A whole email as the mail channel hands it to the pipeline: a new thread unless `threadKey` says otherwise. */
export function mailInbound(
  mail: { from: string; subject: string; text: string; externalId: string; receivedAt?: Date } & Partial<DocumentInbound>,
): DocumentInbound {
  const { from, externalId, receivedAt, ...rest } = mail;
  return {
    kind: 'document',
    channel: 'email',
    channelUserId: from,
    externalId,
    receivedAt: receivedAt ?? new Date(),
    senderName: undefined,
    attachments: [],
    rejectedAttachments: [],
    threadKey: externalId,
    repliesTo: [],
    noAnswer: undefined,
    undeliverable: [],
    answersPerHour: 5,
    maxAttachmentBytes: 10_000_000,
    payload: {},
    ...rest,
  };
}
