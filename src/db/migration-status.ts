import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';

/** Any drizzle database or transaction (client.ts's Executor, which imports this module). */
interface Executor {
  execute(query: SQL): Promise<unknown>;
}

async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  return ((await ex.execute(query)) as { rows: T[] }).rows;
}

/** One entry of drizzle-kit's `meta/_journal.json`: `when` is what the migrator stores as `created_at`. */
export interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export function readJournal(migrationsFolder: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

export interface MigrationStatus {
  /** How many migrations the database records as applied. */
  applied: number;
  /** The migrations of this code the migrator would apply (those newer than the last applied, as drizzle decides). */
  pending: JournalEntry[];
  /** Applied migrations this code does not know: the database was migrated by a newer Ventanilla. */
  unknown: number;
}

/** The database was migrated by a newer Ventanilla: running older code on it would break it. */
export class DatabaseTooNew extends Error {
  override name = 'DatabaseTooNew';
  constructor(readonly status: MigrationStatus) {
    super(`the database has ${status.unknown} migration(s) this version does not know`);
  }
}

/**
 * Compares the journal with drizzle's table of applied migrations (`drizzle.__drizzle_migrations`,
 * on PGlite as on a server). Drizzle applies what is newer than the last row's `created_at`, so
 * that is what is pending; rows newer than the journal's last entry come from a newer version.
 */
export async function migrationStatus(ex: Executor, journal: readonly JournalEntry[]): Promise<MigrationStatus> {
  const [table] = await queryRows<{ exists: boolean }>(ex, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`);
  const rows = table?.exists
    ? await queryRows<{ created_at: string | number }>(ex, sql`select created_at from drizzle.__drizzle_migrations`)
    : [];
  const times = rows.map((row) => Number(row.created_at));
  const last = times.length > 0 ? Math.max(...times) : -1;
  const newest = journal.length > 0 ? Math.max(...journal.map((entry) => entry.when)) : -1;
  return {
    applied: times.length,
    pending: journal.filter((entry) => entry.when > last),
    unknown: times.filter((when) => when > newest).length,
  };
}

/** Throws DatabaseTooNew when the database knows migrations this code does not. */
export async function refuseNewerDatabase(ex: Executor, journal: readonly JournalEntry[]): Promise<void> {
  const status = await migrationStatus(ex, journal);
  if (status.unknown > 0) throw new DatabaseTooNew(status);
}
