import { sql } from 'drizzle-orm';
import { parseBusinessHours } from '../src/business-hours.js';
import { BusinessCalendar } from '../src/calendar/business-calendar.js';
import { deadlineSweep } from '../src/cases/follow-up/deadline-warnings.js';
import type { FollowUpDeps } from '../src/cases/follow-up/follow-up.js';
import { loadFollowUpPolicy } from '../src/cases/follow-up/policy.js';
import { renderRoutingSheetPdf } from '../src/cases/follow-up/routing-sheet-pdf.js';
import { openDatabase, queryRows, type DatabaseTarget } from '../src/db/client.js';
import { seedDefaults } from '../src/seed/seed.js';

/**
 * The follow-up's heavy parts: a deadline sweep over many open cases (what runs every five
 * minutes), and rendering a routing sheet's PDF.
 */
export async function benchFollowUp(target: DatabaseTarget, openCases = 5000): Promise<Record<string, string>> {
  const database = await openDatabase(target);
  await database.migrate();
  await seedDefaults(database.db, { adminEmail: 'bench@ventanilla.local', adminPassword: 'benchmark-password' });
  const now = new Date('2026-11-24T16:00:00Z');
  // Cases opened over the last 40 days with 30-day terms: about half past a warning point.
  await database.db.execute(sql`insert into citizens (name) values ('Bench')`);
  await database.db.execute(sql`
    insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description, due_at, created_at)
    select 'BE-2026-' || lpad(g::text, 6, '0'), 2026, g, 'reporte', c.id, c.department_id, (select max(id) from citizens), 'web', 'Caso de prueba ' || g,
           ${now.toISOString()}::timestamptz - make_interval(days => (g % 40)) + interval '30 days',
           ${now.toISOString()}::timestamptz - make_interval(days => (g % 40))
    from generate_series(1, ${openCases}) g, (select id, department_id from categories order by id limit 1) c`);
  const policy = loadFollowUpPolicy();
  const calendar = new BusinessCalendar('America/Mexico_City', parseBusinessHours('lun-vie 08:00-15:00'), policy.holidays);
  const deps: FollowUpDeps = {
    db: database.db,
    policy,
    calendar,
    terms: { policy, calendar, defaultDueDays: 30 },
    locale: 'es',
    municipalityName: 'Bench',
    publicUrl: 'http://localhost',
    mail: { enabled: true, fromDomain: 'bench.example' },
    channels: { email: false },
    linkSecret: Buffer.alloc(32),
    logger: { info() {}, warn() {}, error() {} },
  };
  let started = performance.now();
  await deadlineSweep.run(deps, now);
  const first = performance.now() - started;
  const [{ warned }] = (await queryRows<{ warned: number }>(
    database.db,
    sql`select count(*)::int as warned from case_events where type = 'follow_up.deadline_warning'`,
  )) as [{ warned: number }];
  started = performance.now();
  await deadlineSweep.run(deps, new Date(now.getTime() + 5 * 60_000));
  const idle = performance.now() - started;
  await database.close();

  const pdfRuns = 50;
  started = performance.now();
  for (let i = 0; i < pdfRuns; i += 1) {
    await renderRoutingSheetPdf({
      municipality: 'Municipio de Ejemplo',
      title: 'Hoja de trámite',
      folio: `AC-2026-${String(i).padStart(6, '0')}`,
      rows: [
        ['Folio', 'AC'],
        ['Tipo', 'Reporte'],
        ['Categoría', 'Alumbrado público'],
        ['Dependencia', 'Servicios Públicos'],
        ['Ubicación', 'Calle Morelos 12'],
      ],
      requestLabel: 'Solicitud',
      request: 'La luminaria lleva una semana apagada. '.repeat(5),
      acknowledgementLabel: 'Acuse de recibido',
      acknowledgementLines: ['Nombre', 'Firma', 'Fecha'],
      footer: 'Ventanilla',
    });
  }
  const pdfMs = (performance.now() - started) / pdfRuns;
  const label = target.kind === 'pglite' ? 'PGlite' : 'PostgreSQL';
  return {
    [`deadline sweep, ${openCases} open cases (${label})`]: `${(first / 1000).toFixed(1)} s for ${warned} warnings (mails queued, events written); ${Math.round(idle)} ms for the next sweep with nothing to do`,
    'routing sheet PDF': `${pdfMs.toFixed(1)} ms each (${pdfRuns} rendered)`,
  };
}
