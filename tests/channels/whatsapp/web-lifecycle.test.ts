import { DELIVERIES } from '../../../src/server/app.js';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebLibrary } from '../../../src/channels/whatsapp/web/connection.js';
import { createWebChannel } from '../../../src/channels/whatsapp/web/web.js';
import { conversations, messages } from '../../../src/db/schema.js';
import { deliveryJobOf } from '../../helpers/jobs.js';
import { enqueueOutbound } from '../../../src/outbox/enqueue.js';
import { ADMIN, createTestApp, type TestApp } from '../../helpers/app.js';
import { databaseKind } from '../../helpers/database.js';

/**
 * A stand-in for whatsapp-web.js with its Client's surface (options, initialize, events,
 * sendMessage, isRegisteredUser, destroy): WhatsApp Web itself cannot be reached from here.
 * The test plays WhatsApp's part by emitting the events the real client emits.
 */
class StandInClient extends EventEmitter {
  static made: StandInClient[] = [];
  sent: Array<{ chatId: string; text: string; id: string }> = [];
  destroyed = false;
  info = { wid: { user: '5213110000000' } };
  constructor(readonly options: { authStrategy: { dataPath: string }; puppeteer: { executablePath: string; args: string[] } }) {
    super();
    StandInClient.made.push(this);
  }
  async initialize() {
    this.emit('qr', `2@QR-${StandInClient.made.length},abc,def`);
  }
  async isRegisteredUser(chatId: string) {
    return chatId.endsWith('@c.us');
  }
  async sendMessage(chatId: string, text: string) {
    const id = `true_${chatId}_3EB0${this.sent.length}`;
    this.sent.push({ chatId, text, id });
    return { id: { _serialized: id } };
  }
  async destroy() {
    this.destroyed = true;
  }
  /** What waited unread while Ventanilla was down. */
  unread: Array<Record<string, unknown>> = [];
  async getChats() {
    return [
      { isGroup: true, unreadCount: 3, fetchMessages: async () => [] },
      { isGroup: false, unreadCount: this.unread.length, fetchMessages: async ({ limit }: { limit: number }) => this.unread.slice(-limit) },
    ];
  }
}
class StandInLocalAuth {
  constructor(readonly options: { dataPath: string }) {}
  get dataPath() {
    return this.options.dataPath;
  }
}
const library = { Client: StandInClient, LocalAuth: StandInLocalAuth } as unknown as WebLibrary;

const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-wa-life-'));
const printed: string[] = [];
let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp({
    env: { WHATSAPP_MODE: 'web', DATA_DIR: dataDir },
    channels: [
      (context) =>
        createWebChannel(context, {
          loadLibrary: async () => library,
          print: (text) => void printed.push(text),
          backoff: { initialMs: 100, maxMs: 400 },
        }),
    ],
  });
  token = (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json().token;
  await app.start();
});
afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Status {
  state: string;
  since: string;
  account: string | null;
  lastError: string | null;
  retryAt: string | null;
  qr: { text: string; svg: string; pngDataUrl: string } | null;
}
async function status(): Promise<Status> {
  return (await app.app.inject({ method: 'GET', url: '/api/staff/whatsapp/qr', headers: { authorization: `Bearer ${token}` } })).json();
}
async function until(check: (s: Status) => boolean): Promise<Status> {
  for (let i = 0; i < 200; i++) {
    const s = await status();
    if (check(s)) return s;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`status never matched; last: ${JSON.stringify(await status())}`);
}
const current = () => StandInClient.made.at(-1)!;
const webText = (id: string, from: string, body: string) => ({
  id: { _serialized: id },
  from,
  fromMe: false,
  type: 'chat',
  body,
  timestamp: 1773158400,
  hasMedia: false,
  isStatus: false,
  broadcast: false,
});

