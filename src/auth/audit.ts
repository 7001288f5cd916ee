import type { Executor } from '../db/client.js';
import { auditLog } from '../db/schema.js';

/** One line of the audit log: who (a staff member, from which address) did what to which record. */
export interface AuditEntry {
  /** Null when no staff account acted: the server's operator at the command line. */
  staffUserId: number | null;
  action: string;
  subjectType: string;
  subjectId: string | number;
  ip: string | null;
}

/** Writes an audit line; inside the caller's transaction when given one, so the line and the change commit together. */
export async function recordAudit(ex: Executor, entry: AuditEntry): Promise<void> {
  await ex.insert(auditLog).values({ ...entry, subjectId: String(entry.subjectId) });
}

/** The subject of a list's line: the ids it showed, in order, so "who saw this citizen's case" finds list views too. */
export const shownIds = (ids: Iterable<string | number>): string => [...ids].join(',');
