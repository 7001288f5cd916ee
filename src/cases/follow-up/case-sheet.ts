import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { attachments, cases, categories, citizens, departments } from '../../db/schema.js';
import type { Channel } from '../../messages/inbound.js';
import type { CaseStatus, CaseType } from '../case-type.js';

/** What a routing sheet shows of a case: the request and where, and of the citizen only the name. */
export interface CaseSheet {
  id: number;
  folio: string;
  type: CaseType;
  status: CaseStatus;
  category: string;
  department: string;
  departmentId: number;
  channel: Channel;
  description: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  createdAt: Date;
  dueAt: Date;
  /**
   * Only the name: the department works the place and the request, while contacting the citizen
   * goes through Ventanilla (their channel, or the console for phone cases), so the phone and
   * email stay out of mail that is forwarded and printed.
   */
  citizenName: string | null;
  attachments: Array<{ id: number; filename: string | null; contentType: string; sizeBytes: number }>;
}

export async function loadCaseSheet(ex: Executor, caseId: number): Promise<CaseSheet | null> {
  const [row] = await ex
    .select({ c: cases, category: categories.name, department: departments.name, citizenName: citizens.name })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .innerJoin(citizens, eq(citizens.id, cases.citizenId))
    .where(eq(cases.id, caseId))
    .limit(1);
  if (!row) return null;
  const files = await ex
    .select({ id: attachments.id, filename: attachments.filename, contentType: attachments.contentType, sizeBytes: attachments.sizeBytes })
    .from(attachments)
    .where(eq(attachments.caseId, caseId));
  const c = row.c;
  return {
    id: c.id,
    folio: c.folio,
    type: c.type,
    status: c.status,
    category: row.category,
    department: row.department,
    departmentId: c.departmentId,
    channel: c.channel,
    description: c.description,
    address: c.address,
    latitude: c.latitude,
    longitude: c.longitude,
    createdAt: c.createdAt,
    dueAt: c.dueAt,
    citizenName: row.citizenName,
    attachments: files.map((f) => ({ ...f, id: Number(f.id) })),
  };
}

export function mapLink(sheet: Pick<CaseSheet, 'latitude' | 'longitude'>): string | null {
  if (sheet.latitude === null || sheet.longitude === null) return null;
  return `https://www.openstreetmap.org/?mlat=${sheet.latitude}&mlon=${sheet.longitude}#map=18/${sheet.latitude}/${sheet.longitude}`;
}
