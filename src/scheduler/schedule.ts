import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { jobs } from '../db/schema.js';

/** "As soon as any instance can": a fixed instant in the past, so a test clock set anywhere sees it due. */
export const AS_SOON_AS_POSSIBLE = new Date(0);

export interface JobRequest {
  kind: string;
  /** Unique for ever: scheduling the same key twice is a no-op, which is what makes scheduling idempotent. */
  key: string;
  runAt?: Date | undefined;
  payload?: Record<string, unknown> | undefined;
}

/**
 * Schedules a job inside the caller's transaction, so it exists exactly when the change that
 * asked for it commits. Returns whether it was new.
 */
export async function scheduleJob(ex: Executor, request: JobRequest): Promise<boolean> {
  const inserted = await ex
    .insert(jobs)
    .values({ kind: request.kind, key: request.key, runAt: request.runAt ?? AS_SOON_AS_POSSIBLE, payload: request.payload ?? {} })
    .onConflictDoNothing({ target: jobs.key })
    .returning({ id: jobs.id });
  return inserted.length > 0;
}

/** Counts of jobs by status, for the health page and tests. */
export async function jobCounts(ex: Executor): Promise<Record<'pending' | 'done' | 'failed', number>> {
  const rows = await queryRows<{ status: 'pending' | 'done' | 'failed'; n: number }>(ex, sql`select status, count(*)::int as n from jobs group by status`);
  const counts = { pending: 0, done: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
