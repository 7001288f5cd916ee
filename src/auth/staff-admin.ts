import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { staffSessions, staffUsers } from '../db/schema.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { hashPassword } from './password.js';
import { isDepartmentRole, STAFF_ROLES, type StaffRole } from './roles.js';

export const NewStaffUser = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  role: z.enum(STAFF_ROLES),
  departmentId: z.number().int().positive().nullable().default(null),
  password: z.string().min(10).max(1000),
});
export const StaffUserChange = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  departmentId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
  password: z.string().min(10).max(1000).optional(),
});

const publicColumns = {
  id: staffUsers.id,
  email: staffUsers.email,
  name: staffUsers.name,
  role: staffUsers.role,
  departmentId: staffUsers.departmentId,
  active: staffUsers.active,
};

export const listStaffUsers = (db: Db) => db.select(publicColumns).from(staffUsers).orderBy(asc(staffUsers.name));

/** Department roles need a department; the others work across departments and have none. */
function checkDepartment(role: StaffRole, departmentId: number | null) {
  if (isDepartmentRole(role) !== (departmentId !== null)) throw new InvalidInput();
}

export async function createStaffUser(db: Db, input: z.infer<typeof NewStaffUser>) {
  checkDepartment(input.role, input.departmentId);
  const rows = await db
    .insert(staffUsers)
    .values({
      email: input.email,
      name: input.name,
      role: input.role,
      departmentId: input.departmentId,
      passwordHash: await hashPassword(input.password),
    })
    .onConflictDoNothing()
    .returning(publicColumns);
  if (!rows[0]) throw new Conflict();
  return rows[0];
}

/** Deactivating or resetting a password also ends the person's open sessions. */
export async function changeStaffUser(db: Db, id: number, change: z.infer<typeof StaffUserChange>) {
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id)).for('update');
    if (!user) throw new NotFound();
    const role = change.role ?? user.role;
    const departmentId = change.departmentId !== undefined ? change.departmentId : user.departmentId;
    checkDepartment(role, departmentId);
    const [row] = await tx
      .update(staffUsers)
      .set({
        ...(change.name ? { name: change.name } : {}),
        role,
        departmentId,
        ...(change.active !== undefined ? { active: change.active } : {}),
        ...(change.password ? { passwordHash: await hashPassword(change.password), failedLogins: 0, lockedUntil: null } : {}),
      })
      .where(eq(staffUsers.id, id))
      .returning(publicColumns);
    if (change.active === false || change.password) await tx.delete(staffSessions).where(eq(staffSessions.userId, id));
    return row!;
  });
}
