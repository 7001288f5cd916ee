import { readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localTimeIn, wallClock } from '../calendar/business-calendar.js';
import type { Database, Executor } from '../db/client.js';
import { enqueueJob } from '../queue/enqueue.js';
import type { JobKind } from '../queue/job.js';
import { type PgTools, writeBackup } from './backup.js';

export const BACKUP_JOB = 'backup.nightly';

export interface NightlyBackup {
  dir: string;
  keep: number;
  /** HH:MM on `timeZone`'s clock. */
  at: string;
  timeZone: string;
}

const NAME = /^ventanilla-\d{8}-\d{4}\.backup$/;

/** The first `at` on the municipality's clock strictly after `after`. */
export function nextBackupRun(settings: Pick<NightlyBackup, 'at' | 'timeZone'>, after: Date): Date {
  const [hh, mm] = settings.at.split(':').map(Number) as [number, number];
  const today = wallClock(after, settings.timeZone).toISOString().slice(0, 10);
  for (let days = 0; days < 3; days++) {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const run = localTimeIn(settings.timeZone, date, hh * 60 + mm);
    if (run > after) return run;
  }
  throw new Error(`no ${settings.at} after ${after.toISOString()}`);
}

/** Schedules the next nightly backup (idempotent: its key is its instant; every instance calls it at start). */
export async function scheduleNightlyBackup(ex: Executor, settings: NightlyBackup, after: Date): Promise<void> {
  const runAt = nextBackupRun(settings, after);
  await enqueueJob(ex, { kind: BACKUP_JOB, key: `backup:${runAt.toISOString()}`, runAt });
}

/** ventanilla-YYYYMMDD-HHMM.backup, on the municipality's clock: sorted by name is sorted by time. */
export function backupFileName(at: Date, timeZone: string): string {
  const wall = wallClock(at, timeZone).toISOString();
  return `ventanilla-${wall.slice(0, 10).replaceAll('-', '')}-${wall.slice(11, 13)}${wall.slice(14, 16)}.backup`;
}

/**
 * The nightly backup as a job of the one queue. The server owns its database, so it dumps even
 * the embedded one while running (between transactions, see Database.dumpDataDir). The next run
 * is scheduled first, so a failing night does not stop the following ones; then the oldest files
 * beyond `keep` are deleted.
 */
export function nightlyBackupKind(deps: { database: Database; settings: NightlyBackup; version: string; tools: PgTools }): JobKind {
  const { settings } = deps;
  return {
    // A large server database takes a while to dump; no other instance should take it over meanwhile.
    leaseMs: 2 * 3_600_000,
    maxAttempts: 3,
    run: async (job, context) => {
      await scheduleNightlyBackup(context.db, settings, job.runAt);
      mkdirSync(settings.dir, { recursive: true });
      await writeBackup(deps.database, join(settings.dir, backupFileName(job.runAt, settings.timeZone)), {
        version: deps.version,
        now: context.now,
        tools: deps.tools,
      });
      const kept = readdirSync(settings.dir)
        .filter((name) => NAME.test(name))
        .sort();
      for (const name of kept.slice(0, Math.max(0, kept.length - settings.keep))) rmSync(join(settings.dir, name), { force: true });
    },
  };
}
