import { eq, type SQL } from 'drizzle-orm';
import { worksEveryDepartment } from '../auth/roles.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import { cases } from '../db/schema.js';

/** The cases a staff member may see in lists: every department's for those who work them all, else their own (none without one). */
export function casesVisibleTo(staff: Pick<StaffPrincipal, 'role' | 'departmentId'>): SQL | undefined {
  return worksEveryDepartment(staff.role) ? undefined : eq(cases.departmentId, staff.departmentId ?? -1);
}
