import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFolio, localYear } from '../../src/cases/folio.js';
import { openCase } from '../../src/cases/open-case.js';
import { findOrCreateCitizen } from '../../src/citizens/queries.js';
import { cases } from '../../src/db/schema.js';
import { seedDefaults } from '../../src/seed/seed.js';
import type { Database } from '../../src/db/client.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

let database: Database;
let citizenId: number;
const settings = { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' };
const at = new Date('2026-05-04T15:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDefaults(database.db, { adminEmail: 'a@b.test', adminPassword: 'una-contraseña-larga' });
  citizenId = (await findOrCreateCitizen(database.db, 'web', 'folio-test')).id;
});
afterAll(async () => database?.close());

const draft = (n: number) => ({
  type: 'reporte' as const,
  category: 'baches-pavimento',
  description: `bache número ${n}`,
  citizenId,
  channel: 'web' as const,
  actor: { kind: 'system' as const },
});

describe(`folios on ${databaseKind}`, () => {
  it('formats folios as PREFIX-YEAR-NNNNNN', () => {
    expect(formatFolio('AC', 2026, 123)).toBe('AC-2026-000123');
  });

  it('takes the year from the municipality clock, not UTC', () => {
    // 1 Jan 2027 03:00 UTC is still 31 Dec 2026 in Mexico City.
    expect(localYear(new Date('2027-01-01T03:00:00Z'), 'America/Mexico_City')).toBe(2026);
  });

  it('numbers concurrent openings without collisions, each year from its own sequence, rolled-back ones leaving gaps', async () => {
    const opened = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        database.db
          .transaction(async (tx) => {
            const result = await openCase(tx, draft(i), settings, at);
            // Every third transaction fails after taking its number, which is not given again.
            if (i % 3 === 0) throw new Error('rolled back on purpose');
            return result.case.folioSeq;
          })
          .catch(() => null),
      ),
    );
    const committed = opened.filter((n): n is number => n !== null).sort((a, b) => a - b);
    expect(committed).toHaveLength(20);
    expect(new Set(committed).size).toBe(20);
    expect(committed.every((n) => n >= 1 && n <= 30)).toBe(true);
    // The next opening continues after the numbers taken, not from a rolled-back one's.
    const after = await database.db.transaction((tx) => openCase(tx, draft(31), settings, at));
    expect(after.case.folioSeq).toBeGreaterThan(Math.max(...committed));
    const rows = await database.db.select({ folio: cases.folio }).from(cases);
    expect(new Set(rows.map((r) => r.folio)).size).toBe(rows.length);
  });

  it('starts each year at 1', async () => {
    const next = await database.db.transaction((tx) => openCase(tx, draft(99), settings, new Date('2027-02-01T15:00:00Z')));
    expect(next.case.folio).toBe('AC-2027-000001');
  });

  it('routes an unknown category to the fallback department instead of failing', async () => {
    const result = await database.db.transaction((tx) => openCase(tx, { ...draft(1), category: 'no-existe' }, settings, at));
    expect(result.departmentName).toBe('Coordinación de Atención Ciudadana');
  });
});
