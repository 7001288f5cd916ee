import { desc, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auditLog, categories, citizens, departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { readCsv } from './csv-reader.js';

const DAY = 86_400_000;
const ZONE = 'America/Mexico_City';
let app: TestApp;
let clock = OFFICE_HOURS_NOW;

async function signIn(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string };
}
type Session = Awaited<ReturnType<typeof signIn>>;
const get = (s: Session, url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const post = (s: Session, url: string, payload: object) =>
  app.app.inject({ method: 'POST', url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

async function openCase(s: Session, body: Record<string, string>) {
  const res = await post(s, '/api/staff/cases', body);
  expect(res.statusCode).toBe(200);
  return res.json().case as { id: number; folio: string };
}

async function sheetOf(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}
/** What a clock in Mexico City read, as the UTC fields of a Date (how a spreadsheet holds it). */
function wall(iso: string) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, Number(x.value)]),
  );
  return new Date(Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!));
}

type TrayCase = {
  id: number;
  folio: string;
  type: string;
  status: string;
  channel: string;
  category: string;
  department: string;
  citizenName: string | null;
  createdAt: string;
  dueAt: string;
  assignedRole: string;
};

const TRICKY = 'Bache "enorme", frente al mercado de la colonia Peñitas;\nlleva así dos semanas';
const FORMULA = '=HYPERLINK("http://malo.example","clic")';
let admin: Session;
let agua: Session;
let closed: { id: number; folio: string };

beforeAll(async () => {
  app = await createTestApp({ now: () => clock });
  const [aguaDept] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  await app.database.db.insert(staffUsers).values({
    email: 'agua@muni.test',
    name: 'Agua',
    role: 'responsable',
    departmentId: aguaDept!.id,
    passwordHash: await hashPassword('clave-segura-123'),
  });
  admin = await signIn(ADMIN.email, ADMIN.password);
  agua = await signIn('agua@muni.test', 'clave-segura-123');
  await openCase(admin, {
    channel: 'telefono',
    type: 'reporte',
    category: 'baches-pavimento',
    description: TRICKY,
    address: 'Calle Hidalgo 12, Col. Peñitas',
    name: 'José Ñúñez Álvarez',
    phone: '5511112222',
  });
  clock = new Date(clock.getTime() + 3_600_000);
  await openCase(admin, {
    channel: 'presencial',
    type: 'queja',
    category: 'agua-drenaje',
    description: FORMULA,
    name: '+Mario Ruiz',
    email: 'mario@example.com',
  });
  clock = new Date(clock.getTime() + 3_600_000);
  closed = await openCase(admin, {
    channel: 'telefono',
    type: 'sugerencia',
    category: 'alumbrado-publico',
    description: '@lámpara fundida en el parque',
    phone: '5522223333',
  });
  clock = new Date(clock.getTime() + 2 * DAY);
  // Closed with an answer that must be phoned: it stays in the tray, and in its export, until someone calls.
  expect((await post(admin, `/api/staff/cases/${closed.id}/actions`, { kind: 'receive' })).statusCode).toBe(200);
  expect(
    (await post(admin, `/api/staff/cases/${closed.id}/actions`, { kind: 'close', answer: 'Se cambió la lámpara, gracias.' })).statusCode,
  ).toBe(200);
});
afterAll(async () => app?.close());

