import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedYearTraffic } from '../../bench/seed-year.js';
import { queryRows, type Database } from '../../src/db/client.js';
import { seedDefaults } from '../../src/seed/seed.js';
import { attentionByDay, attentionTotals, foldAttentionFigures } from '../../src/understanding/attention-figures.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

// Issue 17: the Atención page and the dashboard read `attention_figures` for the whole hours of a
// period. These tests hold it to what counting the log and the conversations gives, after every
// kind of write (turns at once included) and for periods and days that start anywhere.

const NOW = new Date('2026-11-24T16:00:00Z');
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDefaults(database.db, { adminEmail: 'admin@muni.test', adminPassword: 'contraseña-de-prueba-123' });
  await seedYearTraffic(database.db, NOW, { conversations: 2800, messagesPerConversation: 1, attentions: 3000 }, 40);
}, 120_000);
afterAll(async () => database?.close());

const counted = sql`
  select kind, date_trunc('hour', created_at, 'UTC') as at, channel, coalesce(detail, '') as detail, count(*)::int as count
    from attention_log group by 1, 2, 3, 4
  union all
  select 'abandoned', date_trunc('hour', c.last_inbound_at, 'UTC'), c.channel, '', count(*)::int
    from conversations c
    where c.last_inbound_at is not null and not exists (select 1 from attention_log a where a.conversation_id = c.id)
    group by 1, 2, 3, 4`;

/** Figures (folded or not) that differ from a count of the log and the conversations now, both ways. */
async function drift() {
  return queryRows<Record<string, unknown>>(
    database.db,
    sql`with kept as (
          select kind, at, channel, detail, sum(count)::int as count
          from (select * from attention_figures union all select * from attention_figure_changes) as f
          group by 1, 2, 3, 4 having sum(count) <> 0),
        counted as (${counted})
        (select 'kept' as side, * from kept except select 'kept', * from counted)
        union all
        (select 'counted', * from counted except select 'counted', * from kept)`,
  );
}

