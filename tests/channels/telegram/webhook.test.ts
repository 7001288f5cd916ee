import { DELIVERIES } from '../../../src/server/app.js';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telegramChannel, WEBHOOK_PATH } from '../../../src/channels/telegram/channel.js';
import { attachments, cases, jobs, messages } from '../../../src/db/schema.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../../helpers/app.js';
import { deliveryJobs } from '../../helpers/jobs.js';
import { databaseKind } from '../../helpers/database.js';
import { BOT_TOKEN, TelegramStandIn, TelegramUser, type SentMessage } from '../../helpers/telegram-stand-in.js';
import { eventually, JPEG, JumpingClock } from './helpers.js';

const SECRET = 'webhook-secret_for-tests-0123456789';
const clock = new JumpingClock();
let telegram: TelegramStandIn;
let app: TestApp;

beforeAll(async () => {
  telegram = await new TelegramStandIn(BOT_TOKEN, clock.now).start();
  app = await createTestApp({
    channels: [telegramChannel({ clock })],
    env: {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PUBLIC_URL: 'https://ventanilla.example.gob',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
});

let nextUpdateId = 5000;
/** Telegram calling the webhook with one update, as it does (JSON, secret header). */
function deliver(update: Record<string, unknown>, secret: string | null = SECRET) {
  const body = 'update_id' in update ? update : { update_id: nextUpdateId++, ...update };
  return app.app.inject({
    method: 'POST',
    url: WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    payload: JSON.stringify(body),
  });
}

/** Delivers an update, checks Telegram got a 200, and sends whatever the bot queued; returns what reached the chat. */
async function say(user: TelegramUser, update: Record<string, unknown>) {
  const before = telegram.sentTo(user.id).length;
  const res = await deliver(update);
  expect(res.statusCode).toBe(200);
  await app.queue.runDue(DELIVERIES);
  return telegram
    .sentTo(user.id)
    .slice(before)
    .map((s) => s.message);
}

async function conversationOf(userId: number) {
  const [row] = await app.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.externalId, `m:${userId}:1`), eq(messages.direction, 'in')));
  return row!.conversationId;
}

const lastWithButtons = (sent: SentMessage[]) => sent.filter((m) => m.reply_markup).at(-1)!;

