import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../src/db/client.js';
import { createServerDatabaseUrl, databaseKind } from '../helpers/database.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { TURNS, waitUntil } from '../helpers/webchat-traffic.js';

/** deploy/ventanilla.service gives the process this long between SIGTERM and SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;
const ADMIN_PASSWORD = 'una-clave-de-prueba-larga';

let dataDir: string;
let database: Awaited<ReturnType<typeof createServerDatabaseUrl>>;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-stop-'));
  database = await createServerDatabaseUrl();
});

afterAll(async () => {
  if (server?.alive()) await server.crash();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A citizen who writes without pause and never sends a message again: each message is tried
 * once, and the first one the server does not acknowledge (refused, closing, gone) ends it.
 */
async function citizen(url: string, acknowledged: Set<string>): Promise<void> {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(STOP_TIMEOUT_MS),
    });
  try {
    const opened = await post('/api/webchat/conversations', {});
    if (opened.status !== 201) return;
    const { conversationId, token } = (await opened.json()) as { conversationId: string; token: string };
    for (let turn = 0; ; turn++) {
      const clientMessageId = crypto.randomUUID();
      const res = await post(
        `/api/webchat/conversations/${conversationId}/messages`,
        { clientMessageId, text: TURNS[turn % TURNS.length] },
        token,
      );
      await res.arrayBuffer();
      if (res.status !== 200 && res.status !== 201) return;
      acknowledged.add(clientMessageId);
    }
  } catch {
    // The connection was refused or cut: the server is gone.
  }
}

describe(`a SIGTERM under web chat traffic (${databaseKind})`, () => {
  it('keeps every acknowledged message, exits 0 within the stop timeout and leaves no job claimed', { timeout: 180_000 }, async () => {
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_PASSWORD,
      WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: '100000',
      WEBCHAT_MESSAGES_PER_MINUTE: '100000',
      // Jobs (the follow-up of each case opened) are claimed as soon as they are due, so some are running at the stop.
      QUEUE_POLL_MS: '50',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const { url } = server;

    // An open console: its event stream never ends on its own, and must not hold the stop up.
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@ventanilla.local', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const events = await fetch(`${url}/api/staff/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(events.status).toBe(200);
    const stream = events.body!.getReader();
    const streamEnded = (async () => {
      try {
        while (!(await stream.read()).done);
      } catch {
        // cut rather than ended: also gone
      }
    })();

    const acknowledged = new Set<string>();
    const citizens = Promise.all(Array.from({ length: 8 }, () => citizen(url, acknowledged)));
    await waitUntil(() => acknowledged.size >= 40, 'messages acknowledged before the stop', 120_000);

    const stoppedAt = Date.now();
    const exitCode = await Promise.race([
      server.stop(),
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_TIMEOUT_MS + 5_000)),
    ]);
    const stopMs = Date.now() - stoppedAt;
    if (exitCode === 'late') {
      await server.crash(); // as systemd's SIGKILL after TimeoutStopSec
      throw new Error(`the server did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${server.output()}`);
    }
    await citizens;
    await streamEnded;

    expect(server.output()).not.toMatch(/unhandled|Error:/i);
    if (exitCode !== 0) console.log(server.output().slice(-3000));
    expect(exitCode).toBe(0);
    expect(stopMs).toBeLessThan(STOP_TIMEOUT_MS);

    const db = await openDatabase(
      database.url ? { kind: 'postgres', url: database.url, poolSize: 2 } : { kind: 'pglite', dataDir: join(dataDir, 'pgdata') },
    );
    try {
      const stored = await queryRows<{ external_id: string }>(
        db.db,
        sql`select external_id from messages where direction = 'in' and channel = 'web'`,
      );
      const storedIds = new Set(stored.map((row) => row.external_id));
      const lost = [...acknowledged].filter((id) => !storedIds.has(id));
      expect(lost).toEqual([]);
      const held = await queryRows<{ id: number; kind: string }>(db.db, sql`select id, kind from jobs where locked_until is not null`);
      expect(held).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
