import { and, asc, desc, eq, inArray, ne, notInArray, type SQL } from 'drizzle-orm';
import { casesVisibleTo } from './case-visibility.js';
import { canSeeDepartment, type StaffPrincipal } from '../auth/sessions.js';
import type { Executor } from '../db/client.js';
import { attachments, cases, categories, citizens, departments, messages, staffUsers } from '../db/schema.js';
import type { Channel, Location } from '../messages/inbound.js';
import type { MessageAuthor, MessageDirection } from '../messages/stored.js';
import type { ActorKind, CaseEventBody } from './case-events.js';
import { FINAL_STATUSES } from './case-type.js';
import { caseHistory, type RecordedCaseEvent } from './events.js';
import { timelineKindOf, type TimelineKind } from './timeline-kind.js';
import { allowedCaseActions } from './action-rules.js';
import { mayReadRegistration } from '../citizens/registration.js';

/**
 * The one read side of cases: lookups by folio or id, the staff API's detail, the console's tray
 * and case page. Every read joins a case to its category and department the same way, and reads
 * its citizen, history and attachment list through the same helpers.
 */

/** A case's attachments, without their bytes. */
function attachmentsOf(ex: Executor, caseId: number) {
  return ex
    .select({
      id: attachments.id,
      kind: attachments.kind,
      contentType: attachments.contentType,
      filename: attachments.filename,
      sizeBytes: attachments.sizeBytes,
      createdAt: attachments.createdAt,
    })
    .from(attachments)
    .where(eq(attachments.caseId, caseId))
    .orderBy(asc(attachments.id));
}

async function citizenOf(ex: Executor, citizenId: number) {
  const [citizen] = await ex
    .select({ id: citizens.id, name: citizens.name, phone: citizens.phone, email: citizens.email, registration: citizens.registration })
    .from(citizens)
    .where(eq(citizens.id, citizenId));
  return citizen ?? null;
}

// Lookups (the staff API, the conversation service).

const caseColumns = {
  id: cases.id,
  folio: cases.folio,
  type: cases.type,
  status: cases.status,
  channel: cases.channel,
  description: cases.description,
  address: cases.address,
  latitude: cases.latitude,
  longitude: cases.longitude,
  classificationConfidence: cases.classificationConfidence,
  dueAt: cases.dueAt,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  closedAt: cases.closedAt,
  citizenId: cases.citizenId,
  conversationId: cases.conversationId,
  departmentId: cases.departmentId,
  extendedAt: cases.extendedAt,
  emergency: cases.emergency,
  receivedAt: cases.receivedAt,
  assignedRole: cases.assignedRole,
  assignedUserId: cases.assignedUserId,
  category: { code: categories.code, name: categories.name },
  department: { id: departments.id, code: departments.code, name: departments.name },
};

/** Cases with their category and department: the one way every case read starts. */
function selectCases(ex: Executor) {
  return ex
    .select(caseColumns)
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId));
}

export type CaseSummary = Awaited<ReturnType<typeof listCases>>[number];

export async function listCases(ex: Executor, filter: { folio?: string | undefined; departmentId?: number | undefined; limit?: number }) {
  const where: SQL[] = [];
  if (filter.folio) where.push(eq(cases.folio, filter.folio));
  if (filter.departmentId !== undefined) where.push(eq(cases.departmentId, filter.departmentId));
  return selectCases(ex)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(filter.limit ?? 100);
}

export async function findCaseByFolio(ex: Executor, folio: string): Promise<CaseSummary | null> {
  const [row] = await listCases(ex, { folio, limit: 1 });
  return row ?? null;
}

export async function findCaseById(ex: Executor, id: number): Promise<CaseSummary | null> {
  const [row] = await selectCases(ex).where(eq(cases.id, id)).limit(1);
  return row ?? null;
}

/**
 * A citizen's cases still open, newest first: "¿cómo va mi reporte?" without a folio. Identities
 * linked to the same citizen (their WhatsApp and their e-mail) share them.
 */
export function openCasesOfCitizen(ex: Executor, citizenId: number, limit = 5) {
  return selectCases(ex)
    .where(and(eq(cases.citizenId, citizenId), notInArray(cases.status, [...FINAL_STATUSES])))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit);
}

/** The case with its citizen, history and attachment list: what staff need to work it. */
export async function getCaseDetail(ex: Executor, id: number) {
  const summary = await findCaseById(ex, id);
  if (!summary) return null;
  const found = await citizenOf(ex, summary.citizenId);
  // The scripts' API never carries the registration (see getCasePage for who reads it).
  const citizen = found && { id: found.id, name: found.name, phone: found.phone, email: found.email };
  // What the staff API shows of each event: the row without its case id.
  const events = (await caseHistory(ex, id)).map(({ caseId: _, ...event }) => event);
  const files = await attachmentsOf(ex, id);
  return { ...summary, citizen, events, attachments: files };
}

// The console: its case page (the work tray is in tray.ts).
export { listTray, TrayFilter } from './tray.js';

/**
 * One line of the case page's history: `entry` tells a message from a case event (and so which
 * fields it has), `kind` which part of the history it belongs to (see timeline-kind.ts).
 */
export type TimelineItem =
  | {
      entry: 'message';
      kind: 'conversation';
      id: string;
      at: Date;
      direction: MessageDirection;
      author: MessageAuthor;
      channel: Channel;
      text: string;
      location: Location | null;
    }
  | ({ entry: 'event'; kind: TimelineKind; id: string; at: Date; actorKind: ActorKind; actor: string | null } & CaseEventBody);

