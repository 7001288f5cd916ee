import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, shownIds } from '../../src/auth/audit.js';
import { queryRows, type Database } from '../../src/db/client.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.close());

describe(`audit lines of list views on ${databaseKind}`, () => {
  it('keeps a list of thousands of ids and finds it by any one of them', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => 1_000_000 + i * 7);
    await recordAudit(database.db, {
      staffUserId: null,
      action: 'tray.viewed',
      subjectType: 'case',
      subjectId: shownIds(ids),
      ip: '127.0.0.1',
    });
    await recordAudit(database.db, {
      staffUserId: null,
      action: 'case.viewed',
      subjectType: 'case',
      subjectId: 1_000_007,
      ip: '127.0.0.1',
    });
    const saw = (id: number) =>
      queryRows<{ action: string }>(
        database.db,
        sql`select action from audit_log where subject_type = 'case' and string_to_array(subject_id, ',') @> array[${String(id)}] order by id`,
      );
    expect((await saw(1_000_007)).map((r) => r.action)).toEqual(['tray.viewed', 'case.viewed']);
    expect((await saw(1_020_993)).map((r) => r.action)).toEqual(['tray.viewed']);
    expect(await saw(1_000_001)).toEqual([]);
  });
});
