import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../db/client.js';
import { jobs } from '../db/schema.js';

export interface ClaimedJob {
  id: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** 1 on the first run; more means an earlier run may have done part of the work before it died. */
  attempt: number;
}

export interface JobContext {
  db: Db;
  /** The scheduler's clock (injected in tests): what "now" means for this run. */
  now: Date;
  /**
   * Marks the job done inside the handler's own transaction, so its effects and its completion
   * commit together. Throws (rolling the transaction back) if another instance took the job over
   * because this run outlived its lease.
   */
  finish(tx: Tx): Promise<void>;
}

export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;

/** A handler throws this to try again later without counting it as a failure. */
export class JobDeferred extends Error {
  constructor(readonly until: Date, reason: string) {
    super(reason);
    this.name = 'JobDeferred';
  }
}

export class LeaseLost extends Error {
  constructor(job: ClaimedJob) {
    super(`job ${job.id} (${job.kind}) was taken over by another instance`);
    this.name = 'LeaseLost';
  }
}

export interface SchedulerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobSchedulerOptions {
  db: Db;
  handlers: ReadonlyMap<string, JobHandler>;
  now: () => Date;
  logger: SchedulerLogger;
  pollMs: number;
  /** A run not finished within this is presumed dead and the job becomes claimable again. */
  leaseMs?: number;
  maxAttempts?: number;
  batchSize?: number;
}

const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 6 * 3_600_000;

/**
 * Runs due jobs from the `jobs` table. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease
 * (no transaction is held while a handler sends mail), so any number of instances may poll the
 * same database: each job is claimed by one, and finishing is conditional on still holding the
 * claim. PGlite has one connection and the same SQL, so the embedded database works unchanged.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private again = false;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly batchSize: number;

  constructor(private readonly options: JobSchedulerOptions) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.batchSize = options.batchSize ?? 10;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Called after a transaction that scheduled jobs commits, so they run now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Runs every job due at the scheduler's clock, including those the runs schedule as due; returns how many ran. */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim(this.options.now());
      if (claimed.length === 0) return total;
      for (const job of claimed) await this.run(job);
      total += claimed.length;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.runDue()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'scheduler pass failed'))
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

  private async claim(now: Date): Promise<ClaimedJob[]> {
    const kinds = [...this.options.handlers.keys()];
    if (kinds.length === 0) return [];
    const lockedUntil = new Date(now.getTime() + this.leaseMs);
    const rows = await queryRows<{ id: number; kind: string; key: string; payload: Record<string, unknown>; run_at: string | Date; attempts: number }>(
      this.options.db,
      sql`
      update jobs set attempts = attempts + 1, locked_until = ${lockedUntil.toISOString()}
      where id in (
        select id from jobs
        where status = 'pending' and run_at <= ${now.toISOString()}
          and (locked_until is null or locked_until <= ${now.toISOString()})
          and kind in (${sql.join(kinds.map((kind) => sql`${kind}`), sql`, `)})
        order by run_at, id
        limit ${this.batchSize}
        for update skip locked)
      returning id, kind, key, payload, run_at, attempts`,
    );
    return rows
      .map((row) => ({ id: Number(row.id), kind: row.kind, key: row.key, payload: row.payload ?? {}, runAt: new Date(row.run_at), attempt: Number(row.attempts) }))
      .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  private async run(job: ClaimedJob): Promise<void> {
    const { db, handlers, logger } = this.options;
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
      await handlers.get(job.kind)!(job, { db, now, finish });
      if (!finished) await db.transaction(finish);
    } catch (error) {
      if (error instanceof LeaseLost) {
        logger.warn({ jobId: job.id, kind: job.kind }, error.message);
        return;
      }
      const deferred = error instanceof JobDeferred;
      const giveUp = !deferred && job.attempt >= this.maxAttempts;
      const retryAt = deferred ? error.until : new Date(now.getTime() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (job.attempt - 1)));
      await db
        .update(jobs)
        .set({
          status: giveUp ? 'failed' : 'pending',
          runAt: giveUp ? undefined : retryAt,
          lockedUntil: null,
          lastError: String((error as Error)?.message ?? error).slice(0, 1000),
          // A deferral is not a failed attempt: the next run still sees attempt 1 if nothing was done.
          ...(deferred ? { attempts: job.attempt - 1 } : {}),
        })
        .where(and(eq(jobs.id, job.id), eq(jobs.attempts, job.attempt)));
      if (!deferred) (giveUp ? logger.error : logger.warn).call(logger, { jobId: job.id, kind: job.kind, attempt: job.attempt, err: error }, giveUp ? 'job failed for good' : 'job failed; will retry');
    }
  }
}
