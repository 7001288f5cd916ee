import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Tx } from '../../src/db/client.js';
import { GroupCommit } from '../../src/db/group-commit.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table probe (id serial primary key, unit text not null unique, txid bigint not null)`);
});
afterAll(async () => database?.close());

/** A unit of work that records which transaction carried it. */
const record = (unit: string) => async (tx: Tx) => {
  const [row] = await queryRows<{ txid: string }>(
    tx,
    sql`insert into probe (unit, txid) values (${unit}, txid_current()) returning txid::text as txid`,
  );
  return row!.txid;
};

async function stored(): Promise<Map<string, string>> {
  const rows = await queryRows<{ unit: string; txid: string }>(database.db, sql`select unit, txid::text as txid from probe`);
  return new Map(rows.map((r) => [r.unit, r.txid]));
}

describe(`group commit on ${databaseKind}`, () => {
  it('runs work that arrives while its lane is busy in one shared transaction, answering each after the commit', async () => {
    const commits = new GroupCommit({ db: database.db, lanes: 1, maxBatch: 64 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = commits.run('a', async (tx) => {
      await gate;
      return record('first')(tx);
    });
    const rest = ['b', 'c', 'd', 'e'].map((key) => commits.run(key, record(`later-${key}`)));
    release();
    const [firstTx, ...restTx] = await Promise.all([first, ...rest]);
    expect(new Set(restTx).size).toBe(1);
    expect(restTx[0]).not.toBe(firstTx);
    // Answered means committed: another connection already sees every row.
    const rows = await stored();
    for (const key of ['b', 'c', 'd', 'e']) expect(rows.get(`later-${key}`)).toBe(restTx[0]);
  });

  it('fails only the unit that threw: the others of its batch are committed, the thrower leaves nothing', async () => {
    const commits = new GroupCommit({ db: database.db, lanes: 1, maxBatch: 64 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const busy = commits.run('x', async (tx) => {
      await gate;
      return record('busy')(tx);
    });
    const good1 = commits.run('y', record('good-1'));
    const bad = commits.run('z', async (tx) => {
      await record('bad')(tx);
      throw new Error('this unit is wrong');
    });
    const duplicate = commits.run('w', record('good-1'));
    const good2 = commits.run('v', record('good-2'));
    release();
    await busy;
    await expect(bad).rejects.toThrow('this unit is wrong');
    await expect(duplicate).rejects.toThrow();
    const [tx1, tx2] = await Promise.all([good1, good2]);
    const rows = await stored();
    expect(rows.get('good-1')).toBe(tx1);
    expect(rows.get('good-2')).toBe(tx2);
    expect(rows.has('bad')).toBe(false);
  });

  it('keeps one key in one lane, in the order its work arrived', async () => {
    const commits = new GroupCommit({ db: database.db, lanes: databaseKind === 'postgres' ? 3 : 1, maxBatch: 4 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        commits.run('same-conversation', async (tx) => {
          await tx.execute(sql`select 1`);
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});
