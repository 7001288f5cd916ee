import { spawn } from 'node:child_process';
import http from 'node:http';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/db/client.js';
import { packageRoot } from '../src/paths.js';
import { seedDefaults } from '../src/seed/seed.js';
import { SEED_FOLIO_YEAR, seedCases } from './seed-cases.js';
import { removeYearTraffic, seedYearTraffic, YEAR_TRAFFIC } from './seed-year.js';

const CASES = 500_000;
const NOW = new Date('2026-11-24T16:00:00Z');
const ADMIN = { email: 'bench@ventanilla.local', password: 'benchmark-password' };

const YEAR = 'from=2025-11-25&to=2026-11-24';
/** Every dashboard view and the first page of every export, as the console asks for them. */
export const YEAR_PATHS: ReadonlyArray<[string, string]> = [
  ['dashboard, a year by week', `/api/staff/dashboard?${YEAR}&granularity=week`],
  ['dashboard, a year by month, one department', `/api/staff/dashboard?${YEAR}&granularity=month&departmentId=1`],
  ['dashboard, a year, one channel', `/api/staff/dashboard?${YEAR}&granularity=month&channel=whatsapp`],
  ['dashboard, last 30 days by day', '/api/staff/dashboard?from=2026-10-26&to=2026-11-24&granularity=day'],
  ['attention figures, a year (the Atención page)', `/api/understanding/attention?${YEAR}&per=period`],
  ['attention figures, a year, every day', `/api/understanding/attention?${YEAR}`],
  ['attention register, first page', `/api/staff/attention?${YEAR}`],
  ['attention register, first page, one channel', `/api/staff/attention?${YEAR}&channel=telegram`],
  ['work tray, first page', '/api/staff/tray'],
  ['work tray, first page, most urgent', '/api/staff/tray?sort=urgent'],
  ['tray export XLSX (open cases)', '/api/staff/cases/export.xlsx'],
  ['tray export CSV (closed cases)', '/api/staff/cases/export.csv?status=cerrado'],
  ['attention register export XLSX', `/api/staff/attention/export.xlsx?${YEAR}`],
  ['dashboard tables XLSX, a year', `/api/staff/stats/export.xlsx?${YEAR}`],
  ['monthly report PDF', '/api/staff/reports/monthly.pdf?month=2026-10'],
];

/**
 * The console's views and the first bytes of every export at a year's volume on PostgreSQL:
 * 500,000 cases, 5 million messages, 1 million attentions (seeded once into the database
 * `ventanilla_year` of the server at `serverUrl`, kept between runs). Each URL is asked of a real
 * server process (`dist/main.js`) as the admin, once to warm its caches and then timed: time to
 * the first byte (what a person waits before a download starts) and to the last.
 */
export async function benchYearVolume(
  serverUrl: string,
  paths: ReadonlyArray<[string, string]> = YEAR_PATHS,
): Promise<Record<string, string>> {
  const url = await databaseNamed(serverUrl, 'ventanilla_year');
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  const figures: Record<string, string> = {};
  try {
    await database.migrate();
    await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: ADMIN.password });
    const [counts] = await queryRows<{ cases: number; conversations: number; attentions: number }>(
      database.db,
      sql`select (select count(*)::int from cases where folio_year = ${SEED_FOLIO_YEAR}) as cases,
                 (select count(*)::int from conversations where conversation_key like 'year-%') as conversations,
                 (select count(*)::int from attention_log) as attentions`,
    );
    if (counts!.cases !== CASES || counts!.conversations !== YEAR_TRAFFIC.conversations || counts!.attentions < YEAR_TRAFFIC.attentions) {
      const started = performance.now();
      await removeYearTraffic(database.db);
      if (counts!.cases !== CASES) {
        const mine = sql`(select id from cases where folio_year = ${SEED_FOLIO_YEAR})`;
        for (const table of ['case_events', 'case_surveys', 'attention_log'])
          await database.db.execute(sql`delete from ${sql.identifier(table)} where case_id in ${mine}`);
        await database.db.execute(sql`delete from cases where folio_year = ${SEED_FOLIO_YEAR}`);
        await seedCases(database.db, CASES, NOW);
      }
      await seedYearTraffic(database.db, NOW);
      figures['year volume: seeding (500k cases, 5M messages, 1M attentions)'] = `${((performance.now() - started) / 1000).toFixed(0)} s`;
    }
  } finally {
    await database.close();
  }

  const server = await startServer(url);
  try {
    const token = await login(server.url);
    for (const [name, path] of paths) {
      // An export is timed to its first page (the first 64 KB), what a person waits before the download runs.
      const upTo = path.includes('/export.') ? 64 * 1024 : Number.POSITIVE_INFINITY;
      await timedGet(server.url, path, token, upTo);
      const { status, firstByteMs, totalMs, bytes } = await timedGet(server.url, path, token, upTo);
      figures[`year volume: ${name}`] =
        status !== 200
          ? `HTTP ${status}`
          : upTo < Number.POSITIVE_INFINITY
            ? `first byte ${firstByteMs.toFixed(0)} ms, first ${(bytes / 1024).toFixed(0)} KB ${totalMs.toFixed(0)} ms`
            : `${totalMs.toFixed(0)} ms (${(bytes / 1024).toFixed(0)} KB)`;
    }
  } finally {
    await server.stop();
  }
  return figures;
}

async function databaseNamed(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startServer(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      DATABASE_URL: databaseUrl,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(?:listening on|escuchando en) (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** GETs `path`, reading at most `upTo` bytes of the body (then the connection is dropped). */
function timedGet(
  base: string,
  path: string,
  token: string,
  upTo: number,
): Promise<{ status: number; firstByteMs: number; totalMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }, (response) => {
      let firstByteMs = -1;
      let bytes = 0;
      const done = () =>
        resolve({ status: response.statusCode ?? 0, firstByteMs: Math.max(firstByteMs, 0), totalMs: performance.now() - started, bytes });
      response.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
        if (bytes >= upTo) {
          done();
          request.destroy();
        }
      });
      response.on('end', done);
      response.on('error', () => undefined);
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
  });
}
