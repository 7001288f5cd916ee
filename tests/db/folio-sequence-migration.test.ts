import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../src/db/client.js';
import { PGLITE_EXTENSIONS } from '../../src/db/pglite-init.js';

const scratch = mkdtempSync(join(tmpdir(), 'ventanilla-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The migrations folder as it was before `tag`, so a database can be left at that version. */
function migrationsBefore(tag: string): string {
  const folder = join(scratch, `before-${tag}`);
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('migration 0009: folio counters become one sequence a year', () => {
  it("continues each year's numbering after the last folio the counter gave", async () => {
    const client = new PGlite({ extensions: PGLITE_EXTENSIONS });
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: migrationsBefore('0009_folio_sequences') });
    await client.query('insert into folio_counters (year, last_seq) values (2025, 7), (2026, 41)');

    await migrate(db, { migrationsFolder });

    const next = async (year: number) => (await client.query<{ n: number }>('select next_folio_seq($1) as n', [year])).rows[0]!.n;
    expect(await next(2026)).toBe(42);
    expect(await next(2026)).toBe(43);
    expect(await next(2025)).toBe(8);
    expect(await next(2027)).toBe(1);
    const tables = await client.query("select 1 from information_schema.tables where table_name = 'folio_counters'");
    expect(tables.rows).toHaveLength(0);
    await client.close();
  });
});
