import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sourceAsset } from '../paths.js';
import { backoff } from '../backoff.js';
import { lockDataDir } from './data-dir-lock.js';
import { readJournal, refuseNewerDatabase } from './migration-status.js';
import { createPgliteDataDir, PGLITE_CONF, PGLITE_EXTENSIONS } from './pglite-init.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Queries take either the database or an open transaction. */
export type Executor = Db | Tx;

/** Raw SQL for the few statements the query builder cannot express (upsert-and-return, SKIP LOCKED). */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export type DatabaseTarget = { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string; poolSize: number };

export interface Database {
  db: Db;
  target: DatabaseTarget;
  /**
   * Applies pending migrations; safe when several instances start at once. Throws DatabaseTooNew,
   * applying nothing, when the database was migrated by a newer Ventanilla.
   */
  migrate(): Promise<void>;
  ping(timeoutMs?: number): Promise<void>;
  /**
   * The embedded database's data folder packed as a gzipped tar, consistent: taken with every
   * query and transaction held off. Absent on a server (pg_dump does that).
   */
  dumpDataDir?(): Promise<Blob>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (sent by any instance, delivered on commit);
   * resolves to the unsubscribe function. On a server it holds one connection of its own and
   * reconnects when it drops.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** The connections in use, idle, and the queries waiting for one (PGlite is one connection, always in use). */
  poolStats?(): PoolStats;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export const migrationsFolder = sourceAsset('db', 'migrations');
/** Any constant works; it only has to be the same for every Ventanilla instance. */
const MIGRATION_LOCK_KEY = 7_301_955_117;

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'pglite' ? openPglite(target.dataDir, target) : openPostgres(target);
}

async function openPglite(dataDir: string | null, target: DatabaseTarget): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const client = await (async () => {
    if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) await createPgliteDataDir(dataDir);
    return PGlite.create({ ...(dataDir ? { dataDir } : {}), postgresqlconf: PGLITE_CONF, extensions: PGLITE_EXTENSIONS });
  })().catch((error: unknown) => {
    unlock();
    throw error;
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    target,
    migrate: async () => {
      await refuseNewerDatabase(db, readJournal(migrationsFolder));
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    },
    dumpDataDir: async () => {
      // The checkpoint leaves little WAL to replay on restore. The dump itself runs between two
      // transactions, not merely two statements: PGlite's own query() and exec() wait on that
      // mutex too, so nothing may query inside it.
      await client.exec('checkpoint');
      return client._runExclusiveTransaction(() => client.dumpDataDir('gzip'));
    },
    ping: (timeoutMs = 2000) =>
      withTimeout(
        client.query('select 1').then(() => undefined),
        timeoutMs,
      ),
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, onNotify);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    close: async () => {
      await client.close();
      unlock();
    },
    poolStats: () => ({ total: 1, idle: 0, waiting: 0 }),
  };
}

async function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>): Promise<Database> {
  const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize, connectionTimeoutMillis: 5000 });
  // A client that loses its server emits 'error', and an 'error' nobody listens to kills the process.
  // The pool listens only while a client is idle; a checked-out one (mid-transaction, between two
  // statements) needs a listener of its own. Its pending or next query fails and the pool drops it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    target,
    migrate: async () => {
      // Advisory locks belong to a session, so the lock and the migration share one client.
      const client = new pg.Client({ connectionString: target.url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await refuseNewerDatabase(drizzlePg(client, { schema }) as unknown as Db, readJournal(migrationsFolder));
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        await client.end();
      }
    },
    ping: (timeoutMs = 2000) =>
      withTimeout(
        db.execute(sql`select 1`).then(() => undefined),
        timeoutMs,
      ),
    listen: (channel, onNotify) => listenOnServer(target.url, channel, onNotify),
    close: () => pool.end(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** A LISTEN connection that comes back after the server or the network drops it. */
async function listenOnServer(url: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    next.on('error', () => reconnect());
    next.on('end', () => reconnect());
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = next;
    failures = 0;
    // Whatever was notified while we were away is found by the caller's next poll.
  };
  const reconnect = () => {
    if (closed || retry) return;
    const dropped = client;
    client = undefined;
    dropped?.end().catch(() => undefined);
    failures += 1;
    retry = setTimeout(
      () => {
        retry = undefined;
        connect().catch(() => reconnect());
      },
      // Short at most: after a database restart the queue should hear new work within seconds.
      backoff(failures, { baseMs: 500, maxMs: 5_000 }),
    );
    retry.unref();
  };
  await connect();
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one of the statements that aggregate a period's rows (the statistics and the dashboard)
 * with the settings they were measured with (README, "Performance"; a year at 500,000 cases on
 * two cores went from ~1.3 s to ~0.8 s with them):
 * - `random_page_cost = 1.1`, the usual value for data in memory or on SSD: with the default 4 the
 *   planner reads the wide case rows (a sequential scan through a small ring of buffers, so from
 *   the OS cache every time) instead of the narrow covering index of the period's columns, which
 *   stays in shared buffers; the index-only scan costs about half the CPU.
 * - no parallel workers: the dashboard already runs half a dozen of these side by side, so workers
 *   only add their start-up and the merging of partial aggregates to the same cores.
 * - no JIT, whose compiling costs more than it saves on a statement of a few hundred milliseconds,
 *   and a `work_mem` that keeps their hash tables in memory.
 * `SET LOCAL` ends with the transaction, so the pool's connections keep the server's defaults.
 */
export function aggregateStatement<T>(ex: Executor, run: (tx: Tx) => Promise<T>): Promise<T> {
  return ex.transaction(async (tx) => {
    // One round trip: `set_config(…, true)` is `SET LOCAL`.
    await tx.execute(
      sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true),
        set_config('max_parallel_workers_per_gather', '0', true), set_config('random_page_cost', '1.1', true)`,
    );
    return run(tx);
  });
}
