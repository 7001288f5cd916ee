import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { loadConfig } from '../../src/config.js';
import { queryRows } from '../../src/db/client.js';
import { auditLog, citizens, departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/**
 * Abrir caso, the phone centre's form, through the staff API: a contact or an explicit "sin
 * contacto"; the registration fields (birth date, sex, place of birth, home address) refused
 * unless the municipality turned them on, then kept, shown only to the staff who attend
 * citizens, and erased with the citizen.
 */

const PASSWORD = 'clave-segura-123';
const CASE = { channel: 'telefono', type: 'reporte', category: 'alumbrado-publico', description: 'Luminaria apagada en la plaza' };
const REGISTRATION = { birthdate: '1958-04-21', sex: 'hombre', birthplace: 'Huamantla, Tlaxcala', address: 'Calle Zaragoza 8817, Centro' };

async function tokensFor(app: TestApp) {
  const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'alumbrado-publico'));
  const [anyDept] = obras ? [obras] : await app.database.db.select().from(departments).limit(1);
  for (const [email, role] of [
    ['operador@muni.test', 'operador'],
    ['responsable@muni.test', 'responsable'],
  ] as const)
    await app.database.db.insert(staffUsers).values({
      email,
      name: role,
      role,
      departmentId: role === 'responsable' ? anyDept!.id : null,
      passwordHash: await hashPassword(PASSWORD),
    });
  const token = async (email: string, password: string) =>
    (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } })).json().token as string;
  return {
    admin: await token(ADMIN.email, ADMIN.password),
    operador: await token('operador@muni.test', PASSWORD),
    responsable: await token('responsable@muni.test', PASSWORD),
  };
}

const call = (app: TestApp, token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });

describe('CITIZEN_REGISTRATION_FIELDS', () => {
  it('is empty by default, and a field it does not know stops the start, naming the variable', () => {
    expect(loadConfig({}).citizenRegistrationFields).toEqual([]);
    expect(() => loadConfig({ CITIZEN_REGISTRATION_FIELDS: 'birthdate,curp' })).toThrow(/CITIZEN_REGISTRATION_FIELDS/);
  });
});

describe(`Abrir caso with the registration fields off, the default (${databaseKind})`, () => {
  let app: TestApp;
  let tokens: Awaited<ReturnType<typeof tokensFor>>;
  beforeAll(async () => {
    app = await createTestApp();
    tokens = await tokensFor(app);
  });
  afterAll(async () => app?.close());

  it('asks for none and refuses them, keeping nothing', async () => {
    const reference = (await call(app, tokens.operador, 'GET', '/api/staff/reference')).json();
    expect(reference.registrationFields).toEqual([]);
    const res = await call(app, tokens.operador, 'POST', '/api/staff/cases', {
      ...CASE,
      phone: '55 1000 2000',
      registration: { birthdate: REGISTRATION.birthdate },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'error.registration_field_off' });
    expect(res.json().error.message).toContain('birthdate');
    const kept = await app.database.db.select({ registration: citizens.registration }).from(citizens);
    expect(kept.every((c) => c.registration === null)).toBe(true);
  });

  it('refuses a case with no contact at all, with a clear message, and takes one marked "sin contacto"', async () => {
    const none = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, name: 'Pedro' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toEqual({
      code: 'error.contact_required',
      message: 'Indique un teléfono o un correo del ciudadano, o marque «Sin contacto».',
    });
    const unticked = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, name: 'Pedro', noContact: false });
    expect(unticked.statusCode).toBe(400);

    const withoutContact = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, name: 'Pedro', noContact: true });
    expect(withoutContact.statusCode).toBe(200);
    const byPhone = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, phone: '55 1000 2000' });
    expect(byPhone.statusCode).toBe(200);
    const byEmail = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, email: 'vecino@correo.example' });
    expect(byEmail.statusCode).toBe(200);
  });
});

