import type { Executor } from '../db/client.js';
import { caseEvents } from '../db/schema.js';

export type Actor = { kind: 'citizen' | 'bot' | 'system'; id?: string } | { kind: 'staff'; id: string };

/** Past-tense names: what happened, never what should happen. */
export type CaseEventType =
  | 'case.opened'
  | 'case.attachment_added'
  | 'case.received'
  | 'case.derived'
  | 'case.derived_external'
  | 'case.reclassified'
  | 'case.note_added'
  | 'case.status_changed'
  | 'case.replied'
  | 'case.closed'
  | 'case.rejected';

export async function recordCaseEvent(
  ex: Executor,
  caseId: number,
  type: CaseEventType,
  actor: Actor,
  data: Record<string, unknown> = {},
): Promise<void> {
  await ex.insert(caseEvents).values({ caseId, type, actorKind: actor.kind, actorId: actor.id ?? null, data });
}
