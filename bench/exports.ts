import { sql } from 'drizzle-orm';
import { Writable } from 'node:stream';
import type { StaffPrincipal } from '../src/auth/sessions.js';
import { trayExport, TrayExportFilter } from '../src/cases/tray-export.js';
import { createCatalogueSearch, loadCatalogue } from '../src/catalogue/catalogue.js';
import { openDatabase, queryRows, type DatabaseTarget, type Db } from '../src/db/client.js';
import { type Row, writeTabular, type TabularExport, type TabularFormat } from '../src/reports/tabular-export.js';
import { seedDefaults } from '../src/seed/seed.js';
import { AttentionQuery, attentionRegisterExport, attentionRegisterPage } from '../src/understanding/attention-register.js';
import { seedOnce } from './stats.js';

const ADMIN: StaffPrincipal = { id: 0, email: 'bench@ventanilla.local', name: 'Bench', role: 'admin', departmentId: null };
const ZONE = 'America/Mexico_City';

/**
 * Issue 17's exports over a year's volume (500,000 cases and 1,000,000 attentions on a server,
 * a fifth of that on PGlite): how soon the first bytes of each file leave, and, for the default
 * tray, the whole file's time, size and the memory it took. A server database keeps what it seeded.
 */
export async function benchExports(target: DatabaseTarget): Promise<Record<string, string>> {
  const cases = target.kind === 'pglite' ? 100_000 : 500_000;
  const attentions = cases * 2;
  const database = await openDatabase(target);
  await database.migrate();
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: 'benchmark-password' });
  const now = new Date('2026-11-24T16:00:00Z');
  const label = `${target.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${cases.toLocaleString('en')} cases, ${attentions.toLocaleString('en')} attentions`;
  const figures: Record<string, string> = {};
  try {
    await seedOnce(database.db, cases, now);
    await seedAttentions(database.db, attentions, now);
    const settings = { locale: 'es' as const, timeZone: ZONE };
    const register = { ...settings, procedureName: (id: string) => createCatalogueSearch(loadCatalogue()).get(id)?.name };
    const tray = (query: Record<string, string>) => () => trayExport(database.db, ADMIN, TrayExportFilter.parse(query), now, settings);
    const attention = (query: Record<string, string>) => () => attentionRegisterExport(database.db, AttentionQuery.parse(query), register);
    const firsts: Array<[string, TabularFormat, () => TabularExport]> = [
      ['tray export, default', 'xlsx', tray({})],
      ['tray export, default', 'csv', tray({})],
      ['tray export, most urgent', 'xlsx', tray({ sort: 'urgent' })],
      ['tray export, closed', 'xlsx', tray({ status: 'cerrado' })],
      ['tray export, one department, closed', 'csv', tray({ status: 'cerrado', departmentId: '1' })],
      ['attention export, all', 'xlsx', attention({})],
      ['attention export, abandoned', 'csv', attention({ kind: 'abandoned' })],
    ];
    for (const [name, format, table] of firsts) {
      await firstBytes(format, table()); // a warm cache, as a running server has
      const { bytes, row } = await firstBytes(format, table());
      figures[`${name}, ${format}: first bytes, first row (${label})`] = `${bytes.toFixed(0)} ms, ${row.toFixed(0)} ms`;
    }
    const month = { from: '2026-10-25', to: '2026-11-24' };
    for (const query of [{}, { channel: 'whatsapp' }, { kind: 'abandoned' }, month, { ...month, channel: 'whatsapp' }]) {
      const page = () => attentionRegisterPage(database.db, AttentionQuery.parse(query), register);
      await page();
      const started = performance.now();
      const first = await page();
      const ms = performance.now() - started;
      const second = performance.now();
      await attentionRegisterPage(database.db, AttentionQuery.parse({ ...query, page: first.next }), register);
      figures[`attention register ${JSON.stringify(query)}: first page, next page (${label})`] =
        `${ms.toFixed(0)} ms, ${(performance.now() - second).toFixed(0)} ms`;
    }
    for (const format of ['xlsx', 'csv'] as const) {
      const whole = await wholeFile(format, tray({})());
      figures[`tray export, default, ${format}: whole file (${label})`] =
        `${whole.rows.toLocaleString('en')} rows, ${(whole.bytes / 1e6).toFixed(1)} MB in ${(whole.ms / 1000).toFixed(1)} s, RSS +${whole.rssMb.toFixed(0)} MB`;
    }
  } finally {
    await database.close();
  }
  return figures;
}

/**
 * Milliseconds to the first chunk written (an XLSX starts with its zip header before any row) and
 * to the first row read from the database; the rest is not read.
 */
async function firstBytes(format: TabularFormat, table: TabularExport): Promise<{ bytes: number; row: number }> {
  const started = performance.now();
  let at = 0;
  let row = 0;
  async function* timed(rows: AsyncIterable<Row>) {
    for await (const r of rows) {
      if (!row) row = performance.now() - started;
      yield r;
    }
  }
  const out = new Writable({
    write(_chunk, _encoding, done) {
      if (!at) {
        at = performance.now() - started;
        // The receiver leaves after the first bytes, as a cancelled download does.
        done();
        out.destroy();
        return;
      }
      done();
    },
  });
  await writeTabular(format, out, { ...table, rows: timed(table.rows) }).catch(() => undefined);
  return { bytes: at, row };
}

async function wholeFile(format: TabularFormat, table: TabularExport) {
  const rss = process.memoryUsage().rss;
  let peak = rss;
  let bytes = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      peak = Math.max(peak, process.memoryUsage().rss);
      // A receiver slower than the writer, as a network is: the writer must wait for it.
      setImmediate(done);
    },
  });
  const started = performance.now();
  const rows = await writeTabular(format, out, table);
  return { rows, bytes, ms: performance.now() - started, rssMb: (peak - rss) / 1e6 };
}

/** `count` attentions over the year, in conversations of four, and as many conversations again that led nowhere. */
async function seedAttentions(db: Db, count: number, now: Date) {
  const conversations = count / 4;
  const [{ seeded }] = (await queryRows<{ seeded: number }>(
    db,
    sql`select count(*)::int as seeded from conversations where conversation_key like 'bench-%'`,
  )) as [{ seeded: number }];
  if (seeded >= conversations * 2) return;
  const [citizen] = await queryRows<{ id: number }>(db, sql`insert into citizens (name) values ('Vecino de prueba') returning id`);
  const at = now.toISOString();
  await db.execute(sql`
    insert into conversations (channel, conversation_key, channel_user_id, citizen_id, dialog_state, last_inbound_at, created_at)
    select (array['web', 'telegram', 'whatsapp', 'email'])[g % 4 + 1], 'bench-' || g, 'bench-' || g, ${citizen!.id}, '{}'::jsonb,
      ${at}::timestamptz - make_interval(days => g % 400, secs => ((g::bigint * 7919) % 86400)::int), now()
    from generate_series(1, ${conversations * 2}) g`);
  await db.execute(sql`
    insert into attention_log (conversation_id, channel, kind, detail, created_at)
    select c.id, c.channel,
      (array['information_answered', 'case_opened', 'status_lookup', 'handed_to_person'])[k + 1],
      (array['pago-predial', 'reporte', 'found', 'requested'])[k + 1],
      c.last_inbound_at - make_interval(mins => k)
    from conversations c, generate_series(0, 3) k
    where c.conversation_key like 'bench-%' and substr(c.conversation_key, 7)::int % 2 = 0`);
  await db.execute(sql`analyze`);
}
