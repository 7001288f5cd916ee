import type { Executor } from '../db/client.js';
import { caseEvents } from '../db/schema.js';
import { enqueueJob } from '../queue/enqueue.js';

export type Actor = { kind: 'citizen' | 'bot' | 'system'; id?: string } | { kind: 'staff'; id: string };

/** Past-tense names: what happened, never what should happen. */
export type CaseEventType =
  | 'case.opened'
  | 'case.attachment_added'
  // Email channel: a citizen's later message joined the case; an address arrived later; a message to the citizen could not be delivered.
  | 'case.message_added'
  | 'case.address_added'
  | 'delivery.failed'
  | 'case.received'
  | 'case.derived'
  | 'case.derived_external'
  | 'case.reclassified'
  | 'case.note_added'
  | 'case.status_changed'
  | 'case.replied'
  | 'case.closed'
  | 'case.rejected'
  // A case opened on behalf of a citizen whose answer could not be written to them (no email, or no email channel): staff must call; and the call, once made.
  | 'case.answer_pending_contact'
  | 'case.citizen_contacted'
  // Issue 8, automatic follow-up: what Ventanilla did by itself, and what it heard back.
  | 'case.extended'
  | 'case.reopened'
  | 'case.escalated'
  | 'case.survey_answered'
  | 'follow_up.routing_sheet_sent'
  | 'follow_up.acknowledged'
  | 'follow_up.acknowledgement_reminded'
  | 'follow_up.acknowledgement_escalated'
  | 'follow_up.deadline_warning'
  | 'follow_up.citizen_notified'
  | 'follow_up.survey_sent'
  | 'follow_up.mail_sent'
  | 'follow_up.mail_failed'
  | 'follow_up.mail_resent'
  | 'callback.requested'
  | 'callback.attempted'
  | 'callback.action_taken';

/**
 * Events the automatic follow-up reacts to (routing sheets, citizen notices, surveys). Recording
 * one schedules its reaction in the same transaction, so a committed event is always followed
 * up and a rolled-back one never is.
 */
export const FOLLOW_UP_TRIGGERS: ReadonlySet<CaseEventType> = new Set<CaseEventType>([
  'case.opened',
  'case.received',
  'case.derived',
  'case.derived_external',
  'case.reclassified',
  'case.status_changed',
  'case.closed',
  'case.rejected',
  'case.extended',
  'case.reopened',
  'case.answer_pending_contact',
]);

export const CASE_EVENT_JOB = 'case.event';

export async function recordCaseEvent(
  ex: Executor,
  caseId: number,
  type: CaseEventType,
  actor: Actor,
  data: Record<string, unknown> = {},
  at?: Date,
): Promise<number> {
  const [row] = await ex
    .insert(caseEvents)
    .values({ caseId, type, actorKind: actor.kind, actorId: actor.id ?? null, data, ...(at ? { createdAt: at } : {}) })
    .returning({ id: caseEvents.id });
  const id = Number(row!.id);
  if (FOLLOW_UP_TRIGGERS.has(type))
    await enqueueJob(ex, { kind: CASE_EVENT_JOB, key: `case-event:${id}`, payload: { eventId: id, caseId, type } });
  return id;
}
