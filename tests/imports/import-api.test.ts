import { asc, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, callbacks, caseEvents, cases, categories, citizens, departments, importRows, imports } from '../../src/db/schema.js';
import { IMPORT_JOB } from '../../src/imports/imports.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { signIn, staffMember, xlsx, type Session } from './helpers.js';

/** The social-network spreadsheet through the console API: good, bad and duplicate rows, refused files. */

let app: TestApp;
let admin: Session;
const runImports = () => app.queue.runDue({ kinds: [IMPORT_JOB] });

beforeAll(async () => {
  app = await createTestApp();
  admin = await signIn(app);
}, 60_000);
afterAll(async () => app?.close());

async function upload(filename: string, bytes: Uint8Array) {
  const res = await admin.upload(filename, bytes);
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as number;
}
const status = async (id: number) => (await admin.get(`/api/staff/imports/${id}`)).json();

async function casesOf(id: number) {
  const rows = await app.database.db
    .select({ caseId: importRows.caseId, row: importRows.row })
    .from(importRows)
    .where(eq(importRows.importId, id))
    .orderBy(asc(importRows.row));
  const ids = rows.map((r) => r.caseId).filter((c): c is number => c !== null);
  if (ids.length === 0) return [];
  return app.database.db
    .select({
      id: cases.id,
      channel: cases.channel,
      type: cases.type,
      description: cases.description,
      address: cases.address,
      createdAt: cases.createdAt,
      category: categories.code,
      department: departments.code,
      name: citizens.name,
      phone: citizens.phone,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .innerJoin(citizens, eq(citizens.id, cases.citizenId))
    .where(inArray(cases.id, ids))
    .orderBy(asc(cases.id));
}

const counted = async () => ({
  imports: Number((await app.database.db.select({ n: count() }).from(imports))[0]!.n),
  cases: Number((await app.database.db.select({ n: count() }).from(cases))[0]!.n),
});

describe(`importing the social-network spreadsheet, on ${databaseKind}`, () => {
  // A title above the header, columns in another order and spelt loosely, a blank row.
  const sheet = [
    ['Solicitudes recibidas en redes sociales del presidente municipal — marzo 2026'],
    [],
    ['Red Social', ' TELÉFONO / Celular ', 'nombre', 'Descripcion', 'FECHA', 'Domicilio'],
    [
      'Facebook',
      '311 123 4567',
      'Ana Rivera',
      'Hay un bache enorme en la calle Hidalgo frente a la escuela',
      new Date(Date.UTC(2026, 2, 2, 9, 30)),
      'Centro',
    ],
    ['Instagram', '', 'Sin datos', '', '', ''],
    ['X', '+52 311 123 4567', 'Ana', '  HAY UN BACHE ENORME en la calle Hidalgo frente a la escuela ', '', ''],
    ['Facebook', '33 1234 5678', 'Luis Peña', 'No hay alumbrado público en el parque de la colonia Obrera', '31/02/2026', 'Col. Obrera'],
    [],
    ['Whatsapp', 'no tengo', 'Marta', 'La basura no pasa desde hace una semana por mi calle', '05/03/2026 4:15 p. m.', ''],
  ];

  it('opens a case per good row on the social-networks channel, classified and routed, with its call-back; reports the bad row by its own number', async () => {
    const before = await counted();
    const id = await upload('redes-marzo.xlsx', await xlsx(sheet));
    expect(await status(id)).toMatchObject({ status: 'running', total: 5, processed: 0 });
    await runImports();

    const report = await status(id);
    expect(report).toMatchObject({ status: 'done', total: 5, processed: 5, imported: 3, duplicates: 1 });
    expect(report.failed).toEqual([{ row: 5, reason: 'sin descripción ni teléfono válido' }]);
    expect(report.warnings).toEqual([
      { row: 7, reason: 'fecha ilegible: 31/02/2026; se usó la fecha de importación' },
      { row: 9, reason: 'teléfono no válido: no tengo; caso abierto sin llamada' },
    ]);

    const opened = await casesOf(id);
    expect(opened).toHaveLength(3);
    expect(opened.every((c) => c.channel === 'redes')).toBe(true);
    expect(opened[0]).toMatchObject({
      category: 'baches-pavimento',
      department: 'obras-publicas',
      type: 'reporte',
      name: 'Ana Rivera',
      phone: '+523111234567',
      address: 'Centro',
      // 09:30 on the sheet is 09:30 in Mexico City.
      createdAt: new Date('2026-03-02T15:30:00Z'),
    });
    expect(opened[1]).toMatchObject({ category: 'alumbrado-publico', department: 'servicios-publicos', name: 'Luis Peña' });
    // An unreadable date opens the case at the import's moment.
    expect(opened[1]!.createdAt).toEqual(OFFICE_HOURS_NOW);
    expect(opened[2]).toMatchObject({ category: 'recoleccion-basura', createdAt: new Date('2026-03-05T22:15:00Z') });

    const events = await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, opened[0]!.id)).orderBy(asc(caseEvents.id));
    expect(events.map((e) => e.type)).toEqual(['case.opened', 'case.imported', 'callback.requested']);
    expect(events[1]!.data).toMatchObject({ importId: id, row: 4, network: 'Facebook' });

    // The phone centre calls back those with a phone: rows 4 and 7, not the row without one.
    const calls = await app.database.db
      .select()
      .from(callbacks)
      .where(
        inArray(
          callbacks.caseId,
          opened.map((c) => c.id),
        ),
      );
    expect(calls.map((c) => c.caseId).sort()).toEqual([opened[0]!.id, opened[1]!.id].sort());
    expect(calls.every((c) => c.status === 'open' && c.nextAction === 'call')).toBe(true);
    const list = (await admin.get('/api/staff/callbacks')).json();
    expect(list.open.map((c: { caseId: number }) => c.caseId)).toEqual(expect.arrayContaining([opened[0]!.id, opened[1]!.id]));

    // The words stay with the cases; the import keeps only each row's outcome.
    const kept = await app.database.db.select({ fields: importRows.fields }).from(importRows).where(eq(importRows.importId, id));
    expect(kept.every((r) => r.fields === null)).toBe(true);
    expect(await counted()).toEqual({ imports: before.imports + 1, cases: before.cases + 3 });
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'import.created'));
    expect(audit).toEqual([expect.objectContaining({ staffUserId: admin.id, subjectType: 'import', subjectId: String(id) })]);
  });

  it('counts every row imported before as a duplicate when the same file comes again', async () => {
    const before = await counted();
    const id = await upload('redes-marzo-otra-vez.xlsx', await xlsx(sheet));
    await runImports();
    expect(await status(id)).toMatchObject({ status: 'done', total: 5, imported: 0, duplicates: 4, failed: [{ row: 5 }] });
    expect((await counted()).cases).toBe(before.cases);
  });

  it('reads a CSV with a BOM and semicolons, header in row 1', async () => {
    const csv =
      '\uFEFFNombre;Celular;Petición;Red social\r\nJosé Núñez;312 555 0101;"Fuga de agua en la esquina; sale mucha agua";Facebook\r\n;;;\r\nRocío;;Quiero saber el horario del DIF;Instagram\r\n';
    const id = await upload('redes.csv', new TextEncoder().encode(csv));
    await runImports();
    const report = await status(id);
    expect(report).toMatchObject({ status: 'done', total: 2, imported: 2, failed: [] });
    const opened = await casesOf(id);
    expect(opened[0]).toMatchObject({
      name: 'José Núñez',
      description: 'Fuga de agua en la esquina; sale mucha agua',
      category: 'agua-drenaje',
    });
    expect(opened[1]).toMatchObject({ name: 'Rocío', phone: null });
  });

  it('reads a CSV that Excel on Windows wrote (Windows-1252, commas), with row numbers as in the file', async () => {
    const text =
      'Reporte ciudadano\r\nNombre,Teléfono,Descripción,Colonia\r\nMaría Peña,3121234567,Árbol caído sobre la banqueta de la calle Niños Héroes,Jardines\r\n,,,\r\n,123,,\r\n';
    const id = await upload('redes-windows.csv', Buffer.from(text, 'latin1'));
    await runImports();
    const report = await status(id);
    expect(report).toMatchObject({
      status: 'done',
      total: 2,
      imported: 1,
      failed: [{ row: 5, reason: 'sin descripción ni teléfono válido' }],
    });
    const [opened] = await casesOf(id);
    expect(opened).toMatchObject({
      name: 'María Peña',
      address: 'Jardines',
      description: 'Árbol caído sobre la banqueta de la calle Niños Héroes',
    });
  });

  it('refuses a file that is not a spreadsheet, one without a header and one over 20 MB, and keeps nothing of them', async () => {
    const before = await counted();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const notSheet = await admin.upload('foto.png', png);
    expect(notSheet.statusCode).toBe(400);
    expect(notSheet.json().error.message).toContain('no es una hoja de cálculo');
    const brokenZip = await admin.upload('roto.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]));
    expect(brokenZip.statusCode).toBe(400);

    const noHeader = await admin.upload(
      'sin-encabezado.xlsx',
      await xlsx([
        ['Ana', '3111234567', 'Bache en Hidalgo'],
        ['Luis', '3312345678', 'Sin luz'],
      ]),
    );
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.json().error.message).toContain('encabezados');

    const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x41);
    const tooLarge = await admin.upload('enorme.csv', big);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.message).toContain('20 MB');

    const noFile = await admin.post('/api/staff/imports', {});
    expect(noFile.statusCode).toBe(400);
    expect(await counted()).toEqual(before);
  });

  it('lets only the roles that open cases for citizens import', async () => {
    const [department] = await app.database.db.select().from(departments).limit(1);
    const responsable = await staffMember(app, admin, 'responsable', 'responsable@ventanilla.test', department!.id);
    const refused = await responsable.upload('redes.xlsx', await xlsx(sheet));
    expect(refused.statusCode).toBe(403);
    const operator = await staffMember(app, admin, 'operador', 'operadora@ventanilla.test');
    expect(
      (await operator.upload('redes.csv', new TextEncoder().encode('Nombre,Teléfono,Mensaje\nZoe,3319998877,Poda de árbol en el jardín\n')))
        .statusCode,
    ).toBe(202);
    expect((await responsable.get('/api/staff/imports/1')).statusCode).toBe(403);
    expect((await admin.get('/api/staff/imports/987654')).statusCode).toBe(404);
  });
});
