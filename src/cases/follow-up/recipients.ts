import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { departments, staffUsers, type Case } from '../../db/schema.js';

export interface Recipient {
  address: string;
  name: string | null;
  /** Why this person gets it: the department's liaison, the staff who hold the case, a coordinator. */
  as: 'liaison' | 'holder' | 'coordinator';
}

/**
 * The department's side of a case: its liaison (enlace) and whoever holds the case now (the named
 * person, or every active staff member at the case's level in that department). One entry per address.
 */
export async function departmentRecipients(
  ex: Executor,
  current: Pick<Case, 'departmentId' | 'assignedRole' | 'assignedUserId'>,
): Promise<Recipient[]> {
  const [department] = await ex
    .select({ liaisonEmail: departments.liaisonEmail, name: departments.name })
    .from(departments)
    .where(eq(departments.id, current.departmentId))
    .limit(1);
  const holders = await ex
    .select({ email: staffUsers.email, name: staffUsers.name })
    .from(staffUsers)
    .where(
      current.assignedUserId
        ? and(eq(staffUsers.id, current.assignedUserId), eq(staffUsers.active, true))
        : and(eq(staffUsers.departmentId, current.departmentId), eq(staffUsers.role, current.assignedRole), eq(staffUsers.active, true)),
    );
  return unique([
    ...(department?.liaisonEmail ? [{ address: department.liaisonEmail, name: null, as: 'liaison' as const }] : []),
    ...holders.map((h) => ({ address: h.email, name: h.name, as: 'holder' as const })),
  ]);
}

/** The coordinators (active staff with that role); the administrators when there is none, so escalations reach someone. */
export async function coordinatorRecipients(ex: Executor): Promise<Recipient[]> {
  const rows = await ex
    .select({ email: staffUsers.email, name: staffUsers.name, role: staffUsers.role })
    .from(staffUsers)
    .where(and(inArray(staffUsers.role, ['coordinador', 'admin']), eq(staffUsers.active, true)));
  const coordinators = rows.filter((r) => r.role === 'coordinador');
  return unique(
    (coordinators.length > 0 ? coordinators : rows).map((r) => ({ address: r.email, name: r.name, as: 'coordinator' as const })),
  );
}

function unique(recipients: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return recipients.filter((r) => {
    const key = r.address.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
