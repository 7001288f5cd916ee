import { benchClassify } from './classify.js';
import { benchStartup } from './startup.js';
import { benchTurns } from './turns.js';
import { benchEmail } from './email.js';
import { benchScheduler } from './scheduler.js';
import { benchFollowUp } from './follow-up.js';
import { benchLoad } from './load.js';
import { benchStats } from './stats.js';
import { benchYearVolume } from './year-volume.js';
import { benchExports } from './exports.js';
import { benchClusterMatch } from './cluster-match.js';

/**
 * Prints Ventanilla's speed figures. Nothing here passes or fails: targets are read by people.
 * `BENCH_DATABASE_URL=postgres://…` adds the figures on a real server (its database is used as is).
 * `BENCH_SECONDS` sets how long each path is driven (60 by default); `BENCH_ONLY=load,stats` runs
 * only the named steps; `BENCH_PATHS=web` only the web chat path of the load steps; and
 * `BENCH_CPU_PROF=<folder>` writes the loaded server's CPU profile there, which
 * `npx tsx bench/profile-summary.ts <file>` sums up by module and function.
 */
const figures: Record<string, string> = {};
const only = process.env.BENCH_ONLY?.split(',');
const step = async (name: string, run: () => Promise<Record<string, string>>) => {
  if (only && !only.some((wanted) => name.startsWith(wanted))) return;
  process.stderr.write(`… ${name}\n`);
  Object.assign(figures, await run());
};
const serverUrl = process.env.BENCH_DATABASE_URL;
const server = serverUrl ? { kind: 'postgres' as const, url: serverUrl, poolSize: 10 } : undefined;
const seconds = Number(process.env.BENCH_SECONDS ?? 60);

await step('startup', () => benchStartup());
await step('classify', () => benchClassify());
await step('turns on PGlite', () => benchTurns({ kind: 'pglite', dataDir: null }));
await step('email', () => benchEmail());
await step('follow-up on PGlite', () => benchFollowUp({ kind: 'pglite', dataDir: null }));
await step('scheduler on PGlite', () => benchScheduler({ kind: 'pglite', dataDir: null }));
await step('load on PGlite', () => benchLoad({ seconds, conversations: 50 }));
await step('stats on PGlite', () => benchStats({ kind: 'pglite', dataDir: null }));
await step('exports on PGlite', () => benchExports({ kind: 'pglite', dataDir: null }));
await step('cluster match on PGlite', () => benchClusterMatch({ kind: 'pglite', dataDir: null }));
if (server) {
  await step('scheduler on PostgreSQL, 2 instances', () => benchScheduler(server, 2000, 2));
  await step('turns on PostgreSQL', () => benchTurns(server));
  await step('load on PostgreSQL', () => benchLoad({ seconds, conversations: 50, databaseUrl: serverUrl }));
  await step('load on PostgreSQL, 2 processes', () => benchLoad({ seconds, conversations: 50, databaseUrl: serverUrl, workers: 2 }));
  await step('stats on PostgreSQL', () => benchStats(server));
  await step('year volume on PostgreSQL', () => benchYearVolume(serverUrl!));
  await step('exports on PostgreSQL', () => benchExports(server));
  await step('cluster match on PostgreSQL', () => benchClusterMatch(server));
}

const width = Math.max(...Object.keys(figures).map((k) => k.length));
for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(width)}  ${value}`);
