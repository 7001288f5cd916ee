import { DEPARTMENT_ROLES, type DepartmentRole, type StaffRole } from '../auth/roles.js';

/** Every action staff can take on a case (the `kind` of a `CaseAction`). */
export const CASE_ACTION_KINDS = [
  'receive',
  'derive_level',
  'derive_department',
  'derive_external',
  'reclassify',
  'note',
  'status',
  'reply',
  'close',
  'reject',
  'contacted',
  'extend',
] as const;
export type CaseActionKind = (typeof CASE_ACTION_KINDS)[number];

/** The levels (who holds the case inside its department) at which a role may take an action. */
type Levels = readonly DepartmentRole[];

const EVERY: Levels = DEPARTMENT_ROLES;
const NONE: Levels = [];

/** The holder's own level: department staff work a case only while it is held at their level. */
const holder = { responsable: ['responsable'], encargado: ['encargado'], experto: ['experto'] } as const satisfies Record<
  DepartmentRole,
  Levels
>;

/**
 * Who may take each action, at which level the case is held. One table, read by every case
 * action (see `actions.ts`) and walked whole by its test, so a new action or role cannot slip
 * through with no rule: the `satisfies` makes a missing cell a compile error.
 *
 * Admins and coordinators supervise every level; operators attend citizens at any level but do
 * not decide for a department (no derivation elsewhere, no extension, no *no procede*). Notes
 * and the record of a phone call are bookkeeping anyone who sees the case may add.
 */
export const CASE_ACTION_RULES = {
  receive: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  derive_level: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  derive_department: { admin: EVERY, coordinador: EVERY, operador: NONE, responsable: ['responsable'], encargado: NONE, experto: NONE },
  derive_external: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  reclassify: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  note: { admin: EVERY, coordinador: EVERY, operador: EVERY, responsable: EVERY, encargado: EVERY, experto: EVERY },
  status: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  reply: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  close: { admin: EVERY, coordinador: EVERY, operador: EVERY, ...holder },
  reject: { admin: EVERY, coordinador: EVERY, operador: NONE, responsable: NONE, encargado: NONE, experto: NONE },
  contacted: { admin: EVERY, coordinador: EVERY, operador: EVERY, responsable: EVERY, encargado: EVERY, experto: EVERY },
  extend: { admin: EVERY, coordinador: EVERY, operador: NONE, responsable: ['responsable'], encargado: NONE, experto: NONE },
} as const satisfies Record<CaseActionKind, Record<StaffRole, Levels>>;

/** Whether `role` may take `action` on a case held at `level`. */
export function mayTakeCaseAction(role: StaffRole, action: CaseActionKind, level: DepartmentRole): boolean {
  const levels: Levels = CASE_ACTION_RULES[action][role];
  return levels.includes(level);
}

/**
 * The moves between levels inside a department, as the MOP procedure has them: each level passes
 * a case down the chain (Responsable → Encargado → Experto) and sends it back up
 * (Experto → Encargado → Responsable), one step at a time. Outside the department a case leaves
 * by `derive_department` or `derive_external` (another organism), ruled by the table above.
 */
export const LEVEL_MOVES = {
  responsable: ['encargado'],
  encargado: ['responsable', 'experto'],
  experto: ['encargado'],
} as const satisfies Record<DepartmentRole, readonly DepartmentRole[]>;

/** Where a case held at `from` may be derived to inside its department (by the level rule alone). */
export const levelMovesFrom = (from: DepartmentRole): readonly DepartmentRole[] => LEVEL_MOVES[from];

/**
 * What `role` may do to a case held at `level`: the actions of the table and the levels it may be
 * derived to. The console offers exactly these; `actOnCase` refuses the rest with the same rules.
 */
export function allowedCaseActions(role: StaffRole, level: DepartmentRole): { actions: CaseActionKind[]; levels: DepartmentRole[] } {
  const actions = CASE_ACTION_KINDS.filter((action) => mayTakeCaseAction(role, action, level));
  return { actions, levels: actions.includes('derive_level') ? [...levelMovesFrom(level)] : [] };
}