describe(`WhatsApp Web link lifecycle on ${databaseKind}`, () => {
  it('starts the client with Debian’s Chromium and the session under DATA_DIR, and shows the QR in the terminal and to admins', async () => {
    const linking = await until((s) => s.state === 'qr');
    expect(current().options.authStrategy.dataPath).toBe(join(dataDir, 'whatsapp-session'));
    expect(current().options.puppeteer.executablePath).toBe('/usr/bin/chromium');
    expect(current().options.puppeteer.args).toEqual(
      expect.arrayContaining(['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run']),
    );
    expect(linking.qr!.text).toBe('2@QR-1,abc,def');
    expect(linking.qr!.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(linking.qr!.pngDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(printed.join('')).toContain('escanea este código');
    expect(printed.join('')).toMatch(/[█▀▄]/);
  });

  it('once linked, stores what citizens write and answers them as text, recording acknowledgements', async () => {
    current().emit('authenticated');
    current().unread = [webText('false_5215599990000@c.us_3EB0OFF1', '5215599990000@c.us', 'Hola, escribí cuando no había conexión')];
    current().emit('ready');
    const ready = await until((s) => s.state === 'ready');
    expect(ready).toMatchObject({ account: '5213110000000', qr: null, lastError: null });

    current().emit(
      'message',
      webText('false_5215512345678@c.us_3EB0AAA', '5215512345678@c.us', 'Hay una fuga de agua en la calle Morelos 45'),
    );
    let conversation: typeof conversations.$inferSelect | undefined;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && !conversation; ) {
      [conversation] = await app.database.db
        .select()
        .from(conversations)
        .where(and(eq(conversations.channel, 'whatsapp'), eq(conversations.channelUserId, '5215512345678')));
      if (!conversation) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(conversation).toBeDefined();
    // The running worker sends the replies as soon as they are stored.
    let replies: StandInClient['sent'] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && !replies.some((m) => /nombre/i.test(m.text)); ) {
      await app.queue.runDue(DELIVERIES);
      replies = current().sent.filter((m) => m.chatId === '5215512345678@c.us');
      if (!replies.some((m) => /nombre/i.test(m.text))) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(replies.at(-1)!.text).toMatch(/nombre/i);

    current().emit('message_ack', { id: { _serialized: replies.at(-1)!.id } }, 3);
    let row: typeof messages.$inferSelect | undefined;
    // Polled against a deadline, not a count: on a loaded machine the acknowledgement may take seconds to be applied.
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && row?.deliveryStatus !== 'read'; ) {
      [row] = await app.database.db
        .select()
        .from(messages)
        .where(eq(messages.externalId, replies.at(-1)!.id));
      if (row?.deliveryStatus !== 'read') await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(row).toMatchObject({ direction: 'out', deliveryStatus: 'read' });
  });

  it('picks up what arrived while it was disconnected, once', async () => {
    const offline = () =>
      app.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.externalId, 'false_5215599990000@c.us_3EB0OFF1'), eq(messages.direction, 'in')));
    for (let i = 0; i < 200 && (await offline()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await offline()).toHaveLength(1);
    // A later reconnection finds the same unread message and stores nothing new.
    const client = current();
    client.emit('ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await offline()).toHaveLength(1);
  });

  it('after a disconnection closes the client and reconnects, waiting twice as long each time up to the cap', async () => {
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const before = StandInClient.made.length;
      const client = current();
      client.emit('disconnected', 'NAVIGATION');
      const down = await until((s) => s.state === 'disconnected');
      expect(down.lastError).toContain('NAVIGATION');
      waits.push(Date.parse(down.retryAt!) - Date.parse(down.since));
      expect(client.destroyed).toBe(true);
      await until(() => StandInClient.made.length > before);
      await until((s) => s.state === 'qr');
    }
    // The link was ready before the first drop, so the count starts over: 100 ms, 200, 400, then the 400 ms cap.
    expect(waits.map((ms) => Math.round(ms / 10) * 10)).toEqual([100, 200, 400, 400]);
  });

  it('refuses to send while not linked, so the queue tries again later', async () => {
    const [conversation] = await app.database.db.select().from(conversations).where(eq(conversations.channelUserId, '5215512345678'));
    const notice = await app.database.db.transaction((tx) =>
      enqueueOutbound(tx, { conversationId: conversation!.id, channel: 'whatsapp', message: { text: 'Aviso', author: 'system' } }),
    );
    await app.queue.runDue(DELIVERIES);
    const job = await deliveryJobOf(app.database.db, notice.id);
    expect(job).toMatchObject({ status: 'pending', lastError: expect.stringContaining('not connected (qr)') });
  });
});
