import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: '3', WEBCHAT_MESSAGES_PER_MINUTE: '4' } });
});
afterAll(async () => app?.close());

const open = (ip: string) => app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {}, remoteAddress: ip });

describe('web chat flood limits', () => {
  it('limits new conversations per address, with a Spanish message and Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await open('203.0.113.7')).statusCode).toBe(201);
    const refused = await open('203.0.113.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/espere un momento/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await open('198.51.100.9')).statusCode).toBe(201);
  });

  it('limits messages per conversation, not per address', async () => {
    const a = (await open('192.0.2.1')).json() as { conversationId: string; token: string };
    const b = (await open('192.0.2.1')).json() as { conversationId: string; token: string };
    const say = (conv: { conversationId: string; token: string }, n: number) =>
      app.app.inject({
        method: 'POST',
        url: `/api/webchat/conversations/${conv.conversationId}/messages`,
        headers: { authorization: `Bearer ${conv.token}` },
        payload: { clientMessageId: `flood-${conv.conversationId}-${n}`, text: 'hola' },
        remoteAddress: '192.0.2.1',
      });
    for (let i = 0; i < 4; i++) expect((await say(a, i)).statusCode).toBe(200);
    expect((await say(a, 99)).statusCode).toBe(429);
    expect((await say(b, 0)).statusCode).toBe(200);
  });
});
