import { migrationsFolder } from '../db/client.js';
import { migrationStatus, readJournal } from '../db/migration-status.js';
import { t } from '../i18n/index.js';
import { version } from '../version.js';
import { operatorConfig, operatorDatabase } from './operator-database.js';

/**
 * `ventanilla migrate [--dry-run]`: the migrations the server would apply at start, listed or
 * applied (under the same lock). A database migrated by a newer Ventanilla is refused either way.
 */
export async function runMigrate(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const config = operatorConfig(err, env);
  if (!config) return 1;
  const { locale } = config;
  if (args.some((arg) => arg !== '--dry-run')) {
    err(t(locale, 'cli.migrate.usage'));
    return 2;
  }
  const database = await operatorDatabase(config, err, { migrate: false });
  if (!database) return 1;
  try {
    const journal = readJournal(migrationsFolder);
    const before = await migrationStatus(database.db, journal);
    if (before.unknown > 0) {
      err(t(locale, 'db.too_new', { unknown: before.unknown, version }));
      return 1;
    }
    if (before.pending.length === 0) {
      out(t(locale, 'cli.migrate.up_to_date', { applied: before.applied }));
      return 0;
    }
    if (args.includes('--dry-run')) {
      out(t(locale, 'cli.migrate.pending', { n: before.pending.length, applied: before.applied }));
      for (const entry of before.pending) out(`  ${entry.tag}`);
      return 0;
    }
    await database.migrate();
    out(t(locale, 'cli.migrate.done', { n: before.pending.length }));
    return 0;
  } finally {
    await database.close();
  }
}
