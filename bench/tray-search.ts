import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { StaffPrincipal } from '../src/auth/sessions.js';
import { listTray, TrayFilter } from '../src/cases/tray.js';
import { openDatabase, queryRows } from '../src/db/client.js';
import { seedDefaults } from '../src/seed/seed.js';

/**
 * The tray's search (issue 18) over 500,000 cases and 200,000 citizens on a PostgreSQL server:
 * each query's time through `listTray`, and whether its plan reads the trigram indexes
 * (EXPLAIN of the very statement, captured from the driver). Seeded cases have varied
 * descriptions, names and phones, so a common word matches thousands and a rare one a handful.
 *
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/tray-search.ts
 */
const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is required (a database this script may fill)');
const CASES = Number(process.env.BENCH_CASES ?? 500_000);
const CITIZENS = Math.ceil(CASES / 2.5);
const ADMIN: StaffPrincipal = { id: 0, email: 'bench@ventanilla.local', name: 'Bench', role: 'admin', departmentId: null };
const now = new Date('2026-11-24T16:00:00Z');

const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
await database.migrate();
await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: 'benchmark-password' });
const db = database.db;

const [seeded] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from cases where folio_year = 1998`);
if (seeded!.n !== CASES) {
  const started = Date.now();
  await db.execute(sql`delete from cases where folio_year = 1998`);
  await db.execute(sql`delete from citizens where name like '% (bench)'`);
  await db.execute(sql`
    insert into citizens (name, phone, email)
    select (array['José','María','Juan','Guadalupe','Ana','Luis','Rosa','Jesús','Carmen','Miguel','Sofía','Ramón'])[g % 12 + 1]
        || ' ' || (array['Pérez','López','García','Hernández','Martínez','Núñez','Ramírez','Cruz','Flores','Gómez','Díaz','Álvarez',
                        'Torres','Vázquez','Morales','Ortiz','Ruiz','Jiménez','Mendoza','Castillo'])[(g / 12) % 20 + 1]
        || ' ' || (array['Reyes','Aguilar','Medina','Chávez','Rojas','Salazar','Vargas','Ríos','Luna','Estrada','Ibarra'])[(g / 240) % 11 + 1]
        || ' ' || g || ' (bench)',
      case when g % 3 > 0 then '+52 55 ' || substr(lpad(g::text, 8, '0'), 1, 4) || '-' || substr(lpad(g::text, 8, '0'), 5, 4) end,
      case when g % 4 = 0 then 'vecino' || g || '@correo.example' end
    from generate_series(1, ${CITIZENS}) g`);
  await db.execute(sql`
    with z as (select id, row_number() over (order by id) as k from citizens where name like '% (bench)'),
    c as (select (row_number() over (order by id) - 1)::int as k, id, department_id from categories)
    insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description,
                       status, due_at, created_at, updated_at, closed_at)
    select 'BS-1998-' || lpad(g::text, 7, '0'), 1998, g, 'reporte', c.id, c.department_id, z.id, 'telefono',
      (array['Bache profundo','Fuga de agua','Lámpara fundida','Basura acumulada','Árbol caído','Coladera tapada',
             'Semáforo descompuesto','Perro agresivo','Ruido excesivo','Banqueta rota'])[g % 10 + 1]
        || ' en la calle ' || (array['Hidalgo','Morelos','Juárez','Zaragoza','Allende','Madero','Guerrero','Obregón'])[(g / 10) % 8 + 1]
        || ' número ' || (g % 997) || ', colonia ' || (array['Centro','Peñitas','San José','El Carmen','La Loma'])[(g / 80) % 5 + 1]
        || case when g % 5000 = 0 then ' junto al tianguis de los martes' else '' end,
      case when g % 100 < 90 then 'cerrado' else 'nuevo' end,
      ${now.toISOString()}::timestamptz - make_interval(days => g % 400) + interval '30 days',
      ${now.toISOString()}::timestamptz - make_interval(days => g % 400, secs => ((g::bigint * 7919) % 86400)::int),
      ${now.toISOString()}::timestamptz - make_interval(days => g % 400),
      case when g % 100 < 90 then ${now.toISOString()}::timestamptz - make_interval(days => g % 400) + interval '3 days' end
    from generate_series(1, ${CASES}) g
    join z on z.k = (g % ${CITIZENS}) + 1
    join c on c.k = g % (select count(*) from categories)`);
  await db.execute(sql`analyze`);
  console.log(`seeded ${CASES} cases and ${CITIZENS} citizens in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const QUERIES: Array<[string, Record<string, string>]> = [
  ['folio', { q: 'BS-1998-0123491' }],
  ['name, common (perez)', { q: 'perez' }],
  ['name, two words (ramon nunez)', { q: 'ramon nunez' }],
  ['name and description (rosa tianguis)', { q: 'rosa tianguis' }],
  ['phone digits, formatted', { q: '55 0012 3456' }],
  ['e-mail', { q: 'vecino1234@correo' }],
  ['rare words (tianguis martes)', { q: 'tianguis martes' }],
  ['common word (calle)', { q: 'calle' }],
  ['closed, rare word', { q: 'tianguis', status: 'cerrado' }],
  ['most urgent, common name', { q: 'garcia', sort: 'urgent' }],
];

/** Every statement this process sends, with its parameters, so the EXPLAIN is of the real one. */
const sent: Array<{ text: string; values: unknown[] }> = [];
const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const original = prototype.query;
prototype.query = function (this: unknown, ...args: unknown[]) {
  const first = args[0] as { text?: string; values?: unknown[] } | string;
  if (typeof first === 'object' && first?.text) sent.push({ text: first.text, values: first.values ?? (args[1] as unknown[]) ?? [] });
  return original.apply(this, args);
};

const explain = new pg.Client({ connectionString: url });
await explain.connect();
for (const [label, query] of QUERIES) {
  const filter = TrayFilter.parse(query);
  await listTray(db, ADMIN, filter, now); // warm the cache
  sent.length = 0;
  const started = performance.now();
  const rows = await listTray(db, ADMIN, filter, now);
  const ms = performance.now() - started;
  const plans: string[] = [];
  for (const statement of sent.filter((s) => s.text.startsWith('select'))) {
    const result = await original.call(explain, `explain (analyze, buffers off) ${statement.text}`, statement.values);
    plans.push((result as { rows: Array<Record<string, string>> }).rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  const indexes = [...new Set(plans.join('\n').match(/(cases|citizens)_\w+_idx|cases_pkey/g) ?? [])];
  console.log(`${label.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${String(rows.length).padStart(3)} rows  ${indexes.join(', ')}`);
  if (process.env.BENCH_PLANS) console.log(plans.join('\n---\n'));
}
await explain.end();
prototype.query = original;
await database.close();
