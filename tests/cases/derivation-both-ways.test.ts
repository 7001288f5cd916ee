import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import type { DepartmentRole, StaffRole } from '../../src/auth/roles.js';
import { departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/**
 * Derivation as the MOP procedure has it, through the HTTP API: Responsable ↔ Encargado ↔ Experto
 * one step at a time in both directions, and out to another organism; what the case page offers
 * each person is exactly what the API then accepts.
 */

let app: TestApp;
const tokens = new Map<StaffRole, string>();
const PASSWORD = 'clave-segura-123';

const request = (role: StaffRole, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens.get(role)}` } });
const act = (role: StaffRole, id: number, payload: object) => request(role, 'POST', `/api/staff/cases/${id}/actions`, payload);
const pageOf = async (role: StaffRole, id: number) => {
  const res = await request(role, 'GET', `/api/staff/cases/${id}`);
  expect(res.statusCode).toBe(200);
  return res.json().case as {
    assignedRole: DepartmentRole;
    allowed: { actions: string[]; levels: DepartmentRole[] };
    timeline: Array<{ entry: string; kind: string; type?: string; data?: Record<string, unknown> }>;
  };
};

async function receivedCase(): Promise<number> {
  const opened = await request('admin', 'POST', '/api/staff/cases', {
    channel: 'telefono',
    type: 'reporte',
    category: 'baches-pavimento',
    description: 'Bache hondo en la calle Morelos esquina Juárez',
    name: 'Marta',
    phone: '55 3333 4444',
  });
  expect(opened.statusCode).toBe(200);
  const id: number = opened.json().case.id;
  expect((await act('responsable', id, { kind: 'receive' })).statusCode).toBe(200);
  return id;
}

beforeAll(async () => {
  app = await createTestApp();
  const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'obras-publicas'));
  for (const role of ['admin', 'coordinador', 'responsable', 'encargado', 'experto'] as const) {
    const email = role === 'admin' ? ADMIN.email : `${role}@muni.test`;
    if (role !== 'admin')
      await app.database.db.insert(staffUsers).values({
        email,
        name: role,
        role,
        departmentId: role === 'coordinador' ? null : obras!.id,
        passwordHash: await hashPassword(PASSWORD),
      });
    const login = await app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: role === 'admin' ? ADMIN.password : PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    tokens.set(role, login.json().token);
  }
});
afterAll(async () => app?.close());

describe(`derivation both ways (${databaseKind})`, () => {
  it('goes down Responsable → Encargado → Experto and back up Experto → Encargado → Responsable, each holder offered exactly its moves', async () => {
    const id = await receivedCase();
    // [who holds it, what the case page offers them, where they send it]
    const steps: Array<[DepartmentRole, DepartmentRole[], DepartmentRole]> = [
      ['responsable', ['encargado'], 'encargado'],
      ['encargado', ['responsable', 'experto'], 'responsable'],
      ['responsable', ['encargado'], 'encargado'],
      ['encargado', ['responsable', 'experto'], 'experto'],
      ['experto', ['encargado'], 'encargado'],
      ['encargado', ['responsable', 'experto'], 'responsable'],
    ];
    for (const [holder, offered, to] of steps) {
      const page = await pageOf(holder, id);
      expect(page.assignedRole).toBe(holder);
      expect(page.allowed.levels).toEqual(offered);
      expect(page.allowed.actions).toContain('derive_level');
      const res = await act(holder, id, { kind: 'derive_level', to, note: `De ${holder} a ${to}` });
      expect(res.statusCode, res.body).toBe(200);
    }
    const page = await pageOf('responsable', id);
    expect(page.assignedRole).toBe('responsable');
    // Each derivation is an internal note of the history, with its direction.
    const derived = page.timeline.filter((i) => i.type === 'case.derived');
    expect(derived.map((i) => [i.kind, i.data?.from, i.data?.to])).toEqual(steps.map(([from, , to]) => ['note', from, to]));
  });

  it('offers nothing, and refuses, to a level that does not hold the case', async () => {
    const id = await receivedCase();
    for (const role of ['encargado', 'experto'] as const) {
      const page = await pageOf(role, id);
      expect(page.allowed.levels).toEqual([]);
      expect(page.allowed.actions).not.toContain('derive_level');
      expect((await act(role, id, { kind: 'derive_level', to: 'encargado', note: 'No es mío' })).statusCode).toBe(403);
    }
  });

  it('refuses a move the level rule does not have, saying where the case can go', async () => {
    const id = await receivedCase();
    const skipped = await act('responsable', id, { kind: 'derive_level', to: 'experto', note: 'Saltar al experto' });
    expect(skipped.statusCode).toBe(400);
    expect(skipped.json().error.code).toBe('error.derivation_not_allowed');
    expect(skipped.json().error.message).toBe(
      'Un caso en el nivel Responsable no puede derivarse a Experto. Desde Responsable se deriva a: Encargado.',
    );
    // Supervisors move a case anywhere the rule allows, but not past it either.
    expect((await pageOf('coordinador', id)).allowed.levels).toEqual(['encargado']);
    expect((await act('coordinador', id, { kind: 'derive_level', to: 'responsable', note: 'A sí mismo' })).statusCode).toBe(400);
    expect((await pageOf('responsable', id)).assignedRole).toBe('responsable');
  });

  it('sends a case to another organism from every level, recorded as an internal note', async () => {
    for (const level of ['responsable', 'encargado', 'experto'] as const) {
      const id = await receivedCase();
      if (level !== 'responsable') await act('responsable', id, { kind: 'derive_level', to: 'encargado', note: 'x' });
      if (level === 'experto') await act('encargado', id, { kind: 'derive_level', to: 'experto', note: 'x' });
      expect((await pageOf(level, id)).allowed.actions).toContain('derive_external');
      const res = await act(level, id, {
        kind: 'derive_external',
        organism: 'Junta Estatal de Caminos',
        sentVia: 'Oficio 45/2026',
        note: 'Es carretera estatal',
      });
      expect(res.statusCode, res.body).toBe(200);
      const external = (await pageOf(level, id)).timeline.find((i) => i.type === 'case.derived_external');
      expect(external).toMatchObject({ kind: 'note', data: { organism: 'Junta Estatal de Caminos' } });
    }
  });
});
