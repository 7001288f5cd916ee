import { eq } from 'drizzle-orm';
import { hashPassword } from '../../src/auth/password.js';
import type { StaffPrincipal } from '../../src/auth/sessions.js';
import { actOnCase, type CaseAction } from '../../src/cases/actions.js';
import { OpenOnBehalfInput, openCaseOnBehalf } from '../../src/cases/open-on-behalf.js';
import type { Db } from '../../src/db/client.js';
import { departments, staffUsers } from '../../src/db/schema.js';

export const STATS_PASSWORD = 'clave-segura-123';
const DAY = 86_400_000;
const settings = { folioPrefix: 'AC', defaultDueDays: 30, timeZone: 'America/Mexico_City' };

export async function addStaff(
  db: Db,
  email: string,
  name: string,
  role: StaffPrincipal['role'],
  departmentCode?: string,
): Promise<StaffPrincipal> {
  const [dept] = departmentCode ? await db.select().from(departments).where(eq(departments.code, departmentCode)) : [undefined];
  const [row] = await db
    .insert(staffUsers)
    .values({ email, name, role, departmentId: dept?.id ?? null, passwordHash: await hashPassword(STATS_PASSWORD) })
    .returning();
  return { id: row!.id, email: row!.email, name: row!.name, role: row!.role, departmentId: row!.departmentId };
}

/**
 * A month of work, seen from `today`: 5 cases opened in the last 40 days (plus one older, outside
 * the period) — Obras Públicas closed two (after 2 and 6 days: median 4), Agua declared one not
 * admissible and has one open, Servicios Públicos has one open past its 30-day due date.
 */
export async function seedMonth(db: Db, coordinator: StaffPrincipal, today: Date) {
  const at = (daysAgo: number) => new Date(today.getTime() - daysAgo * DAY);
  const open = async (daysAgo: number, input: Record<string, string>) =>
    (
      await openCaseOnBehalf(
        db,
        coordinator,
        OpenOnBehalfInput.parse({ description: 'Caso de prueba para estadísticas', name: 'Vecina', phone: '5500000000', ...input }),
        settings,
        at(daysAgo),
      )
    ).case.id;
  const act = async (id: number, daysAgo: number, action: CaseAction) => actOnCase(db, coordinator, id, action, at(daysAgo), 'es');

  await open(90, { channel: 'telefono', type: 'queja', category: 'baches-pavimento' });
  const a = await open(39, { channel: 'telefono', type: 'reporte', category: 'baches-pavimento' });
  const b = await open(39, { channel: 'presencial', type: 'queja', category: 'baches-pavimento' });
  const c = await open(38, { channel: 'visita', type: 'reporte', category: 'agua-drenaje' });
  await open(36, { channel: 'redes', type: 'solicitud_informacion', category: 'alumbrado-publico' });
  await open(2, { channel: 'telefono', type: 'reporte', category: 'agua-drenaje' });
  for (const id of [a, b, c]) await act(id, 38, { kind: 'receive' });
  await act(a, 37, { kind: 'close', answer: 'Reparado.' });
  await act(b, 33, { kind: 'close', answer: 'Reparado también.' });
  await act(c, 37, { kind: 'reject', reason: 'Es de la red estatal.' });
  return { from: at(40), to: today };
}
