import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, departments } from '../../src/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { addStaff, bearer, clock, seedFebruary } from './dashboard-fixture.js';

let app: TestApp;
let coordinator: Record<string, string>;
let deptId: (code: string) => number;
const FEBRUARY = 'from=2026-02-01&to=2026-02-28';

const dashboard = async (headers: Record<string, string>, query = FEBRUARY) => {
  const res = await app.app.inject({ method: 'GET', url: `/api/staff/dashboard?${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().dashboard;
};

beforeAll(async () => {
  app = await createTestApp({ now: () => clock.now });
  await seedFebruary(app);
  await addStaff(app, 'obras@muni.test', 'responsable', 'obras-publicas');
  await addStaff(app, 'operador@muni.test', 'operador');
  coordinator = await bearer(app, 'coordinacion@muni.test');
  const depts = await app.database.db.select().from(departments);
  deptId = (code) => depts.find((d) => d.code === code)!.id;
}, 60_000);
afterAll(async () => app?.close());

describe(`the dashboard's figures on ${databaseKind}`, () => {
  it('counts February by the municipality’s clock: opened, closed, types, channels, categories, series per day', async () => {
    const d = await dashboard(coordinator);
    expect([d.fromDay, d.toDay, d.timeZone]).toEqual(['2026-02-01', '2026-02-28', 'America/Mexico_City']);
    // 23:00 on 1 February local time is in, 01:00 on 1 March local time is out.
    expect(d.totals).toMatchObject({ opened: 5, open: 3, closed: 1, noProcede: 1 });
    expect(d.byType).toEqual({ queja: 1, solicitud_informacion: 1, sugerencia: 0, reporte: 3 });
    expect(d.byChannel).toEqual({ telefono: 2, presencial: 1, redes: 1, visita: 1 });
    // Most frequent first.
    expect(d.byCategory.map((c: { category: string; cases: number }) => [c.category, c.cases])).toEqual([
      ['Baches y pavimento', 2],
      ['Agua y drenaje', 2],
      ['Alumbrado público', 1],
    ]);
    expect(d.series).toHaveLength(28);
    const day = (period: string) => d.series.find((p: { period: string }) => p.period === period);
    // Closings count on the day of the answer, whenever the case was opened.
    expect(day('2026-02-01')).toEqual({ period: '2026-02-01', opened: 1, closed: 1, noProcede: 0 });
    expect(day('2026-02-02')).toEqual({ period: '2026-02-02', opened: 1, closed: 0, noProcede: 0 });
    expect(day('2026-02-03')).toEqual({ period: '2026-02-03', opened: 0, closed: 0, noProcede: 1 });
    expect(day('2026-02-04')).toMatchObject({ opened: 0, closed: 1 });
    expect(day('2026-02-12')).toMatchObject({ opened: 0, closed: 1 });
    expect(day('2026-02-28')).toMatchObject({ opened: 2, closed: 0 });
    const sum = (key: string) => d.series.reduce((n: number, p: Record<string, number>) => n + p[key]!, 0);
    expect([sum('opened'), sum('closed'), sum('noProcede')]).toEqual([5, 3, 1]);
  });

  it('groups by ISO week (Monday) and by month', async () => {
    const weeks = await dashboard(coordinator, `${FEBRUARY}&granularity=week`);
    expect(weeks.series).toEqual([
      { period: '2026-01-26', opened: 1, closed: 1, noProcede: 0 },
      { period: '2026-02-02', opened: 1, closed: 1, noProcede: 1 },
      { period: '2026-02-09', opened: 1, closed: 1, noProcede: 0 },
      { period: '2026-02-16', opened: 0, closed: 0, noProcede: 0 },
      { period: '2026-02-23', opened: 2, closed: 0, noProcede: 0 },
    ]);
    const months = await dashboard(coordinator, 'from=2026-01-01&to=2026-03-31&granularity=month');
    expect(months.series.map((p: { period: string; opened: number }) => [p.period, p.opened])).toEqual([
      ['2026-01-01', 3],
      ['2026-02-01', 5],
      ['2026-03-01', 2],
    ]);
  });

  it('measures deadline compliance of the terms that ended in the period, per department', async () => {
    const { compliance } = await dashboard(coordinator);
    expect(compliance).toMatchObject({ due: 3, onTime: 1, late: 1, unanswered: 1, share: 33.3 });
    const of = (name: string) => compliance.byDepartment.find((c: { department: string }) => c.department === name);
    expect(of('Dirección de Obras Públicas')).toMatchObject({ due: 1, onTime: 1, share: 100 });
    expect(of('Organismo Operador de Agua Potable y Drenaje')).toMatchObject({ due: 1, late: 1, share: 0 });
    expect(of('Dirección de Servicios Públicos Municipales')).toMatchObject({ due: 1, unanswered: 1, share: 0 });
    // Nothing was due in the first week of January.
    expect((await dashboard(coordinator, 'from=2026-01-01&to=2026-01-07')).compliance).toMatchObject({ due: 0, share: null });
  });

  it('buckets every open case by its age today, and gives the times to first response and to close', async () => {
    const d = await dashboard(coordinator);
    expect(d.openByAge).toEqual({ '0-7': 1, '8-15': 3, '16-30': 1, '31+': 1 });
    // Answered after 2 days (closed) and 1.4 days (not admissible).
    expect(d.durations).toEqual({
      toFirstResponse: { cases: 2, meanDays: 1.7, medianDays: 1.7 },
      toClose: { cases: 1, meanDays: 2, medianDays: 2 },
    });
  });

  it('names the catalogue questions by procedure, conversations that opened no case included', async () => {
    const d = await dashboard(coordinator);
    expect(d.attention.procedures).toEqual([{ procedureId: 'pago-predial', procedure: 'Pago del impuesto predial', count: 2 }]);
    expect(d.attention.byKind.information_answered).toBe(2);
    const telegram = await dashboard(coordinator, `${FEBRUARY}&channel=telegram`);
    expect(telegram.attention.procedures[0].count).toBe(1);
  });

  it('applies the department, type and channel filters to every figure', async () => {
    const obras = await dashboard(coordinator, `${FEBRUARY}&departmentId=${deptId('obras-publicas')}`);
    expect(obras.totals).toMatchObject({ opened: 2, closed: 1 });
    expect(obras.byDepartment.map((r: { department: string }) => r.department)).toEqual(['Dirección de Obras Públicas']);
    expect(obras.compliance).toMatchObject({ due: 1, onTime: 1, share: 100 });
    expect(obras.openByAge).toEqual({ '0-7': 1, '8-15': 1, '16-30': 0, '31+': 0 });
    const reports = await dashboard(coordinator, `${FEBRUARY}&type=reporte`);
    expect(reports.totals.opened).toBe(3);
    expect(reports.compliance).toMatchObject({ due: 2, late: 1, unanswered: 1 });
    const phone = await dashboard(coordinator, `${FEBRUARY}&channel=telefono`);
    expect(phone.totals.opened).toBe(2);
    expect(phone.byChannel).toEqual({ telefono: 2 });
  });

  it('gives department staff their department only, refuses another one, operators and anonymous calls', async () => {
    const obrasStaff = await bearer(app, 'obras@muni.test');
    const own = await dashboard(obrasStaff);
    expect(own.scope).toBe('department');
    expect(own.totals.opened).toBe(2);
    expect(own.compliance.byDepartment.map((r: { department: string }) => r.department)).toEqual(['Dirección de Obras Públicas']);
    expect(own.attention).toBeNull();
    const get = (headers: Record<string, string>, url: string) => app.app.inject({ method: 'GET', url, headers });
    expect((await get(obrasStaff, `/api/staff/dashboard?${FEBRUARY}&departmentId=${deptId('agua-potable')}`)).statusCode).toBe(403);
    expect((await get(obrasStaff, `/api/staff/stats/export.xlsx?${FEBRUARY}&departmentId=${deptId('agua-potable')}`)).statusCode).toBe(403);
    const operator = await bearer(app, 'operador@muni.test');
    for (const url of ['/api/staff/dashboard', '/api/staff/stats/export.xlsx', '/api/staff/reports/monthly.pdf?month=2026-02'])
      expect((await get(operator, url)).statusCode).toBe(403);
    expect((await get({}, '/api/staff/dashboard')).statusCode).toBe(401);
    expect((await get(coordinator, '/api/staff/dashboard?from=2026-02-30')).statusCode).toBe(400);
    expect((await get(coordinator, '/api/staff/dashboard?from=2026-03-01&to=2026-02-01')).statusCode).toBe(400);
  });
});

describe(`the dashboard's files on ${databaseKind}`, () => {
  it('exports every table to XLSX, one sheet each, with typed cells equal to the API’s figures, and audits it', async () => {
    const d = await dashboard(coordinator);
    const res = await app.app.inject({ method: 'GET', url: `/api/staff/stats/export.xlsx?${FEBRUARY}`, headers: coordinator });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain('estadisticas-2026-02-01-2026-02-28.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      'Resumen',
      'Abiertos y cerrados',
      'Por tipo',
      'Por categoría',
      'Por dependencia',
      'Por canal',
      'Por estado',
      'Antigüedad',
      'Cumplimiento de plazos',
      'Tiempos de respuesta',
      'Satisfacción',
      'Consultas del catálogo',
      'Atenciones por tipo',
    ]);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).font?.bold).toBe(true);
    }
    const series = book.getWorksheet('Abiertos y cerrados')!;
    expect(series.getRow(1).values).toEqual([undefined, 'Periodo', 'Abiertos', 'Cerrados', 'No procede']);
    expect(series.rowCount).toBe(1 + d.series.length);
    const first = series.getRow(2).values as unknown[];
    expect(first[1]).toBeInstanceOf(Date);
    expect((first[1] as Date).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(first.slice(2)).toEqual([d.series[0].opened, d.series[0].closed, d.series[0].noProcede]);
    const byDept = book.getWorksheet('Por dependencia')!;
    const obras = d.byDepartment.find((r: { department: string }) => r.department === 'Dirección de Obras Públicas');
    const row = byDept.getRows(2, byDept.rowCount - 1)!.find((r) => r.getCell(1).value === 'Dirección de Obras Públicas')!;
    expect([2, 3, 4, 5, 6, 7].map((c) => row.getCell(c).value)).toEqual([
      obras.opened,
      obras.open,
      obras.closed,
      obras.noProcede,
      obras.overdueOpen,
      obras.medianDaysToClose,
    ]);
    const compliance = book.getWorksheet('Cumplimiento de plazos')!;
    const total = compliance.getRow(compliance.rowCount);
    expect(total.getCell(1).value).toBe('Total');
    expect(total.getCell(2).value).toBe(d.compliance.due);
    expect(total.getCell(6).value).toBeCloseTo(d.compliance.share / 100, 6);
    expect(total.getCell(6).numFmt).toBe('0.0%');
    const procedures = book.getWorksheet('Consultas del catálogo')!;
    expect(procedures.getRow(2).values).toEqual([undefined, 'Pago del impuesto predial', 2]);

    const audited = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'stats.exported'));
    expect(audited.map((a) => a.subjectId)).toEqual(['2026-02-01..2026-02-28']);
  });

  it('writes the monthly report as a PDF: cover, charts and departments on numbered pages, accents right, audited', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/staff/reports/monthly.pdf?month=2026-02', headers: coordinator });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-monthly-'));
    const file = join(dir, 'informe.pdf');
    writeFileSync(file, res.rawPayload);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+3\n/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const expected of [
      'Municipio de Prueba',
      'Informe mensual de atención ciudadana',
      'Febrero de 2026',
      'Dirección de Obras Públicas',
      'Organismo Operador de Agua',
      'Solicitud de información',
      '¿Dudas?',
      'Página 1 de 3',
      'Página 3 de 3',
    ])
      expect(text).toContain(expected);
    // The indicators of the cover: 5 opened, compliance 33.3 %.
    expect(text).toMatch(/33[.,]3 %/);
    const audited = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'report.monthly_downloaded'));
    expect(audited.map((a) => a.subjectId)).toEqual(['2026-02']);
    expect(
      (await app.app.inject({ method: 'GET', url: '/api/staff/reports/monthly.pdf?month=2026-13', headers: coordinator })).statusCode,
    ).toBe(400);
  });
});
