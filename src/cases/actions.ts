import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { DEPARTMENT_ROLES, type DepartmentRole } from '../auth/roles.js';
import { canSeeDepartment, type StaffPrincipal } from '../auth/sessions.js';
import type { Db, Tx } from '../db/client.js';
import { cases, categories, departments, staffUsers, type Case } from '../db/schema.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors.js';
import { t, type Locale } from '../i18n/index.js';
import { CaseType, isFinalStatus } from './case-type.js';
import type { CaseTerms } from './deadlines.js';
import { formatDueDate } from './follow-up/dates.js';
import type { CaseEventDataMap, PendingContact } from './case-events.js';
import { recordCaseEvent, staffActor, type CaseEventType } from './events.js';
import { followUpCitizen, type FollowUpChannels } from './follow-up/citizen-message.js';
import { levelMovesFrom, mayTakeCaseAction, type CaseActionKind } from './action-rules.js';
import { withStatusLink } from './status-link.js';

/**
 * What staff do to a case. Every action locks the case row, checks who may do it (department
 * and role), changes the case, and appends its `case_events` row in one transaction; replies to
 * the citizen go through the outbox in that same transaction, so they leave only if it commits.
 */

const Text = (max: number) => z.string().trim().min(1).max(max);

export const CaseAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('receive') }),
  z.object({
    kind: z.literal('derive_level'),
    to: z.enum(DEPARTMENT_ROLES),
    userId: z.number().int().positive().optional(),
    note: Text(2000),
  }),
  z.object({ kind: z.literal('derive_department'), departmentId: z.number().int().positive(), note: Text(2000) }),
  z.object({ kind: z.literal('derive_external'), organism: Text(200), sentVia: Text(200), note: Text(2000) }),
  z.object({ kind: z.literal('reclassify'), type: CaseType, category: Text(80), reason: Text(2000) }),
  z.object({ kind: z.literal('note'), text: Text(4000) }),
  z.object({ kind: z.literal('status'), status: z.enum(['en_seguimiento', 'escalado']), note: z.string().trim().max(2000).optional() }),
  z.object({ kind: z.literal('reply'), text: Text(4000) }),
  z.object({ kind: z.literal('close'), answer: Text(4000) }),
  z.object({ kind: z.literal('reject'), reason: Text(2000) }),
  /** The operator gave a pending answer by phone (or in person). */
  z.object({ kind: z.literal('contacted'), note: Text(2000) }),
  /** The one extension (prórroga) the law allows, before the term ends; the citizen is told why and the new date. */
  z.object({ kind: z.literal('extend'), reason: Text(2000) }),
]);
export type CaseAction = z.infer<typeof CaseAction>;
// The rules table (action-rules.ts) names exactly these actions: one added here must get its row there.
true satisfies [CaseAction['kind']] extends [CaseActionKind] ? ([CaseActionKind] extends [CaseAction['kind']] ? true : false) : false;

export interface CaseActionResult {
  caseId: number;
  event: CaseEventType;
  /** Set when a message to the citizen was put in the outbox. */
  messageId?: number;
  /** Set when the message could not be written to anyone: staff must call the citizen. */
  pendingContact?: { phone: string | null };
}

const isFinal = (c: Case) => isFinalStatus(c.status);

