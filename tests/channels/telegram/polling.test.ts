import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramChannel } from '../../../src/channels/telegram/channel.js';
import { readChannelState } from '../../../src/db/channel-state.js';
import { cases, messages } from '../../../src/db/schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createTestDatabase, databaseKind } from '../../helpers/database.js';
import { BOT_TOKEN, TelegramStandIn, TelegramUser } from '../../helpers/telegram-stand-in.js';
import { eventually, JumpingClock } from './helpers.js';

const clock = new JumpingClock();
let telegram: TelegramStandIn;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: TestApp | undefined;

const startApp = async () => {
  const started = await createTestApp({
    database,
    channels: [telegramChannel({ clock, retryBaseMs: 20, pollTimeoutSeconds: 1 })],
    env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot },
  });
  await started.start();
  return started;
};

beforeAll(async () => {
  telegram = await new TelegramStandIn(BOT_TOKEN, clock.now).start();
  database = await createTestDatabase();
});
afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await database?.close();
});

/** The citizen writes; resolves with what the bot sent back once it has answered `replies` messages. */
async function say(user: TelegramUser, update: Record<string, unknown>, replies = 1) {
  const before = telegram.sentTo(user.id).length;
  telegram.pushUpdate(update);
  await eventually(() => telegram.sentTo(user.id).length >= before + replies);
  // Whatever else the same turn produced goes out right after.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return telegram
    .sentTo(user.id)
    .slice(before)
    .map((s) => s.message);
}

describe(`Telegram by long polling on ${databaseKind}`, () => {
  it('starts while Telegram is unreachable, keeps retrying, and picks up once it answers', async () => {
    telegram.down = true;
    // A webhook left from an earlier set-up would block getUpdates.
    telegram.webhook = { url: 'https://old.example/webhooks/telegram' };
    app = await startApp();
    expect(app.channels.map((c) => c.name)).toContain('telegram');
    const health = await app.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    telegram.down = false;
    await eventually(() => telegram.callsOf('getUpdates').length > 0);
    expect(telegram.callsOf('deleteWebhook').length).toBeGreaterThan(0);
    expect(telegram.webhook).toBeUndefined();
    // Without webhook mode there is no webhook to forge.
    expect((await app.app.inject({ method: 'POST', url: '/webhooks/telegram', payload: {} })).statusCode).toBe(404);
    expect(telegram.callsOf('setMyCommands')[0]!.params.commands.map((c: { command: string }) => c.command)).toEqual([
      'estado',
      'operador',
      'ayuda',
      'cancelar',
    ]);
  });

  it('takes a citizen from /start to a folio, then answers /estado, confirming each update only once stored', async () => {
    const rosa = new TelegramUser(8001, 'Rosa');
    const greeting = await say(rosa, rosa.text('/start'), 2);
    expect(greeting.map((m) => m.text).join('\n')).toMatch(/Cuénteme/);
    await say(rosa, rosa.text('Hay un bache enorme frente a la escuela de la calle Hidalgo 123'), 2);
    await say(rosa, rosa.text('Rosa Díaz'));
    const photoPrompt = await say(rosa, rosa.text('55 6789 0123'));
    const confirm = await say(rosa, rosa.press(photoPrompt.at(-1)!, 'skip'));
    expect(confirm.at(-1)!.text).toMatch(/¿Lo registro así\?/);
    const opened = await say(rosa, rosa.press(confirm.at(-1)!, 'yes'));
    const folio = /AC-\d{4}-\d{6}/.exec(opened.map((m) => m.text).join('\n'))![0];
    const [stored] = await database.db.select().from(cases).where(eq(cases.folio, folio));
    expect(stored).toMatchObject({ channel: 'telegram', address: expect.stringMatching(/Hidalgo 123/) });

    const last = telegram.pushUpdate(rosa.text(`/estado ${folio}`));
    await eventually(() => telegram.sentTo(rosa.id).some((s) => s.message.text.startsWith(`El folio ${folio}`)));
    await eventually(
      async () =>
        (await readChannelState<{ nextUpdateId: number }>(database.db, 'telegram', 'polling'))?.nextUpdateId === last.update_id + 1,
    );
  });

  it('after a crash between storing and confirming, the update Telegram sends again changes nothing', async () => {
    const sol = new TelegramUser(8002, 'Sol');
    const update = telegram.pushUpdate(sol.text('hola'));
    await eventually(() => telegram.sentTo(sol.id).length >= 2);
    await app!.close();
    app = undefined;
    // As if the process died before the offset was written: Telegram still has the update.
    const { writeChannelState } = await import('../../../src/db/channel-state.js');
    await writeChannelState(database.db, 'telegram', 'polling', { nextUpdateId: update.update_id });
    telegram.pushUpdate(update);
    const sentBefore = telegram.sentTo(sol.id).length;
    app = await startApp();
    await eventually(
      async () =>
        (await readChannelState<{ nextUpdateId: number }>(database.db, 'telegram', 'polling'))?.nextUpdateId === update.update_id + 1,
    );
    const stored = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.externalId, `m:${sol.id}:1`), eq(messages.direction, 'in')));
    expect(stored).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(telegram.sentTo(sol.id)).toHaveLength(sentBefore);
  });
});
