import { benchClassify } from './classify.js';
import { benchStartup } from './startup.js';
import { benchTurns } from './turns.js';
import { benchEmail } from './email.js';
import { benchScheduler } from './scheduler.js';
import { benchFollowUp } from './follow-up.js';

/**
 * Prints Ventanilla's speed figures. Nothing here passes or fails: targets are read by people.
 * `BENCH_DATABASE_URL=postgres://…` adds the figures on a real server (its database is used as is).
 */
const figures: Record<string, string> = {};
const step = async (name: string, run: () => Promise<Record<string, string>>) => {
  process.stderr.write(`… ${name}\n`);
  Object.assign(figures, await run());
};

await step('startup', () => benchStartup());
await step('classify', () => benchClassify());
await step('turns on PGlite', () => benchTurns({ kind: 'pglite', dataDir: null }));
await step('email', () => benchEmail());
await step('follow-up on PGlite', () => benchFollowUp({ kind: 'pglite', dataDir: null }));
await step('scheduler on PGlite', () => benchScheduler({ kind: 'pglite', dataDir: null }));
if (process.env.BENCH_DATABASE_URL)
  await step('scheduler on PostgreSQL, 2 instances', () =>
    benchScheduler({ kind: 'postgres', url: process.env.BENCH_DATABASE_URL!, poolSize: 10 }, 2000, 2),
  );
if (process.env.BENCH_DATABASE_URL)
  await step('turns on PostgreSQL', () => benchTurns({ kind: 'postgres', url: process.env.BENCH_DATABASE_URL!, poolSize: 10 }));

const width = Math.max(...Object.keys(figures).map((k) => k.length));
for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(width)}  ${value}`);
