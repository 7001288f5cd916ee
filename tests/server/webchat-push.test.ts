import { DELIVERIES } from '../../src/server/app.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enqueueOutbound } from '../../src/outbox/enqueue.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await createTestApp();
  base = (await app.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
});
afterAll(async () => app?.close());

async function openConversation() {
  const res = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  return res.json() as { conversationId: string; token: string };
}

/** Connects and collects frames; resolves once the socket is open. */
function connect(conversationId: string) {
  const socket = new WebSocket(`${base}/api/webchat/conversations/${conversationId}/ws`);
  const frames: Array<Record<string, unknown>> = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve());
    socket.on('error', reject);
  });
  return { socket, frames, closed, opened };
}

async function until(predicate: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`web chat push over WebSocket on ${databaseKind}`, () => {
  it('pushes a message the outbox sends later (an operator reply, a follow-up) to the open chat', async () => {
    const conv = await openConversation();
    const client = connect(conv.conversationId);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token: conv.token }));
    await until(() => client.frames.some((f) => f.type === 'ready'));

    const stored = await app.database.db.transaction((tx) =>
      enqueueOutbound(tx, {
        conversationId: conv.conversationId,
        channel: 'web',
        message: { text: 'Hola, soy Laura, del equipo de atención ciudadana.', author: 'staff' },
      }),
    );
    await app.queue.runDue(DELIVERIES);
    await until(() => client.frames.some((f) => f.type === 'message'));
    expect(client.frames.find((f) => f.type === 'message')).toEqual({
      type: 'message',
      message: expect.objectContaining({
        id: String(stored.id),
        text: 'Hola, soy Laura, del equipo de atención ciudadana.',
        author: 'staff',
      }),
    });
    client.socket.close();
  });

  it('closes a socket that authenticates with another conversation’s token', async () => {
    const a = await openConversation();
    const b = await openConversation();
    const client = connect(a.conversationId);
    await client.opened;
    client.socket.send(JSON.stringify({ type: 'auth', token: b.token }));
    expect(await client.closed).toBe(4401);
    expect(app.hub.connections(a.conversationId)).toBe(0);
  });

  it('closes a socket that sends garbage instead of authenticating', async () => {
    const conv = await openConversation();
    const client = connect(conv.conversationId);
    await client.opened;
    client.socket.send('not json at all');
    expect(await client.closed).toBe(4401);
  });
});
