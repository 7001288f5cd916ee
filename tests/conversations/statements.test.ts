import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundMessage } from '../../src/messages/inbound.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { countStatements } from '../helpers/statements.js';

// Round trips are counted on the node-postgres client, so this runs in the suite's PostgreSQL pass.
describe.runIf(databaseKind === 'postgres')('statements per ordinary turn on PostgreSQL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; texts: string[] }> {
    const counter = countStatements();
    try {
      return { result: await work(), texts: counter.texts };
    } finally {
      counter.stop();
    }
  }

  it('answers a web chat message in at most 5 statements and one commit, token check included', async () => {
    const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
    const { conversationId, token } = opened.json() as { conversationId: string; token: string };
    const send = (clientMessageId: string, text: string) =>
      app.app.inject({
        method: 'POST',
        url: `/api/webchat/conversations/${conversationId}/messages`,
        headers: { authorization: `Bearer ${token}` },
        payload: { clientMessageId, text },
      });
    await send('statements-1', 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    const { result, texts } = await counted(() => send('statements-2', 'Juan Pérez'));
    expect(result.statusCode).toBe(200);
    expect((result.json() as { messages: Array<{ prompt?: { field: string } }> }).messages.at(-1)!.prompt?.field).toBe('contact');
    expect(texts.length, texts.join('\n')).toBeLessThanOrEqual(5);
    expect(texts.filter((t) => /^commit/i.test(t.trim()))).toHaveLength(1);
  });

  it('takes a messaging-platform turn, its reply jobs and their NOTIFY included, in at most 5 statements', async () => {
    const message = (i: number, text: string) =>
      InboundMessage.parse({
        channel: 'telegram',
        channelUserId: 'statements-chat',
        conversationKey: 'statements-chat',
        externalId: `statements-update-${i}`,
        text,
        receivedAt: new Date(),
      });
    await app.conversations.receive(message(1, 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123'));
    const { result, texts } = await counted(() => app.conversations.receive(message(2, 'Juan Pérez')));
    expect(result.replies.length).toBeGreaterThan(0);
    expect(texts.length, texts.join('\n')).toBeLessThanOrEqual(5);
    expect(texts.filter((t) => /^commit/i.test(t.trim()))).toHaveLength(1);
    expect(texts.some((t) => /pg_notify/.test(t))).toBe(true);
  });
});
