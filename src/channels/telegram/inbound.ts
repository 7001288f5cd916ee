import { InboundMessage, MAX_TEXT_LENGTH, type Attachment, type Contact, type Location } from '../../messages/inbound.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { TelegramUpdate, type FileRef, type PhotoSize, type TelegramCallbackQuery, type TelegramMessage } from './update.js';

/** Largest photo kept; the web chat takes the same. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** The Bot API lets a bot download files up to 20 MB; bigger ones are recorded by reference only. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** A file the message carries, to be fetched with getFile before the message is handed on. */
export interface WantedFile {
  kind: Attachment['kind'];
  fileId: string;
  fileSize: number | undefined;
  /** What Telegram says it is; photos are checked by their bytes instead. */
  contentType: string | undefined;
  filename: string;
  /** Photos, and documents that claim to be images: kept as photos when the bytes are an image. */
  maybePhoto: boolean;
  /** The platform's description of the file, kept when the bytes cannot be (too big, gone). */
  reference: Record<string, unknown>;
}

/** What an inbound message will be once its files are downloaded. */
export const InboundDraft = InboundMessage.omit({ attachments: true });
export type InboundDraft = Omit<InboundMessage, 'attachments'>;

export type UpdateReading =
  | { kind: 'message'; draft: InboundDraft; files: WantedFile[]; extra: Attachment[] }
  | { kind: 'callback'; draft: InboundDraft; callbackQueryId: string; chatId: number; messageId: number }
  | { kind: 'ignored'; reason: string; callbackQueryId?: string; issues?: unknown };

/**
 * Anything Telegram (or someone posing as it) may send → what Ventanilla stores. Never throws:
 * what cannot be read or stored is 'ignored' with the reason, so the update is acknowledged and
 * not delivered again forever; what it returns as a message is a valid, storable draft.
 */
export function readRawUpdate(raw: unknown, receivedAt: Date, pack: LanguagePack = defaultLanguagePack()): UpdateReading {
  const parsed = TelegramUpdate.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'update not understood', issues: parsed.error.issues.slice(0, 5) };
  const reading = readUpdate(parsed.data, receivedAt, pack);
  if (reading.kind === 'ignored') return reading;
  const draft = InboundDraft.safeParse(reading.draft);
  if (!draft.success) {
    const callbackQueryId = reading.kind === 'callback' ? reading.callbackQueryId : undefined;
    return {
      kind: 'ignored',
      reason: 'message not storable',
      issues: draft.error.issues.slice(0, 5),
      ...(callbackQueryId ? { callbackQueryId } : {}),
    };
  }
  return { ...reading, draft: draft.data };
}

/**
 * Commands become the words every dialog script already understands, so the engine needs no
 * Telegram knowledge: `/estado AC-2026-000001` reads as «estado AC-2026-000001». Which commands
 * there are, in any language, and the words each becomes are the language pack's
 * (src/dialogs/language/*.json); Spanish, the default, when the caller names no pack.
 */
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/;

/** Message content the bot cannot use but keeps, as Telegram describes it. */
const OTHER_CONTENT = ['poll', 'dice', 'game', 'story', 'paid_media', 'giveaway'] as const;

export function mapCommand(text: string, pack: LanguagePack = defaultLanguagePack()): { text: string; referral?: string } {
  const match = COMMAND.exec(text.trim());
  if (!match) return { text };
  const name = match[1]!.toLowerCase();
  const argument = match[2]?.trim() ?? '';
  const intent = Object.hasOwn(pack.telegram.commands, name) ? pack.telegram.commands[name]! : 'help';
  const word = pack.telegram.says[intent];
  if (intent === 'start') return argument ? { text: word, referral: argument.slice(0, 200) } : { text: word };
  // The status command's argument is part of what the citizen says (the folio).
  return { text: intent === 'status' && argument ? `${word} ${argument}`.slice(0, MAX_TEXT_LENGTH) : word };
}

/** Maps one update to what Ventanilla stores; pure, so every Telegram shape is testable without a network. */
export function readUpdate(update: TelegramUpdate, receivedAt: Date, pack: LanguagePack = defaultLanguagePack()): UpdateReading {
  if (update.callback_query) return readCallback(update.callback_query, receivedAt);
  const edited = !update.message && update.edited_message !== undefined;
  const message = update.message ?? update.edited_message;
  if (!message) return { kind: 'ignored', reason: 'not a message or button press' };
  if (message.chat.type !== 'private') return { kind: 'ignored', reason: `${message.chat.type} chat` };
  if (!message.from || message.from.is_bot) return { kind: 'ignored', reason: 'not from a person' };
  // Live locations send an edit every few seconds; only corrected text is a new thing said.
  if (edited && message.text === undefined) return { kind: 'ignored', reason: 'edit without text' };

  const base = {
    channel: 'telegram' as const,
    channelUserId: String(message.from.id),
    conversationKey: String(message.chat.id),
    // Message ids never repeat within a chat; update ids may restart after a week of silence.
    externalId: edited
      ? `e:${message.chat.id}:${message.message_id}:${message.edit_date ?? message.date}`
      : `m:${message.chat.id}:${message.message_id}`,
    receivedAt,
  };
  const { text, referral } = message.text !== undefined ? mapCommand(message.text, pack) : { text: message.caption ?? '' };
  const location = readLocation(message);
  const contact = readContact(message);
  const files = wantedFiles(message);
  const extra: Attachment[] = [];
  for (const key of OTHER_CONTENT) {
    if (message[key] !== undefined) extra.push(describedContent(key, { [key]: message[key] }));
  }
  if (!text.trim() && !location && !contact && files.length === 0 && extra.length === 0)
    return { kind: 'ignored', reason: 'nothing a citizen said' };
  const draft: InboundDraft = {
    ...base,
    text: text.trim().slice(0, MAX_TEXT_LENGTH),
    ...(location ? { location } : {}),
    ...(contact ? { contact } : {}),
    // The citizen's own contact (the "share my number" button), not someone else's card: Telegram vouches for it.
    ...(contact?.phone &&
    /^\+\d{6,15}$/.test(contact.phone) &&
    message.contact?.user_id !== undefined &&
    message.contact.user_id === message.from?.id
      ? { senderPhone: contact.phone }
      : {}),
    ...(referral ? { referral } : {}),
  };
  return { kind: 'message', draft, files, extra };
}