describe(`Telegram by webhook on ${databaseKind}`, () => {
  beforeEach(() => {
    telegram.calls.length = 0;
  });

  it('registers the webhook with its secret on start', async () => {
    await app.start();
    await expect.poll(() => telegram.webhook).toEqual({ url: `https://ventanilla.example.gob${WEBHOOK_PATH}`, secret_token: SECRET });
    const setWebhook = telegram.callsOf('setWebhook')[0]!;
    expect(setWebhook.params.allowed_updates).toEqual(['message', 'edited_message', 'callback_query']);
    // The rest of this file sends by draining the queue itself, one step at a time.
    await app.queue.stop();
  });

  it('takes a citizen from /start to a folio, then answers /estado with the case status', async () => {
    const ana = new TelegramUser(7001, 'Ana');
    const greeting = await say(ana, ana.text('/start cartel-mercado'));
    expect(greeting.map((m) => m.text).join('\n')).toMatch(/asistente de atención ciudadana de Municipio de Prueba[\s\S]*Cuénteme/);

    const understood = await say(ana, ana.text('Hay un bache enorme frente a la escuela de la calle Hidalgo 123'));
    expect(understood.map((m) => m.text).join('\n')).toMatch(/baches[\s\S]*¿Cuál es su nombre\?/);

    const contactPrompt = await say(ana, ana.text('Ana López'));
    expect(contactPrompt.at(-1)!.text).toMatch(/teléfono o correo/);
    const contactKeyboard = telegram.sentTo(ana.id).at(-1)!.params.reply_markup;
    expect(contactKeyboard).toMatchObject({
      keyboard: [[{ text: '📞 Compartir mi número', request_contact: true }], [{ text: 'No tengo' }]],
      one_time_keyboard: true,
    });

    const photoPrompt = await say(ana, ana.contact('+52 55 1234 5678'));
    expect(photoPrompt.at(-1)!.text).toMatch(/foto/);
    expect(photoPrompt.at(-1)!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Omitir', callback_data: 'skip' }]] });

    const confirm = await say(ana, ana.press(lastWithButtons(photoPrompt), 'skip'));
    expect(confirm.at(-1)!.text).toMatch(/¿Lo registro así\?/);
    expect(confirm.at(-1)!.text).toContain('+525512345678');
    expect(confirm.at(-1)!.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Sí', callback_data: 'yes' },
          { text: 'No, corregir', callback_data: 'no' },
        ],
      ],
    });

    const opened = await say(ana, ana.press(lastWithButtons(confirm), 'yes'));
    const folio = /AC-\d{4}-\d{6}/.exec(opened.map((m) => m.text).join('\n'))?.[0];
    expect(folio).toBeDefined();
    const [stored] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(stored).toMatchObject({ channel: 'telegram', type: 'reporte' });

    const status = await say(ana, ana.text(`/estado ${folio}`));
    expect(status.map((m) => m.text).join('\n')).toContain(`El folio ${folio}`);
    expect(status.map((m) => m.text).join('\n')).toMatch(/recibido, en espera de asignación/);

    // The deep-link payload stays with the first message.
    const [first] = await app.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.externalId, `m:${ana.id}:1`), eq(messages.direction, 'in')));
    expect(first!.payload).toMatchObject({ referral: 'cartel-mercado' });
  });

  it('answers the button press so it stops spinning, and takes the buttons away', async () => {
    const beto = new TelegramUser(7002, 'Beto');
    await say(beto, beto.text('hola'));
    await say(beto, beto.text('Hay un bache en la calle Morelos 45'));
    await say(beto, beto.text('Beto Ruiz'));
    const photoPrompt = await say(beto, beto.text('55 2345 6789'));
    const press = beto.press(lastWithButtons(photoPrompt), 'skip');
    await say(beto, press);
    expect(telegram.callsOf('answerCallbackQuery').map((c) => c.params.callback_query_id)).toEqual([press.callback_query.id]);
    expect(telegram.callsOf('editMessageReplyMarkup')[0]!.params).toEqual({
      chat_id: beto.id,
      message_id: lastWithButtons(photoPrompt).message_id,
    });
  });

  it('refuses a forged secret (or none) and stores nothing', async () => {
    const eve = new TelegramUser(7003, 'Eve');
    for (const secret of ['not-the-secret', null, '', SECRET.slice(0, -1)]) {
      const res = await deliver(eve.text('Hay un bache en la calle Juárez 10'), secret);
      expect(res.statusCode, `secret ${JSON.stringify(secret)}: ${res.body}`).toBe(401);
    }
    const stored = await app.database.db
      .select()
      .from(messages)
      .where(eq(messages.externalId, `m:${eve.id}:1`));
    expect(stored).toEqual([]);
  });

  it('ignores a retried update: one message, one set of replies', async () => {
    const caro = new TelegramUser(7004, 'Caro');
    const update = { update_id: 9_000_001, ...caro.text('hola') };
    const first = await deliver(update);
    const retry = await deliver(update);
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(retry.json()).toMatchObject({ outcome: 'duplicate' });
    await app.queue.runDue(DELIVERIES);
    const inbound = await app.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.externalId, `m:${caro.id}:1`), eq(messages.direction, 'in')));
    expect(inbound).toHaveLength(1);
    expect(telegram.sentTo(caro.id).map((s) => s.message.text)).toHaveLength(2);
  });

  it('answers 5xx when the update cannot be stored, so Telegram retries it, and then takes the retry', async () => {
    const dani = new TelegramUser(7005, 'Dani');
    const update = { update_id: 9_000_002, ...dani.photo('missing-for-now', 'Basura tirada en la calle Hidalgo 5') };
    telegram.down = true;
    const failed = await deliver(update);
    telegram.down = false;
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    expect(
      await app.database.db
        .select()
        .from(messages)
        .where(eq(messages.externalId, `m:${dani.id}:1`)),
    ).toEqual([]);
    telegram.addFile('missing-for-now', JPEG);
    const retried = await deliver(update);
    expect(retried.statusCode).toBe(200);
    expect(
      await app.database.db
        .select()
        .from(messages)
        .where(eq(messages.externalId, `m:${dani.id}:1`)),
    ).toHaveLength(1);
  });

  it('downloads a photo through getFile and stores it with the case', async () => {
    const eli = new TelegramUser(7006, 'Eli');
    telegram.addFile('photo-eli', JPEG);
    await say(eli, eli.text('Hay un bache enorme en la calle Hidalgo 77'));
    await say(eli, eli.text('Eli Mora'));
    await say(eli, eli.text('55 3456 7890'));
    const afterPhoto = await say(eli, eli.photo('photo-eli'));
    expect(afterPhoto.map((m) => m.text).join('\n')).toMatch(/Recibí su foto[\s\S]*¿Lo registro así\?/);
    expect(telegram.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['photo-eli']);
    const opened = await say(eli, eli.press(lastWithButtons(afterPhoto), 'yes'));
    const folio = /AC-\d{4}-\d{6}/.exec(opened.map((m) => m.text).join('\n'))![0];
    const [stored] = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
    const files = await app.database.db.select().from(attachments).where(eq(attachments.caseId, stored!.id));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ kind: 'photo', contentType: 'image/jpeg', sizeBytes: JPEG.byteLength });
    expect(Buffer.from(files[0]!.data)).toEqual(Buffer.from(JPEG));
  });

  it('uses a shared location as the case place, and a venue’s name and address as its address', async () => {
    const fer = new TelegramUser(7007, 'Fer');
    const asked = await say(fer, fer.text('Hay una luminaria fundida y no se ve nada de noche'));
    expect(asked.at(-1)!.text).toMatch(/¿Dónde es\?/);
    expect(telegram.sentTo(fer.id).at(-1)!.params.reply_markup).toEqual({
      keyboard: [[{ text: '📍 Compartir mi ubicación', request_location: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
    await say(fer, fer.venue(19.4326, -99.1332, 'Jardín Hidalgo', 'Av. Juárez 5, Centro'));
    await say(fer, fer.text('Fer Gil'));
    const photoPrompt = await say(fer, fer.text('55 4567 8901'));
    const confirm = await say(fer, fer.press(lastWithButtons(photoPrompt), 'skip'));
    expect(confirm.at(-1)!.text).toContain('Lugar: Jardín Hidalgo, Av. Juárez 5, Centro');
    const opened = await say(fer, fer.press(lastWithButtons(confirm), 'yes'));
    const folio = /AC-\d{4}-\d{6}/.exec(opened.map((m) => m.text).join('\n'))![0];
    const [stored] = await app.database.db.select().from(cases).where(eq(cases.folio, folio));
    expect(stored).toMatchObject({ address: 'Jardín Hidalgo, Av. Juárez 5, Centro', latitude: 19.4326, longitude: -99.1332 });

    const gabi = new TelegramUser(7008, 'Gabi');
    await say(gabi, gabi.text('Hay una luminaria fundida y no se ve nada de noche'));
    const nameAsked = await say(gabi, gabi.location(20.6597, -103.3496));
    expect(nameAsked.at(-1)!.text).toMatch(/nombre/);
    await say(gabi, gabi.text('Gabi Paz'));
    const gabiPhoto = await say(gabi, gabi.text('55 5678 9012'));
    const gabiConfirm = await say(gabi, gabi.press(lastWithButtons(gabiPhoto), 'skip'));
    expect(gabiConfirm.at(-1)!.text).toContain('📍 20.65970, -103.34960');
    const gabiOpened = await say(gabi, gabi.press(lastWithButtons(gabiConfirm), 'yes'));
    const gabiFolio = /AC-\d{4}-\d{6}/.exec(gabiOpened.map((m) => m.text).join('\n'))![0];
    const [gabiCase] = await app.database.db.select().from(cases).where(eq(cases.folio, gabiFolio));
    expect(gabiCase).toMatchObject({ latitude: 20.6597, longitude: -103.3496 });
  });

  it('answers a sticker politely, saying what it can take, and still stores it', async () => {
    const hugo = new TelegramUser(7009, 'Hugo');
    await say(hugo, hugo.text('hola'));
    telegram.addFile('sticker-1', Uint8Array.from(Buffer.from('RIFF\0\0\0\0WEBPVP8 stand-in')), 'stickers/sticker-1.webp');
    const answer = await say(hugo, hugo.sticker('sticker-1'));
    expect(answer.map((m) => m.text).join('\n')).toMatch(/solo puedo recibir texto, fotos y ubicaciones/);
    const [stored] = await app.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.externalId, `m:${hugo.id}:2`), eq(messages.direction, 'in')));
    expect(stored).toBeDefined();
    const files = await app.database.db.select().from(attachments).where(eq(attachments.messageId, stored!.id));
    expect(files).toMatchObject([{ kind: 'other', filename: 'sticker.webp' }]);
  });

  it('keeps a photo sent as a file as a photo, and a voice note as audio', async () => {
    const ivan = new TelegramUser(7014, 'Iván');
    await say(ivan, ivan.text('Hay un bache enorme en la calle Allende 9'));
    await say(ivan, ivan.text('Iván Soto'));
    await say(ivan, ivan.text('55 6789 0123'));
    telegram.addFile('doc-photo', JPEG, 'documents/IMG_0001.jpg');
    const document = {
      message: {
        message_id: 90,
        from: { id: ivan.id, is_bot: false },
        chat: { id: ivan.id, type: 'private' },
        date: 1,
        document: {
          file_id: 'doc-photo',
          file_unique_id: 'dp',
          file_name: 'IMG_0001.jpg',
          mime_type: 'image/jpeg',
          file_size: JPEG.byteLength,
        },
      },
    };
    const afterPhoto = await say(ivan, document);
    expect(afterPhoto.map((m) => m.text).join('\n')).toMatch(/Recibí su foto/);
    telegram.addFile('voice-1', Uint8Array.from(Buffer.from('OggS stand-in voice')), 'voice/file_1.oga');
    const voice = {
      message: {
        message_id: 91,
        from: { id: ivan.id, is_bot: false },
        chat: { id: ivan.id, type: 'private' },
        date: 1,
        voice: { file_id: 'voice-1', file_unique_id: 'v1', duration: 2, mime_type: 'audio/ogg', file_size: 19 },
      },
    };
    const afterVoice = await say(ivan, voice);
    expect(afterVoice.map((m) => m.text).join('\n')).toMatch(/solo puedo recibir texto, fotos y ubicaciones[\s\S]*¿Lo registro así\?/);
    const stored = await app.database.db
      .select({ kind: attachments.kind, contentType: attachments.contentType, filename: attachments.filename })
      .from(attachments)
      .innerJoin(messages, eq(messages.id, attachments.messageId))
      .where(eq(messages.conversationId, await conversationOf(ivan.id)));
    expect(stored).toEqual([
      { kind: 'photo', contentType: 'image/jpeg', filename: 'foto.jpeg' },
      { kind: 'audio', contentType: 'audio/ogg', filename: 'nota-de-voz.ogg' },
    ]);
  });

  it('splits a message over 4,096 characters at line breaks, spaced one second apart in the chat', async () => {
    const ines = new TelegramUser(7010, 'Inés');
    const opened = await app.conversations.receive({
      channel: 'telegram',
      channelUserId: String(ines.id),
      conversationKey: String(ines.id),
      externalId: 'm:7010:1',
      text: 'hola',
      attachments: [],
      receivedAt: new Date(),
    });
    await app.queue.runDue(DELIVERIES);
    const line = 'Aviso de seguimiento: la cuadrilla revisó el sitio y programó la reparación. '.repeat(2).trimEnd();
    const long = Array.from({ length: 40 }, (_, i) => `${i + 1}. ${line}`).join('\n');
    expect(long.length).toBeGreaterThan(4096);
    const { enqueueOutbound } = await import('../../../src/outbox/enqueue.js');
    await app.database.db.transaction((tx) =>
      enqueueOutbound(tx, { conversationId: opened.conversationId, channel: 'telegram', message: { text: long, author: 'system' } }),
    );
    const before = telegram.sentTo(ines.id).length;
    await app.queue.runDue(DELIVERIES);
    const parts = telegram.sentTo(ines.id).slice(before);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.message.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.message.text).join('\n')).toBe(long);
    expect(parts[0]!.message.text.endsWith(line)).toBe(true);
    expect(parts[1]!.at - parts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('honours a 429: waits retry_after and then sends', async () => {
    const juan = new TelegramUser(7011, 'Juan');
    telegram.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    const sent = await say(juan, juan.text('hola'));
    expect(sent).toHaveLength(2);
    const attempts = telegram.callsOf('sendMessage').filter((c) => c.params.chat_id === juan.id);
    expect(attempts).toHaveLength(3);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(3000);
  });

  it('leaves a long retry_after to the outbox, which tries again after it', async () => {
    const kim = new TelegramUser(7012, 'Kim');
    telegram.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 120',
      parameters: { retry_after: 120 },
    });
    const sent = await say(kim, kim.text('hola'));
    expect(sent).toHaveLength(0);
    const [job] = await deliveryJobs(app.database.db, { status: 'pending', conversationId: await conversationOf(kim.id) });
    expect(job!.lastError).toMatch(/429/);
    // The queue's clock is the app's (fixed at OFFICE_HOURS_NOW in tests).
    expect(job!.runAt.getTime() - OFFICE_HOURS_NOW.getTime()).toBeGreaterThanOrEqual(119_000);
    // Two minutes pass, for the queue and for the send limiter.
    clock.time += 120_000;
    await app.database.db
      .update(jobs)
      .set({ runAt: new Date(0) })
      .where(eq(jobs.id, job!.id));
    await app.queue.runDue(DELIVERIES);
    expect(telegram.sentTo(kim.id)).toHaveLength(2);
  });

  it('gives up on a chat that blocked the bot', async () => {
    const leo = new TelegramUser(7013, 'Leo');
    telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await say(leo, leo.text('hola'));
    const failed = await deliveryJobs(app.database.db, { status: 'failed' });
    expect(failed.some((job) => /blocked/.test(job.lastError ?? ''))).toBe(true);
  });
});

describe('Telegram webhook registration', () => {
  it('starts while Telegram is unreachable and registers the webhook once it answers', async () => {
    const offline = await new TelegramStandIn().start();
    offline.down = true;
    const other = await createTestApp({
      channels: [telegramChannel({ clock: new JumpingClock(), retryBaseMs: 20 })],
      env: {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: offline.apiRoot,
        PUBLIC_URL: 'https://atencion.example.gob/',
      },
    });
    try {
      await other.start();
      expect((await other.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(offline.webhook).toBeUndefined();
      offline.down = false;
      await eventually(() => offline.webhook);
      expect(offline.webhook).toEqual({ url: `https://atencion.example.gob${WEBHOOK_PATH}`, secret_token: SECRET });
    } finally {
      await other.close();
      await offline.close();
    }
  });
});
