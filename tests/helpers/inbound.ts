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
