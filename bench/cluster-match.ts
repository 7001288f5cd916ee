import { sql } from 'drizzle-orm';
import { DEFAULT_CLUSTER_SETTINGS, findClusterParent } from '../src/cases/clusters.js';
import { openDatabase, queryRows, type DatabaseTarget } from '../src/db/client.js';
import { addressKey } from '../src/places/address-key.js';
import { seedDefaults } from '../src/seed/seed.js';

/**
 * Issue 20's target: matching a new report against 100,000 open reports in under 20 ms, on PGlite
 * and on PostgreSQL. Seeds the open reports over a town of 10 × 10 km (every category, points and
 * place keys), then times `findClusterParent` for new reports at random points and addresses —
 * half of them near an existing report, half where nothing is. A server keeps its seeded reports
 * between runs.
 */
const SEED_YEAR = 2098;
const CENTRE = { lat: 27.07, lon: -109.44 };
const SPAN = 0.09; // ~10 km

export async function benchClusterMatch(target: DatabaseTarget, count = 100_000, probes = 400): Promise<Record<string, string>> {
  const database = await openDatabase(target);
  await database.migrate();
  await seedDefaults(database.db, { adminEmail: 'bench@ventanilla.local', adminPassword: 'benchmark-password' });
  const label = `${target.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${count.toLocaleString('en')} open reports`;
  const figures: Record<string, string> = {};
  try {
    const [{ seeded }] = (await queryRows<{ seeded: number }>(
      database.db,
      sql`select count(*)::int as seeded from cases where folio_year = ${SEED_YEAR}`,
    )) as [{ seeded: number }];
    if (seeded !== count) {
      const started = performance.now();
      await database.db.execute(sql`delete from case_events where case_id in (select id from cases where folio_year = ${SEED_YEAR})`);
      await database.db.execute(sql`delete from cases where folio_year = ${SEED_YEAR}`);
      await database.db.execute(sql`insert into citizens (name) select 'Vecino de prueba' where not exists (select 1 from citizens)`);
      // Random but repeatable: the same town every run.
      await database.db.execute(sql`select setseed(0.42)`);
      await database.db.execute(sql`
        insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description,
                           latitude, longitude, place_key, due_at, created_at, updated_at, status)
        select 'BM-' || ${sql.raw(String(SEED_YEAR))} || '-' || lpad(g::text, 6, '0'), ${SEED_YEAR}, g, 'reporte', c.id, c.department_id,
               (select min(id) from citizens), 'web', 'Lámpara fundida frente al número ' || (g % 900),
               ${sql.raw(String(CENTRE.lat - SPAN / 2))} + random() * ${sql.raw(String(SPAN))},
               ${sql.raw(String(CENTRE.lon - SPAN / 2))} + random() * ${sql.raw(String(SPAN))},
               'calle ' || (g % 400) || ' ' || (g % 997) || '|colonia ' || (g % 60),
               now() + interval '20 days', now() - (g % 25) * interval '1 day', now(), 'nuevo'
        from generate_series(1, ${sql.raw(String(count))}) g
        join lateral (select id, department_id from categories order by id offset (g % (select count(*) from categories)) limit 1) c on true`);
      await database.db.execute(sql`analyze cases`);
      figures[`cluster seed (${label})`] = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    }
    const categories = await queryRows<{ id: number }>(database.db, sql`select id from categories order by id`);
    const near = await queryRows<{ latitude: number; longitude: number; category_id: number; place_key: string }>(
      database.db,
      sql`select latitude, longitude, category_id, place_key from cases where folio_year = ${SEED_YEAR} order by id limit ${probes}`,
    );
    const times: number[] = [];
    let joined = 0;
    for (let i = 0; i < probes; i++) {
      const close = i % 2 === 0;
      const base = near[i % near.length]!;
      const report = {
        id: -1,
        type: 'reporte' as const,
        categoryId: close ? base.category_id : categories[i % categories.length]!.id,
        latitude: close ? base.latitude + 0.0001 : CENTRE.lat - SPAN / 2 + Math.random() * SPAN,
        longitude: close ? base.longitude : CENTRE.lon - SPAN / 2 + Math.random() * SPAN,
        placeKey: close ? base.place_key : addressKey(`calle Inexistente ${i}, colonia Nueva`),
        description: 'La lámpara del poste no prende',
        createdAt: new Date(),
      };
      const started = performance.now();
      const match = await findClusterParent(database.db, report, DEFAULT_CLUSTER_SETTINGS);
      times.push(performance.now() - started);
      if (match) joined++;
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    figures[`cluster match (${label})`] =
      `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${times.at(-1)!.toFixed(2)} ms over ${probes} new reports (${joined} found a report to join)`;
  } finally {
    await database.close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.BENCH_DATABASE_URL;
  const figures = {
    ...(await benchClusterMatch({ kind: 'pglite', dataDir: null })),
    ...(url ? await benchClusterMatch({ kind: 'postgres', url, poolSize: 4 }) : {}),
  };
  for (const [name, value] of Object.entries(figures)) console.log(`${name}  ${value}`);
}
