import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type DatabaseTarget } from '../src/db/client.js';
import { enqueueJob } from '../src/queue/enqueue.js';
import { JobQueue } from '../src/queue/queue.js';

/**
 * How many jobs a second the job queue gets through when each job writes one row and finishes
 * in the same transaction (the shape of every follow-up decision), with `instances` schedulers
 * polling the same database.
 */
export async function benchScheduler(target: DatabaseTarget, jobs = 2000, instances = 1): Promise<Record<string, string>> {
  const database = await openDatabase(target);
  await database.migrate();
  const label = `${target.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${instances} instance${instances > 1 ? 's' : ''}`;
  const runId = `bench-${Date.now()}`;
  await database.db.execute(sql`create table if not exists bench_effects (key text primary key)`);
  await database.db.transaction(async (tx) => {
    for (let i = 0; i < jobs; i += 1) await enqueueJob(tx, { kind: 'bench', key: `${runId}-${i}` });
  });
  const schedulers = Array.from(
    { length: instances },
    () =>
      new JobQueue({
        db: database.db,
        now: () => new Date(),
        logger: { warn() {}, error() {} },
        pollMs: 60_000,
        batchSize: 20,
        kinds: new Map([
          [
            'bench',
            {
              run: async (job, context) => {
                await context.db.transaction(async (tx) => {
                  await tx.execute(sql`insert into bench_effects (key) values (${job.key})`);
                  await context.finish(tx);
                });
              },
            },
          ],
        ]),
      }),
  );
  const started = performance.now();
  const ran = (await Promise.all(schedulers.map((s) => s.runDue()))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - started) / 1000;
  const [{ n }] = (await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from bench_effects where key like ${runId + '-%'}`,
  )) as [{ n: number }];
  await database.close();
  if (ran !== jobs || Number(n) !== jobs) throw new Error(`expected ${jobs} jobs to run once each, ran ${ran}, ${n} effects`);
  return { [`queue jobs/s (${label})`]: `${Math.round(jobs / seconds)} (${jobs} jobs in ${seconds.toFixed(1)} s, each once)` };
}
