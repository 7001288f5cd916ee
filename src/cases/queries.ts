import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachments, caseEvents, cases, categories, citizens, departments } from '../db/schema.js';

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
  category: { code: categories.code, name: categories.name },
  department: { id: departments.id, code: departments.code, name: departments.name },
};

export type CaseSummary = Awaited<ReturnType<typeof listCases>>[number];

export async function listCases(ex: Executor, filter: { folio?: string | undefined; departmentId?: number | undefined; limit?: number }) {
  const where: SQL[] = [];
  if (filter.folio) where.push(eq(cases.folio, filter.folio));
  if (filter.departmentId !== undefined) where.push(eq(cases.departmentId, filter.departmentId));
  return ex
    .select(caseColumns)
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(filter.limit ?? 100);
}

export async function findCaseByFolio(ex: Executor, folio: string): Promise<CaseSummary | null> {
  const [row] = await listCases(ex, { folio, limit: 1 });
  return row ?? null;
}

export async function findCaseById(ex: Executor, id: number): Promise<CaseSummary | null> {
  const [row] = await ex
    .select(caseColumns)
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .where(eq(cases.id, id))
    .limit(1);
  return row ?? null;
}

/** The case with its citizen, history and attachment list: what staff need to work it. */
export async function getCaseDetail(ex: Executor, id: number) {
  const summary = await findCaseById(ex, id);
  if (!summary) return null;
  const [citizen] = await ex
    .select({ id: citizens.id, name: citizens.name, phone: citizens.phone, email: citizens.email })
    .from(citizens)
    .where(eq(citizens.id, summary.citizenId));
  const events = await ex
    .select({ id: caseEvents.id, type: caseEvents.type, actorKind: caseEvents.actorKind, actorId: caseEvents.actorId, data: caseEvents.data, createdAt: caseEvents.createdAt })
    .from(caseEvents)
    .where(eq(caseEvents.caseId, id))
    .orderBy(asc(caseEvents.id));
  const files = await ex
    .select({ id: attachments.id, kind: attachments.kind, contentType: attachments.contentType, filename: attachments.filename, sizeBytes: attachments.sizeBytes, createdAt: attachments.createdAt })
    .from(attachments)
    .where(eq(attachments.caseId, id))
    .orderBy(asc(attachments.id));
  return { ...summary, citizen: citizen ?? null, events, attachments: files };
}
