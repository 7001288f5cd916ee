import { describe, expect, it } from 'vitest';
import { mapCommand, pickPhotoSize, readUpdate } from '../../../src/channels/telegram/inbound.js';
import { renderMarkup, renderOutbound, splitText } from '../../../src/channels/telegram/outbound.js';
import { SendLimiter } from '../../../src/channels/telegram/rate-limit.js';
import { TelegramUpdate } from '../../../src/channels/telegram/update.js';
import { secretMatches } from '../../../src/channels/telegram/verify.js';
import { loadConfig } from '../../../src/config.js';
import { DeliveryFailed } from '../../../src/messages/delivery.js';
import { TelegramUser } from '../../helpers/telegram-stand-in.js';
import { JumpingClock } from './helpers.js';

const at = new Date('2026-03-10T16:00:00Z');
const read = (update: Record<string, unknown>, id = 1) => readUpdate(TelegramUpdate.parse({ update_id: id, ...update }), at);

describe('reading Telegram updates', () => {
  const user = new TelegramUser(42, 'Ana');

  it('maps commands to the words the dialog understands, keeping a deep-link payload apart', () => {
    expect(mapCommand('/start')).toEqual({ text: 'hola' });
    expect(mapCommand('/start cartel_mercado-3')).toEqual({ text: 'hola', referral: 'cartel_mercado-3' });
    expect(mapCommand('/estado AC-2026-000001')).toEqual({ text: 'estado AC-2026-000001' });
    expect(mapCommand('/estado@ventanilla_bot  AC-2026-000001 ')).toEqual({ text: 'estado AC-2026-000001' });
    expect(mapCommand('/status')).toEqual({ text: 'estado' });
    expect(mapCommand('/operador')).toEqual({ text: 'operador' });
    expect(mapCommand('/ayuda')).toEqual({ text: 'ayuda' });
    expect(mapCommand('/cancelar ya')).toEqual({ text: 'cancelar' });
    expect(mapCommand('/loquesea')).toEqual({ text: 'ayuda' });
    expect(mapCommand('Hay un bache / grande')).toEqual({ text: 'Hay un bache / grande' });
  });

  it('keys a message by chat and message id, and a button press by its query id', () => {
    const text = read(user.text('  Hay un bache  '));
    expect(text).toMatchObject({
      kind: 'message',
      draft: {
        channel: 'telegram',
        channelUserId: '42',
        conversationKey: '42',
        externalId: expect.stringMatching(/^m:42:\d+$/),
        text: 'Hay un bache',
      },
    });
    const press = read(
      user.press(
        {
          message_id: 9,
          text: '¿Lo registro así?',
          reply_markup: {
            inline_keyboard: [
              [
                { text: 'Sí', callback_data: 'yes' },
                { text: 'No, corregir', callback_data: 'no' },
              ],
            ],
          },
        },
        'no',
      ),
    );
    expect(press).toMatchObject({
      kind: 'callback',
      chatId: 42,
      messageId: 9,
      draft: { choice: 'no', text: 'No, corregir', externalId: expect.stringMatching(/^c:cb-42-/) },
    });
  });

  it('reads a location, a venue (its name and address become the place) and a shared contact', () => {
    expect(read(user.location(19.5, -99.1))).toMatchObject({
      kind: 'message',
      draft: { text: '', location: { latitude: 19.5, longitude: -99.1 } },
    });
    expect(read(user.venue(19.5, -99.1, 'Mercado Juárez', 'Calle 5 de Mayo 10'))).toMatchObject({
      draft: { location: { label: 'Mercado Juárez, Calle 5 de Mayo 10' } },
    });
    expect(read(user.contact('52 55 1234 5678'))).toMatchObject({ draft: { contact: { name: 'Ana', phone: '+525512345678' } } });
  });

  it('asks for the largest photo that fits, with the caption as text', () => {
    const reading = read(user.photo('p1', 'Basura en la esquina'));
    expect(reading).toMatchObject({
      kind: 'message',
      draft: { text: 'Basura en la esquina' },
      files: [{ kind: 'photo', fileId: 'p1', maybePhoto: true }],
    });
    expect(
      pickPhotoSize([
        { file_id: 'a', file_size: 9e6, width: 4000, height: 3000 },
        { file_id: 'b', file_size: 3e5, width: 1280, height: 960 },
        { file_id: 'c', file_size: 2e3, width: 90, height: 67 },
      ])?.file_id,
    ).toBe('b');
  });

  it('keeps what it cannot use (sticker, voice, poll) so the dialog can say what it takes', () => {
    expect(read(user.sticker('s1'))).toMatchObject({ kind: 'message', files: [{ kind: 'other', filename: 'sticker.webp' }] });
    const voice = read({
      message: {
        message_id: 5,
        from: { id: 42, is_bot: false },
        chat: { id: 42, type: 'private' },
        date: 1,
        voice: { file_id: 'v1', duration: 3, mime_type: 'audio/ogg', file_size: 5000 },
      },
    });
    expect(voice).toMatchObject({ kind: 'message', files: [{ kind: 'audio', contentType: 'audio/ogg' }] });
    const poll = read({
      message: {
        message_id: 6,
        from: { id: 42, is_bot: false },
        chat: { id: 42, type: 'private' },
        date: 1,
        poll: { id: 'p', question: '¿?', options: [] },
      },
    });
    expect(poll).toMatchObject({ kind: 'message', extra: [{ kind: 'other', contentType: 'application/json', filename: 'poll.json' }] });
  });

  it('takes an edited text as a new message but ignores live-location edits, groups and bots', () => {
    const edited = read({
      edited_message: {
        message_id: 7,
        edit_date: 99,
        from: { id: 42, is_bot: false },
        chat: { id: 42, type: 'private' },
        date: 1,
        text: 'Juan Pérez',
      },
    });
    expect(edited).toMatchObject({ kind: 'message', draft: { externalId: 'e:42:7:99', text: 'Juan Pérez' } });
    expect(
      read({
        edited_message: {
          message_id: 8,
          edit_date: 99,
          from: { id: 42 },
          chat: { id: 42, type: 'private' },
          date: 1,
          location: { latitude: 1, longitude: 2 },
        },
      }).kind,
    ).toBe('ignored');
    expect(read({ message: { message_id: 9, from: { id: 42 }, chat: { id: -100, type: 'supergroup' }, date: 1, text: 'hola' } }).kind).toBe(
      'ignored',
    );
    expect(
      read({ message: { message_id: 10, from: { id: 43, is_bot: true }, chat: { id: 43, type: 'private' }, date: 1, text: 'hola' } }).kind,
    ).toBe('ignored');
    expect(read({ my_chat_member: { chat: { id: 42 } } }).kind).toBe('ignored');
  });
});

