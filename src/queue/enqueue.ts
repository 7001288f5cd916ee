import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { jobs } from '../db/schema.js';
import type { JobPayload } from './payload.js';

/** "As soon as any instance can": a fixed instant in the past, so a clock set anywhere sees it due. */
export const AS_SOON_AS_POSSIBLE = new Date(0);

/** The PostgreSQL channel every queue listens on; a commit that enqueued work notifies it. */
export const QUEUE_CHANNEL = 'ventanilla_jobs';

export interface JobRequest {
  kind: string;
  /** Unique for ever: enqueuing the same key twice is a no-op, which is what makes enqueuing idempotent. */
  key: string;
  runAt?: Date | undefined;
  payload?: JobPayload | undefined;
  /** Jobs sharing this run one at a time, oldest first (a conversation's messages leave in order). */
  orderingKey?: string | undefined;
}

/**
 * Puts a job in the queue inside the caller's transaction, so it exists exactly when the change
 * that asked for it commits. The NOTIFY in the same transaction is delivered only on commit, and
 * to every instance: whoever enqueues never has to remember to wake a worker. Returns whether it
 * was new.
 */
export async function enqueueJob(ex: Executor, request: JobRequest): Promise<boolean> {
  return (await enqueueJobs(ex, [request])) > 0;
}

/**
 * Several jobs in one statement — the insert and its NOTIFY (one per kind) travel together, so a
 * turn's replies cost one round trip however many there are. Returns how many were new.
 */
export async function enqueueJobs(ex: Executor, requests: readonly JobRequest[]): Promise<number> {
  if (requests.length === 0) return 0;
  const values = sql.join(
    requests.map(
      (r) =>
        sql`(${r.kind}, ${r.key}, ${(r.runAt ?? AS_SOON_AS_POSSIBLE).toISOString()}::timestamptz, ${JSON.stringify(r.payload ?? {})}::jsonb, ${r.orderingKey ?? null})`,
    ),
    sql`, `,
  );
  const { cte } = jobsFromRows(sql`select * from (values ${values}) as v (kind, key, run_at, payload, ordering_key)`);
  const rows = await queryRows<{ kind: string; n: number }>(
    ex,
    sql`with ${cte} select kind, count(*)::int as n, pg_notify(${QUEUE_CHANNEL}, kind) from queued group by kind`,
  );
  return rows.reduce((sum, row) => sum + Number(row.n), 0);
}

/**
 * For a statement that writes the rows its jobs are for: a CTE named `queued` that enqueues one
 * job per row of `rows` (columns `kind`, `key`, `run_at`, `payload`, `ordering_key`), and the
 * expression that sends its NOTIFY. The caller's statement must use `notify` in its select list:
 * PostgreSQL runs a CTE that only reads when something reads it.
 */
export function jobsFromRows(rows: SQL): { cte: SQL; notify: SQL } {
  return {
    cte: sql`queued as (
      insert into ${jobs} (kind, key, run_at, payload, ordering_key)
      select r.kind, r.key, r.run_at, r.payload, r.ordering_key from (${rows}) as r
      on conflict (key) do nothing returning kind)`,
    notify: sql`(select pg_notify(${QUEUE_CHANNEL}, queued.kind) from queued limit 1)`,
  };
}

/** Counts of jobs by status, for the health page and tests. */
export async function jobCounts(ex: Executor, kinds?: readonly string[]): Promise<Record<'pending' | 'done' | 'failed', number>> {
  const only = kinds
    ? sql`where kind in (${sql.join(
        kinds.map((kind) => sql`${kind}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await queryRows<{ status: 'pending' | 'done' | 'failed'; n: number }>(
    ex,
    sql`select status, count(*)::int as n from jobs ${only} group by status`,
  );
  const counts = { pending: 0, done: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
