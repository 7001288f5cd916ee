import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerDatabaseUrl, databaseKind } from '../helpers/database.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

interface Reply {
  id: string;
  text: string;
  prompt?: { field: string; kind: string };
}

let dataDir: string;
let database: Awaited<ReturnType<typeof createServerDatabaseUrl>>;
let server: ServerProcess | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-e2e-'));
  database = await createServerDatabaseUrl();
  env = { DATA_DIR: dataDir, ADMIN_PASSWORD: 'una-clave-de-prueba-larga', ...(database.url ? { DATABASE_URL: database.url } : {}) };
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(server!.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe(`the web chat over real HTTP against a started server (${databaseKind})`, () => {
  it('opens a case through a whole conversation that survives a crash of the server', async () => {
    server = await startServer(env);
    const health = await fetch(server.url + '/healthz');
    expect(health.status).toBe(200);

    const opened = await post('/api/webchat/conversations', {});
    expect(opened.status).toBe(201);
    const { conversationId, token } = opened.body as { conversationId: string; token: string };
    const say = async (text: string, clientMessageId = crypto.randomUUID()) => {
      const res = await post(`/api/webchat/conversations/${conversationId}/messages`, { clientMessageId, text }, token);
      expect(res.status).toBe(200);
      return res.body.messages as Reply[];
    };

    const first = await say('Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    expect(first.at(-1)!.prompt?.field).toBe('name');

    // A browser retrying a message it never got an answer to: same id, same answer, nothing new stored.
    const retryId = crypto.randomUUID();
    const named = await say('Juan Pérez', retryId);
    const retried = await say('Juan Pérez', retryId);
    expect(retried).toEqual(named);
    expect(named.at(-1)!.prompt?.field).toBe('contact');

    await server.crash();
    server = await startServer(env);

    const afterCrash = await say('5512345678');
    expect(afterCrash.at(-1)!.prompt?.field).toBe('photo');
    await say('omitir');
    const done = await say('sí');
    const folio = /AC-\d{4}-\d{6}/.exec(done.map((r) => r.text).join(' '))?.[0];
    expect(folio).toBeDefined();

    const status = await say(`estado ${folio}`);
    expect(status[0]!.text).toContain(folio!);

    const history = await fetch(`${server.url}/api/webchat/conversations/${conversationId}/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const items = ((await history.json()) as { messages: Array<{ direction: string; text: string }> }).messages;
    expect(items.filter((m) => m.direction === 'in' && m.text === 'Juan Pérez')).toHaveLength(1);

    const wrong = await post(
      `/api/webchat/conversations/${conversationId}/messages`,
      { clientMessageId: crypto.randomUUID(), text: 'hola' },
      'forged-token',
    );
    expect(wrong.status).toBe(401);

    const login = await post('/api/auth/login', { email: 'admin@ventanilla.local', password: 'una-clave-de-prueba-larga' });
    expect(login.status).toBe(200);
    const cases = await fetch(`${server.url}/api/cases?folio=${folio}`, {
      headers: { authorization: `Bearer ${login.body.token as string}` },
    });
    const found = ((await cases.json()) as { cases: Array<{ folio: string; status: string }> }).cases;
    expect(found).toEqual([expect.objectContaining({ folio, status: 'nuevo' })]);
  });

  it('refuses to start with a clear message naming a wrong variable', async () => {
    await expect(startServer({ ...env, PORT: 'tres mil' }, 20_000)).rejects.toThrow(/PORT/);
    await expect(startServer({ ...env, BUSINESS_HOURS: 'todo el día' }, 20_000)).rejects.toThrow(/BUSINESS_HOURS/);
  });
});
