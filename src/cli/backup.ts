import {
  BackupToolError,
  countCases,
  NotABackup,
  readBackupHeader,
  restoreBackup,
  RestoreTargetNotEmpty,
  writeBackup,
} from '../backup/backup.js';
import { openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { t } from '../i18n/index.js';
import type { Locale } from '../i18n/index.js';
import { version } from '../version.js';
import { operatorConfig, operatorDatabase } from './operator-database.js';

type Say = (line: string) => void;

function toolProblem(locale: Locale, error: BackupToolError): string {
  return error.missing
    ? t(locale, 'cli.backup.tool_missing', { tool: error.tool, variable: error.tool === 'pg_dump' ? 'PG_DUMP' : 'PG_RESTORE' })
    : t(locale, 'cli.backup.tool_failed', { tool: error.tool, reason: error.message });
}

/**
 * `ventanilla backup --out <file>`: the configured database in one file. A server database is
 * dumped while Ventanilla runs (pg_dump reads one snapshot); the embedded one only with the
 * server stopped, as its folder belongs to one process (the server backs itself up with BACKUP_DIR).
 */
export async function runBackup(args: string[], out: Say, err: Say, env?: NodeJS.ProcessEnv): Promise<number> {
  const config = operatorConfig(err, env);
  if (!config) return 1;
  const { locale } = config;
  const flag = args.indexOf('--out');
  const file = flag >= 0 ? args[flag + 1] : undefined;
  if (!file || file.startsWith('--') || args.length !== 2) {
    err(t(locale, 'cli.backup.usage'));
    return 2;
  }
  const database = await operatorDatabase(config, err, { migrate: false, inUse: 'cli.backup.in_use' });
  if (!database) return 1;
  try {
    const { manifest, bytes } = await writeBackup(database, file, { version, now: new Date(), tools: config.pgTools });
    out(
      t(locale, 'cli.backup.done', {
        file,
        size: Math.ceil(bytes / 1024),
        kind: manifest.kind,
        version: manifest.version,
        migrations: manifest.migrations,
      }),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BackupToolError)) throw error;
    err(toolProblem(locale, error));
    return 1;
  } finally {
    await database.close();
  }
}

/**
 * `ventanilla restore <file> [--force]`: a backup into the configured database, which must be
 * empty (a new DATA_DIR, a new database) unless `--force`. The next start migrates it if the
 * backup is of an older version.
 */
export async function runRestore(args: string[], out: Say, err: Say, env?: NodeJS.ProcessEnv): Promise<number> {
  const config = operatorConfig(err, env);
  if (!config) return 1;
  const { locale } = config;
  const positional = args.filter((arg) => arg !== '--force');
  const file = positional[0];
  if (positional.length !== 1 || !file || file.startsWith('--')) {
    err(t(locale, 'cli.restore.usage'));
    return 2;
  }
  const target = config.database;
  const where = target.kind === 'pglite' ? (target.dataDir ?? '') : new URL(target.url).pathname.slice(1);
  try {
    const { manifest } = readBackupHeader(file);
    if (manifest.kind !== target.kind) {
      err(t(locale, 'cli.restore.kind_mismatch', { backup: manifest.kind, configured: target.kind }));
      return 1;
    }
    await restoreBackup(file, target, { force: args.includes('--force'), tools: config.pgTools });
    const database = await openDatabase(target);
    try {
      const cases = await countCases(database);
      out(t(locale, 'cli.restore.done', { target: where, version: manifest.version, createdAt: manifest.createdAt, cases }));
    } finally {
      await database.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof NotABackup || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      err(t(locale, 'cli.restore.not_backup', { file }));
      return 1;
    }
    if (error instanceof RestoreTargetNotEmpty) {
      err(t(locale, 'cli.restore.not_empty', { target: where }));
      return 1;
    }
    if (error instanceof DataDirInUse) {
      err(t(locale, 'cli.restore.in_use', { reason: error.message }));
      return 1;
    }
    if (error instanceof BackupToolError) {
      err(toolProblem(locale, error));
      return 1;
    }
    throw error;
  }
}
