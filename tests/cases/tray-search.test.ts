import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { readCsv } from '../reports/csv-reader.js';

let app: TestApp;
let clock = OFFICE_HOURS_NOW;

async function signIn(email: string, password: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]!, csrf: res.json().csrfToken as string };
}
type Session = Awaited<ReturnType<typeof signIn>>;
const get = (s: Session, url: string) => app.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });

async function openCase(s: Session, body: Record<string, string>) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/staff/cases',
    payload: body,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
  });
  expect(res.statusCode).toBe(200);
  clock = new Date(clock.getTime() + 60_000);
  return res.json().case as { id: number; folio: string };
}

let admin: Session;
let agua: Session;
let bache: { id: number; folio: string };
let fuga: { id: number; folio: string };
let lampara: { id: number; folio: string };

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
  bache = await openCase(admin, {
    channel: 'telefono',
    type: 'reporte',
    category: 'baches-pavimento',
    description: 'Bache enorme frente al mercado de la colonia Peñitas, ya hubo dos accidentes',
    name: 'José Ñúñez Álvarez',
    phone: '+52 (55) 1111-2222',
  });
  fuga = await openCase(admin, {
    channel: 'presencial',
    type: 'reporte',
    category: 'agua-drenaje',
    description: 'Fuga de agua potable en la esquina de Morelos y Juárez',
    name: 'María Pérez',
    email: 'maria.perez@example.com',
  });
  lampara = await openCase(admin, {
    channel: 'telefono',
    type: 'sugerencia',
    category: 'alumbrado-publico',
    description: 'Lámpara fundida en el parque 100% apagada_desde ayer',
    name: 'Jose Nunez',
    phone: '5533334444',
  });
});
afterAll(async () => app?.close());

const folios = async (s: Session, q: string, extra = '') =>
  ((await get(s, `/api/staff/tray?q=${encodeURIComponent(q)}${extra}`)).json().cases as Array<{ folio: string }>).map((c) => c.folio);

describe(`the tray's search on ${databaseKind}`, () => {
  it('finds a case by its folio, whole or by its number', async () => {
    expect(await folios(admin, bache.folio)).toEqual([bache.folio]);
    expect(await folios(admin, bache.folio.toLowerCase())).toEqual([bache.folio]);
    expect(await folios(admin, fuga.folio.slice(-6))).toEqual([fuga.folio]);
  });

  it("finds the citizen's name with or without accents, in any case", async () => {
    expect(await folios(admin, 'Pérez')).toEqual([fuga.folio]);
    expect(await folios(admin, 'perez')).toEqual([fuga.folio]);
    // «Núñez» and «Nunez» are the same name to a clerk: both citizens' cases, newest first.
    expect(await folios(admin, 'NUÑEZ')).toEqual([lampara.folio, bache.folio]);
    expect(await folios(admin, 'josé álvarez')).toEqual([bache.folio]);
  });

  it('finds a phone by its digits, however it is written', async () => {
    expect(await folios(admin, '5511112222')).toEqual([bache.folio]);
    expect(await folios(admin, '55 1111 2222')).toEqual([bache.folio]);
    expect(await folios(admin, '(55) 1111-2222')).toEqual([bache.folio]);
    expect(await folios(admin, '3333-4444')).toEqual([lampara.folio]);
    expect(await folios(admin, '9999-0000')).toEqual([]);
  });

  it('finds the e-mail and words of the description, every word required', async () => {
    expect(await folios(admin, 'maria.perez@example')).toEqual([fuga.folio]);
    expect(await folios(admin, 'penitas')).toEqual([bache.folio]);
    expect(await folios(admin, 'lampara parque')).toEqual([lampara.folio]);
    expect(await folios(admin, 'lampara mercado')).toEqual([]);
    // A word of the citizen and one of the case together.
    expect(await folios(admin, 'jose mercado')).toEqual([bache.folio]);
  });

  it("takes the user's % and _ literally", async () => {
    expect(await folios(admin, '100%')).toEqual([lampara.folio]);
    expect(await folios(admin, 'apagada_desde')).toEqual([lampara.folio]);
    expect(await folios(admin, 'fuga%agua')).toEqual([]);
  });

  it('searches only the departments a person may see, with the other filters', async () => {
    expect(await folios(agua, 'agua')).toEqual([fuga.folio]);
    expect(await folios(agua, 'bache')).toEqual([]);
    expect(await folios(admin, 'jose', '&type=sugerencia')).toEqual([lampara.folio]);
  });

  it('shows the start of the description in the tray', async () => {
    const [row] = (await get(admin, `/api/staff/tray?q=${encodeURIComponent(fuga.folio)}`)).json().cases as Array<{
      description: string;
    }>;
    expect(row!.description).toBe('Fuga de agua potable en la esquina de Morelos y Juárez');
  });

  it("exports the search's cases only, in CSV and XLSX", async () => {
    const csv = readCsv((await get(admin, '/api/staff/cases/export.csv?q=nu%C3%B1ez')).rawPayload.subarray(3).toString('utf8'));
    expect(csv.slice(1).map((r) => r[0])).toEqual([lampara.folio, bache.folio]);
    const xlsx = await get(agua, '/api/staff/cases/export.xlsx?q=juarez');
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const shown: string[] = [];
    sheet.eachRow((row, n) => n > 1 && shown.push(String(row.getCell(1).value)));
    expect(shown).toEqual([fuga.folio]);
  });

  it("follows the citizen's new contact, and forgets an erased citizen", async () => {
    const lamparaPage = (await get(admin, `/api/staff/cases/${lampara.id}`)).json().case as { citizen: { id: number } };
    // A second case on the same phone updates the citizen's name: both their cases answer to it.
    const again = await openCase(admin, {
      channel: 'telefono',
      type: 'queja',
      category: 'alumbrado-publico',
      description: 'Sigue sin luz el parque',
      name: 'José Antonio Núñez',
      phone: '5533334444',
    });
    expect(await folios(admin, 'antonio')).toEqual([again.folio, lampara.folio]);
    const erased = await app.app.inject({
      method: 'POST',
      url: `/api/staff/citizens/${lamparaPage.citizen.id}/erase`,
      payload: { confirm: lamparaPage.citizen.id },
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    expect(erased.statusCode).toBe(200);
    expect(await folios(admin, 'antonio')).toEqual([]);
    expect(await folios(admin, '5533334444')).toEqual([]);
    expect(await folios(admin, 'nuñez')).toEqual([bache.folio]);
    expect(await folios(admin, lampara.folio)).toEqual([lampara.folio]);
  });
});
