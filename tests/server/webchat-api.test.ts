import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, messages } from '../../src/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function openConversation() {
  const res = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  expect(res.statusCode).toBe(201);
  return res.json() as { conversationId: string; token: string; messages: Array<{ id: string; text: string; prompt?: { field: string } }> };
}

let seq = 0;
function send(conversationId: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return app.app.inject({
    method: 'POST',
    url: `/api/webchat/conversations/${conversationId}/messages`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    payload: body as object,
  });
}
const id = () => `client-msg-${++seq}-${Date.now()}`;

async function storedCount(conversationId: string) {
  return (await app.database.db.select().from(messages).where(eq(messages.conversationId, conversationId))).length;
}

describe(`web chat API on ${databaseKind}`, () => {
  it('opens a conversation with a token and the greeting', async () => {
    const conv = await openConversation();
    expect(conv.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(conv.token.length).toBeGreaterThanOrEqual(40);
    expect(conv.messages.at(-1)!.prompt?.field).toBe('description');
  });

  it('answers a message with the bot replies and their prompts', async () => {
    const conv = await openConversation();
    const res = await send(conv.conversationId, conv.token, {
      clientMessageId: id(),
      text: 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { messages: Array<{ text: string; prompt?: { field: string } }> };
    expect(body.messages.at(-1)!.prompt?.field).toBe('name');
  });

  it('refuses a wrong token and another conversation’s token', async () => {
    const a = await openConversation();
    const b = await openConversation();
    const wrong = await send(a.conversationId, 'not-the-token', { clientMessageId: id(), text: 'hola' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toMatch(/credencial/);
    const crossed = await send(a.conversationId, b.token, { clientMessageId: id(), text: 'hola' });
    expect(crossed.statusCode).toBe(401);
    const missing = await app.app.inject({ method: 'GET', url: `/api/webchat/conversations/${a.conversationId}/messages` });
    expect(missing.statusCode).toBe(401);
    expect(await storedCount(a.conversationId)).toBe(2);
  });

  it('answers 404 for an unknown or malformed conversation id', async () => {
    const conv = await openConversation();
    for (const bad of ['3f1c1e7a-0000-4000-8000-000000000000', 'not-a-uuid', "1' or '1'='1"]) {
      const res = await send(encodeURIComponent(bad), conv.token, { clientMessageId: id(), text: 'hola' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('error.conversation_not_found');
    }
  });

  it('rejects malformed JSON, empty and oversized messages with a clear 4xx, storing nothing', async () => {
    const conv = await openConversation();
    const before = await storedCount(conv.conversationId);

    const malformed = await app.app.inject({
      method: 'POST',
      url: `/api/webchat/conversations/${conv.conversationId}/messages`,
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
      payload: '{"clientMessageId": "abc12345", "text": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/JSON/);

    const empty = await send(conv.conversationId, conv.token, { clientMessageId: id(), text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('error.empty_message');

    const noId = await send(conv.conversationId, conv.token, { text: 'hola' });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().error.details[0].path).toContain('clientMessageId');

    const huge = await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'a'.repeat(100 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.message).toMatch(/16 KB/);

    const long = await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'bache '.repeat(1000) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('error.message_too_long');

    expect(await storedCount(conv.conversationId)).toBe(before);
    // The conversation still works afterwards.
    const ok = await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'Hay una fuga de agua en la calle Morelos 45' });
    expect(ok.statusCode).toBe(200);
  });

  it('takes a photo as raw bytes, and refuses other media types', async () => {
    const conv = await openConversation();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
    const url = `/api/webchat/conversations/${conv.conversationId}/photos`;
    const photoId = id();
    const ok = await app.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'image/jpeg', 'x-client-message-id': photoId },
      payload: jpeg,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().messages[0].text).toContain('foto');
    const before = await storedCount(conv.conversationId);
    const retried = await app.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'image/jpeg', 'x-client-message-id': photoId },
      payload: jpeg,
    });
    expect(retried.json().messages).toEqual(ok.json().messages);
    expect(await storedCount(conv.conversationId)).toBe(before);
    const pdf = await app.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/pdf', 'x-client-message-id': id() },
      payload: Buffer.from('%PDF-1.4'),
    });
    expect(pdf.statusCode).toBe(415);
    // A file that only claims to be a photo is refused by what its bytes say.
    const disguised = await app.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'image/png', 'x-client-message-id': id() },
      payload: Buffer.from('<script>alert(1)</script>'),
    });
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().error.message).toContain('image/png');
  });

  it('returns the history to the conversation’s own token', async () => {
    const conv = await openConversation();
    await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'Hay un bache enorme en la calle Hidalgo 123' });
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/webchat/conversations/${conv.conversationId}/messages`,
      headers: { authorization: `Bearer ${conv.token}` },
    });
    const history = res.json().messages as Array<{ direction: string; text: string }>;
    expect(history[0]!.direction).toBe('out');
    expect(history.find((m) => m.direction === 'in')!.text).toContain('bache');
  });

  it('gives a long conversation’s newest 500 messages, oldest first', async () => {
    const conv = await openConversation();
    const earlier = Array.from({ length: 520 }, (_, i) => ({
      conversationId: conv.conversationId,
      direction: 'in' as const,
      channel: 'web' as const,
      author: 'citizen' as const,
      text: `mensaje anterior ${i}`,
    }));
    await app.database.db.insert(messages).values(earlier);
    await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'el último de todos' });
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/webchat/conversations/${conv.conversationId}/messages`,
      headers: { authorization: `Bearer ${conv.token}` },
    });
    const history = res.json().messages as Array<{ id: string; text: string }>;
    expect(history).toHaveLength(500);
    expect(history.some((m) => m.text === 'el último de todos')).toBe(true);
    expect(history.some((m) => m.text === 'mensaje anterior 0')).toBe(false);
    const ids = history.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('keeps client message ids per conversation: another conversation reusing one gets its own answer', async () => {
    const a = await openConversation();
    const b = await openConversation();
    const shared = id();
    const first = await send(a.conversationId, a.token, { clientMessageId: shared, text: 'Hay un bache enorme en la calle Hidalgo 123' });
    await send(a.conversationId, a.token, { clientMessageId: id(), text: 'Juan Pérez' });
    const reused = await send(b.conversationId, b.token, { clientMessageId: shared, text: 'Hay un bache enorme en la calle Morelos 45' });
    expect(reused.statusCode).toBe(200);
    const theirs = (first.json().messages as Array<{ id: string }>).map((m) => m.id);
    const mine = reused.json().messages as Array<{ id: string; prompt?: { field: string } }>;
    expect(mine.some((m) => theirs.includes(m.id))).toBe(false);
    expect(mine.at(-1)!.prompt?.field).toBe('name');
    const inbound = await app.database.db.select().from(messages).where(eq(messages.externalId, shared));
    expect(inbound.map((m) => m.conversationId).sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(inbound.find((m) => m.conversationId === b.conversationId)!.text).toContain('Morelos');
  });

  it('writes no delivery job for replies it answers in the response, so nothing pushes them again', async () => {
    const conv = await openConversation();
    const res = await send(conv.conversationId, conv.token, { clientMessageId: id(), text: 'Hay un bache enorme en la calle Hidalgo 123' });
    const replyKeys = (res.json().messages as Array<{ id: string }>).map((m) => `deliver:${m.id}`);
    const greetingKeys = conv.messages.map((m) => `deliver:${m.id}`);
    expect(replyKeys.length).toBeGreaterThan(0);
    const found = await app.database.db
      .select()
      .from(jobs)
      .where(inArray(jobs.key, [...replyKeys, ...greetingKeys]));
    expect(found).toEqual([]);
  });

  it('serves the chat page with a strict CSP and the widget script', async () => {
    const page = await app.app.inject({ method: 'GET', url: '/chat' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('Municipio de Prueba');
    expect(page.body).not.toMatch(/\{\{[\w.]+\}\}/);
    const widget = await app.app.inject({ method: 'GET', url: '/widget.js' });
    expect(widget.statusCode).toBe(200);
    expect(widget.headers['content-type']).toContain('javascript');
  });

  it('reports health from the database', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: { status: 'ok', kind: databaseKind } });
  });
});
