import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { addStaff, seedMonth, STATS_PASSWORD } from './stats-fixture.js';

const TODAY = new Date('2026-03-10T16:00:00Z');
let app: TestApp;
let query: string;

async function signIn(email: string, password = STATS_PASSWORD) {
  const res = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  return String(res.headers['set-cookie']).split(';')[0]!;
}
const stats = (cookie: string | undefined, q = query) =>
  app.app.inject({ method: 'GET', url: `/api/staff/stats?${q}`, headers: cookie ? { cookie } : {} });

beforeAll(async () => {
  app = await createTestApp({ now: () => TODAY });
  const coordinator = await addStaff(app.database.db, 'coordinacion@muni.test', 'Coordinadora', 'coordinador');
  await addStaff(app.database.db, 'obras@muni.test', 'Responsable de Obras', 'responsable', 'obras-publicas');
  await addStaff(app.database.db, 'agua@muni.test', 'Experta de Agua', 'experto', 'agua-potable');
  await addStaff(app.database.db, 'operador@muni.test', 'Operador', 'operador');
  const period = await seedMonth(app.database.db, coordinator, TODAY);
  query = new URLSearchParams({ from: period.from.toISOString(), to: period.to.toISOString() }).toString();
});
afterAll(async () => app?.close());

describe(`statistics API on ${databaseKind}`, () => {
  it('gives coordinators every department: counts by department, type, channel and status, no procede apart, overdue and median days to close', async () => {
    const res = await stats(await signIn('coordinacion@muni.test'));
    expect(res.statusCode).toBe(200);
    const { stats: s } = res.json();
    expect(s.scope).toBe('all');
    expect(s.totals).toEqual({ opened: 5, open: 2, closed: 2, noProcede: 1, overdueOpen: 1, medianDaysToClose: 4 });
    expect(s.byType).toEqual({ queja: 1, solicitud_informacion: 1, sugerencia: 0, reporte: 3 });
    expect(s.byChannel).toEqual({ telefono: 2, presencial: 1, visita: 1, redes: 1 });
    expect(s.byStatus).toEqual({ nuevo: 2, recepcionado: 0, en_seguimiento: 0, escalado: 0, cerrado: 2, no_procede: 1 });
    const dept = (name: string) => s.byDepartment.find((d: { department: string }) => d.department === name);
    expect(dept('Dirección de Obras Públicas')).toMatchObject({
      opened: 2,
      open: 0,
      closed: 2,
      noProcede: 0,
      overdueOpen: 0,
      medianDaysToClose: 4,
    });
    expect(dept('Organismo Operador de Agua Potable y Drenaje')).toMatchObject({
      opened: 2,
      open: 1,
      closed: 0,
      noProcede: 1,
      overdueOpen: 0,
      medianDaysToClose: null,
    });
    expect(dept('Dirección de Servicios Públicos Municipales')).toMatchObject({ opened: 1, open: 1, overdueOpen: 1 });
    // Departments with nothing in the period are still listed, with zeros.
    expect(dept('Dirección de Ecología y Medio Ambiente')).toMatchObject({ opened: 0, medianDaysToClose: null });
    // The older case is outside the period; without a period, the last 30 days.
    expect((await stats(await signIn(ADMIN.email, ADMIN.password), '')).json().stats.totals.opened).toBe(1);
  });

  it('gives the mean and median days to the first answer and to close, from what staff did on each case', async () => {
    const { stats: s } = (await stats(await signIn('coordinacion@muni.test'))).json();
    // Answered after 2 and 6 days (closed) and 1 day (declared not admissible); closed after 2 and 6.
    expect(s.durations).toEqual({
      toFirstResponse: { cases: 3, meanDays: 3, medianDays: 2 },
      toClose: { cases: 2, meanDays: 4, medianDays: 4 },
    });
  });

  it('gives department staff their own department only, refuses operators and logged-out requests', async () => {
    const obras = (await stats(await signIn('obras@muni.test'))).json().stats;
    expect(obras.scope).toBe('department');
    expect(obras.byDepartment.map((d: { department: string }) => d.department)).toEqual(['Dirección de Obras Públicas']);
    expect(obras.totals).toMatchObject({ opened: 2, closed: 2, noProcede: 0 });
    expect(obras.byChannel).toEqual({ telefono: 1, presencial: 1 });
    const agua = (await stats(await signIn('agua@muni.test'))).json().stats;
    expect(agua.totals).toMatchObject({ opened: 2, noProcede: 1, open: 1 });

    const operator = await stats(await signIn('operador@muni.test'));
    expect(operator.statusCode).toBe(403);
    expect((await stats(undefined)).statusCode).toBe(401);
    expect((await stats(await signIn('coordinacion@muni.test'), 'from=ayer')).statusCode).toBe(400);
  });
});
