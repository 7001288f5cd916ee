import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createServerDatabaseUrl } from '../helpers/database.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const REPORT = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí'];

describe('WORKERS', () => {
  it('refuses more than one process on the embedded database', () => {
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(ConfigError);
    expect(loadConfig({ WORKERS: '2', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' }).workers).toBe(2);
  });
});

// Several processes need a PostgreSQL server: this runs in the suite's PostgreSQL pass.
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('WORKERS=2 on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createServerDatabaseUrl>>;
  let server: ServerProcess;
  beforeAll(async () => {
    database = await createServerDatabaseUrl();
    server = await startServer({
      DATABASE_URL: database.url!,
      WORKERS: '2',
      ADMIN_PASSWORD: 'una-clave-de-prueba-larga',
      WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: '100000',
      WEBCHAT_MESSAGES_PER_MINUTE: '100000',
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('serves citizens from two processes on one port, each report opening one case', async () => {
    const citizens = Array.from({ length: 12 }, async (_, i) => {
      const opened = await fetch(`${server.url}/api/webchat/conversations`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(opened.status).toBe(201);
      const { conversationId, token } = (await opened.json()) as { conversationId: string; token: string };
      let last = '';
      for (const [turn, text] of REPORT.entries()) {
        const answer = await fetch(`${server.url}/api/webchat/conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ clientMessageId: `workers-${i}-${turn}`, text }),
        });
        expect(answer.status).toBe(200);
        last = JSON.stringify(await answer.json());
      }
      return { conversationId, last };
    });
    const done = await Promise.all(citizens);
    for (const { last } of done) expect(last).toMatch(/folio/i);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ conversation_id: string; n: number }>(
        'select conversation_id, count(*)::int as n from cases where conversation_id = any($1) group by conversation_id',
        [done.map((d) => d.conversationId)],
      );
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('stops every process on SIGTERM', async () => {
    await server.stop();
    const down = await fetch(`${server.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(down).toBe('refused');
  });
});
