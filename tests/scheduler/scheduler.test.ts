import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { jobs } from '../../src/db/schema.js';
import { jobCounts, scheduleJob } from '../../src/scheduler/schedule.js';
import { JobDeferred, JobScheduler, type JobHandler } from '../../src/scheduler/worker.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

/**
 * The follow-up's durable jobs: due jobs run once, across instances sharing one database, and a
 * run that dies is taken over once its lease ends, without its half-done work counting twice.
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

function scheduler(db: Database, handlers: Record<string, JobHandler>, options: { batchSize?: number; maxAttempts?: number } = {}) {
  return new JobScheduler({ db: db.db, handlers: new Map(Object.entries(handlers)), now: () => clock, logger: silent, pollMs: 60_000, leaseMs: LEASE_MS, ...options });
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

const effects = () => queryRows<{ job_key: string; runner: string }>(database.db, sql`select job_key, runner from effects order by job_key`);

describe(`job scheduler on ${databaseKind}`, () => {
  it('runs a due job once, leaves a later one for its time, and treats a repeated key as the same job', async () => {
    await scheduleJob(database.db, { kind: 'test', key: 'now' });
    await scheduleJob(database.db, { kind: 'test', key: 'later', runAt: new Date(START.getTime() + 3_600_000) });
    expect(await scheduleJob(database.db, { kind: 'test', key: 'now', runAt: new Date(START.getTime() + 999) })).toBe(false);
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
    for (let i = 0; i < n; i += 1) await scheduleJob(database.db, { kind: 'test', key: `job-${String(i).padStart(3, '0')}` });
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
    await scheduleJob(database.db, { kind: 'test', key: 'slow' });
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
    await scheduleJob(database.db, { kind: 'flaky', key: 'flaky' });
    let calls = 0;
    const worker = scheduler(database, { flaky: async () => { calls += 1; throw new Error('SMTP caído'); } }, { maxAttempts: 3 });

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
    await scheduleJob(database.db, { kind: 'wait', key: 'wait' });
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
    await scheduleJob(database.db, { kind: 'unknown', key: 'u' });
    expect(await scheduler(database, { test: recordEffect('a') }).runDue()).toBe(0);
    expect(await jobCounts(database.db)).toEqual({ pending: 1, done: 0, failed: 0 });
  });
});
