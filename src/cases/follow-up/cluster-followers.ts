import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { cases, type Case } from '../../db/schema.js';
import { t } from '../../i18n/index.js';
import type { Actor, CaseEventDataMap, CaseEventType } from '../case-events.js';
import { isFinalStatus } from '../case-type.js';
import { recordCaseEvent, type RecordedCaseEvent } from '../events.js';
import { withStatusLink } from '../status-link.js';
import { followUpCitizen } from './citizen-message.js';
import { reaction, type FollowUpDeps } from './follow-up.js';

/**
 * The reports joined to a parent follow it (issue 20): what happens to the parent happens to each
 * of them, recorded in their own history as the system's doing, so every citizen of the cluster
 * hears of it on their own channel through the notices their own case gets (received, sent on, in
 * progress, escalated) and receives the final answer and the survey. A child is never a parent,
 * so this never chains.
 */
const FOLLOWED = ['case.received', 'case.status_changed', 'case.derived', 'case.derived_external', 'case.closed', 'case.rejected'] as const;
type Followed = (typeof FOLLOWED)[number];

const SYSTEM: Actor = { kind: 'system' };

export const clusterFollowers = reaction({
  name: 'cluster followers',
  on: FOLLOWED,
  async run(tx, event, parent, deps, now) {
    if (parent.clusterParentId !== null) return;
    const children = await tx
      .select()
      .from(cases)
      .where(and(eq(cases.clusterParentId, parent.id)))
      .orderBy(asc(cases.id))
      .for('update');
    for (const child of children) if (!isFinalStatus(child.status)) await follow(tx, event, parent, child, deps, now);
  },
});

async function follow(tx: Tx, event: RecordedCaseEvent<Followed>, parent: Case, child: Case, deps: FollowUpDeps, now: Date) {
  const set = (values: Partial<Case>) =>
    tx
      .update(cases)
      .set({ ...values, updatedAt: now })
      .where(eq(cases.id, child.id));
  const record = <T extends CaseEventType>(type: T, data: CaseEventDataMap[T]) => recordCaseEvent(tx, child.id, type, SYSTEM, data, now);
  switch (event.type) {
    case 'case.received':
      if (child.receivedAt) return;
      await set({ receivedAt: parent.receivedAt ?? now, status: child.status === 'nuevo' ? 'recepcionado' : child.status });
      await record('case.received', {});
      return;
    case 'case.status_changed':
      if (child.status === event.data.to) return;
      await set({ status: event.data.to });
      await record('case.status_changed', { from: child.status, to: event.data.to, note: null });
      return;
    case 'case.derived':
      // Between levels inside the department nothing changes for the citizen; to another department, it follows.
      if (event.data.toDepartmentId === undefined || child.departmentId === event.data.toDepartmentId) return;
      await set({
        departmentId: event.data.toDepartmentId,
        receivedAt: null,
        receivedBy: null,
        assignedRole: 'responsable',
        assignedUserId: null,
      });
      await record('case.derived', {
        fromDepartmentId: child.departmentId,
        toDepartmentId: event.data.toDepartmentId,
        toDepartment: event.data.toDepartment,
        note: '',
      });
      return;
    case 'case.derived_external':
      await set({ status: 'en_seguimiento' });
      await record('case.derived_external', { organism: event.data.organism, sentVia: event.data.sentVia, note: '' });
      return;
    case 'case.closed':
    case 'case.rejected': {
      const closing = event.type === 'case.closed';
      const text = closing
        ? t(deps.locale, 'case.final_answer', { folio: child.folio, answer: event.data.answer })
        : t(deps.locale, 'case.not_admissible', { folio: child.folio, reason: event.data.reason });
      const told = await followUpCitizen(tx, child, withStatusLink(text, child.folio, deps.channels.publicUrl, deps.locale), deps.channels);
      await set({ status: closing ? 'cerrado' : 'no_procede', closedAt: now, firstAnsweredAt: child.firstAnsweredAt ?? now });
      const messageId = told.kind === 'sent' ? told.messageId : null;
      if (event.type === 'case.closed') await record('case.closed', { answer: event.data.answer, messageId });
      else await record('case.rejected', { reason: event.data.reason, messageId });
      if (told.kind === 'pending_contact')
        await record('case.answer_pending_contact', { phone: told.phone, email: told.email, reason: told.reason, text });
      return;
    }
  }
}
