import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { hashPassword } from '../auth/password.js';
import type { Db } from '../db/client.js';
import { categoriesChanged } from '../cases/category-menu.js';
import { categories, departments, staffUsers } from '../db/schema.js';
import { sourceAsset } from '../paths.js';

export const MunicipalityConfig = z.object({
  municipality: z.string().min(1),
  departments: z.array(z.object({ code: z.string().min(1), name: z.string().min(1), liaisonEmail: z.email().optional() })).min(1),
  categories: z
    .array(
      z.object({
        code: z.string().min(1),
        name: z.string().min(1),
        department: z.string().min(1),
        dueDays: z.number().int().min(1).optional(),
        /** Reports of this category nearer than this are one problem (issue 20). */
        clusterRadiusM: z.number().int().min(1).max(5000).optional(),
      }),
    )
    .min(1),
});
export type MunicipalityConfig = z.infer<typeof MunicipalityConfig>;

export function loadDefaultMunicipality(): MunicipalityConfig {
  return MunicipalityConfig.parse(JSON.parse(readFileSync(sourceAsset('seed', 'default-municipality.json'), 'utf8')));
}

export interface SeedResult {
  /** Set only on the start that created the first admin, so the password is shown exactly once. */
  adminCreated?: { email: string; password: string; generated: boolean };
}

/**
 * Idempotent: adds what is missing and never overwrites what a municipality already edited,
 * so it runs on every start and on several instances at once.
 */
export async function seedDefaults(
  db: Db,
  options: { adminEmail: string; adminPassword?: string | undefined; config?: MunicipalityConfig },
): Promise<SeedResult> {
  const config = options.config ?? loadDefaultMunicipality();
  for (const d of config.departments) {
    await db
      .insert(departments)
      .values({ code: d.code, name: d.name, liaisonEmail: d.liaisonEmail ?? null })
      .onConflictDoNothing();
  }
  const deptIds = new Map((await db.select({ id: departments.id, code: departments.code }).from(departments)).map((d) => [d.code, d.id]));
  for (const c of config.categories) {
    const departmentId = deptIds.get(c.department);
    if (departmentId === undefined) throw new Error(`category ${c.code} names unknown department ${c.department}`);
    await db
      .insert(categories)
      .values({ code: c.code, name: c.name, departmentId, dueDays: c.dueDays ?? null, clusterRadiusM: c.clusterRadiusM ?? null })
      .onConflictDoNothing();
  }
  categoriesChanged();

  const [anyAdmin] = await db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.role, 'admin')).limit(1);
  if (anyAdmin) return {};
  const password = options.adminPassword ?? randomBytes(12).toString('base64url');
  const inserted = await db
    .insert(staffUsers)
    .values({ email: options.adminEmail, name: 'Administración', role: 'admin', passwordHash: await hashPassword(password) })
    .onConflictDoNothing()
    .returning({ id: staffUsers.id });
  return inserted.length ? { adminCreated: { email: options.adminEmail, password, generated: !options.adminPassword } } : {};
}
