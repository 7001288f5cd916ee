import { eq } from 'drizzle-orm';
import { canSeeDepartment, type StaffPrincipal } from '../auth/sessions.js';
import type { Db, Executor } from '../db/client.js';
import { cases, type Case } from '../db/schema.js';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors.js';
import { t, type Locale } from '../i18n/index.js';
import { mayTakeCaseAction } from './action-rules.js';
import { isFinalStatus } from './case-type.js';
import { clusterChildren, joinCluster, lockCase, splitFromCluster } from './clusters.js';
import { staffActor } from './events.js';
import { followUpCitizen, type FollowUpChannels } from './follow-up/citizen-message.js';
import { normalizeFolio } from './folio.js';

/**
 * Staff mend what the matching got wrong: split a report that was joined to another problem's,
 * or join two reports of one problem that were opened apart (another wording, no place in common).
 * Who may reclassify a case may do either, on cases of departments they see.
 */

async function lockVisible(tx: Executor, staff: StaffPrincipal, id: number): Promise<Case> {
  const found = await lockCase(tx, id);
  if (!found || !canSeeDepartment(staff, found.departmentId)) throw new NotFound('error.case_not_found');
  if (!mayTakeCaseAction(staff.role, 'reclassify', found.assignedRole)) throw new Forbidden();
  return found;
}

export async function splitCase(db: Db, staff: StaffPrincipal, caseId: number, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const child = await lockVisible(tx, staff, caseId);
    if (child.clusterParentId === null) throw new Conflict('error.cluster_not_joined');
    const [parent] = await tx.select({ id: cases.id, folio: cases.folio }).from(cases).where(eq(cases.id, child.clusterParentId)).limit(1);
    await splitFromCluster(tx, child, parent!, staffActor(staff), now);
  });
}

/** Joins the case to the report of `folio` (or to the one that report is joined to); the citizen is told. */
export async function joinCaseByHand(
  db: Db,
  staff: StaffPrincipal,
  caseId: number,
  folio: string,
  options: { folioPrefix: string; channels: FollowUpChannels; locale: Locale },
  now: Date,
): Promise<{ parentId: number; parentFolio: string }> {
  return db.transaction(async (tx) => {
    const normalized = normalizeFolio(folio, options.folioPrefix);
    const [named] = normalized ? await tx.select().from(cases).where(eq(cases.folio, normalized)).limit(1) : [];
    if (!named || !canSeeDepartment(staff, named.departmentId)) throw new InvalidInput('error.cluster_folio_not_found', { folio });
    const parentId = named.clusterParentId ?? named.id;
    // Locked in id order, as every other writer of two cases does, so two joins the other way round cannot deadlock.
    const [first, second] = parentId < caseId ? [parentId, caseId] : [caseId, parentId];
    if (first === second) throw new Conflict('error.cluster_same_case');
    const locked = [await lockCase(tx, first), await lockCase(tx, second)];
    const parent = locked.find((c) => c?.id === parentId);
    const child = await lockVisible(tx, staff, caseId);
    if (!parent) throw new InvalidInput('error.cluster_folio_not_found', { folio });
    if (isFinalStatus(parent.status) || isFinalStatus(child.status)) throw new Conflict('error.case_closed');
    if (child.clusterParentId === parent.id) throw new Conflict('error.cluster_already_joined');
    await joinCluster(tx, child, parent, staffActor(staff), 'staff', { distanceM: null, similarity: null }, now);
    await followUpCitizen(
      tx,
      child,
      { text: t(options.locale, 'case.cluster_joined_notice', { folio: child.folio, parentFolio: parent.folio }), author: 'system' },
      options.channels,
    );
    return { parentId: parent.id, parentFolio: parent.folio };
  });
}

/** What the case page shows of the cluster: the report it follows, or the reports that follow it. */
export async function clusterOf(ex: Executor, caseId: number) {
  const [current] = await ex
    .select({ id: cases.id, clusterParentId: cases.clusterParentId })
    .from(cases)
    .where(eq(cases.id, caseId))
    .limit(1);
  if (!current) return { parent: null, children: [] };
  if (current.clusterParentId !== null) {
    const [parent] = await ex
      .select({ id: cases.id, folio: cases.folio, status: cases.status })
      .from(cases)
      .where(eq(cases.id, current.clusterParentId))
      .limit(1);
    return { parent: parent ?? null, children: [] };
  }
  return { parent: null, children: await clusterChildren(ex, current.id) };
}
