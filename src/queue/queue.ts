import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Db, type Tx } from '../db/client.js';
import { jobs } from '../db/schema.js';
import { backoff, type Backoff } from '../backoff.js';
import { QUEUE_CHANNEL } from './enqueue.js';
import { JobDeferred, JobFailed, LeaseLost } from './errors.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { ClaimedJob, JobKind } from './job.js';
import type { JobPayload } from './payload.js';

export interface QueueLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobQueueOptions {
  db: Db;
  kinds: ReadonlyMap<string, JobKind>;
  /** The one clock of every job: due times, leases and retries. */
  now: () => Date;
  logger: QueueLogger;
  /** How often to look for due jobs when no commit notified us (timed jobs, other instances without LISTEN). */
  pollMs: number;
  /** Subscribes to commit notifications (`Database.listen`); without it the queue only polls. */
  listen?: Database['listen'] | undefined;
  /** Defaults for kinds that set none. */
  leaseMs?: number;
  maxAttempts?: number;
  retry?: Backoff;
  batchSize?: number;
}

/** Which kinds a pass may run: all the queue knows by default. */
export interface KindFilter {
  kinds?: readonly string[];
  except?: readonly string[];
}

const DEFAULT_RETRY: Backoff = { baseMs: 30_000, maxMs: 6 * 3_600_000 };

/**
 * The one job queue: message deliveries, staff mail and follow-up rules are kinds of one table.
 * Rows are claimed with FOR UPDATE SKIP LOCKED and a lease (no transaction is held while a
 * handler talks to a platform), so any number of instances may work the same database: each job
 * is claimed by one, and finishing is conditional on still holding the claim. Jobs that share an
 * ordering key run one at a time in order. PGlite has one connection and the same SQL, so the
 * embedded database works unchanged.
 */