describe('rendering for Telegram', () => {
  it('renders choices as inline buttons, location and phone as reply-keyboard requests, and adds a skip button when optional', () => {
    expect(
      renderMarkup(
        {
          field: 'type',
          kind: 'choice',
          options: [
            { id: 'reporte', label: 'Reporte o denuncia' },
            { id: 'queja', label: 'Queja o reclamo' },
          ],
          optional: false,
        },
        'es',
      ),
    ).toEqual({
      inline_keyboard: [[{ text: 'Reporte o denuncia', callback_data: 'reporte' }], [{ text: 'Queja o reclamo', callback_data: 'queja' }]],
    });
    expect(renderMarkup({ field: 'address', kind: 'location', options: [], optional: true }, 'es')).toEqual({
      keyboard: [[{ text: '📍 Compartir mi ubicación', request_location: true }], [{ text: 'Omitir' }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
    expect(renderMarkup({ field: 'contact', kind: 'phone', options: [], optional: false }, 'en')).toMatchObject({
      keyboard: [[{ text: '📞 Share my phone number', request_contact: true }]],
    });
    expect(renderMarkup({ field: 'name', kind: 'text', options: [], optional: true }, 'es')).toEqual({
      inline_keyboard: [[{ text: 'Omitir', callback_data: 'skip' }]],
    });
    expect(renderMarkup(undefined, 'es')).toEqual({ remove_keyboard: true });
    const long = renderMarkup({ field: 'x', kind: 'choice', options: [{ id: 'ñ'.repeat(40), label: 'Largo' }], optional: false }, 'es');
    expect(long).toEqual({ inline_keyboard: [[{ text: 'Largo', callback_data: '#opt:0' }]] });
  });

  it('splits long text at paragraph, line or word boundaries into parts of at most 4,096 characters', () => {
    expect(splitText('corto')).toEqual(['corto']);
    const words = Array.from({ length: 2000 }, (_, i) => `palabra${i}`).join(' ');
    const parts = splitText(words);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join(' ')).toBe(words);
    const paragraphs = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`;
    expect(splitText(paragraphs)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
    const unbroken = '😀'.repeat(3000);
    expect(splitText(unbroken).join('')).toBe(unbroken);
    expect(splitText(unbroken).every((p) => !/^[\uDC00-\uDFFF]/.test(p))).toBe(true);
  });

  it('puts the buttons under the last part and says when a person wrote', () => {
    const parts = renderOutbound(
      {
        text: `${'x'.repeat(5000)}`,
        author: 'staff',
        prompt: { field: 'confirm', kind: 'yes_no', options: [{ id: 'yes', label: 'Sí' }], optional: false },
      },
      'es',
    );
    expect(parts).toHaveLength(2);
    expect(parts[0]!.text.startsWith('Personal municipal:\n')).toBe(true);
    expect(parts[0]!.reply_markup).toBeUndefined();
    expect(parts[1]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Sí', callback_data: 'yes' }]] });
  });
});

describe('the send limiter', () => {
  it('sends at most one message per second to a chat and 30 per second overall, queueing rather than dropping', async () => {
    const clock = new JumpingClock();
    const limiter = new SendLimiter(clock, { perChatIntervalMs: 1000, perSecond: 30, maxWaitMs: 60_000 });
    const slots = await Promise.all(
      Array.from({ length: 100 }, (_, i) => limiter.acquire(`chat-${i % 50}`).then((slot) => ({ chat: `chat-${i % 50}`, slot }))),
    );
    expect(slots).toHaveLength(100);
    const times = slots.map((s) => s.slot).sort((a, b) => a - b);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(1000);
    for (let c = 0; c < 50; c++) {
      const own = slots
        .filter((s) => s.chat === `chat-${c}`)
        .map((s) => s.slot)
        .sort((a, b) => a - b);
      expect(own[1]! - own[0]!).toBeGreaterThanOrEqual(1000);
    }
  });

  it('hands a send back to the outbox with a retry time when the wait would be too long, and holds a chat after a 429', async () => {
    const clock = new JumpingClock();
    const limiter = new SendLimiter(clock, { perChatIntervalMs: 1000, perSecond: 30, maxWaitMs: 5_000 });
    limiter.pause('c', 30_000);
    const refused = await limiter.acquire('c').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DeliveryFailed);
    expect((refused as DeliveryFailed).retryAfterMs).toBe(30_000);
    const start = clock.now();
    clock.time += 28_000;
    expect(await limiter.acquire('c')).toBe(start + 30_000);
  });
});

describe('webhook secret and settings', () => {
  it('accepts only the exact secret', () => {
    expect(secretMatches('s3cret-token', 's3cret-token')).toBe(true);
    for (const wrong of ['s3cret-tokeN', 's3cret-toke', 's3cret-token-', '', undefined, ['s3cret-token']])
      expect(secretMatches(wrong, 's3cret-token')).toBe(false);
  });

  it('reads the Telegram settings, requiring a well-formed secret in webhook mode', () => {
    const token = '123456789:AAHabcdefghijklmnopqrstuvwxyz012345';
    expect(loadConfig({}).telegram).toBeUndefined();
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }).telegram).toEqual({
      botToken: token,
      mode: 'polling',
      webhookSecret: undefined,
      apiRoot: 'https://api.telegram.org',
    });
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'webhook' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'no spaces allowed' })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET/,
    );
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'not-a-token' })).toThrow(/TELEGRAM_BOT_TOKEN/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'push' })).toThrow(/TELEGRAM_MODE/);
    expect(
      loadConfig({
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: 'abc_DEF-123',
        TELEGRAM_API_ROOT: 'http://bot-api.local:8081/',
      }).telegram,
    ).toMatchObject({
      mode: 'webhook',
      apiRoot: 'http://bot-api.local:8081',
    });
  });
});
