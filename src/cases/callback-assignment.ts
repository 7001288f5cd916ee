import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { CROSS_DEPARTMENT_ROLES } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { Db, Tx } from '../db/client.js';
import { callbacks, staffUsers } from '../db/schema.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { lockCallback } from './callbacks.js';
import { recordCaseEvent, staffActor } from './events.js';

/**
 * Who makes each call (issue 17): the coordinator gives a call-back to one person, or shares the
 * unassigned ones out among the active operators. Each change is a `callback.assigned` event on
 * the case, so the case's history says who was to call and who decided it.
 */

/** Who may take calls: the roles that see every department's call-backs. */
const CALL_TAKERS: readonly string[] = CROSS_DEPARTMENT_ROLES;

async function assignee(tx: Tx, id: number): Promise<{ id: number; name: string }> {
  const [user] = await tx
    .select({ id: staffUsers.id, name: staffUsers.name, role: staffUsers.role, active: staffUsers.active })
    .from(staffUsers)
    .where(eq(staffUsers.id, id))
    .limit(1);
  if (!user?.active || !CALL_TAKERS.includes(user.role)) throw new InvalidInput('error.assignee_invalid');
  return user;
}

async function setAssignee(tx: Tx, by: StaffPrincipal, callbackId: number, to: { id: number; name: string } | null, now: Date) {
  const locked = await lockCallback(tx, by, callbackId);
  if (!locked) throw new NotFound('error.callback_not_found');
  await tx
    .update(callbacks)
    .set({ assignedTo: to?.id ?? null, updatedAt: now })
    .where(eq(callbacks.id, callbackId));
  await recordCaseEvent(
    tx,
    locked.case.id,
    'callback.assigned',
    staffActor(by),
    { callbackId, staffUserId: to?.id ?? null, staffName: to?.name ?? null },
    now,
  );
  return locked;
}

/** Gives one call-back to a person, or to nobody (`null`). */
export async function assignCallback(db: Db, by: StaffPrincipal, callbackId: number, staffUserId: number | null, now: Date) {
  return db.transaction(async (tx) => {
    const to = staffUserId === null ? null : await assignee(tx, staffUserId);
    const locked = await setAssignee(tx, by, callbackId, to, now);
    if (locked.callback.status !== 'open') throw new Conflict('error.callback_closed');
    return { callbackId, caseId: locked.case.id, staffUserId: to?.id ?? null };
  });
}

/**
 * Shares the open, unassigned call-backs (all, or those named) among the active operators: each
 * goes to whoever has the fewest open calls at that moment (ties by id), soonest call first, so a
 * newcomer is filled up before the others get more.
 */
export async function assignEvenly(db: Db, by: StaffPrincipal, now: Date, callbackIds?: readonly number[]) {
  return db.transaction(async (tx) => {
    const operators = await tx
      .select({ id: staffUsers.id, name: staffUsers.name })
      .from(staffUsers)
      .where(and(eq(staffUsers.role, 'operador'), eq(staffUsers.active, true)))
      .orderBy(asc(staffUsers.id));
    if (operators.length === 0) throw new Conflict('error.no_operators');
    const loads = await tx
      .select({ staffUserId: callbacks.assignedTo, open: count() })
      .from(callbacks)
      .where(
        and(
          eq(callbacks.status, 'open'),
          inArray(
            callbacks.assignedTo,
            operators.map((o) => o.id),
          ),
        ),
      )
      .groupBy(callbacks.assignedTo);
    const load = new Map(operators.map((o) => [o.id, 0]));
    for (const l of loads) if (l.staffUserId !== null) load.set(l.staffUserId, Number(l.open));

    const unassigned = and(eq(callbacks.status, 'open'), isNull(callbacks.assignedTo));
    const candidates = await tx
      .select({ id: callbacks.id })
      .from(callbacks)
      .where(callbackIds ? and(unassigned, inArray(callbacks.id, [...callbackIds])) : unassigned)
      .orderBy(sql`${callbacks.nextActionAt} asc nulls last`, asc(callbacks.id));

    const assigned: Array<{ callbackId: number; staffUserId: number }> = [];
    for (const { id } of candidates) {
      const locked = await lockCallback(tx, by, id);
      // Another coordinator's share-out or an attempt may have got there while we waited for the lock.
      if (locked?.callback.status !== 'open' || locked.callback.assignedTo !== null) continue;
      const to = operators.reduce((best, o) => (load.get(o.id)! < load.get(best.id)! ? o : best));
      await setAssignee(tx, by, id, to, now);
      load.set(to.id, load.get(to.id)! + 1);
      assigned.push({ callbackId: id, staffUserId: to.id });
    }
    return { assigned };
  });
}

/** The active staff who may take calls, operators first. */
export async function listAssignees(db: Db) {
  const users = await db
    .select({ id: staffUsers.id, name: staffUsers.name, role: staffUsers.role })
    .from(staffUsers)
    .where(and(eq(staffUsers.active, true), inArray(staffUsers.role, [...CROSS_DEPARTMENT_ROLES])))
    .orderBy(asc(staffUsers.name));
  return users.sort((a, b) => Number(b.role === 'operador') - Number(a.role === 'operador'));
}