/**
 * The case page: everything that happened, messages on every channel and case events, in one
 * ordered list; the citizen's data; the holder; and the attachments (without their bytes).
 * Returns null for a case the person may not see, as if it did not exist.
 */
export async function getCasePage(ex: Executor, staff: StaffPrincipal, id: number) {
  const row = await findCaseById(ex, id);
  if (!row || !canSeeDepartment(staff, row.departmentId)) return null;

  const citizen = await citizenOf(ex, row.citizenId);
  const conversationMessages = row.conversationId
    ? await ex.select().from(messages).where(eq(messages.conversationId, row.conversationId)).orderBy(asc(messages.id)).limit(1000)
    : [];
  const events = await caseHistory(ex, id);
  const staffIds = [...new Set(events.filter((e) => e.actorKind === 'staff' && e.actorId).map((e) => Number(e.actorId)))];
  const names = new Map(
    staffIds.length
      ? (await ex.select({ id: staffUsers.id, name: staffUsers.name }).from(staffUsers).where(inArray(staffUsers.id, staffIds))).map(
          (u) => [String(u.id), u.name],
        )
      : [],
  );
  const timeline: TimelineItem[] = [
    ...conversationMessages.map(
      (m): TimelineItem => ({
        entry: 'message',
        kind: 'conversation',
        id: `m${m.id}`,
        at: m.createdAt,
        direction: m.direction,
        author: m.author,
        channel: m.channel,
        text: m.text,
        location: m.payload.location ?? null,
      }),
    ),
    ...events.map(
      ({ id, caseId: _, createdAt, actorKind, actorId, ...body }): TimelineItem => ({
        entry: 'event',
        kind: timelineKindOf(body.type),
        id: `e${id}`,
        at: createdAt,
        actorKind,
        actor: actorKind === 'staff' ? (names.get(actorId ?? '') ?? null) : null,
        ...body,
      }),
    ),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.entry === b.entry ? 0 : a.entry === 'message' ? -1 : 1));

  const files = await attachmentsOf(ex, id);
  const view = {
    id: row.id,
    folio: row.folio,
    type: row.type,
    status: row.status,
    channel: row.channel,
    description: row.description,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    dueAt: row.dueAt,
    createdAt: row.createdAt,
    closedAt: row.closedAt,
    extendedAt: row.extendedAt,
    receivedAt: row.receivedAt,
    assignedRole: row.assignedRole,
    assignedUserId: row.assignedUserId,
    departmentId: row.departmentId,
    conversationId: row.conversationId,
    category: row.category,
    department: row.department.name,
  };
  const pendingContact = pendingContactOf(events);
  return {
    ...view,
    citizen: citizen && {
      id: citizen.id,
      name: citizen.name,
      phone: citizen.phone,
      email: citizen.email,
      // Only the staff who attend citizens see the phone centre's registration (and their reading is audited by the API).
      ...(citizen.registration && mayReadRegistration(staff.role) ? { registration: citizen.registration } : {}),
    },
    /** What this person may do to the case where it is held now: the console offers exactly these. */
    allowed: allowedCaseActions(staff.role, row.assignedRole),
    pendingContact,
    timeline,
    attachments: files,
  };
}

/**
 * The citizen's other cases, newest first, for the case page: only those of departments the
 * person may see (another department's case is not even counted, as the tray does).
 */
export function otherCasesOfCitizen(ex: Executor, staff: StaffPrincipal, citizenId: number, exceptCaseId: number, limit = 20) {
  const where: SQL[] = [eq(cases.citizenId, citizenId), ne(cases.id, exceptCaseId)];
  const visible = casesVisibleTo(staff);
  if (visible) where.push(visible);
  return ex
    .select({
      id: cases.id,
      folio: cases.folio,
      type: cases.type,
      status: cases.status,
      channel: cases.channel,
      createdAt: cases.createdAt,
      category: categories.name,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit);
}

/** An attachment's bytes, only through a case the person may see. */
export async function getCaseAttachment(ex: Executor, staff: StaffPrincipal, caseId: number, attachmentId: number) {
  const [row] = await ex
    .select({
      contentType: attachments.contentType,
      filename: attachments.filename,
      data: attachments.data,
      departmentId: cases.departmentId,
    })
    .from(attachments)
    .innerJoin(cases, eq(cases.id, attachments.caseId))
    .where(and(eq(attachments.id, attachmentId), eq(attachments.caseId, caseId)))
    .limit(1);
  if (!row || !canSeeDepartment(staff, row.departmentId)) return null;
  return row;
}

/**
 * What staff still have to tell the citizen by phone: every pending-contact event since the last
 * recorded call (a reply and then the final answer are both owed), or null when nothing is owed.
 */
function pendingContactOf(events: readonly RecordedCaseEvent[]) {
  const lastCall = events.findLastIndex((e) => e.type === 'case.citizen_contacted');
  const owed = events.slice(lastCall + 1).filter((e) => e.type === 'case.answer_pending_contact');
  const last = owed.at(-1);
  if (!last) return null;
  return {
    since: owed[0]!.createdAt,
    phone: last.data.phone ?? null,
    email: last.data.email ?? null,
    reason: last.data.reason ?? null,
    text: owed.map((e) => e.data.text ?? '').join('\n\n'),
  };
}
