import type { CountryCode } from 'libphonenumber-js';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachments, cases, categories, departments, messages, type Case } from '../db/schema.js';
import type { Channel } from '../messages/inbound.js';
import type { CaseType } from './case-type.js';
import { dueDateFor, type CaseTerms } from './deadlines.js';
import { recordCaseEvent, type Actor } from './events.js';
import { formatFolio, localYear, takeNextFolioSeq } from './folio.js';
import { enqueueJob } from '../queue/enqueue.js';
import { addressKey } from '../places/address-key.js';
import type { GeoPoint } from '../places/distance.js';
import { findClusterParent, joinCluster, lockCase, mayCluster, type ClusterSettings } from './clusters.js';

/** Looks up with the external geocoder, after commit, an address the gazetteer could not place (src/cases/locate-job.ts). */
export const LOCATE_CASE_JOB = 'case.locate';

export interface OpenCaseInput {
  type: CaseType;
  category: string;
  description: string;
  address?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  confidence?: number | undefined;
  /** The citizen told of danger now: the case is flagged for staff. */
  emergency?: boolean | undefined;
  citizenId: number;
  channel: Channel;
  conversationId?: string | undefined;
  actor: Actor;
}

export interface CaseSettings {
  folioPrefix: string;
  defaultDueDays: number;
  timeZone: string;
  /** The follow-up policy's terms and calendar; without them, `defaultDueDays` calendar days (or the category's). */
  terms?: CaseTerms | undefined;
  /** Where phones without "+" are read; MX when absent. */
  phoneRegion?: CountryCode | undefined;
  /** Where reports are (issue 20): addresses into points, and reports of one problem joined. */
  places?: CasePlaces | undefined;
}

export interface CasePlaces {
  /** An address into a point from the municipality's own gazetteer, at once (no network inside the unit of work). */
  locate?: ((address: string) => Promise<GeoPoint | null>) | undefined;
  /** Set when an external geocoder is configured: what the gazetteer cannot place is looked up after commit. */
  locateLater?: boolean | undefined;
  /** Off when absent. */
  clusters?: ClusterSettings | undefined;
}

export interface OpenedCase {
  case: Case;
  categoryName: string;
  departmentName: string;
  /** The report it joined when opened: the citizen is told it is already known. */
  cluster?: { parentId: number; parentFolio: string } | undefined;
}

const DAY_MS = 86_400_000;
const FALLBACK_CATEGORY = 'otros';

/**
 * Opens a case inside the caller's transaction: folio, routing to the category's department,
 * due date, the photos the citizen sent in this conversation, and the `case.opened` event.
 */
export async function openCase(tx: Executor, input: OpenCaseInput, settings: CaseSettings, now: Date): Promise<OpenedCase> {
  const category = (await findCategory(tx, input.category)) ?? (await findCategory(tx, FALLBACK_CATEGORY));
  if (!category) throw new Error(`no category "${input.category}" and no fallback "${FALLBACK_CATEGORY}" is configured`);

  const year = localYear(now, settings.timeZone);
  const seq = await takeNextFolioSeq(tx, year);
  const folio = formatFolio(settings.folioPrefix, year, seq);
  const due = settings.terms
    ? dueDateFor(
        settings.terms,
        { type: input.type, categoryCode: category.code, categoryDueDays: category.dueDays, categoryDueUnit: category.dueUnit },
        now,
      )
    : {
        dueAt: new Date(now.getTime() + (category.dueDays ?? settings.defaultDueDays) * DAY_MS),
        term: { days: category.dueDays ?? settings.defaultDueDays, unit: 'calendar' as const },
      };
  const dueAt = due.dueAt;
  const address = input.address?.trim() || null;
  const given = input.latitude !== undefined && input.longitude !== undefined ? { lat: input.latitude, lon: input.longitude } : null;
  const point = given ?? (address && settings.places?.locate ? await settings.places.locate(address) : null);

  const [row] = await tx
    .insert(cases)
    .values({
      folio,
      folioYear: year,
      folioSeq: seq,
      type: input.type,
      categoryId: category.id,
      departmentId: category.departmentId,
      citizenId: input.citizenId,
      conversationId: input.conversationId ?? null,
      channel: input.channel,
      description: input.description,
      address: input.address ?? null,
      latitude: point?.lat ?? null,
      longitude: point?.lon ?? null,
      placeKey: address ? addressKey(address) : null,
      classificationConfidence: input.confidence ?? null,
      emergency: input.emergency ?? false,
      dueAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  let opened = row!;

  await recordCaseEvent(
    tx,
    opened.id,
    'case.opened',
    input.actor,
    {
      folio,
      type: input.type,
      category: category.code,
      department: category.departmentCode,
      channel: input.channel,
      dueAt: dueAt.toISOString(),
      term: due.term,
      confidence: input.confidence ?? null,
    },
    now,
  );

  if (input.conversationId) {
    const linked = await linkConversationAttachments(tx, input.conversationId, opened.id);
    if (linked > 0) await recordCaseEvent(tx, opened.id, 'case.attachment_added', input.actor, { count: linked }, now);
  }
  if (!point && address && settings.places?.locateLater)
    await enqueueJob(tx, { kind: LOCATE_CASE_JOB, key: `locate:${opened.id}`, payload: { caseId: opened.id } });
  const clusters = settings.places?.clusters;
  const match = clusters ? await findClusterParent(tx, opened, clusters) : null;
  const parent = match ? await lockCase(tx, match.parent.id) : undefined;
  if (match && parent && mayCluster(parent)) {
    await joinCluster(tx, opened, parent, { kind: 'system' }, match.how, match, now);
    opened = (await lockCase(tx, opened.id)) ?? opened;
    return {
      case: opened,
      categoryName: category.name,
      departmentName: category.departmentName,
      cluster: { parentId: parent.id, parentFolio: parent.folio },
    };
  }
  return { case: opened, categoryName: category.name, departmentName: category.departmentName };
}

async function findCategory(ex: Executor, code: string) {
  const [row] = await ex
    .select({
      id: categories.id,
      code: categories.code,
      name: categories.name,
      dueDays: categories.dueDays,
      dueUnit: categories.dueUnit,
      departmentId: categories.departmentId,
      departmentCode: departments.code,
      departmentName: departments.name,
    })
    .from(categories)
    .innerJoin(departments, eq(departments.id, categories.departmentId))
    .where(and(eq(categories.code, code), eq(categories.active, true)))
    .limit(1);
  return row ?? null;
}

/** Photos sent while the case was being described belong to it. */
async function linkConversationAttachments(tx: Executor, conversationId: string, caseId: number): Promise<number> {
  const pending = await tx
    .select({ id: attachments.id })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(and(eq(messages.conversationId, conversationId), isNull(attachments.caseId)));
  for (const { id } of pending) {
    await tx.update(attachments).set({ caseId }).where(eq(attachments.id, id));
  }
  return pending.length;
}
