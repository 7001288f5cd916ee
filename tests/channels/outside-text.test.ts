import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramChannel, WEBHOOK_PATH } from '../../src/channels/telegram/channel.js';
import { whatsappChannel } from '../../src/channels/whatsapp/index.js';
import { conversations, messages } from '../../src/db/schema.js';
import type { Channel } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startGraphApi, type GraphApi } from '../helpers/graph-api.js';
import { BOT_TOKEN, TelegramStandIn } from '../helpers/telegram-stand-in.js';
import { JumpingClock } from './telegram/helpers.js';
import * as wa from './whatsapp/webhook-payloads.js';

/**
 * Text PostgreSQL refuses (NUL, lone surrogates) and numbers out of range, sent through every
 * way text comes in: never a 500, webhooks acknowledged with what could be stored kept.
 */
const TG_SECRET = 'webhook-secret_for-tests-0123456789';
const WA_SECRET = 'app-secret-de-prueba';
const WA_TOKEN = 'EAAG-token-de-prueba';
const NUL = '\u0000';
const LONE_HIGH = '\uD83D';
const LONE_LOW = '\uDE00';

let telegram: TelegramStandIn;
let graph: GraphApi;
let app: TestApp;

beforeAll(async () => {
  telegram = await new TelegramStandIn(BOT_TOKEN, new JumpingClock().now).start();
  graph = await startGraphApi({ accessToken: WA_TOKEN, version: 'v21.0' });
  app = await createTestApp({
    channels: [telegramChannel({ clock: new JumpingClock() }), whatsappChannel],
    env: {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PUBLIC_URL: 'https://ventanilla.example.gob',
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_VERIFY_TOKEN: 'verificacion',
      WHATSAPP_APP_SECRET: WA_SECRET,
      WHATSAPP_ACCESS_TOKEN: WA_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: wa.PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_ROOT: graph.url,
      WHATSAPP_GRAPH_VERSION: 'v21.0',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
});

async function inboundTexts(channel: Channel, channelUserId: string) {
  const rows = await app.database.db
    .select({ text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.channel, channel), eq(conversations.channelUserId, channelUserId), eq(messages.direction, 'in')))
    .orderBy(messages.id);
  return rows.map((r) => r.text);
}

describe(`unstorable text and out-of-range numbers on ${databaseKind}`, () => {
  it('the web chat stores a message with NUL and lone surrogates cleaned, and answers', async () => {
    const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
    const { conversationId, token } = opened.json() as { conversationId: string; token: string };
    const res = await app.app.inject({
      method: 'POST',
      url: `/api/webchat/conversations/${conversationId}/messages`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        clientMessageId: 'client-nul-0001',
        text: `Hay un ba${NUL}che ${LONE_HIGH}en la calle ${LONE_LOW}Hidalgo 12`,
      }),
    });
    expect(res.statusCode).toBe(200);
    const stored = await inboundTexts('web', conversationId);
    expect(stored).toEqual(['Hay un bache \uFFFDen la calle \uFFFDHidalgo 12']);

    // Nothing left once cleaned is an empty message, as any empty one.
    const empty = await app.app.inject({
      method: 'POST',
      url: `/api/webchat/conversations/${conversationId}/messages`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ clientMessageId: 'client-nul-0002', text: `${NUL}${NUL}`, choice: undefined }),
    });
    expect(empty.statusCode).toBe(400);
  });

  it('a staff login, a staff reply and a search with NUL are answered, not failed', async () => {
    const refused = await app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `admin${NUL}@x.mx`, password: `a${NUL}${LONE_HIGH}` },
    });
    expect(refused.statusCode).toBe(401);
    const login = await app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `${ADMIN.email}${NUL}`, password: ADMIN.password },
    });
    expect(login.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
    const search = await app.app.inject({ method: 'GET', url: '/api/cases?folio=AC-2026%00', headers: auth });
    expect(search.statusCode).toBe(200);
    const bogus = await app.app.inject({
      method: 'POST',
      url: '/api/staff/conversations/00000000-0000-4000-8000-000000000000/reply',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ text: `${NUL}` }),
    });
    expect(bogus.statusCode).toBe(400);
  });

  it('Telegram: a NUL text is stored cleaned, a latitude of 91 is acknowledged, and neither is delivered again', async () => {
    const deliver = (update: Record<string, unknown>) =>
      app.app.inject({
        method: 'POST',
        url: WEBHOOK_PATH,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
        payload: JSON.stringify(update),
      });
    const from = { id: 7001, is_bot: false, first_name: `Ana${NUL}` };
    const chat = { id: 7001, type: 'private' };
    const text = await deliver({
      update_id: 1,
      message: { message_id: 1, from, chat, date: 1_773_000_000, text: `hola${NUL} ${LONE_LOW}` },
    });
    expect(text.statusCode).toBe(200);
    const offGlobe = await deliver({
      update_id: 2,
      message: { message_id: 2, from, chat, date: 1_773_000_001, location: { latitude: 91, longitude: -99.1 } },
    });
    expect(offGlobe.statusCode).toBe(200);
    const huge = await deliver({ update_id: 3, message: { message_id: 2 ** 60, from, chat, date: 1, text: 'x' } });
    expect(huge.statusCode).toBe(200);
    expect(await inboundTexts('telegram', '7001')).toEqual(['hola \uFFFD']);
  });

  it('WhatsApp: in a bundle [valid, NUL, malformed, off the globe, valid] every message that can be stored is', async () => {
    const from = '5215512349999';
    const at = OFFICE_HOURS_NOW;
    const bundle = wa.messagesFrom(from, [
      wa.text('primero', at),
      wa.text(`segun${NUL}do ${LONE_HIGH}`, at),
      { id: wa.wamid(), type: 'text', timestamp: 'ayer', text: { body: 'sin hora válida' } },
      wa.location(91, 200, at),
      wa.text('tercero', at),
    ]);
    const body = JSON.stringify(bundle);
    const res = await app.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(body, WA_SECRET) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(await inboundTexts('whatsapp', from)).toEqual(['primero', 'segundo \uFFFD', 'tercero']);
    // A status whose error text carries NUL is recorded too.
    const statusBody = JSON.stringify(
      wa.envelope({ statuses: [wa.status('wamid.desconocido', 'failed', at, from, [{ code: 131026, title: `No${NUL}` }])] }),
    );
    const status = await app.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(statusBody, WA_SECRET) },
      payload: statusBody,
    });
    expect(status.statusCode).toBe(200);
  });
});
