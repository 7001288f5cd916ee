import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { caseEvents } from '../db/schema.js';
import { enqueueJob } from '../queue/enqueue.js';
import type { Actor, CaseEventDataMap, CaseEventType, RecordedCaseEvent } from './case-events.js';

export type { Actor, CaseEventType, RecordedCaseEvent } from './case-events.js';

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

/** A staff member as the actor of an event: their id, and their name kept with it as `by`. */
export const staffActor = (staff: { id: number; name: string }): Actor => ({ kind: 'staff', id: String(staff.id), name: staff.name });

/**
 * Appends an event to a case's history, with the data its type carries (checked against
 * case-events.ts). A staff actor's name is kept with it as `by`.
 */
export async function recordCaseEvent<T extends CaseEventType>(
  ex: Executor,
  caseId: number,
  type: T,
  actor: Actor,
  data: CaseEventDataMap[T],
  at?: Date,
): Promise<number> {
  const by = actor.kind === 'staff' && actor.name !== undefined ? { by: actor.name } : {};
  const [row] = await ex
    .insert(caseEvents)
    .values({ caseId, type, actorKind: actor.kind, actorId: actor.id ?? null, data: { ...data, ...by }, ...(at ? { createdAt: at } : {}) })
    .returning({ id: caseEvents.id });
  const id = Number(row!.id);
  if (FOLLOW_UP_TRIGGERS.has(type))
    await enqueueJob(ex, { kind: CASE_EVENT_JOB, key: `case-event:${id}`, payload: { eventId: id, caseId, type } });
  return id;
}

/**
 * The database keeps an event's type and data in two columns; every row was written by
 * `recordCaseEvent`, which checked them as a pair, so reading them back as one is sound.
 */
const asRecorded = <T extends CaseEventType>(rows: ReadonlyArray<typeof caseEvents.$inferSelect>) => rows as RecordedCaseEvent<T>[];

/** A case's history, oldest first; only the events of `types` when given. */
export async function caseHistory<T extends CaseEventType = CaseEventType>(
  ex: Executor,
  caseId: number,
  types?: readonly T[],
): Promise<RecordedCaseEvent<T>[]> {
  const rows = await ex
    .select()
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), types ? inArray(caseEvents.type, [...types]) : undefined))
    .orderBy(asc(caseEvents.id));
  return asRecorded<T>(rows);
}

export async function findCaseEvent(ex: Executor, eventId: number): Promise<RecordedCaseEvent | undefined> {
  return asRecorded(await ex.select().from(caseEvents).where(eq(caseEvents.id, eventId)).limit(1))[0];
}
