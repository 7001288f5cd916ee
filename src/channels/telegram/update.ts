import { z } from 'zod';

/**
 * The part of a Bot API `Update` the adapter reads (https://core.telegram.org/bots/api#update).
 * Objects are loose: Telegram adds fields often, and an unknown field must never make us drop a
 * citizen's message.
 */
const User = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
const Chat = z.looseObject({ id: z.number().int(), type: z.string() });

const FileRef = z.looseObject({
  file_id: z.string().min(1),
  file_unique_id: z.string().optional(),
  file_size: z.number().int().nonnegative().optional(),
});
export type FileRef = z.infer<typeof FileRef>;
const PhotoSize = FileRef.extend({ width: z.number().int().nonnegative().optional(), height: z.number().int().nonnegative().optional() });
export type PhotoSize = z.infer<typeof PhotoSize>;
const Media = FileRef.extend({ mime_type: z.string().optional(), file_name: z.string().optional() });

const TgLocation = z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });

const InlineButton = z.looseObject({ text: z.string(), callback_data: z.string().optional() });

export const TelegramMessage = z.looseObject({
  message_id: z.number().int().nonnegative(),
  from: User.optional(),
  chat: Chat,
  date: z.number().int().nonnegative(),
  edit_date: z.number().int().nonnegative().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(PhotoSize).optional(),
  document: Media.optional(),
  sticker: FileRef.extend({
    emoji: z.string().optional(),
    is_animated: z.boolean().optional(),
    is_video: z.boolean().optional(),
  }).optional(),
  voice: Media.optional(),
  audio: Media.optional(),
  video: Media.optional(),
  video_note: FileRef.optional(),
  animation: Media.optional(),
  // A place off the globe is dropped, not the message: whatever else it carries is still kept.
  location: TgLocation.optional().catch(undefined),
  venue: z.looseObject({ location: TgLocation, title: z.string(), address: z.string() }).optional().catch(undefined),
  contact: z
    .looseObject({
      phone_number: z.string(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      user_id: z.number().int().optional(),
    })
    .optional(),
  reply_markup: z.looseObject({ inline_keyboard: z.array(z.array(InlineButton)).optional() }).optional(),
});
export type TelegramMessage = z.infer<typeof TelegramMessage>;

export const TelegramCallbackQuery = z.looseObject({
  id: z.string().min(1),
  from: User,
  message: TelegramMessage.optional(),
  data: z.string().optional(),
});
export type TelegramCallbackQuery = z.infer<typeof TelegramCallbackQuery>;

export const TelegramUpdate = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: TelegramMessage.optional(),
  edited_message: TelegramMessage.optional(),
  callback_query: TelegramCallbackQuery.optional(),
});
export type TelegramUpdate = z.infer<typeof TelegramUpdate>;

/** The updates the bot asks for; everything else (channel posts, polls, member changes) is not a citizen talking. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;
