import { and, eq, gt, lt } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { staffSessions, staffUsers, type StaffUser } from '../db/schema.js';
import { Unauthorized } from '../errors.js';
import { burnPasswordCheck, verifyPassword } from './password.js';
import { worksEveryDepartment, type StaffRole } from './roles.js';

export type { StaffRole } from './roles.js';

/** What the rest of the app knows about the signed-in person. */
export interface StaffPrincipal {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  departmentId: number | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function toPrincipal(user: StaffUser): StaffPrincipal {
  return { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.departmentId };
}

/**
 * Checks an email and password. Every refusal is the same 401 after one password check, whether
 * the account exists, is inactive or the password is wrong; repeated failures are slowed by the
 * caller's `LoginThrottle`, never by locking the account (which would let anyone lock anyone out).
 */
export async function login(db: Db, email: string, password: string, ttlMs: number, now = new Date()) {
  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.email, email.trim().toLowerCase())).limit(1);
  if (!user?.active) {
    await burnPasswordCheck(password);
    throw new Unauthorized('error.bad_credentials');
  }
  if (!(await verifyPassword(password, user.passwordHash))) throw new Unauthorized('error.bad_credentials');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.insert(staffSessions).values({ tokenHash: sha256(token), userId: user.id, expiresAt });
  // Expired sessions are dead weight; sweeping them at login keeps the table small without a job.
  await db.delete(staffSessions).where(and(eq(staffSessions.userId, user.id), lt(staffSessions.expiresAt, now)));
  return { token, expiresAt, user: toPrincipal(user) };
}

export async function authenticate(db: Db, token: string | undefined, now = new Date()): Promise<StaffPrincipal> {
  if (!token) throw new Unauthorized();
  const [row] = await db
    .select({ user: staffUsers })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(and(eq(staffSessions.tokenHash, sha256(token)), gt(staffSessions.expiresAt, now), eq(staffUsers.active, true)))
    .limit(1);
  if (!row) throw new Unauthorized();
  return toPrincipal(row.user);
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, sha256(token)));
}

/** Department staff may only see their own department's cases. */
export function canSeeDepartment(principal: StaffPrincipal, departmentId: number): boolean {
  return worksEveryDepartment(principal.role) || principal.departmentId === departmentId;
}