function readCallback(query: TelegramCallbackQuery, receivedAt: Date): UpdateReading {
  const message = query.message;
  if (!message || query.data === undefined) return { kind: 'ignored', reason: 'button without data', callbackQueryId: query.id };
  if (message.chat.type !== 'private') return { kind: 'ignored', reason: `${message.chat.type} chat`, callbackQueryId: query.id };
  const button = message.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data === query.data);
  const byIndex = query.data.startsWith(INDEX_PREFIX);
  // The label goes along as text, as the web chat does: the engine reads the id, people read the label.
  const text = (button?.text ?? (byIndex ? '' : query.data)).slice(0, MAX_TEXT_LENGTH);
  return {
    kind: 'callback',
    callbackQueryId: query.id,
    chatId: message.chat.id,
    messageId: message.message_id,
    draft: {
      channel: 'telegram',
      channelUserId: String(query.from.id),
      conversationKey: String(message.chat.id),
      externalId: `c:${query.id}`,
      text,
      ...(byIndex ? {} : { choice: query.data }),
      receivedAt,
    },
  };
}

/** Buttons whose option id does not fit Telegram's 64-byte callback data carry their position instead. */
export const INDEX_PREFIX = '#opt:';

function readLocation(message: TelegramMessage): Location | undefined {
  if (message.venue) {
    const { location, title, address } = message.venue;
    return { latitude: location.latitude, longitude: location.longitude, label: [title, address].filter(Boolean).join(', ').slice(0, 500) };
  }
  if (message.location) return { latitude: message.location.latitude, longitude: message.location.longitude };
  return undefined;
}

function readContact(message: TelegramMessage): Contact | undefined {
  const contact = message.contact;
  if (!contact) return undefined;
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ').trim();
  const phone = contact.phone_number.replace(/[^\d+]/g, '');
  return {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(phone ? { phone: (phone.startsWith('+') ? phone : `+${phone}`).slice(0, 40) } : {}),
  };
}

/** The largest size that fits: Telegram sends each photo in several resolutions. */
export function pickPhotoSize(sizes: readonly PhotoSize[], maxBytes = MAX_PHOTO_BYTES): PhotoSize | undefined {
  const area = (p: PhotoSize) => (p.width ?? 0) * (p.height ?? 0) || (p.file_size ?? 0);
  const fitting = sizes.filter((p) => p.file_size === undefined || p.file_size <= maxBytes);
  const pool = fitting.length > 0 ? fitting : [...sizes];
  return pool.reduce<PhotoSize | undefined>((best, p) => (!best || area(p) > area(best) ? p : best), undefined);
}

function wantedFiles(message: TelegramMessage): WantedFile[] {
  const out: WantedFile[] = [];
  const add = (
    kind: Attachment['kind'],
    file: FileRef & { mime_type?: string; file_name?: string },
    filename: string,
    maybePhoto = false,
  ) =>
    out.push({
      kind,
      fileId: file.file_id,
      fileSize: file.file_size,
      // Only a well-formed type is believed; anything else is stored as plain bytes.
      contentType: file.mime_type && MIME_TYPE.test(file.mime_type) ? file.mime_type : undefined,
      filename: (file.file_name ?? filename).slice(0, 255),
      maybePhoto,
      reference: { ...file },
    });
  if (message.photo?.length) {
    const size = pickPhotoSize(message.photo);
    if (size) add('photo', size, 'foto.jpg', true);
  }
  if (message.document) add('document', message.document, 'documento', message.document.mime_type?.startsWith('image/') ?? false);
  if (message.sticker)
    add('other', message.sticker, message.sticker.is_animated ? 'sticker.tgs' : message.sticker.is_video ? 'sticker.webm' : 'sticker.webp');
  if (message.voice) add('audio', message.voice, 'nota-de-voz.ogg');
  if (message.audio) add('audio', message.audio, 'audio.mp3');
  if (message.video) add('video', message.video, 'video.mp4');
  if (message.video_note) add('video', message.video_note, 'video-nota.mp4');
  // Telegram sends a GIF as both `animation` and `document`; the document is the same file.
  if (message.animation && !message.document) add('video', message.animation, 'animacion.mp4');
  return out;
}

/** Content kept as the JSON Telegram sent, when there are no bytes to keep. */
export function describedContent(name: string, description: Record<string, unknown>): Attachment {
  return {
    kind: 'other',
    contentType: 'application/json',
    filename: `${name}.json`.slice(0, 255),
    data: new TextEncoder().encode(JSON.stringify(description)),
  };
}

const MIME_TYPE = /^[\w.+-]{1,90}\/[\w.+-]{1,90}$/;

/** The stored message, once the files are in hand; null when it cannot be stored (logged and acknowledged by the caller). */
export function toInboundMessage(draft: InboundDraft, attachments: Attachment[]): InboundMessage | null {
  const message = InboundMessage.safeParse({ ...draft, attachments: attachments.slice(0, 10) });
  return message.success ? message.data : null;
}