describe(`Abrir caso with the registration fields on (${databaseKind})`, () => {
  let app: TestApp;
  let tokens: Awaited<ReturnType<typeof tokensFor>>;
  let caseId: number;
  let citizenId: number;
  beforeAll(async () => {
    app = await createTestApp({ env: { CITIZEN_REGISTRATION_FIELDS: 'sex, birthdate,birthplace,address' } });
    tokens = await tokensFor(app);
  });
  afterAll(async () => app?.close());

  it('offers the configured fields in their order, and keeps those given, blanks left out', async () => {
    expect((await call(app, tokens.operador, 'GET', '/api/staff/reference')).json().registrationFields).toEqual([
      'birthdate',
      'sex',
      'birthplace',
      'address',
    ]);
    const res = await call(app, tokens.operador, 'POST', '/api/staff/cases', {
      ...CASE,
      name: 'Pedro Sánchez',
      noContact: true,
      registration: { ...REGISTRATION, birthplace: '' },
    });
    expect(res.statusCode, res.body).toBe(200);
    caseId = res.json().case.id;
    const [row] = await queryRows<{ citizen_id: number }>(app.database.db, sql`select citizen_id from cases where id = ${caseId}`);
    citizenId = Number(row!.citizen_id);
    const [citizen] = await app.database.db.select().from(citizens).where(eq(citizens.id, citizenId));
    expect(citizen!.registration).toEqual({ birthdate: '1958-04-21', sex: 'hombre', address: 'Calle Zaragoza 8817, Centro' });
  });

  it('refuses a birth date that is not a past day, and a sex outside the list', async () => {
    for (const registration of [{ birthdate: '2999-01-01' }, { birthdate: '1990-02-30' }, { sex: 'x' }]) {
      const res = await call(app, tokens.operador, 'POST', '/api/staff/cases', { ...CASE, noContact: true, registration });
      expect(res.statusCode, JSON.stringify(registration)).toBe(400);
    }
  });

  it('shows the registration to the staff who attend citizens, with an audit line, and not to the department', async () => {
    const seen = (await call(app, tokens.operador, 'GET', `/api/staff/cases/${caseId}`)).json().case;
    expect(seen.citizen.registration).toEqual({ birthdate: '1958-04-21', sex: 'hombre', address: 'Calle Zaragoza 8817, Centro' });
    const [operador] = await app.database.db.select().from(staffUsers).where(eq(staffUsers.email, 'operador@muni.test'));
    const audits = await app.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'citizen.registration_viewed'), eq(auditLog.staffUserId, operador!.id)));
    expect(audits.map((a) => a.subjectId)).toEqual([String(citizenId)]);

    const department = await call(app, tokens.responsable, 'GET', `/api/staff/cases/${caseId}`);
    expect(department.statusCode).toBe(200);
    expect(department.json().case.citizen).not.toHaveProperty('registration');
    expect(department.body).not.toContain('Zaragoza 8817');
    // The scripts' API never carries it.
    expect((await call(app, tokens.admin, 'GET', `/api/cases/${caseId}`)).body).not.toContain('Zaragoza 8817');
  });

  it('is erased with the citizen', async () => {
    const erased = await call(app, tokens.admin, 'POST', `/api/staff/citizens/${citizenId}/erase`, { confirm: citizenId });
    expect(erased.statusCode, erased.body).toBe(200);
    const [citizen] = await app.database.db.select().from(citizens).where(eq(citizens.id, citizenId));
    expect(citizen!.registration).toBeNull();
    const rows = await queryRows<{ row: string }>(app.database.db, sql`select row_to_json(c)::text as row from citizens c`);
    const all = rows.map((r) => r.row).join('\n');
    expect(all).not.toContain('Zaragoza 8817');
    expect(all).not.toContain('1958-04-21');
    expect((await call(app, tokens.operador, 'GET', `/api/staff/cases/${caseId}`)).json().case.citizen).not.toHaveProperty('registration');
  });
});
