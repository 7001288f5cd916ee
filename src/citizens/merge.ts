import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import { recordAudit } from '../auth/audit.js';
import type { Db, Executor } from '../db/client.js';
import {
  cases,
  citizenContacts,
  citizenIdentities,
  citizenMergeProposals,
  citizens,
  conversations,
  type ContactKind,
} from '../db/schema.js';
import { Conflict, NotFound } from '../errors.js';

/**
 * Staff decide the proposals `noteContacts` makes. Confirming moves everything of the newer record
 * (its channel identities, conversations, cases, contact points) to the older one, which keeps its
 * own data and takes the other's only where it had none; the newer record stays as a pointer
 * (`merged_into`) with no personal data. Rejecting keeps them apart for good.
 */

export interface ProposalSide {
  id: number;
  name: string | null;
  phone: string | null;
  email: string | null;
  channels: string[];
  /** The phones and emails its channels vouch for (a WhatsApp record has no typed phone, but this one). */
  verified: string[];
  cases: number;
  since: Date;
}

export interface MergeProposalView {
  id: number;
  kind: ContactKind;
  value: string;
  createdAt: Date;
  citizen: ProposalSide;
  other: ProposalSide;
}

export interface Decider {
  id: number;
  ip: string | null;
}

/** The pending proposals, oldest first, each with what staff need to tell whether it is one person. */
export async function pendingProposals(db: Executor, limit = 100): Promise<MergeProposalView[]> {
  const rows = await db
    .select()
    .from(citizenMergeProposals)
    .where(eq(citizenMergeProposals.status, 'pending'))
    .orderBy(asc(citizenMergeProposals.createdAt), asc(citizenMergeProposals.id))
    .limit(limit);
  const ids = [...new Set(rows.flatMap((r) => [r.citizenId, r.otherCitizenId]))];
  const sides = await sidesOf(db, ids);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    value: r.value,
    createdAt: r.createdAt,
    citizen: sides.get(r.citizenId)!,
    other: sides.get(r.otherCitizenId)!,
  }));
}

async function sidesOf(db: Executor, ids: number[]): Promise<Map<number, ProposalSide>> {
  if (ids.length === 0) return new Map();
  const [people, identities, caseCounts, points] = await Promise.all([
    db.select().from(citizens).where(inArray(citizens.id, ids)),
    db
      .selectDistinct({ citizenId: citizenIdentities.citizenId, channel: citizenIdentities.channel })
      .from(citizenIdentities)
      .where(inArray(citizenIdentities.citizenId, ids)),
    db.select({ citizenId: cases.citizenId, n: count() }).from(cases).where(inArray(cases.citizenId, ids)).groupBy(cases.citizenId),
    db
      .select({ citizenId: citizenContacts.citizenId, value: citizenContacts.value })
      .from(citizenContacts)
      .where(and(inArray(citizenContacts.citizenId, ids), eq(citizenContacts.verified, true)))
      .orderBy(asc(citizenContacts.id)),
  ]);
  return new Map(
    people.map((p) => [
      p.id,
      {
        id: p.id,
        name: p.name,
        phone: p.phone,
        email: p.email,
        channels: identities.filter((i) => i.citizenId === p.id).map((i) => i.channel),
        verified: points.filter((c) => c.citizenId === p.id).map((c) => c.value),
        cases: caseCounts.find((c) => c.citizenId === p.id)?.n ?? 0,
        since: p.createdAt,
      },
    ]),
  );
}

async function lockPending(tx: Executor, proposalId: number) {
  const [proposal] = await tx.select().from(citizenMergeProposals).where(eq(citizenMergeProposals.id, proposalId)).for('update').limit(1);
  if (!proposal) throw new NotFound('error.merge_proposal_not_found');
  if (proposal.status !== 'pending') throw new Conflict('error.merge_proposal_decided');
  return proposal;
}

export async function rejectProposal(db: Db, proposalId: number, by: Decider, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await lockPending(tx, proposalId);
    await tx
      .update(citizenMergeProposals)
      .set({ status: 'rejected', decidedAt: now, decidedBy: by.id })
      .where(eq(citizenMergeProposals.id, proposalId));
    await recordAudit(tx, {
      staffUserId: by.id,
      action: 'citizen.merge_rejected',
      subjectType: 'merge_proposal',
      subjectId: proposalId,
      ip: by.ip,
    });
  });
}

