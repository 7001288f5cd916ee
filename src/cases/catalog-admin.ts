import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { categories, departments } from '../db/schema.js';
import { categoriesChanged } from './category-menu.js';
import { Conflict, NotFound } from '../errors.js';
import { CaseType, DUE_UNITS } from './case-type.js';

const Code = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]{2,60}$/);
const Email = z.preprocess((v) => (v === '' ? null : v), z.email().max(254).nullable());

export const DepartmentInput = z.object({ code: Code, name: z.string().trim().min(1).max(200), liaisonEmail: Email.default(null) });
export const DepartmentChange = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  liaisonEmail: Email.optional(),
  active: z.boolean().optional(),
});
export const CategoryInput = z.object({
  code: Code,
  name: z.string().trim().min(1).max(200),
  departmentId: z.number().int().positive(),
  defaultType: CaseType.nullable().default(null),
  dueDays: z.number().int().min(1).max(365).nullable().default(null),
  /** Whether `dueDays` counts calendar or business days (holidays from the follow-up policy). */
  dueUnit: z.enum(DUE_UNITS).nullable().default(null),
  /** Reports of this category nearer than this are one problem (issue 20); CLUSTER_RADIUS_M when null. */
  clusterRadiusM: z.number().int().min(1).max(5000).nullable().default(null),
});
export const CategoryChange = CategoryInput.omit({ code: true }).partial().extend({ active: z.boolean().optional() });

export const listDepartments = (db: Db) => db.select().from(departments).orderBy(asc(departments.name));
export const listCategories = (db: Db) => db.select().from(categories).orderBy(asc(categories.name));

/** The one row a write returned, or the error that says why there is none (a duplicate code, an unknown id). */
function theRow<T>(rows: T[], none: () => Error): T {
  const [row] = rows;
  if (!row) throw none();
  return row;
}

export async function createDepartment(db: Db, input: z.infer<typeof DepartmentInput>) {
  return theRow(await db.insert(departments).values(input).onConflictDoNothing().returning(), () => new Conflict());
}
export async function changeDepartment(db: Db, id: number, change: z.infer<typeof DepartmentChange>) {
  return theRow(await db.update(departments).set(change).where(eq(departments.id, id)).returning(), () => new NotFound());
}
export async function createCategory(db: Db, input: z.infer<typeof CategoryInput>) {
  const row = theRow(await db.insert(categories).values(input).onConflictDoNothing().returning(), () => new Conflict());
  categoriesChanged();
  return row;
}
export async function changeCategory(db: Db, id: number, change: z.infer<typeof CategoryChange>) {
  const row = theRow(await db.update(categories).set(change).where(eq(categories.id, id)).returning(), () => new NotFound());
  categoriesChanged();
  return row;
}
