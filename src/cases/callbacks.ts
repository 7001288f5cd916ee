import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { canSeeDepartment, type StaffPrincipal } from '../auth/sessions.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { alias } from 'drizzle-orm/pg-core';
import { callbackAttempts, callbacks, cases, citizens, departments, staffUsers, type Callback } from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';
import { enqueueJob } from '../queue/enqueue.js';
import type { CallbackOutcome, NextStep } from './callback-steps.js';
import { recordCaseEvent, staffActor } from './events.js';

/**
 * Cases that need a phone call back (imported from social networks, opened by phone, answers
 * nobody can be written to). Each attempt is logged with its outcome and the rules below decide
 * the next action and when; the automatic one (a message asking the citizen to call) runs as a job.
 */

export { CallbackOutcome, type NextStep } from './callback-steps.js';

/** Failed calls (no answer or out of area, or voicemail) before the citizen is asked by message to call back. */
export const FAILED_CALLS_BEFORE_MESSAGE = 3;
/** A failed call is tried again no sooner than this, inside office hours. */
const RETRY_AFTER_MS = 2 * 3_600_000;

/**
 * The rules, given every outcome so far (oldest first) and when the last one was logged:
 * - reached: done.
 * - wrong number: no more calls; listed for the communications office to find the right one.
 * - voicemail: the 1st time the operator leaves a voice message; the 2nd puts the case in the
 *   voicemail report; the 3rd failed call of any kind sends a message.
 * - no answer / out of area: call again two office hours later; after 3 failed calls a message
 *   (SMS or the citizen's channel) asks the citizen to call back.
 * Failed calls are counted across both kinds, so "no answer, voicemail, no answer" is three.
 */
export function nextStep(outcomes: readonly CallbackOutcome[], at: Date, calendar: BusinessCalendar): NextStep {
  const last = outcomes.at(-1);
  const none = { instruction: null, report: null } as const;
  if (!last) return { status: 'open', nextAction: 'call', nextActionAt: calendar.nextOpening(at), ...none };
  if (last === 'reached') return { status: 'done', nextAction: 'none', nextActionAt: null, ...none };
  if (last === 'wrong_number')
    return { status: 'closed', nextAction: 'communications_office', nextActionAt: at, instruction: null, report: 'communications_office' };
  const failed = outcomes.filter((o) => o === 'no_answer' || o === 'voicemail').length;
  const voicemails = outcomes.filter((o) => o === 'voicemail').length;
  const instruction = last === 'voicemail' && voicemails === 1 ? 'leave_voicemail' : null;
  const report = voicemails >= 2 ? 'voicemail' : null;
  if (failed >= FAILED_CALLS_BEFORE_MESSAGE) return { status: 'open', nextAction: 'send_message', nextActionAt: at, instruction, report };
  return {
    status: 'open',
    nextAction: 'call',
    nextActionAt: calendar.nextOpening(new Date(at.getTime() + RETRY_AFTER_MS)),
    instruction,
    report,
  };
}

export const CALLBACK_MESSAGE_JOB = 'callback.send_message';

async function lockCase(tx: Tx, staff: StaffPrincipal | null, caseId: number) {
  const [found] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update').limit(1);
  if (!found || (staff && !canSeeDepartment(staff, found.departmentId))) throw new NotFound('error.case_not_found');
  return found;
}

/**
 * Locks a call-back for a change, with its case. The one lock order is case, then call-back:
 * an attempt and the message job that took them the other way round deadlocked each other (the
 * job's case event takes a key-share lock on the case the attempt holds). Null when it is gone.
 */
export async function lockCallback(tx: Tx, staff: StaffPrincipal | null, callbackId: number) {
  // A call-back never moves to another case, so the unlocked read names the right case to lock first.
  const [callback] = await tx.select({ caseId: callbacks.caseId }).from(callbacks).where(eq(callbacks.id, callbackId)).limit(1);
  if (!callback) return null;
  const current = await lockCase(tx, staff, callback.caseId);
  const [locked] = await tx.select().from(callbacks).where(eq(callbacks.id, callbackId)).for('update').limit(1);
  return locked ? { callback: locked, case: current } : null;
}

