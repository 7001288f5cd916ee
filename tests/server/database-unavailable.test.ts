import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { installErrorHandling } from '../../src/server/errors.js';
import { createTestDatabase } from '../helpers/database.js';

/** A port nobody listens on: connecting to it is refused, as when PostgreSQL is stopped. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let app: FastifyInstance;
let stopped: Database;
let live: (Database & { url?: string }) | undefined;

beforeAll(async () => {
  stopped = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${await closedPort()}/ventanilla`, poolSize: 2 });
  if (process.env.TEST_DATABASE_URL) live = await createTestDatabase();
  app = Fastify({ logger: false });
  installErrorHandling(app, 'es');
  app.get('/stopped', async () => stopped.db.execute(sql`select 1`));
  app.get('/terminated', async () => live!.db.execute(sql`select pg_terminate_backend(pg_backend_pid())`));
  app.get('/bug', async () => {
    throw new TypeError('undefined is not a function');
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await stopped?.close();
  await live?.close();
});

describe('requests while the database is away', () => {
  it('answer 503 with Retry-After and a Spanish message, not 500, when PostgreSQL refuses connections', async () => {
    const res = await app.inject({ method: 'GET', url: '/stopped' });
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json()).toEqual({
      error: {
        code: 'error.database_unavailable',
        message: 'El servicio no está disponible por un momento; intente de nuevo en unos segundos.',
      },
    });
    const english = await app.inject({ method: 'GET', url: '/stopped', headers: { 'accept-language': 'en' } });
    expect(english.json().error.message).toBe('The service is unavailable for a moment; try again in a few seconds.');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('answer 503 when the server ends the session (57P01, as pg_ctl stop does)', async () => {
    const res = await app.inject({ method: 'GET', url: '/terminated' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('error.database_unavailable');
    // The pool dropped the dead connection: the next query gets a fresh one.
    expect(await queryRows(live!.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it('still mask a bug as a 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/bug' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});

describe('isDatabaseUnavailable', () => {
  it('tells a connection failure from a wrong query, through the wrappers drizzle puts around it', async () => {
    const refused = await stopped.db.execute(sql`select 1`).catch((error: unknown) => error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: Object.assign(new Error('x'), { code: '08006' }) }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);

    const database = live ?? (await createTestDatabase());
    try {
      const wrong = await database.db.execute(sql`select * from no_such_table`).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(wrong)).toBe(false);
    } finally {
      if (!live) await database.close();
    }
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
