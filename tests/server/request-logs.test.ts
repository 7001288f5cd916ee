import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/** The app's log lines, as a log collector would read them. */
function captureLogs() {
  const lines: string[] = [];
  return {
    lines,
    stream: { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const CITIZEN_TEXT = 'Mi vecina Rosalinda Quiñónez tira basura en la calle Naranjos 77';

async function chatOnce(app: TestApp) {
  const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations?ref=cartel', payload: {} });
  expect(opened.statusCode).toBe(201);
  const { conversationId, token } = opened.json() as { conversationId: string; token: string };
  const sent = await app.app.inject({
    method: 'POST',
    url: `/api/webchat/conversations/${conversationId}/messages`,
    headers: { authorization: `Bearer ${token}` },
    payload: { clientMessageId: 'log-test-1', text: CITIZEN_TEXT },
  });
  expect(sent.statusCode).toBe(200);
  return conversationId;
}

describe(`request logs on ${databaseKind}`, () => {
  it('writes no line per request at info', async () => {
    const logs = captureLogs();
    app = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: logs.stream });
    await chatOnce(app);
    expect((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(logs.records().filter((r) => r.req || r.res || r.msg === 'request' || r.msg === 'incoming request')).toEqual([]);
  });

  it('writes one line per request at debug, with method, route, status and time', async () => {
    const logs = captureLogs();
    app = await createTestApp({ env: { LOG_LEVEL: 'debug' }, logStream: logs.stream });
    const conversationId = await chatOnce(app);
    await app.app.inject({ method: 'GET', url: '/no-such-page?secret=1' });
    const requests = logs.records().filter((r) => r.msg === 'request');
    expect(requests.map(({ method, url, status }) => ({ method, url, status }))).toEqual([
      { method: 'POST', url: '/api/webchat/conversations', status: 201 },
      { method: 'POST', url: '/api/webchat/conversations/:id/messages', status: 200 },
      { method: 'GET', url: '/no-such-page', status: 404 },
    ]);
    for (const line of requests) {
      expect(line.level).toBe(20);
      expect(typeof line.ms).toBe('number');
      expect(line.reqId).toBeDefined();
    }
    // Route patterns, not paths: a conversation's id (and any token in a URL) stays out.
    expect(logs.lines.join('\n')).not.toContain(conversationId);
    expect(logs.lines.join('\n')).not.toContain('secret');
  });

  it('never logs what the citizen wrote, even at trace', async () => {
    const logs = captureLogs();
    app = await createTestApp({ env: { LOG_LEVEL: 'trace' }, logStream: logs.stream });
    await chatOnce(app);
    expect(logs.lines.length).toBeGreaterThan(0);
    const all = logs.lines.join('\n');
    for (const word of ['Rosalinda', 'Quiñónez', 'Naranjos']) expect(all).not.toContain(word);
  });

  it('writes lines for people with LOG_FORMAT=pretty', async () => {
    const logs = captureLogs();
    app = await createTestApp({ env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }, logStream: logs.stream });
    await app.app.inject({ method: 'GET', url: '/healthz' });
    const line = logs.lines.find((l) => l.includes('request'));
    expect(line).toBeDefined();
    expect(line!.startsWith('{')).toBe(false);
    expect(line).toMatch(/DEBUG/);
  });
});