/** Merges the proposal's newer record into the older one; returns the record kept. */
export async function confirmProposal(
  db: Db,
  proposalId: number,
  by: Decider,
  now: Date,
): Promise<{ citizenId: number; mergedId: number }> {
  return db.transaction(async (tx) => {
    const proposal = await lockPending(tx, proposalId);
    const keep = proposal.citizenId;
    const gone = proposal.otherCitizenId;
    const pair = await tx
      .select()
      .from(citizens)
      .where(inArray(citizens.id, [keep, gone]))
      .orderBy(asc(citizens.id))
      .for('update');
    const kept = pair.find((c) => c.id === keep);
    const merged = pair.find((c) => c.id === gone);
    if (!kept || !merged || kept.erasedAt || merged.erasedAt || kept.mergedInto || merged.mergedInto)
      throw new Conflict('error.merge_proposal_stale');

    await tx.update(citizenIdentities).set({ citizenId: keep }).where(eq(citizenIdentities.citizenId, gone));
    await tx.update(conversations).set({ citizenId: keep }).where(eq(conversations.citizenId, gone));
    await tx.update(cases).set({ citizenId: keep }).where(eq(cases.citizenId, gone));
    await tx.execute(sql`
      insert into ${citizenContacts} (citizen_id, kind, value, verified)
      select ${keep}, kind, value, verified from ${citizenContacts} where citizen_id = ${gone}
      on conflict (citizen_id, kind, value) do update set verified = ${citizenContacts.verified} or excluded.verified`);
    await tx.delete(citizenContacts).where(eq(citizenContacts.citizenId, gone));
    await tx
      .update(citizens)
      .set({
        name: kept.name ?? merged.name,
        phone: kept.phone ?? merged.phone,
        email: kept.email ?? merged.email,
        registration: merged.registration || kept.registration ? { ...merged.registration, ...kept.registration } : null,
        updatedAt: now,
      })
      .where(eq(citizens.id, keep));
    await tx
      .update(citizens)
      .set({ name: null, phone: null, email: null, registration: null, mergedInto: keep, updatedAt: now })
      .where(eq(citizens.id, gone));

    await tx
      .update(citizenMergeProposals)
      .set({ status: 'confirmed', decidedAt: now, decidedBy: by.id })
      .where(eq(citizenMergeProposals.id, proposalId));
    await repointPending(tx, gone, keep);
    await recordAudit(tx, { staffUserId: by.id, action: 'citizen.merged', subjectType: 'citizen', subjectId: keep, ip: by.ip });
    return { citizenId: keep, mergedId: gone };
  });
}

/** The merged record's other open proposals become the kept one's (or vanish when they were about these two). */
async function repointPending(tx: Executor, gone: number, keep: number): Promise<void> {
  const involving = or(eq(citizenMergeProposals.citizenId, gone), eq(citizenMergeProposals.otherCitizenId, gone));
  const open = await tx
    .delete(citizenMergeProposals)
    .where(and(eq(citizenMergeProposals.status, 'pending'), involving))
    .returning();
  for (const p of open) {
    const third = p.citizenId === gone ? p.otherCitizenId : p.citizenId;
    if (third === keep) continue;
    await tx
      .insert(citizenMergeProposals)
      .values({
        citizenId: Math.min(third, keep),
        otherCitizenId: Math.max(third, keep),
        kind: p.kind,
        value: p.value,
        createdAt: p.createdAt,
      })
      .onConflictDoNothing();
  }
}

/** The record a citizen id stands for now: itself, or the one it was merged into. */
export async function currentCitizenId(db: Executor, citizenId: number): Promise<number> {
  let id = citizenId;
  for (let hops = 0; hops < 10; hops++) {
    const [row] = await db.select({ mergedInto: citizens.mergedInto }).from(citizens).where(eq(citizens.id, id)).limit(1);
    if (!row?.mergedInto) return id;
    id = row.mergedInto;
  }
  return id;
}