describe(`tray exports on ${databaseKind}`, () => {
  it('exports the tray as XLSX, row by row the same as the tray, with dates in the municipality’s zone', async () => {
    const tray = (await get(admin, '/api/staff/tray?limit=500')).json().cases as TrayCase[];
    expect(tray.map((c) => c.folio)).toContain(closed.folio);
    const res = await get(admin, '/api/staff/cases/export.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="bandeja-${wall(clock.toISOString()).toISOString().slice(0, 10)}.xlsx"`,
    );
    const sheet = await sheetOf(res.rawPayload);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      'Folio',
      'Fecha de apertura',
      'Tipo',
      'Categoría',
      'Dependencia',
      'Estado',
      'Nivel',
      'Canal',
      'Ciudadano',
      'Contacto',
      'Dirección / colonia',
      'Descripción',
      'Vence',
      'Días abierto',
      'Fecha de cierre',
      'Respuesta final',
    ]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.autoFilter).toBeTruthy();
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toHaveLength(tray.length);
    const label = { reporte: 'Reporte', queja: 'Queja', sugerencia: 'Sugerencia' } as Record<string, string>;
    const status = { nuevo: 'Nuevo', cerrado: 'Cerrado' } as Record<string, string>;
    const channel = { telefono: 'Teléfono', presencial: 'Presencial' } as Record<string, string>;
    tray.forEach((c, i) => {
      const row = rows[i]!;
      expect(row[0]).toBe(c.folio);
      expect(row[1]).toEqual(wall(c.createdAt));
      expect(row[2]).toBe(label[c.type]);
      expect(row[3]).toBe(c.category);
      expect(row[4]).toBe(c.department);
      expect(row[5]).toBe(status[c.status]);
      expect(row[6]).toBe('Responsable');
      expect(row[7]).toBe(channel[c.channel]);
      // A citizen's name starting like a formula is guarded, as every text cell.
      expect(row[8] ?? null).toBe(c.citizenName?.replace(/^\+/, "'+") ?? null);
      expect(typeof row[13]).toBe('number');
    });
    const byFolio = new Map(rows.map((r) => [r[0], r]));
    const tricky = byFolio.get(tray.find((c) => c.category === 'Baches y pavimento')!.folio)!;
    expect(tricky[11]).toBe(TRICKY);
    expect(tricky[9]).toBe('5511112222');
    expect(tricky[10]).toBe('Calle Hidalgo 12, Col. Peñitas');
    expect(tricky[13]).toBe(2);
    const formula = byFolio.get(tray.find((c) => c.type === 'queja')!.folio)!;
    expect(formula[11]).toBe(`'${FORMULA}`);
    expect(formula[9]).toBe('mario@example.com');
    const done = byFolio.get(closed.folio)!;
    expect(done[5]).toBe('Cerrado');
    expect(done[11]).toBe("'@lámpara fundida en el parque");
    expect(done[14]).toEqual(wall(clock.toISOString()));
    expect(done[15]).toBe('Se cambió la lámpara, gracias.');
    expect(done[13]).toBe(2);
    // The due day is the term's last day, as a date.
    const due = tray.find((c) => c.folio === closed.folio)!.dueAt;
    expect(done[12]).toEqual(
      new Date(
        `${wall(new Date(Date.parse(due) - 1).toISOString())
          .toISOString()
          .slice(0, 10)}T00:00:00Z`,
      ),
    );
  });

  it('exports CSV in UTF-8 with a BOM, RFC 4180 quoting and the same rows; filters are the tray’s', async () => {
    const res = await get(admin, '/api/staff/cases/export.csv?type=reporte');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = readCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]![0]).toBe('Folio');
    expect(rows[0]).toHaveLength(16);
    const tray = (await get(admin, '/api/staff/tray?type=reporte')).json().cases as TrayCase[];
    expect(rows.slice(1).map((r) => r[0])).toEqual(tray.map((c) => c.folio));
    const [row] = rows.slice(1);
    expect(row![11]).toBe(TRICKY);
    expect(row![8]).toBe('José Ñúñez Álvarez');
    const opened = wall(tray[0]!.createdAt).toISOString();
    expect(row![1]).toBe(`${opened.slice(0, 10)} ${opened.slice(11, 16)}`);

    const all = readCsv((await get(admin, '/api/staff/cases/export.csv')).rawPayload.subarray(3).toString('utf8'));
    const formula = all.find((r) => r[2] === 'Queja')!;
    expect(formula[11]).toBe(`'${FORMULA}`);
    expect(formula[8]).toBe("'+Mario Ruiz");
    const none = readCsv((await get(admin, '/api/staff/cases/export.csv?status=escalado')).rawPayload.subarray(3).toString('utf8'));
    expect(none).toHaveLength(1);
  });

  it('lets a department export only its own cases, and audits every export with its filters and rows', async () => {
    const own = readCsv((await get(agua, '/api/staff/cases/export.csv')).rawPayload.subarray(3).toString('utf8')).slice(1);
    const [aguaDept] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
    expect(own.map((r) => [r[4], r[2]])).toEqual([[aguaDept!.name, 'Queja']]);
    const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'obras-publicas'));
    const other = await get(agua, `/api/staff/cases/export.xlsx?departmentId=${obras!.id}`);
    expect(other.statusCode).toBe(200);
    expect((await sheetOf(other.rawPayload)).rowCount).toBe(1);
    expect((await app.app.inject({ method: 'GET', url: '/api/staff/cases/export.csv' })).statusCode).toBe(401);

    // The audit line is written once the file has been sent.
    const lines = async () =>
      app.database.db.select().from(auditLog).where(eq(auditLog.action, 'tray.exported')).orderBy(desc(auditLog.id));
    await expect.poll(async () => (await lines()).length).toBeGreaterThanOrEqual(2);
    const [last, previous] = await lines();
    const [aguaUser] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, 'agua@muni.test'));
    expect(last!.staffUserId).toBe(aguaUser!.id);
    expect(JSON.parse(last!.subjectId)).toEqual({
      format: 'xlsx',
      filters: { departmentId: obras!.id, sort: 'newest' },
      rows: 0,
      complete: true,
    });
    expect(JSON.parse(previous!.subjectId)).toMatchObject({ format: 'csv', rows: 1, complete: true });
  });

  it('reads every row of a large tray page after page, in the tray’s order, for both sorts', async () => {
    const [parks] = await app.database.db.select().from(categories).where(eq(categories.code, 'parques-jardines'));
    const [citizen] = await app.database.db.insert(citizens).values({ name: 'Vecina' }).returning();
    // 2,345 cases, many sharing an instant (ties broken by id), some emergencies: more than two pages of the export.
    await app.database.db.execute(sql`
      insert into cases (folio, folio_year, folio_seq, type, category_id, department_id, citizen_id, channel, description, due_at, created_at, emergency)
      select 'AC-2025-' || lpad(g::text, 6, '0'), 2025, g, 'reporte', ${parks!.id}, ${parks!.departmentId}, ${citizen!.id}, 'web', 'Pasto crecido ' || g,
        timestamptz '2026-04-01' + (g % 97) * interval '1 hour', timestamptz '2026-01-01' + (g / 3) * interval '1 minute', g % 50 = 0
      from generate_series(1, 2345) g`);
    // Over a real socket the file goes out as it is written: chunked, with no length known in advance.
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.app.server.address() as { port: number };
    const streamed = await fetch(`http://127.0.0.1:${port}/api/staff/cases/export.xlsx?category=parques-jardines`, {
      headers: { cookie: admin.cookie },
    });
    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(streamed.headers.get('content-length')).toBeNull();
    expect((await sheetOf(Buffer.from(await streamed.arrayBuffer()))).rowCount).toBe(2346);
    for (const sort of ['newest', 'urgent'] as const) {
      const rows = readCsv(
        (await get(admin, `/api/staff/cases/export.csv?category=parques-jardines&sort=${sort}`)).rawPayload.subarray(3).toString('utf8'),
      ).slice(1);
      expect(rows).toHaveLength(2345);
      expect(new Set(rows.map((r) => r[0])).size).toBe(2345);
      const first500 = (await get(admin, `/api/staff/tray?category=parques-jardines&sort=${sort}&limit=500`)).json().cases as TrayCase[];
      expect(rows.slice(0, 500).map((r) => r[0])).toEqual(first500.map((c) => c.folio));
      if (sort === 'newest') expect(rows.at(-1)![0]).toBe('AC-2025-000001');
      else expect(rows.slice(0, 46).every((r) => Number(r[0]!.slice(-6)) % 50 === 0)).toBe(true);
    }
  });
});
