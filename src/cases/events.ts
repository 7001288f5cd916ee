import type { Executor } from '../db/client.js';
import { caseEvents } from '../db/schema.js';

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
  | 'case.citizen_contacted';

export async function recordCaseEvent(
  ex: Executor,
  caseId: number,
  type: CaseEventType,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<void> {
  await ex.insert(caseEvents).values({ caseId, type, actorKind: actor.kind, actorId: actor.id ?? null, data });
}
