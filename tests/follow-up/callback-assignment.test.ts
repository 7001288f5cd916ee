import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, departments } from '../../src/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { signIn, staffMember, type Session } from '../imports/helpers.js';

/** The coordinator shares call-backs out: one by one, or evenly among the active operators; "Mis llamadas". */

let app: TestApp;
let admin: Session;
let coordinator: Session;
let ana: Session;
let beto: Session;
const callbackIds: number[] = [];

beforeAll(async () => {
  app = await createTestApp();
  admin = await signIn(app);
  coordinator = await staffMember(app, admin, 'coordinador', 'coordinadora@ventanilla.test');
  ana = await staffMember(app, admin, 'operador', 'ana@ventanilla.test');
  beto = await staffMember(app, admin, 'operador', 'beto@ventanilla.test');
  for (let i = 0; i < 5; i++) {
    const opened = await admin.post('/api/staff/cases', {
      channel: 'redes',
      type: 'reporte',
      category: 'baches-pavimento',
      description: `Bache número ${i} en la avenida`,
      phone: `55 1111 000${i}`,
    });
    const caseId = opened.json().case.id as number;
    callbackIds.push((await admin.post(`/api/staff/cases/${caseId}/callbacks`, { reason: 'redes' })).json().callback.id);
  }
}, 60_000);
afterAll(async () => app?.close());

const mine = async (who: Session) => ((await who.get('/api/staff/callbacks?mine=1')).json().open as Array<{ id: number }>).map((c) => c.id);

describe(`call-back assignment, on ${databaseKind}`, () => {
  it('gives one call-back to an operator, records it on the case, and shows it in their "mis llamadas"', async () => {
    const res = await coordinator.post(`/api/staff/callbacks/${callbackIds[0]}/assign`, { staffUserId: ana.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(await mine(ana)).toEqual([callbackIds[0]]);
    expect(await mine(beto)).toEqual([]);
    const all = (await ana.get('/api/staff/callbacks')).json().open as Array<{
      id: number;
      assignedTo: number | null;
      assignedName: string;
    }>;
    expect(all).toHaveLength(5);
    expect(all.find((c) => c.id === callbackIds[0])).toMatchObject({ assignedTo: ana.id, assignedName: 'ana' });
    const events = await app.database.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.type, 'callback.assigned'))
      .orderBy(asc(caseEvents.id));
    expect(events.at(-1)!.data).toMatchObject({ callbackId: callbackIds[0], staffUserId: ana.id, staffName: 'ana', by: 'coordinadora' });
  });

  it('shares the unassigned ones out, fewest-loaded first, and leaves the assigned alone', async () => {
    const res = await coordinator.post('/api/staff/callbacks/assign-evenly', {});
    expect(res.statusCode, res.body).toBe(200);
    const assigned = res.json().assigned as Array<{ callbackId: number; staffUserId: number }>;
    expect(assigned.map((a) => a.callbackId).sort()).toEqual(callbackIds.slice(1).sort());
    // Ana had one already, so Beto gets the first; then they alternate: three each would be uneven, so 3 and 2.
    expect((await mine(ana)).length).toBe(3);
    expect((await mine(beto)).length).toBe(2);
    expect(assigned[0]!.staffUserId).toBe(beto.id);
    expect((await coordinator.post('/api/staff/callbacks/assign-evenly', {})).json().assigned).toEqual([]);
  });

  it('takes a call off everybody, and refuses assignees who cannot take calls', async () => {
    expect((await coordinator.post(`/api/staff/callbacks/${callbackIds[0]}/assign`, { staffUserId: null })).statusCode).toBe(200);
    expect(await mine(ana)).not.toContain(callbackIds[0]);
    const [department] = await app.database.db.select().from(departments).limit(1);
    const responsable = await staffMember(app, admin, 'responsable', 'resp@ventanilla.test', department!.id);
    const refused = await coordinator.post(`/api/staff/callbacks/${callbackIds[0]}/assign`, { staffUserId: responsable.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('no puede recibir llamadas');
    expect((await coordinator.post('/api/staff/callbacks/987654/assign', { staffUserId: ana.id })).statusCode).toBe(404);
  });

  it('lets only coordinators and admins assign', async () => {
    expect((await ana.post(`/api/staff/callbacks/${callbackIds[1]}/assign`, { staffUserId: ana.id })).statusCode).toBe(403);
    expect((await ana.post('/api/staff/callbacks/assign-evenly', {})).statusCode).toBe(403);
    expect((await admin.post(`/api/staff/callbacks/${callbackIds[1]}/assign`, { staffUserId: ana.id })).statusCode).toBe(200);
  });
});