const abandonedNow = async () =>
  (
    await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from conversations c where not exists (select 1 from attention_log a where a.conversation_id = c.id)`,
    )
  )[0]!.n;

describe(`the attention figures on ${databaseKind}`, () => {
  it('count the log and the abandoned conversations as the migration back-fills them', async () => {
    // One seeded conversation in seven reached no outcome.
    expect(await abandonedNow()).toBe(400);
    expect(await drift()).toEqual([]);
    await database.db.execute(sql`select ventanilla_attention_figures_rebuild()`);
    const [changes] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from attention_figure_changes`);
    expect(changes!.n).toBe(0);
    expect(await drift()).toEqual([]);
  });

  it('follow turns, also several at once on one conversation, and every other write', async () => {
    const abandoned = (
      await queryRows<{ id: string }>(
        database.db,
        sql`select c.id from conversations c where not exists (select 1 from attention_log a where a.conversation_id = c.id)
            order by c.id limit 120`,
      )
    ).map((r) => r.id);
    const attended = (
      await queryRows<{ id: string }>(database.db, sql`select distinct conversation_id as id from attention_log order by 1 limit 120`)
    ).map((r) => r.id);
    const turn = (id: string, hours: number, outcome: 'answered' | 'none') =>
      database.db.transaction(async (tx) => {
        // As a turn does: the conversation's row lock, the citizen's message, then maybe an outcome.
        await tx.execute(sql`select id from conversations where id = ${id} for update`);
        await tx.execute(
          sql`update conversations set last_inbound_at = last_inbound_at + make_interval(hours => ${hours}) where id = ${id}`,
        );
        if (outcome === 'answered')
          await tx.execute(sql`insert into attention_log (conversation_id, channel, kind, detail, created_at)
            select id, channel, 'information_answered', 'pago-predial', last_inbound_at from conversations where id = ${id}`);
      });
    // Writers that take no lock of their own: an attention written by hand, a message moved by hand.
    const bare = (id: string, write: 'attention' | 'moved') =>
      write === 'attention'
        ? database.db.execute(sql`insert into attention_log (conversation_id, channel, kind, detail, created_at)
            select id, channel, 'handed_to_person', 'requested', ${NOW} from conversations where id = ${id}`)
        : database.db.execute(sql`update conversations set last_inbound_at = last_inbound_at - interval '3 hours' where id = ${id}`);
    const work: Array<Promise<unknown>> = [];
    abandoned.forEach((id, i) => {
      // The same conversation written by two to four transactions at once.
      if (i % 4 === 0) work.push(turn(id, (i % 5) + 1, 'answered'), turn(id, 2, 'none'));
      if (i % 4 === 1) work.push(bare(id, 'attention'), bare(id, 'moved'), bare(id, 'attention'));
      if (i % 4 === 2) work.push(turn(id, 3, 'none'), bare(id, 'attention'), bare(id, 'moved'));
      if (i % 4 === 3) work.push(bare(id, 'moved'), turn(id, 1, 'answered'), bare(id, 'attention'), turn(id, 5, 'none'));
    });
    for (const [i, id] of attended.entries()) work.push(i % 2 ? turn(id, 7, 'none') : bare(id, 'attention'));
    // The sweep folds the changes in meanwhile, as it does every few minutes.
    work.push(foldAttentionFigures(database.db), foldAttentionFigures(database.db));
    await Promise.all(work);
    expect(await drift()).toEqual([]);

    // New conversations, one already written to; a conversation's last attentions deleted (it is
    // abandoned again), an attention moved to another hour and kind, a conversation deleted, a rollback.
    await database.db.execute(sql`
      insert into conversations (channel, conversation_key, channel_user_id, citizen_id, status, dialog_state, last_inbound_at)
      select 'web', 'nueva-' || g, 'nuevo-' || g, (select min(id) from citizens), 'bot', '{}'::jsonb,
             case when g % 2 = 0 then ${NOW}::timestamptz - make_interval(mins => g * 17) end
      from generate_series(1, 300) g`);
    const [lastOnes] = await queryRows<{ id: string }>(
      database.db,
      sql`select conversation_id as id from attention_log group by 1 having count(*) = 1 order by 1 limit 1`,
    );
    await database.db.execute(sql`delete from attention_log where conversation_id = ${lastOnes!.id}`);
    await database.db.execute(
      sql`update attention_log set kind = 'status_lookup', detail = 'found', created_at = created_at - interval '1 day'
          where id = (select min(id) from attention_log)`,
    );
    await database.db.execute(sql`update attention_log set case_id = null where id = (select max(id) from attention_log)`);
    const [gone] = await queryRows<{ id: string }>(database.db, sql`select id from conversations c where conversation_key = 'nueva-2'`);
    await database.db.execute(sql`delete from conversations where id = ${gone!.id}`);
    await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`delete from attention_log where conversation_id = ${attended[0]!}`);
        throw new Error('rolled back');
      })
      .catch(() => {});
    expect(await drift()).toEqual([]);
    const [pending] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from attention_figure_changes`);
    expect(pending!.n).toBeGreaterThan(0);
    expect(await foldAttentionFigures(database.db)).toBeGreaterThan(0);
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from attention_figure_changes`);
    expect(left!.n).toBe(0);
    expect(await drift()).toEqual([]);
  });

  it('give periods and days that start inside hours, or in a zone off UTC by half hours, as counting every row does', async () => {
    const directTotals = async (from: Date, to: Date, channel?: string) =>
      queryRows<{ channel: string; kind: string; detail: string | null; count: number }>(
        database.db,
        sql`select channel, kind, detail, count(*)::int as count from attention_log
              where created_at >= ${from} and created_at <= ${to} ${channel ? sql`and channel = ${channel}` : sql``}
              group by 1, 2, 3
            union all
            select channel, 'abandoned', null, count(*)::int from conversations c
              where last_inbound_at >= ${from} and last_inbound_at <= ${to} ${channel ? sql`and channel = ${channel}` : sql``}
                and not exists (select 1 from attention_log a where a.conversation_id = c.id)
              group by 1`,
      );
    const sorted = <T extends { channel: string; kind: string; detail: string | null }>(rows: T[]) =>
      [...rows].sort((a, b) => `${a.channel}/${a.kind}/${a.detail}`.localeCompare(`${b.channel}/${b.kind}/${b.detail}`));
    const periods: Array<[string, string, string?]> = [
      ['2026-10-20T05:17:00Z', '2026-11-24T10:41:59.999Z'],
      ['2026-11-01T00:00:00Z', '2026-11-01T00:59:59.999Z', 'telegram'],
      ['2026-11-10T12:30:00Z', '2026-11-10T12:45:00Z'],
      ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 'web'],
    ];
    for (const [f, t, channel] of periods) {
      const from = new Date(f);
      const to = new Date(t);
      const summed = await attentionTotals(database.db, { from, to, channel, abandoned: true });
      expect(sorted(summed), `${f}…${t}`).toEqual(sorted(await directTotals(from, to, channel)));
    }
    const total = (await attentionTotals(database.db, { from: new Date(0), to: NOW, abandoned: true })).reduce((n, r) => n + r.count, 0);
    expect(total).toBeGreaterThan(3000);

    for (const timeZone of ['America/Mexico_City', 'Asia/Kolkata']) {
      const days = { fromDay: '2026-10-20', toDay: '2026-11-24' };
      const byDay = await attentionByDay(database.db, days, timeZone, { abandoned: true });
      const direct = await queryRows<{ day: string; channel: string; kind: string; detail: string | null; count: number }>(
        database.db,
        sql`select * from (
              select to_char(created_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, channel, kind, detail, count(*)::int as count
                from attention_log group by 1, 2, 3, 4
              union all
              select to_char(last_inbound_at at time zone ${timeZone}, 'YYYY-MM-DD'), channel, 'abandoned', null, count(*)::int
                from conversations c
                where last_inbound_at is not null and not exists (select 1 from attention_log a where a.conversation_id = c.id)
                group by 1, 2) d
            where day between ${days.fromDay} and ${days.toDay}`,
      );
      const key = (r: { day: string; channel: string; kind: string; detail: string | null }) =>
        `${r.day}/${r.channel}/${r.kind}/${r.detail}`;
      expect(byDay.map(key).sort(), timeZone).toEqual(direct.map(key).sort());
      expect(
        byDay.sort((a, b) => key(a).localeCompare(key(b))),
        timeZone,
      ).toEqual(direct.sort((a, b) => key(a).localeCompare(key(b))));
    }
  });
});