export async function actOnCase(
  db: Db,
  staff: StaffPrincipal,
  caseId: number,
  action: CaseAction,
  now: Date,
  locale: Locale,
  channels: FollowUpChannels = { email: false },
  terms?: CaseTerms,
): Promise<CaseActionResult> {
  return db.transaction(async (tx) => {
    const [found] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update').limit(1);
    // Another department's case answers exactly like a missing one.
    if (!found || !canSeeDepartment(staff, found.departmentId)) throw new NotFound('error.case_not_found');
    const current: Case = found;
    // Who may act is decided before the case's state is told, so a refused role learns nothing of it.
    if (!mayTakeCaseAction(staff.role, action.kind, current.assignedRole)) throw new Forbidden();
    if (action.kind !== 'note' && action.kind !== 'contacted' && isFinal(current)) throw new Conflict('error.case_closed');
    if (!['receive', 'note', 'contacted'].includes(action.kind) && !current.receivedAt) throw new Conflict('error.case_not_received');

    const actor = staffActor(staff);
    const update = (values: Partial<Case>) =>
      tx
        .update(cases)
        .set({ ...values, updatedAt: now })
        .where(eq(cases.id, caseId));
    const event = async <T extends CaseEventType>(type: T, data: CaseEventDataMap[T]) => {
      await recordCaseEvent(tx, caseId, type, actor, data, now);
      return type;
    };

    // The note that staff must call goes after the event that produced the answer, in the history.
    let pendingContact: PendingContact | undefined;
    const result = await perform();
    if (pendingContact) await event('case.answer_pending_contact', pendingContact);
    return result;

    async function perform(): Promise<CaseActionResult> {
      switch (action.kind) {
        case 'receive': {
          if (current.receivedAt) throw new Conflict();
          await update({ receivedAt: now, receivedBy: staff.id, status: current.status === 'nuevo' ? 'recepcionado' : current.status });
          return { caseId, event: await event('case.received', {}) };
        }
        case 'derive_level': {
          const moves = levelMovesFrom(current.assignedRole);
          if (!moves.includes(action.to))
            throw new InvalidInput('error.derivation_not_allowed', {
              from: t(locale, `console.level.${current.assignedRole}`),
              to: t(locale, `console.level.${action.to}`),
              allowed: moves.map((level) => t(locale, `console.level.${level}`)).join(', '),
            });
          if (action.userId !== undefined) await requireHolder(tx, action.userId, current.departmentId, action.to);
          await update({ assignedRole: action.to, assignedUserId: action.userId ?? null });
          return {
            caseId,
            event: await event('case.derived', {
              from: current.assignedRole,
              to: action.to,
              userId: action.userId ?? null,
              note: action.note,
            }),
          };
        }
        case 'derive_department': {
          if (action.departmentId === current.departmentId) throw new InvalidInput('error.invalid_derivation');
          const [target] = await tx
            .select()
            .from(departments)
            .where(and(eq(departments.id, action.departmentId), eq(departments.active, true)))
            .limit(1);
          if (!target) throw new InvalidInput('error.invalid_derivation');
          // The receiving department receives it anew, at its first level.
          await update({ departmentId: target.id, assignedRole: 'responsable', assignedUserId: null, receivedAt: null, receivedBy: null });
          return {
            caseId,
            event: await event('case.derived', {
              fromDepartmentId: current.departmentId,
              toDepartmentId: target.id,
              toDepartment: target.name,
              note: action.note,
            }),
          };
        }
        case 'derive_external': {
          await update({ status: 'en_seguimiento' });
          return {
            caseId,
            event: await event('case.derived_external', { organism: action.organism, sentVia: action.sentVia, note: action.note }),
          };
        }
        case 'reclassify': {
          const [category] = await tx
            .select()
            .from(categories)
            .where(and(eq(categories.code, action.category), eq(categories.active, true)))
            .limit(1);
          if (!category) throw new InvalidInput();
          const moves = category.departmentId !== current.departmentId;
          await update({
            type: action.type,
            categoryId: category.id,
            ...(moves
              ? {
                  departmentId: category.departmentId,
                  assignedRole: 'responsable' as const,
                  assignedUserId: null,
                  receivedAt: null,
                  receivedBy: null,
                }
              : {}),
          });
          return {
            caseId,
            event: await event('case.reclassified', {
              fromType: current.type,
              toType: action.type,
              fromCategoryId: current.categoryId,
              toCategory: category.code,
              reason: action.reason,
              ...(moves ? { fromDepartmentId: current.departmentId, toDepartmentId: category.departmentId } : {}),
            }),
          };
        }
        case 'note':
          await update({});
          return { caseId, event: await event('case.note_added', { text: action.text }) };
        case 'status':
          await update({ status: action.status });
          return {
            caseId,
            event: await event('case.status_changed', { from: current.status, to: action.status, note: action.note ?? null }),
          };
        case 'reply': {
          const told = await tell(action.text);
          if (told.kind === 'none') throw new Conflict('error.no_citizen_channel');
          await update({ firstAnsweredAt: current.firstAnsweredAt ?? now });
          return {
            caseId,
            ...told.result,
            event: await event('case.replied', { text: action.text, messageId: told.result.messageId ?? null }),
          };
        }
        case 'close': {
          const told = await finish('cerrado', t(locale, 'case.final_answer', { folio: current.folio, answer: action.answer }));
          return { caseId, ...told, event: await event('case.closed', { answer: action.answer, messageId: told.messageId ?? null }) };
        }
        case 'reject': {
          const told = await finish('no_procede', t(locale, 'case.not_admissible', { folio: current.folio, reason: action.reason }));
          return { caseId, ...told, event: await event('case.rejected', { reason: action.reason, messageId: told.messageId ?? null }) };
        }
        case 'extend': {
          if (!terms?.policy.extension.allowed) throw new Conflict('error.extension_not_allowed');
          if (current.extendedAt) throw new Conflict('error.extension_used');
          if (now >= current.dueAt) throw new Conflict('error.extension_too_late');
          const dueAt = terms.calendar.addTerm(current.dueAt, terms.policy.extension.term);
          const date = formatDueDate(dueAt, terms.calendar.timeZone, locale);
          const told = await tell(t(locale, 'case.extended_notice', { folio: current.folio, reason: action.reason, date }));
          await update({ dueAt, extendedAt: now });
          return {
            caseId,
            ...told.result,
            event: await event('case.extended', {
              reason: action.reason,
              fromDueAt: current.dueAt.toISOString(),
              toDueAt: dueAt.toISOString(),
              term: terms.policy.extension.term,
              messageId: told.result.messageId ?? null,
            }),
          };
        }
        case 'contacted': {
          await update({});
          return { caseId, event: await event('case.citizen_contacted', { note: action.note }) };
        }
      }
    }

    /**
     * The message goes to the citizen's channel, or to the email they left; when neither can be
     * written to, the case records that staff must call, with the phone and the text to give.
     */
    /** A final answer: told to the citizen (or left for a call), and the case closed with the status. */
    async function finish(status: 'cerrado' | 'no_procede', text: string) {
      const told = await tell(withStatusLink(text, current.folio, channels.publicUrl, locale));
      await update({ status, closedAt: now, firstAnsweredAt: current.firstAnsweredAt ?? now });
      return told.result;
    }

    async function tell(
      text: string,
    ): Promise<{ kind: 'sent' | 'pending' | 'none'; result: Pick<CaseActionResult, 'messageId' | 'pendingContact'> }> {
      const followUp = await followUpCitizen(tx, current, text, channels);
      if (followUp.kind === 'sent') return { kind: 'sent', result: { messageId: followUp.messageId } };
      if (followUp.kind === 'none') return { kind: 'none', result: {} };
      pendingContact = { phone: followUp.phone, email: followUp.email, reason: followUp.reason, text };
      return { kind: 'pending', result: { pendingContact: { phone: followUp.phone } } };
    }
  });
}

async function requireHolder(tx: Tx, userId: number, departmentId: number, level: DepartmentRole): Promise<void> {
  const [user] = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(
      and(eq(staffUsers.id, userId), eq(staffUsers.departmentId, departmentId), eq(staffUsers.role, level), eq(staffUsers.active, true)),
    )
    .limit(1);
  if (!user) throw new InvalidInput('error.invalid_derivation');
}
