import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import type { StaffPrincipal } from '../../src/auth/sessions.js';
import { departments, staffUsers } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import type { TestApp } from '../helpers/app.js';

export const PASSWORD = 'clave-segura-123';
/** Tuesday 10 March 2026, 10:00 in Mexico City (UTC−6 all year). */
export const TODAY = new Date('2026-03-10T16:00:00Z');

/** The app's clock, moved by the fixture so each case is opened and answered on its own date. */
export const clock = { now: TODAY };

export async function addStaff(app: TestApp, email: string, role: StaffPrincipal['role'], departmentCode?: string) {
  const depts = await app.database.db.select().from(departments);
  const departmentId = departmentCode ? depts.find((d) => d.code === departmentCode)!.id : null;
  await app.database.db
    .insert(staffUsers)
    .values({ email, name: email.split('@')[0]!, role, departmentId, passwordHash: await hashPassword(PASSWORD) });
}

export async function bearer(app: TestApp, email: string) {
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}

/**
 * February 2026 as the figures should see it, every case opened through the console's API
 * (`POST /api/staff/cases`) and answered through its actions, each at its own time:
 *
 * - three cases opened in January whose 30-day terms end in February: one answered before its
 *   due date (Obras), one after (Agua), one not at all (Servicios Públicos);
 * - five opened in February by the municipality's clock: one at 23:00 on 1 February local time
 *   (already the 2nd in UTC), one at 23:00 on the 28th (1 March in UTC); and one at 01:00 on
 *   1 March local time, outside the month;
 * - one opened two days before today;
 * - a catalogue question (predial) on Telegram and one on WhatsApp, neither opening a case, on 15 February.
 */
export async function seedFebruary(app: TestApp) {
  await addStaff(app, 'coordinacion@muni.test', 'coordinador');
  const headers = await bearer(app, 'coordinacion@muni.test');
  const open = async (at: string, channel: string, type: string, category: string) => {
    clock.now = new Date(at);
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/staff/cases',
      headers,
      payload: { channel, type, category, description: 'Caso de prueba del tablero', name: 'Vecina', phone: '5512345678' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = (res.json() as { case: { id: number } }).case.id;
    const received = await app.app.inject({ method: 'POST', url: `/api/staff/cases/${id}/actions`, headers, payload: { kind: 'receive' } });
    expect(received.statusCode, received.body).toBe(200);
    return id;
  };
  const act = async (id: number, at: string, action: Record<string, string>) => {
    clock.now = new Date(at);
    const res = await app.app.inject({ method: 'POST', url: `/api/staff/cases/${id}/actions`, headers, payload: action });
    expect(res.statusCode, res.body).toBe(200);
  };
  const onTime = await open('2026-01-05T15:00:00Z', 'telefono', 'queja', 'baches-pavimento');
  const late = await open('2026-01-10T15:00:00Z', 'telefono', 'reporte', 'agua-drenaje');
  await open('2026-01-20T15:00:00Z', 'presencial', 'reporte', 'alumbrado-publico');
  await act(onTime, '2026-02-01T15:00:00Z', { kind: 'close', answer: 'Reparado.' });
  await act(late, '2026-02-12T15:00:00Z', { kind: 'close', answer: 'Reparado tarde.' });

  const c1 = await open('2026-02-02T15:00:00Z', 'telefono', 'reporte', 'baches-pavimento');
  const c2 = await open('2026-02-02T05:00:00Z', 'presencial', 'queja', 'agua-drenaje');
  await open('2026-02-10T15:00:00Z', 'redes', 'solicitud_informacion', 'alumbrado-publico');
  await open('2026-02-28T23:00:00Z', 'visita', 'reporte', 'baches-pavimento');
  await open('2026-03-01T05:00:00Z', 'telefono', 'reporte', 'agua-drenaje');
  await open('2026-03-01T07:00:00Z', 'telefono', 'sugerencia', 'agua-drenaje');
  await act(c1, '2026-02-04T15:00:00Z', { kind: 'close', answer: 'Bache tapado.' });
  await act(c2, '2026-02-03T15:00:00Z', { kind: 'reject', reason: 'Es de la red estatal.' });
  await open('2026-03-08T16:00:00Z', 'telefono', 'queja', 'baches-pavimento');

  clock.now = new Date('2026-02-15T17:00:00Z');
  let n = 0;
  const say = (channel: string, key: string, text: string) =>
    app.conversations.receive(
      InboundMessage.parse({ channel, channelUserId: key, conversationKey: key, externalId: `d${++n}`, text, receivedAt: clock.now }),
    );
  await say('telegram', 'tg-1', '¿dónde pago el predial?');
  await say('whatsapp', '5215512345678', '¿dónde pago el predial?');
  clock.now = TODAY;
}
