import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebChatHub } from '../../src/channels/web/hub.js';
import { createWebSender } from '../../src/channels/web/outbound.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { jobs } from '../../src/db/schema.js';
import { DeliveryFailed, type Delivery } from '../../src/messages/delivery.js';
import { DELIVER_JOB } from '../../src/outbox/enqueue.js';
import { DELIVERIES } from '../../src/server/app.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

/**
 * Two instances behind a load balancer: the citizen's browser holds a socket on instance A while
 * an operator answers through instance B. The reply must reach that socket.
 */
let database: Database & { url?: string };
let secondDatabase: Database;
let a: TestApp;
let b: TestApp;
let wsBase: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // On a server each instance has its own pool and LISTEN connection; PGlite is one process's database, so both share it.
  secondDatabase = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 5 }) : database;
  a = await createTestApp({ database });
  b = await createTestApp({ database: secondDatabase });
  wsBase = (await a.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  if (secondDatabase !== database) await secondDatabase?.close();
  await database?.close();
});

async function until(predicate: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A citizen's browser on instance A: a conversation and its authenticated socket, collecting frames. */
async function browserOnA() {
  const opened = await a.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  const { conversationId, token } = opened.json() as { conversationId: string; token: string };
  const socket = new WebSocket(`${wsBase}/api/webchat/conversations/${conversationId}/ws`);
  const frames: Array<{ type: string; message?: { id: string; text: string; author: string } }> = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await until(() => frames.some((f) => f.type === 'ready'));
  const asked = await a.app.inject({
    method: 'POST',
    url: `/api/webchat/conversations/${conversationId}/messages`,
    headers: { authorization: `Bearer ${token}` },
    payload: { clientMessageId: `pide-operador-${conversationId}`, text: 'quiero hablar con una persona' },
  });
  expect(asked.statusCode).toBe(200);
  return { conversationId, socket, messages: () => frames.filter((f) => f.type === 'message').map((f) => f.message!) };
}

/** An operator signed in on instance B who takes the conversation over. */
async function operatorOnB(conversationId: string) {
  const login = await b.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  const headers = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
  const taken = await b.app.inject({ method: 'POST', url: `/api/staff/conversations/${conversationId}/take-over`, headers });
  expect(taken.statusCode).toBe(200);
  return async (text: string) => {
    const res = await b.app.inject({ method: 'POST', url: `/api/staff/conversations/${conversationId}/reply`, headers, payload: { text } });
    expect(res.statusCode).toBe(200);
    return String((res.json() as { message: { id: number } }).message.id);
  };
}

describe(`web chat pushes across two instances on ${databaseKind}`, () => {
  it('an operator’s replies sent through instance B reach the browser connected to instance A, 10 of 10', async () => {
    const browser = await browserOnA();
    const reply = await operatorOnB(browser.conversationId);
    const ids: string[] = [];
    for (let i = 1; i <= 10; i += 1) ids.push(await reply(`Respuesta ${i} del equipo de atención`));
    // Only B delivers: A never runs the queue, so whatever reaches A's socket came across.
    await b.queue.runDue(DELIVERIES);
    await until(() => browser.messages().length >= 10);
    expect(browser.messages().map((m) => m.id)).toEqual(ids);
    expect(browser.messages().every((m) => m.author === 'staff')).toBe(true);
    // …and the outbox counts each as handed over only once it was published.
    const deliveries = await database.db
      .select({ status: jobs.status, payload: jobs.payload })
      .from(jobs)
      .where(eq(jobs.kind, DELIVER_JOB));
    const replies = deliveries.filter((d) => ids.includes(String(d.payload.messageId)));
    expect(replies.map((d) => d.status)).toEqual(Array(10).fill('done'));
    browser.socket.close();
  });

  it('a reply too long to travel inside a NOTIFY is read back from the database by the instance holding the socket', async () => {
    const browser = await browserOnA();
    const reply = await operatorOnB(browser.conversationId);
    // 4,000 two-byte characters: 8,000 bytes, more than a NOTIFY payload may carry.
    const text = 'ñ'.repeat(4000);
    const id = await reply(text);
    await b.queue.runDue(DELIVERIES);
    await until(() => browser.messages().length >= 1);
    expect(browser.messages()).toEqual([expect.objectContaining({ id, text, author: 'staff' })]);
    browser.socket.close();
  });
});

describe('the web sender', () => {
  it('fails the delivery, to be retried, when the push cannot be published', async () => {
    const hub = new WebChatHub({
      bus: {
        publish: async () => {
          throw new Error('connection terminated');
        },
        listen: async () => async () => undefined,
      },
    });
    const delivery = {
      messageId: 1,
      conversationId: '00000000-0000-4000-8000-000000000000',
      message: { text: 'hola', author: 'staff' },
      createdAt: new Date(),
    } as Delivery;
    await expect(createWebSender(hub).send(delivery)).rejects.toBeInstanceOf(DeliveryFailed);
  });
});