export class JobQueue {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Set by stop(): the queue's own passes finish their jobs and claim no more (runDue, a caller's drain, is never halted). */
  private halting = false;
  private again = false;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly nudges = new Set<() => void>();
  private lastUnavailableLog = 0;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly batchSize: number;

  constructor(private readonly options: JobQueueOptions) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.batchSize = options.batchSize ?? 50;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.halting = false;
    if (this.options.listen && !this.unlisten) {
      try {
        this.unlisten = await this.options.listen(QUEUE_CHANNEL, () => this.wake());
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not listen for new jobs; polling only');
      }
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    clearTimeout(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch(() => undefined);
    await this.running;
  }

  /** Runs a pass now rather than at the next poll (a commit notified new work). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      // A pass that is waiting for its running jobs claims the new work now.
      for (const nudge of this.nudges) nudge();
      this.nudges.clear();
    } else this.schedule(0);
  }

  /**
   * Runs every job due at the queue's clock, including those the runs enqueue as due; returns how
   * many ran. Each pass runs at most the head of each ordering key, so passes repeat until nothing
   * is due. Also what tests and tools call instead of waiting for the poll.
   */
  async runDue(filter: KindFilter = {}): Promise<number> {
    const total = await this.pass(filter);
    // This process's own worker may hold claims the pass above skipped (a commit woke it): wait
    // for it too, so that what was due when we were called has run when we return.
    await this.running;
    return total;
  }

  /**
   * Keeps up to `batchSize` jobs running and claims more as soon as one finishes or a commit
   * notifies new work: a send waiting for its platform's rate slot no longer holds up the rest
   * of what was claimed with it. Jobs of kinds that are not `concurrent` still run one after
   * another, in order.
   */
  private async pass(filter: KindFilter = {}, halts = false): Promise<number> {
    const kinds = [...this.options.kinds.keys()].filter(
      (kind) => (!filter.kinds || filter.kinds.includes(kind)) && !filter.except?.includes(kind),
    );
    let total = 0;
    const inFlight = new Set<Promise<void>>();
    let inTurn: Promise<void> = Promise.resolve();
    for (;;) {
      // Stopping: what runs finishes, nothing more is claimed, or a stop under steady work would never end.
      const room = halts && this.halting ? 0 : this.batchSize - inFlight.size;
      const claimed = room > 0 ? await this.claim(kinds, this.options.now(), room) : [];
      total += claimed.length;
      for (const job of claimed) {
        const run = this.kind(job).concurrent ? this.run(job) : (inTurn = inTurn.then(() => this.run(job)));
        const tracked: Promise<void> = run
          .catch((error: unknown) => this.logFailure(error, 'job run failed', { jobId: job.id, kind: job.kind }))
          .finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      if (inFlight.size === 0) return total;
      let nudge: () => void = () => undefined;
      const nudged = new Promise<void>((resolve) => (nudge = resolve));
      this.nudges.add(nudge);
      await Promise.race([nudged, ...inFlight]);
      this.nudges.delete(nudge);
    }
  }

  /** While the database is away every poll fails the same way: one line now and then, not a stack per poll. */
  private logFailure(error: unknown, message: string, context: object = {}): void {
    if (!isDatabaseUnavailable(error)) {
      this.options.logger.error({ ...context, err: error }, message);
      return;
    }
    if (Date.now() - this.lastUnavailableLog < 10_000) return;
    this.lastUnavailableLog = Date.now();
    this.options.logger.warn(context, 'job queue: database unavailable; retrying');
  }

  private kind(job: ClaimedJob): JobKind {
    return this.options.kinds.get(job.kind)!;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass({}, true)
        .catch((error: unknown) => this.logFailure(error, 'job queue pass failed'))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const next = this.again ? 0 : this.options.pollMs;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
    this.timer.unref();
  }

  private async claim(kinds: readonly string[], now: Date, limit: number): Promise<ClaimedJob[]> {
    if (kinds.length === 0) return [];
    const leases = sql.join(
      kinds.map(
        (kind) =>
          sql`when ${kind} then ${new Date(now.getTime() + (this.options.kinds.get(kind)!.leaseMs ?? this.leaseMs)).toISOString()}::timestamptz`,
      ),
      sql` `,
    );
    const rows = await queryRows<{
      id: number;
      kind: string;
      key: string;
      payload: JobPayload | null;
      run_at: string | Date;
      attempts: number;
    }>(
      this.options.db,
      sql`
      update jobs set attempts = attempts + 1, locked_until = case kind ${leases} end
      where id in (
        select j.id from jobs j
        where j.status = 'pending' and j.run_at <= ${now.toISOString()}
          and (j.locked_until is null or j.locked_until <= ${now.toISOString()})
          and j.kind in (${sql.join(
            kinds.map((kind) => sql`${kind}`),
            sql`, `,
          )})
          and (j.ordering_key is null
               or not exists (select 1 from jobs earlier
                              where earlier.ordering_key = j.ordering_key and earlier.status = 'pending' and earlier.id < j.id))
        order by j.run_at, j.id
        limit ${limit}
        for update skip locked)
      returning id, kind, key, payload, run_at, attempts`,
    );
    return rows
      .map((row) => ({
        id: Number(row.id),
        kind: row.kind,
        key: row.key,
        payload: row.payload ?? {},
        runAt: new Date(row.run_at),
        attempt: Number(row.attempts),
      }))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  private async run(job: ClaimedJob): Promise<void> {
    const { db, logger } = this.options;
    const kind = this.kind(job);
    const now = this.options.now();
    let finished = false;
    const finish = async (tx: Tx) => {
      const done = await tx
        .update(jobs)
        .set({ status: 'done', doneAt: now, lockedUntil: null, lastError: null })
        .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempt), eq(jobs.status, 'pending')))
        .returning({ id: jobs.id });
      if (done.length === 0) throw new LeaseLost(job);
      finished = true;
    };
    try {
      await kind.run(job, { db, now, finish });
      if (!finished) await db.transaction(finish);
    } catch (error) {
      if (error instanceof LeaseLost) {
        logger.warn({ jobId: job.id, kind: job.kind }, error.message);
        return;
      }
      // A database that went away is nobody's fault: the job is tried again soon, without spending an attempt.
      const unavailable = isDatabaseUnavailable(error);
      const deferred = error instanceof JobDeferred || unavailable;
      const told = error instanceof JobFailed ? error.options : {};
      const giveUp = !deferred && (told.permanent === true || job.attempt >= (kind.maxAttempts ?? this.maxAttempts));
      const retryAt = unavailable
        ? new Date(now.getTime() + 5_000)
        : error instanceof JobDeferred
          ? error.until
          : new Date(now.getTime() + (told.retryAfterMs ?? backoff(job.attempt, kind.retry ?? DEFAULT_RETRY)));
      const updated = await db
        .update(jobs)
        .set({
          status: giveUp ? 'failed' : 'pending',
          runAt: giveUp ? undefined : retryAt,
          lockedUntil: null,
          lastError: String((error as Error)?.message ?? error).slice(0, 1000),
          // A deferral is not a failed attempt: the next run still sees attempt 1 if nothing was done.
          ...(deferred ? { attempts: job.attempt - 1 } : {}),
        })
        .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempt)))
        .returning({ id: jobs.id })
        // Nothing can be written while the database is away: the job keeps its claim until the lease runs out.
        .catch((failure: unknown) => {
          if (isDatabaseUnavailable(failure)) return [];
          throw failure;
        });
      if (deferred) return;
      (giveUp ? logger.error : logger.warn).call(
        logger,
        { jobId: job.id, kind: job.kind, attempt: job.attempt, err: error },
        giveUp ? 'job failed for good' : 'job failed; will retry',
      );
      if (giveUp && updated.length > 0 && kind.gaveUp) {
        await kind
          .gaveUp(job, error, { db, now })
          .catch((failure: unknown) =>
            logger.error({ err: failure, jobId: job.id, kind: job.kind }, 'could not record that a job failed for good'),
          );
      }
    }
  }
}
