import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../src/db/client.js';

/** Folios of seeded cases live in a year of their own, so they never meet a real folio counter. */
export const SEED_FOLIO_YEAR = 1999;

/**
 * `count` cases spread over the `spanDays` before `now`, written by PostgreSQL itself
 * (`generate_series`), so 500,000 take seconds: every type, channel and category; about 85 %
 * closed and 5 % not admissible (as in an office that has worked a year), the rest open at every
 * stage, some past their due date, one in 97 an emergency; survey answers for a fifth of the
 * closed ones, a reopening in one case of 53, an answer left for a phone call in one of 211
 * (half of them already called), and a `case.opened` event for each, as the real history has.
 * Needs the default departments and categories (`seedDefaults`).
 */
export async function seedCases(ex: Executor, count: number, now: Date, spanDays = 400): Promise<void> {
  const [citizen] = await queryRows<{ id: number }>(ex, sql`insert into citizens (name) values ('Vecina de prueba') returning id`);
  const at = now.toISOString();
  await ex.execute(sql`
    with cat as (select (row_number() over (order by id) - 1)::int as k, id, department_id from categories),
    seeded as (
      select g,
        ${at}::timestamptz - make_interval(days => g % ${spanDays}, secs => ((g::bigint * 7919) % 86400)::int) as opened,
        (g * 37) % 100 as p
      from generate_series(1, ${count}) g
    ),
    shaped as (
      select s.*, cat.id as category_id, cat.department_id,
        case when p < 85 then 'cerrado' when p < 90 then 'no_procede' when p < 94 then 'nuevo'
             when p < 96 then 'recepcionado' when p < 98 then 'en_seguimiento' else 'escalado' end as status
      from seeded s join cat on cat.k = s.g % (select count(*) from categories)
    )
    insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description,
                       status, due_at, created_at, updated_at, closed_at, received_at, first_answered_at, emergency)
    select 'ST-' || lpad(g::text, 7, '0'), ${SEED_FOLIO_YEAR}, g,
      (array['queja', 'solicitud_informacion', 'sugerencia', 'reporte'])[g % 4 + 1],
      category_id, department_id, ${citizen!.id},
      (array['web', 'telegram', 'whatsapp', 'email', 'telefono', 'presencial', 'visita', 'redes'])[(g / 4) % 8 + 1],
      'Caso de prueba ' || g, status,
      opened + interval '30 days', opened, opened,
      case when status in ('cerrado', 'no_procede') then opened + make_interval(days => (g * 13) % 40, secs => (g * 101) % 86400) end,
      case when status <> 'nuevo' then opened + make_interval(hours => g % 30) end,
      case when status in ('cerrado', 'no_procede') then opened + make_interval(days => (g * 13) % 40 / 2, secs => (g * 53) % 86400)
           when status in ('en_seguimiento', 'escalado') then opened + make_interval(days => g % 5) end,
      g % 97 = 0
    from shaped`);
  const seededCases = sql`select id, folio_seq as g, status, closed_at from cases where folio_year = ${SEED_FOLIO_YEAR}`;
  await ex.execute(sql`
    insert into case_events (case_id, type, actor_kind, data, created_at)
    select id, 'case.opened', 'bot', '{}'::jsonb, created_at from cases where folio_year = ${SEED_FOLIO_YEAR}`);
  await ex.execute(sql`
    insert into case_surveys (case_id, closed_event_id, sent_at, reopen_until, solved, rating, answered_at)
    select id, -g, closed_at, closed_at + interval '7 days',
      case when (g / 5) % 6 <> 0 then (g / 5) % 4 <> 0 end,
      case when (g / 5) % 6 <> 0 and (g / 5) % 7 <> 0 then (g / 5) % 5 + 1 end,
      case when (g / 5) % 6 <> 0 then closed_at + interval '1 day' end
    from (${seededCases}) s where status = 'cerrado' and g % 5 = 0`);
  await ex.execute(sql`
    insert into case_events (case_id, type, actor_kind, data, created_at)
    select id, 'case.reopened', 'citizen', '{}'::jsonb, closed_at + interval '2 days'
    from (${seededCases}) s where status = 'cerrado' and g % 53 = 0`);
  await ex.execute(sql`
    insert into case_events (case_id, type, actor_kind, data, created_at)
    select id, 'case.answer_pending_contact', 'staff', '{}'::jsonb, closed_at
    from (${seededCases}) s where status in ('cerrado', 'no_procede') and g % 211 = 0`);
  await ex.execute(sql`
    insert into case_events (case_id, type, actor_kind, data, created_at)
    select id, 'case.citizen_contacted', 'staff', '{}'::jsonb, closed_at + interval '1 day'
    from (${seededCases}) s where status in ('cerrado', 'no_procede') and g % 422 = 0`);
  await ex.execute(sql`analyze`);
}
