import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/client.js';
import { createServerDatabaseUrl, databaseKind } from '../helpers/database.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { startChatTraffic, TURNS, waitUntil } from '../helpers/webchat-traffic.js';

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

  it('stores every acknowledged message once, and opens every case once, when killed under sustained traffic', {
    timeout: 240_000,
  }, async () => {
    const chats = 20;
    const busy = { ...env, WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: '100000', WEBCHAT_MESSAGES_PER_MINUTE: '100000' };
    server ??= await startServer(busy);
    if (!server.alive()) server = await startServer(busy);
    let current = server;
    // The citizens keep writing through the crash: refused connections are retried with the same clientMessageId.
    const traffic = startChatTraffic(() => current.url, chats);
    try {
      await waitUntil(() => traffic.acknowledged.size >= 3 * chats, 'messages acknowledged before the crash', 120_000);
      await current.crash();
      const crashedAt = traffic.acknowledged.size;
      current = server = await startServer(busy);
      await waitUntil(() => traffic.acknowledged.size >= crashedAt + 3 * chats, 'messages acknowledged after the restart', 120_000);
    } finally {
      await traffic.stop(60_000);
    }
    await server.stop();
    server = undefined;

    const db = await openDatabase(
      database.url ? { kind: 'postgres', url: database.url, poolSize: 2 } : { kind: 'pglite', dataDir: join(dataDir, 'pgdata') },
    );
    try {
      const ids = [...traffic.conversations];
      const inList = sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      );
      const stored = await queryRows<{ external_id: string; n: number; answered: boolean }>(
        db.db,
        sql`select m.external_id, count(*)::int as n, bool_and(exists (select 1 from messages r where r.in_reply_to = m.id)) as answered
            from messages m where m.direction = 'in' and m.conversation_id in (${inList}) group by m.external_id`,
      );
      const counts = new Map(stored.map((r) => [r.external_id, r.n]));
      expect([...traffic.acknowledged.keys()].filter((id) => !counts.has(id))).toEqual([]);
      expect(stored.filter((r) => r.n !== 1)).toEqual([]);
      expect(counts.size).toBe(traffic.acknowledged.size);
      // Each reply is written with its message, in one transaction: none lost to the crash.
      expect(stored.filter((r) => !r.answered)).toEqual([]);

      // One case per confirmation acknowledged, no more: a retried «sí» opens nothing twice.
      const confirmations = new Map<string, number>();
      for (const { conversationId, text } of traffic.acknowledged.values())
        if (text === TURNS.at(-1)) confirmations.set(conversationId, (confirmations.get(conversationId) ?? 0) + 1);
      expect(confirmations.size).toBeGreaterThan(0);
      const opened = await queryRows<{ conversation_id: string; n: number }>(
        db.db,
        sql`select conversation_id, count(*)::int as n from cases where conversation_id in (${inList}) group by conversation_id`,
      );
      expect(Object.fromEntries(opened.map((r) => [r.conversation_id, r.n]))).toEqual(Object.fromEntries(confirmations));
      // What each new case sets going (routing sheet, notices) is queued with it.
      const unqueued = await queryRows<{ id: number }>(
        db.db,
        sql`select c.id from cases c where c.conversation_id in (${inList})
            and not exists (select 1 from jobs j where j.payload->>'caseId' = c.id::text)`,
      );
      expect(unqueued).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
