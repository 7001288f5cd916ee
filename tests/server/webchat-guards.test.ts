import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../src/channels/web/inbound.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let port: number;
beforeAll(async () => {
  app = await createTestApp({ env: { WEBCHAT_MESSAGES_PER_MINUTE: '4' } });
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.app.server.address() as AddressInfo).port;
});
afterAll(async () => app?.close());

async function openConversation() {
  const res = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  expect(res.statusCode).toBe(201);
  return res.json() as { conversationId: string; token: string };
}

/**
 * Starts a full-size photo upload but sends only its first chunk, then waits for the answer: a
 * server that read the whole body before refusing would never answer (the test times out).
 */
function startUpload(conversationId: string, token: string): Promise<{ status: number; sentBytes: number }> {
  const firstChunk = Buffer.alloc(64 * 1024, 0xff);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/webchat/conversations/${conversationId}/photos`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'image/jpeg',
        'content-length': String(MAX_PHOTO_BYTES),
        'x-client-message-id': 'photo-guard-0001',
      },
    });
    req.on('response', (res: IncomingMessage) => {
      resolve({ status: res.statusCode ?? 0, sentBytes: firstChunk.length });
      res.resume();
      req.destroy();
    });
    req.on('error', (error) => {
      // The server may close the socket once it has answered; only an error before any answer counts.
      if (!req.destroyed) reject(error);
    });
    req.write(firstChunk);
  });
}

describe('web chat guards', () => {
  it('refuses a photo with a wrong token before its body is sent', async () => {
    const conv = await openConversation();
    const refused = await startUpload(conv.conversationId, 'not-the-token');
    expect(refused.status).toBe(401);
    expect(refused.sentBytes).toBeLessThan(MAX_PHOTO_BYTES);
  });

  it('refuses a photo for a conversation that does not exist before its body is sent', async () => {
    const refused = await startUpload(crypto.randomUUID(), 'any-token');
    expect(refused.status).toBe(404);
  });

  it('counts messages per conversation whatever the letter case of its id', async () => {
    const conv = await openConversation();
    const say = (id: string, n: number) =>
      app.app.inject({
        method: 'POST',
        url: `/api/webchat/conversations/${id}/messages`,
        headers: { authorization: `Bearer ${conv.token}` },
        payload: { clientMessageId: `case-${n}-${conv.conversationId}`, text: 'hola' },
      });
    const spellings = [conv.conversationId, conv.conversationId.toUpperCase()];
    const answers: number[] = [];
    for (let n = 0; n < 6; n++) answers.push((await say(spellings[n % 2]!, n)).statusCode);
    expect(answers).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
