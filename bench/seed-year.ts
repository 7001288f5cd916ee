import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../src/db/client.js';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { SEED_FOLIO_YEAR } from './seed-cases.js';

export interface YearTraffic {
  conversations: number;
  messagesPerConversation: number;
  attentions: number;
}

/** A year of an office's traffic on top of `seedCases`: 1 M conversations, 5 M messages and 1 M attentions by default. */
export const YEAR_TRAFFIC: YearTraffic = { conversations: 1_000_000, messagesPerConversation: 5, attentions: 1_000_000 };

/**
 * Conversations on every channel over the `spanDays` before `now`, their messages (citizen and
 * bot turns in turn) and the attention register: half the attentions open a seeded case, the rest
 * answer a catalogue procedure, look up a folio or hand the chat to a person. One conversation in
 * seven reaches none of these (the citizen left): the register's abandoned ones. Written by
 * PostgreSQL itself (`generate_series`); the conversation keys start with `year-` so a re-run
 * can find and remove them.
 */
export async function seedYearTraffic(ex: Executor, now: Date, traffic: YearTraffic = YEAR_TRAFFIC, spanDays = 400): Promise<void> {
  const [citizen] = await queryRows<{ id: number }>(ex, sql`insert into citizens (name) values ('Vecino del año') returning id`);
  const at = now.toISOString();
  await ex.execute(sql`
    insert into conversations (channel, conversation_key, channel_user_id, citizen_id, status, dialog_state, last_inbound_at, created_at, updated_at)
    select (array['web', 'telegram', 'whatsapp', 'email'])[g % 4 + 1], 'year-' || g, 'year-user-' || g, ${citizen!.id},
      'closed', '{}'::jsonb, t, t, t
    from (select g, ${at}::timestamptz - make_interval(days => g % ${spanDays}, secs => ((g::bigint * 7919) % 86400)::int) as t
          from generate_series(1, ${traffic.conversations}) g) s`);
  await ex.execute(sql`
    insert into messages (conversation_id, direction, channel, author, text, created_at)
    select c.id, case when k % 2 = 1 then 'in' else 'out' end, c.channel, case when k % 2 = 1 then 'citizen' else 'bot' end,
      case when k % 2 = 1 then 'Mensaje del vecino número ' || k else 'Respuesta de Ventanilla número ' || k end,
      c.created_at + make_interval(secs => k * 20)
    from conversations c cross join generate_series(1, ${traffic.messagesPerConversation}) k
    where c.conversation_key like 'year-%'`);
  const procedures = loadCatalogue()
    .procedures.map((p) => p.id)
    .slice(0, 40);
  const [{ seeded }] = (await queryRows<{ seeded: number }>(
    ex,
    sql`select count(*)::int as seeded from cases where folio_year = ${SEED_FOLIO_YEAR}`,
  )) as [{ seeded: number }];
  await ex.execute(sql`
    with c as (select id, created_at, channel, row_number() over (order by created_at, id) as n
               from conversations where conversation_key like 'year-%' and split_part(conversation_key, '-', 2)::int % 7 <> 0),
    a as (select g, (g - 1) % (select count(*) from c) + 1 as n from generate_series(1, ${traffic.attentions}) g)
    insert into attention_log (conversation_id, channel, kind, detail, case_id, created_at)
    select c.id, c.channel,
      case when a.g % 2 = 0 then 'case_opened' when a.g % 20 in (1, 3, 5, 7, 9, 11, 13) then 'information_answered'
           when a.g % 20 in (15, 17) then 'status_lookup' else 'handed_to_person' end,
      case when a.g % 2 = 0 then (array['queja', 'solicitud_informacion', 'sugerencia', 'reporte'])[(a.g / 2) % 4 + 1]
           when a.g % 20 in (1, 3, 5, 7, 9, 11, 13) then (string_to_array(${procedures.join(',')}, ','))[(a.g / 2) % ${procedures.length} + 1]
           when a.g % 20 in (19) then 'asked_for_person' end,
      case when a.g % 2 = 0 and ${seeded} > 0 then
        (select id from cases where folio_year = ${SEED_FOLIO_YEAR} and folio_seq = (a.g / 2 - 1) % greatest(${seeded}, 1) + 1) end,
      c.created_at + interval '1 minute'
    from a join c on c.n = a.n`);
  await ex.execute(sql`analyze`);
}

/** Removes what `seedYearTraffic` wrote. */
export async function removeYearTraffic(ex: Executor): Promise<void> {
  const mine = sql`(select id from conversations where conversation_key like 'year-%')`;
  await ex.execute(sql`delete from attention_log where conversation_id in ${mine}`);
  await ex.execute(sql`delete from messages where conversation_id in ${mine}`);
  await ex.execute(sql`delete from conversations where conversation_key like 'year-%'`);
}
