import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { jobs } from '../../src/db/schema.js';
import { backoff } from '../../src/backoff.js';
import { enqueueJob, jobCounts } from '../../src/queue/enqueue.js';
import { JobDeferred, JobFailed } from '../../src/queue/errors.js';
import { jobKind, type JobHandler, type JobKind } from '../../src/queue/job.js';
import { JobQueue } from '../../src/queue/queue.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

/**
 * The one job queue: due jobs run once, across instances sharing one database, and a run that
 * dies is taken over once its lease ends, without its half-done work counting twice. Jobs that
 * share an ordering key run in order, and a commit that enqueues work wakes the workers.
 */

const silent = { warn: () => undefined, error: () => undefined };
const START = new Date('2026-11-23T15:00:00Z');
const LEASE_MS = 60_000;

let database: Database & { url?: string };
let clock: Date;
const extra: Database[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table effects (job_key text not null, runner text not null)`);
  clock = START;
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((d) => d.close()));
  await database.close();
});
afterAll(() => undefined);

function scheduler(
  db: Database,
  handlers: Record<string, JobHandler | JobKind>,
  options: { batchSize?: number; maxAttempts?: number; pollMs?: number; listen?: Database['listen'] } = {},
) {
  const kinds = new Map(Object.entries(handlers).map(([name, handler]) => [name, jobKind(handler)]));
  return new JobQueue({ db: db.db, kinds, now: () => clock, logger: silent, pollMs: 60_000, leaseMs: LEASE_MS, ...options });
}

/** A handler whose effect is a row written in the same transaction as the job's completion. */
const recordEffect =
  (runner: string, beforeCommit: () => Promise<void> = async () => undefined): JobHandler =>
  async (job, context) => {
    await beforeCommit();
    await context.db.transaction(async (tx) => {
      await tx.execute(sql`insert into effects (job_key, runner) values (${job.key}, ${runner})`);
      await context.finish(tx);
    });
  };

const effects = () =>
  queryRows<{ job_key: string; runner: string }>(database.db, sql`select job_key, runner from effects order by job_key`);

describe(`job queue on ${databaseKind}`, () => {
  it('runs a due job once, leaves a later one for its time, and treats a repeated key as the same job', async () => {
    await enqueueJob(database.db, { kind: 'test', key: 'now' });
    await enqueueJob(database.db, { kind: 'test', key: 'later', runAt: new Date(START.getTime() + 3_600_000) });
    expect(await enqueueJob(database.db, { kind: 'test', key: 'now', runAt: new Date(START.getTime() + 999) })).toBe(false);
    const worker = scheduler(database, { test: recordEffect('a') });

    expect(await worker.runDue()).toBe(1);
    expect(await worker.runDue()).toBe(0);
    expect((await effects()).map((e) => e.job_key)).toEqual(['now']);

    clock = new Date(START.getTime() + 3_600_000);
    expect(await worker.runDue()).toBe(1);
    expect((await effects()).map((e) => e.job_key)).toEqual(['later', 'now']);
    expect(await jobCounts(database.db)).toEqual({ pending: 0, done: 2, failed: 0 });
  });

  it('shares the jobs of one database between two instances, each job running exactly once', async () => {
    const n = 60;
    for (let i = 0; i < n; i += 1) await enqueueJob(database.db, { kind: 'test', key: `job-${String(i).padStart(3, '0')}` });
    // On a server each instance has its own connection pool, as two processes would.
    const second = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 3 }) : database;
    if (second !== database) extra.push(second);
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
    const a = scheduler(database, { test: recordEffect('a', pause) }, { batchSize: 5 });
    const b = scheduler(second, { test: recordEffect('b', pause) }, { batchSize: 5 });

    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);

    const rows = await effects();
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r.job_key)).size).toBe(n);
    expect(ranA + ranB).toBe(n);
    if (databaseKind === 'postgres') {
      expect(ranA).toBeGreaterThan(0);
      expect(ranB).toBeGreaterThan(0);
    }
    expect(await jobCounts(database.db)).toEqual({ pending: 0, done: n, failed: 0 });
  });

  it('gives a job whose run outlived its lease to another instance, and rolls back the late run', async () => {
    await enqueueJob(database.db, { kind: 'test', key: 'slow' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const slow = scheduler(database, {
      test: recordEffect('slow', async () => {
        started();
        await gate;
      }),
    });
    const slowRun = slow.runDue();
    await hasStarted;

    const other = scheduler(database, { test: recordEffect('other') });
    expect(await other.runDue()).toBe(0); // still within the lease: nobody else touches it
    clock = new Date(START.getTime() + LEASE_MS + 1);
    expect(await other.runDue()).toBe(1);

    release();
    await slowRun;
    expect(await effects()).toEqual([{ job_key: 'slow', runner: 'other' }]);
    const [job] = await database.db.select().from(jobs);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('retries a failing job with growing waits and gives up after the last attempt', async () => {
    await enqueueJob(database.db, { kind: 'flaky', key: 'flaky' });
    let calls = 0;
    const worker = scheduler(
      database,
      {
        flaky: async () => {
          calls += 1;
          throw new Error('SMTP caído');
        },
      },
      { maxAttempts: 3 },
    );

    expect(await worker.runDue()).toBe(1);
    let [job] = await database.db.select().from(jobs);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMTP caído' });
    const firstWait = job!.runAt.getTime() - clock.getTime();
    expect(await worker.runDue()).toBe(0); // not due yet

    clock = job!.runAt;
    await worker.runDue();
    [job] = await database.db.select().from(jobs);
    expect(job!.runAt.getTime() - clock.getTime()).toBeGreaterThan(firstWait);

    clock = job!.runAt;
    await worker.runDue();
    [job] = await database.db.select().from(jobs);
    expect(job).toMatchObject({ status: 'failed', attempts: 3 });
    expect(calls).toBe(3);
    clock = new Date(clock.getTime() + 86_400_000);
    expect(await worker.runDue()).toBe(0);
  });

  it('postpones a deferred job without counting an attempt', async () => {
    await enqueueJob(database.db, { kind: 'wait', key: 'wait' });
    const until = new Date(START.getTime() + 7_200_000);
    let deferrals = 0;
    const worker = scheduler(database, {
      wait: async (job, context) => {
        if (context.now < until) {
          deferrals += 1;
          throw new JobDeferred(until, 'fuera de horario');
        }
        expect(job.attempt).toBe(1);
        await context.db.transaction((tx) => context.finish(tx));
      },
    });
    await worker.runDue();
    const [job] = await database.db.select().from(jobs);
    expect(job).toMatchObject({ status: 'pending', attempts: 0 });
    expect(job!.runAt.toISOString()).toBe(until.toISOString());
    clock = until;
    await worker.runDue();
    expect(deferrals).toBe(1);
    expect(await jobCounts(database.db)).toEqual({ pending: 0, done: 1, failed: 0 });
  });

  it('ignores job kinds it has no handler for, leaving them to an instance that has', async () => {
    await enqueueJob(database.db, { kind: 'unknown', key: 'u' });
    expect(await scheduler(database, { test: recordEffect('a') }).runDue()).toBe(0);
    expect(await jobCounts(database.db)).toEqual({ pending: 1, done: 0, failed: 0 });
  });

  it('runs jobs that share an ordering key one at a time, in order, while a failing head holds back only its own', async () => {
    for (const key of ['a1', 'b1', 'a2', 'b2', 'a3']) await enqueueJob(database.db, { kind: 'ordered', key, orderingKey: key[0] });
    const ran: string[] = [];
    let failA = true;
    const worker = scheduler(database, {
      ordered: {
        concurrent: true,
        run: async (job, context) => {
          if (job.key === 'a1' && failA) throw new JobFailed('caído', { retryAfterMs: 60_000 });
          ran.push(job.key);
          await context.db.transaction((tx) => context.finish(tx));
        },
      },
    });
    await worker.runDue();
    // a1 waits to be retried, so a2 and a3 wait behind it; b's line is not held up.
    expect(ran).toEqual(['b1', 'b2']);
    failA = false;
    clock = new Date(START.getTime() + 60_000);
    await worker.runDue();
    expect(ran).toEqual(['b1', 'b2', 'a1', 'a2', 'a3']);
  });

  it('gives up at once on a permanent failure and tells the kind once; honours a retry time it was given', async () => {
    await enqueueJob(database.db, { kind: 'refused', key: 'r' });
    await enqueueJob(database.db, { kind: 'throttled', key: 't' });
    const told: string[] = [];
    const worker = scheduler(database, {
      refused: {
        run: async () => {
          throw new JobFailed('chat not found', { permanent: true });
        },
        gaveUp: async (job, error) => void told.push(`${job.key}: ${(error as Error).message}`),
      },
      throttled: {
        run: async () => {
          throw new JobFailed('429', { retryAfterMs: 120_000 });
        },
      },
    });
    await worker.runDue();
    const rows = await database.db.select().from(jobs).orderBy(jobs.key);
    expect(rows.map((r) => [r.key, r.status, r.attempts])).toEqual([
      ['r', 'failed', 1],
      ['t', 'pending', 1],
    ]);
    expect(rows[1]!.runAt.getTime() - START.getTime()).toBe(120_000);
    expect(told).toEqual(['r: chat not found']);
  });

  it('is woken by the commit that enqueued a job, and never by one that rolled back, with no call to wake()', async () => {
    const done: string[] = [];
    let ran!: () => void;
    const worker = scheduler(
      database,
      {
        test: async (job, context) => {
          done.push(job.key);
          await context.db.transaction((tx) => context.finish(tx));
          ran();
        },
      },
      // A poll an hour away: only the notification can make it run within the test.
      { pollMs: 3_600_000, listen: database.listen },
    );
    await worker.start();
    try {
      await worker.runDue(); // the start-up pass, so what follows is the notification's doing
      await database.db
        .transaction(async (tx) => {
          await enqueueJob(tx, { kind: 'test', key: 'rolled-back' });
          throw new Error('rollback');
        })
        .catch(() => undefined);
      const first = new Promise<void>((resolve) => (ran = resolve));
      // On a server, the enqueuing instance is another connection pool: as another process would be.
      const other = database.url ? await openDatabase({ kind: 'postgres', url: database.url, poolSize: 1 }) : database;
      if (other !== database) extra.push(other);
      await other.db.transaction((tx) => enqueueJob(tx, { kind: 'test', key: 'committed' }));
      await first;
      expect(done).toEqual(['committed']);
      expect(await jobCounts(database.db)).toEqual({ pending: 0, done: 1, failed: 0 });
    } finally {
      await worker.stop();
    }
  });
});

describe(`stopping the job queue on ${databaseKind}`, () => {
  it('lets the running job finish and claims no more, though each run enqueues the next', async () => {
    let runs = 0;
    let first!: () => void;
    const started = new Promise<void>((resolve) => (first = resolve));
    const worker = scheduler(
      database,
      {
        // Steady work: every run leaves another job due at once.
        chain: async (job, context) => {
          runs += 1;
          first();
          await context.db.transaction(async (tx) => {
            await enqueueJob(tx, { kind: 'chain', key: `chain-${Number(job.key.split('-')[1]) + 1}` });
            await context.finish(tx);
          });
        },
      },
      { pollMs: 10 },
    );
    await enqueueJob(database.db, { kind: 'chain', key: 'chain-0' });
    await worker.start();
    await started;
    await Promise.race([
      worker.stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the stop did not end under steady work')), 20_000).unref()),
    ]);
    const stoppedAfter = runs;
    // Nothing runs once stopped, and the job left is pending, claimed by nobody.
    const [left] = await queryRows<{ pending: number; claimed: number }>(
      database.db,
      sql`select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where locked_until is not null)::int as claimed from jobs`,
    );
    expect(left).toEqual({ pending: 1, claimed: 0 });
    expect(runs).toBe(stoppedAfter);
  });
});

describe('backoff', () => {
  it('doubles from its base after each failure and stops growing at its cap', () => {
    const waits = [1, 2, 3, 4, 5, 6].map((failures) => backoff(failures, { baseMs: 100, maxMs: 1_000 }));
    expect(waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoff(0, { baseMs: 100, maxMs: 1_000 })).toBe(100);
    expect(backoff(10_000, { baseMs: 2_000, maxMs: 3_600_000 })).toBe(3_600_000);
  });
});
