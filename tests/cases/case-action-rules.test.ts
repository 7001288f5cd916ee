import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { DEPARTMENT_ROLES, STAFF_ROLES, type DepartmentRole, type StaffRole } from '../../src/auth/roles.js';
import { CASE_ACTION_KINDS, CASE_ACTION_RULES, type CaseActionKind } from '../../src/cases/action-rules.js';
import { caseEvents, cases, departments, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

/**
 * The whole matrix of the level rules, through the HTTP API: every role × every level a case is
 * held at × every action. An allowed cell acts on a case of its own (the action changes it) and
 * must succeed; a refused cell must answer 403 and leave the case as it was.
 */

let app: TestApp;
const tokens = new Map<StaffRole, string>();
let otherDepartmentId: number;
const PASSWORD = 'clave-segura-123';

const request = (role: StaffRole, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens.get(role)}` } });
const act = (role: StaffRole, caseId: number, payload: object) => request(role, 'POST', `/api/staff/cases/${caseId}/actions`, payload);

/** The one payload of each action that is valid on a received, open case held at `level`. */
function payloadFor(action: CaseActionKind, level: DepartmentRole): object {
  const next: Record<DepartmentRole, DepartmentRole> = { responsable: 'encargado', encargado: 'experto', experto: 'encargado' };
  const payloads: Record<CaseActionKind, object> = {
    receive: { kind: 'receive' },
    derive_level: { kind: 'derive_level', to: next[level], note: 'Para revisión' },
    derive_department: { kind: 'derive_department', departmentId: otherDepartmentId, note: 'No nos corresponde' },
    derive_external: { kind: 'derive_external', organism: 'CFE', sentVia: 'Oficio 12/2026', note: 'Es de su competencia' },
    reclassify: { kind: 'reclassify', type: 'reporte', category: 'baches-pavimento', reason: 'Es un reporte' },
    note: { kind: 'note', text: 'Nota interna' },
    status: { kind: 'status', status: 'en_seguimiento' },
    reply: { kind: 'reply', text: 'Estamos revisando su caso.' },
    close: { kind: 'close', answer: 'Bacheo realizado el martes.' },
    reject: { kind: 'reject', reason: 'Duplicado de otro folio' },
    contacted: { kind: 'contacted', note: 'Se le avisó por teléfono' },
    extend: { kind: 'extend', reason: 'Se requiere un peritaje' },
  };
  return payloads[action];
}

/** A case opened by phone, received and passed down to `level` by the admin; for `receive`, not yet received. */
async function caseHeldAt(level: DepartmentRole, received: boolean): Promise<number> {
  const opened = await request('admin', 'POST', '/api/staff/cases', {
    channel: 'telefono',
    type: 'queja',
    category: 'baches-pavimento',
    description: 'Bache frente a la escuela de la calle Hidalgo',
    name: 'Ana',
    phone: '55 1111 2222',
  });
  expect(opened.statusCode).toBe(200);
  const id: number = opened.json().case.id;
  const admin = (payload: object) => act('admin', id, payload).then((r) => expect(r.statusCode).toBe(200));
  await admin({ kind: 'receive' });
  if (level !== 'responsable') await admin({ kind: 'derive_level', to: 'encargado', note: 'x' });
  if (level === 'experto') await admin({ kind: 'derive_level', to: 'experto', note: 'x' });
  // A case goes down the levels only once received; "not received at a lower level" is set by hand.
  if (!received) await app.database.db.update(cases).set({ receivedAt: null, receivedBy: null }).where(eq(cases.id, id));
  return id;
}

const historyOf = async (id: number) => (await app.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id))).length;

beforeAll(async () => {
  app = await createTestApp();
  const [obras] = await app.database.db.select().from(departments).where(eq(departments.code, 'obras-publicas'));
  const [agua] = await app.database.db.select().from(departments).where(eq(departments.code, 'agua-potable'));
  otherDepartmentId = agua!.id;
  for (const role of STAFF_ROLES) {
    const email = role === 'admin' ? ADMIN.email : `${role}@muni.test`;
    if (role !== 'admin') {
      await app.database.db.insert(staffUsers).values({
        email,
        name: role,
        role,
        departmentId: (DEPARTMENT_ROLES as readonly string[]).includes(role) ? obras!.id : null,
        passwordHash: await hashPassword(PASSWORD),
      });
    }
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

describe('level rules for every case action', () => {
  it('has a rule for every action and every role', () => {
    expect(Object.keys(CASE_ACTION_RULES).sort()).toEqual([...CASE_ACTION_KINDS].sort());
    for (const kind of CASE_ACTION_KINDS) expect(Object.keys(CASE_ACTION_RULES[kind]).sort()).toEqual([...STAFF_ROLES].sort());
  });

  it('keeps a case held at Responsable level out of the Encargado and Experto hands (close, reply, status)', () => {
    for (const action of ['close', 'reply', 'status'] as const)
      for (const role of ['encargado', 'experto'] as const) expect(CASE_ACTION_RULES[action][role]).not.toContain('responsable');
  });

  for (const level of DEPARTMENT_ROLES) {
    for (const action of CASE_ACTION_KINDS) {
      it(`${action} on a case held at ${level} level: allowed roles succeed, the rest get 403`, async () => {
        const received = action !== 'receive';
        const shared = await caseHeldAt(level, received);
        const before = await historyOf(shared);
        const outcome: Record<string, number> = {};
        const expected: Record<string, number> = {};
        for (const role of STAFF_ROLES) {
          const allowed = (CASE_ACTION_RULES[action][role] as readonly DepartmentRole[]).includes(level);
          const target = allowed ? await caseHeldAt(level, received) : shared;
          const res = await act(role, target, payloadFor(action, level));
          outcome[role] = res.statusCode;
          expected[role] = allowed ? 200 : 403;
          if (!allowed) expect(res.json().error.code).toBe('error.forbidden');
        }
        expect(outcome).toEqual(expected);
        // Refused attempts change nothing: not the case, not its history.
        expect(await historyOf(shared)).toBe(before);
        const [row] = await app.database.db.select().from(cases).where(eq(cases.id, shared));
        expect(row!.assignedRole).toBe(level);
      });
    }
  }
});
