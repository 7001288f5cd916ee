import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { DatabaseTooNew } from '../db/migration-status.js';
import { version } from '../version.js';
import { t } from '../i18n/index.js';

/**
 * What the operator's commands share: the configuration, with its problems told on stderr,
 * and the configured database, opened and migrated (with the embedded one, refused while the
 * server holds the data folder). Each answers null after saying why.
 */
export function operatorConfig(err: (line: string) => void, env?: NodeJS.ProcessEnv): Config | null {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(t('es', 'config.invalid'));
    for (const issue of error.issues) err(`  ${issue}`);
    return null;
  }
}

export async function operatorDatabase(
  config: Config,
  err: (line: string) => void,
  /** `migrate: false` opens it as it is (to list its pending migrations, to back it up). */
  options: { migrate?: boolean; inUse?: 'cli.erase.in_use' | 'cli.backup.in_use' | 'cli.restore.in_use' } = {},
): Promise<Database | null> {
  let database: Database;
  try {
    database = await openDatabase(config.database);
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    err(t(config.locale, options.inUse ?? 'cli.erase.in_use', { reason: error.message }));
    return null;
  }
  if (options.migrate === false) return database;
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    if (!(error instanceof DatabaseTooNew)) throw error;
    err(t(config.locale, 'db.too_new', { unknown: error.status.unknown, version }));
    return null;
  }
  return database;
}
