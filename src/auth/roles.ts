/**
 * The staff roles, declared once: the schema (`staff_users.role`, `cases.assigned_role`), the
 * staff API's validation and the console's types all come from these lists.
 */

/** Every role a staff member may have. */
export const STAFF_ROLES = ['admin', 'coordinador', 'operador', 'responsable', 'encargado', 'experto'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles that work every department's cases; the rest see only their own department. */
export const CROSS_DEPARTMENT_ROLES = ['admin', 'coordinador', 'operador'] as const satisfies readonly StaffRole[];
const crossDepartmentRoles: ReadonlySet<StaffRole> = new Set(CROSS_DEPARTMENT_ROLES);
export const worksEveryDepartment = (role: StaffRole): boolean => crossDepartmentRoles.has(role);

/**
 * The levels a case passes through inside its department, and the roles of the people who hold
 * it there: they belong to a department, the other roles to none.
 */
export const DEPARTMENT_ROLES = ['responsable', 'encargado', 'experto'] as const satisfies readonly StaffRole[];
export type DepartmentRole = (typeof DEPARTMENT_ROLES)[number];

const departmentRoles: ReadonlySet<StaffRole> = new Set(DEPARTMENT_ROLES);
export const isDepartmentRole = (role: StaffRole): role is DepartmentRole => departmentRoles.has(role);