/** Opens a callback for a case (once: an open one is returned as it is). */
export async function requestCallback(
  tx: Tx,
  staff: StaffPrincipal | null,
  caseId: number,
  reason: string | null,
  now: Date,
  calendar: BusinessCalendar,
): Promise<Callback> {
  const current = await lockCase(tx, staff, caseId);
  const [open] = await tx
    .select()
    .from(callbacks)
    .where(and(eq(callbacks.caseId, caseId), eq(callbacks.status, 'open')))
    .limit(1);
  if (open) return open;
  const [citizen] = await tx.select({ phone: citizens.phone }).from(citizens).where(eq(citizens.id, current.citizenId)).limit(1);
  const step = nextStep([], now, calendar);
  const [created] = await tx
    .insert(callbacks)
    .values({
      caseId,
      phone: citizen?.phone ?? null,
      reason,
      status: 'open',
      nextAction: step.nextAction,
      nextActionAt: step.nextActionAt,
      createdBy: staff?.id ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await recordCaseEvent(
    tx,
    caseId,
    'callback.requested',
    staff ? staffActor(staff) : { kind: 'system' },
    {
      callbackId: created!.id,
      reason,
      phone: created!.phone,
      nextAction: step.nextAction,
      nextActionAt: step.nextActionAt?.toISOString() ?? null,
    },
    now,
  );
  return created!;
}

/** Logs a call and schedules what follows; returns the rules' verdict for the operator. */
export async function logCallbackAttempt(
  db: Db,
  staff: StaffPrincipal,
  callbackId: number,
  outcome: CallbackOutcome,
  note: string | null,
  now: Date,
  calendar: BusinessCalendar,
): Promise<NextStep & { callbackId: number }> {
  return db.transaction(async (tx) => {
    const locked = await lockCallback(tx, staff, callbackId);
    if (!locked) throw new NotFound();
    const { case: current } = locked;
    if (locked.callback.status !== 'open') throw new Conflict('error.callback_closed');
    await tx.insert(callbackAttempts).values({ callbackId, outcome, note, staffUserId: staff.id, createdAt: now });
    const outcomes = (
      await tx
        .select({ outcome: callbackAttempts.outcome })
        .from(callbackAttempts)
        .where(eq(callbackAttempts.callbackId, callbackId))
        .orderBy(asc(callbackAttempts.id))
    ).map((a) => a.outcome);
    const step = nextStep(outcomes, now, calendar);
    await tx
      .update(callbacks)
      .set({ status: step.status, nextAction: step.nextAction, nextActionAt: step.nextActionAt, updatedAt: now })
      .where(eq(callbacks.id, callbackId));
    await recordCaseEvent(
      tx,
      current.id,
      'callback.attempted',
      staffActor(staff),
      {
        callbackId,
        attempt: outcomes.length,
        outcome,
        note,
        nextAction: step.nextAction,
        nextActionAt: step.nextActionAt?.toISOString() ?? null,
        instruction: step.instruction,
        report: step.report,
      },
      now,
    );
    // Reaching the citizen is the call the case's pending answer was waiting for.
    if (outcome === 'reached')
      await recordCaseEvent(tx, current.id, 'case.citizen_contacted', staffActor(staff), { note: note ?? '', callbackId }, now);
    if (step.nextAction === 'send_message')
      await enqueueJob(tx, {
        kind: CALLBACK_MESSAGE_JOB,
        key: `callback-message:${callbackId}`,
        runAt: step.nextActionAt ?? now,
        payload: { callbackId },
      });
    return { ...step, callbackId };
  });
}

/**
 * The operators' word that the SMS the rules left to them (no gateway configured) has gone:
 * the call-back is closed and the case's history says who sent it.
 */
export async function markCallbackMessageSent(db: Db, staff: StaffPrincipal, callbackId: number, now: Date): Promise<Callback> {
  return db.transaction(async (tx) => {
    const locked = await lockCallback(tx, staff, callbackId);
    if (!locked) throw new NotFound('error.callback_not_found');
    const { callback, case: current } = locked;
    if (callback.status !== 'open' || callback.nextAction !== 'send_message') throw new Conflict('error.callback_no_pending_message');
    const [closed] = await tx
      .update(callbacks)
      .set({ status: 'closed', nextAction: 'none', nextActionAt: null, updatedAt: now })
      .where(eq(callbacks.id, callbackId))
      .returning();
    await recordCaseEvent(tx, current.id, 'callback.message_sent_by_hand', staffActor(staff), { callbackId, phone: callback.phone }, now);
    return closed!;
  });
}

/** The operators' list: open callbacks by next action time, and the two reports. */
export async function listCallbacks(ex: Executor, staff: StaffPrincipal, departmentId?: number, assignedTo?: number) {
  const assignee = alias(staffUsers, 'assignee');
  const rows = await ex
    .select({
      id: callbacks.id,
      caseId: callbacks.caseId,
      folio: cases.folio,
      departmentId: cases.departmentId,
      department: departments.name,
      phone: callbacks.phone,
      citizenName: citizens.name,
      status: callbacks.status,
      nextAction: callbacks.nextAction,
      nextActionAt: callbacks.nextActionAt,
      reason: callbacks.reason,
      createdAt: callbacks.createdAt,
      assignedTo: callbacks.assignedTo,
      assignedName: assignee.name,
      failedCalls: sql<number>`(select count(*)::int from callback_attempts a where a.callback_id = ${callbacks.id} and a.outcome in ('no_answer', 'voicemail'))`,
      voicemails: sql<number>`(select count(*)::int from callback_attempts a where a.callback_id = ${callbacks.id} and a.outcome = 'voicemail')`,
      // The rules tried and left the SMS to a person: only then is there something to mark sent.
      messageLeftToStaff: sql<boolean>`exists (select 1 from case_events e where e.case_id = ${callbacks.caseId}
        and e.type = 'callback.action_taken' and e.data->>'callbackId' = ${callbacks.id}::text and e.data ? 'manual')`,
    })
    .from(callbacks)
    .innerJoin(cases, eq(cases.id, callbacks.caseId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .innerJoin(citizens, eq(citizens.id, cases.citizenId))
    .leftJoin(assignee, eq(assignee.id, callbacks.assignedTo))
    .where(
      and(departmentId ? eq(cases.departmentId, departmentId) : undefined, assignedTo ? eq(callbacks.assignedTo, assignedTo) : undefined),
    )
    .orderBy(asc(callbacks.nextActionAt), desc(callbacks.id))
    .limit(500);
  const visible = rows
    .filter((r) => canSeeDepartment(staff, r.departmentId))
    .map((r) => ({ ...r, failedCalls: Number(r.failedCalls), voicemails: Number(r.voicemails) }));
  return {
    open: visible.filter((r) => r.status === 'open'),
    voicemailReport: visible.filter((r) => r.voicemails >= 2),
    communicationsOffice: visible.filter((r) => r.nextAction === 'communications_office'),
  };
}

export async function callbacksOfCase(ex: Executor, caseId: number) {
  const list = await ex.select().from(callbacks).where(eq(callbacks.caseId, caseId)).orderBy(asc(callbacks.id));
  if (list.length === 0) return [];
  const attempts = await ex
    .select()
    .from(callbackAttempts)
    .where(
      inArray(
        callbackAttempts.callbackId,
        list.map((c) => c.id),
      ),
    )
    .orderBy(asc(callbackAttempts.id));
  return list.map((c) => ({ ...c, attempts: attempts.filter((a) => a.callbackId === c.id) }));
}
