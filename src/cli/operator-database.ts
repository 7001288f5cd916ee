import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
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

export async function operatorDatabase(config: Config, err: (line: string) => void): Promise<Database | null> {
  let database: Database;
  try {
    database = await openDatabase(config.database);
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    err(t(config.locale, 'cli.erase.in_use', { reason: error.message }));
    return null;
  }
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
