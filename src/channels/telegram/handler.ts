import type { LanguagePack } from '../../language/language-pack.js';
import type { FastifyBaseLogger } from 'fastify';
import type { ConversationService } from '../../conversations/service.js';
import { sniffImageType } from '../../messages/image-type.js';
import type { Attachment } from '../../messages/inbound.js';
import { TelegramRefused, TelegramUnreachable, type TelegramClient } from './client.js';
import {
  describedContent,
  MAX_FILE_BYTES,
  MAX_PHOTO_BYTES,
  readRawUpdate,
  toInboundMessage,
  type InboundDraft,
  type WantedFile,
} from './inbound.js';

export type UpdateOutcome = 'stored' | 'duplicate' | 'ignored';

/**
 * Takes one update through the pipeline: read it, fetch its files, and hand it to
 * `conversations.receive`, which stores it (once, however often Telegram retries) and queues the
 * replies. Resolves only after that commit, so callers acknowledge Telegram only then; throws on
 * anything worth retrying (database or network down).
 */
export function createUpdateHandler(deps: {
  client: TelegramClient;
  conversations: ConversationService;
  logger: FastifyBaseLogger;
  now: () => Date;
  pack?: LanguagePack;
}) {
  const { client, conversations, logger } = deps;

  async function fetchFile(file: WantedFile): Promise<Attachment> {
    const reference = { ...file.reference, kind: file.kind };
    if (file.fileSize !== undefined && file.fileSize > MAX_FILE_BYTES) {
      return describedContent(file.filename, { ...reference, not_downloaded: 'larger than the 20 MB bots may download' });
    }
    const got = await client.download(file.fileId, file.kind === 'photo' ? MAX_PHOTO_BYTES : MAX_FILE_BYTES);
    if (!got.ok) {
      logger.warn({ fileId: file.fileId, reason: got.reason }, 'Telegram file kept by reference only');
      return describedContent(file.filename, { ...reference, not_downloaded: got.reason });
    }
    if (file.maybePhoto) {
      // What the bytes are, not what the sender's app claims.
      const type = sniffImageType(got.data);
      if (type && got.data.byteLength <= MAX_PHOTO_BYTES)
        return { kind: 'photo', contentType: type, filename: `foto.${type.split('/')[1]}`, data: got.data };
      if (file.kind === 'photo') return { kind: 'other', contentType: 'application/octet-stream', filename: file.filename, data: got.data };
    }
    return { kind: file.kind, contentType: file.contentType ?? 'application/octet-stream', filename: file.filename, data: got.data };
  }

  async function answerButton(callbackQueryId: string, clear?: { chatId: number; messageId: number }) {
    // The spinner stops and the buttons go away, as the web chat's do once used; neither is worth a retry.
    try {
      await client.call('answerCallbackQuery', { callback_query_id: callbackQueryId });
      // Without reply_markup the message keeps its text and loses its buttons.
      if (clear) await client.call('editMessageReplyMarkup', { chat_id: clear.chatId, message_id: clear.messageId });
    } catch (error) {
      if (!(error instanceof TelegramRefused || error instanceof TelegramUnreachable)) throw error;
      logger.debug({ err: error }, 'Telegram button answer failed');
    }
  }

  /** Stores one message; one Telegram cannot give us in a storable form is acknowledged and skipped, as retrying cannot fix it. */
  async function store(draft: InboundDraft, attachments: Attachment[]): Promise<UpdateOutcome> {
    const inbound = toInboundMessage(draft, attachments);
    if (!inbound) {
      logger.warn({ externalId: draft.externalId }, 'Telegram message not storable; acknowledged and skipped');
      return 'ignored';
    }
    const result = await conversations.receive(inbound);
    return result.duplicate ? 'duplicate' : 'stored';
  }

  return async function handleUpdate(raw: unknown): Promise<UpdateOutcome> {
    const reading = readRawUpdate(raw, deps.now(), deps.pack);
    switch (reading.kind) {
      case 'ignored':
        if (reading.issues)
          logger.warn({ reason: reading.reason, issues: reading.issues }, 'Telegram update not understood; acknowledged and skipped');
        else logger.debug({ reason: reading.reason }, 'Telegram update ignored');
        if (reading.callbackQueryId) await answerButton(reading.callbackQueryId);
        return 'ignored';
      case 'message': {
        const attachments: Attachment[] = [];
        for (const file of reading.files) attachments.push(await fetchFile(file));
        return store(reading.draft, [...attachments, ...reading.extra]);
      }
      case 'callback': {
        const outcome = await store(reading.draft, []);
        await answerButton(reading.callbackQueryId, { chatId: reading.chatId, messageId: reading.messageId });
        return outcome;
      }
    }
  };
}

export type UpdateHandler = ReturnType<typeof createUpdateHandler>;
