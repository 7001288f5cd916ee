import { z } from 'zod';

/**
 * The case vocabulary, declared once: the schema's columns, the API's validation, the dialog
 * script's schema and the console's types all derive from these lists.
 */

/** The four kinds of request the office distinguishes; stored as these codes. */
export const CASE_TYPES = ['queja', 'solicitud_informacion', 'sugerencia', 'reporte'] as const;
export const CaseType = z.enum(CASE_TYPES);
export type CaseType = z.infer<typeof CaseType>;

export const CASE_STATUSES = ['nuevo', 'recepcionado', 'en_seguimiento', 'escalado', 'cerrado', 'no_procede'] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

/** Statuses with a final answer (closed, or declared not admissible): the case is no longer being worked. */
export const FINAL_STATUSES = ['cerrado', 'no_procede'] as const satisfies readonly CaseStatus[];
const finalStatuses: ReadonlySet<CaseStatus> = new Set(FINAL_STATUSES);
export const isFinalStatus = (status: CaseStatus): boolean => finalStatuses.has(status);

/** How an answer term counts: calendar days, or business days (office days minus holidays). */
export const DUE_UNITS = ['calendar', 'business'] as const;
export type DueUnit = (typeof DUE_UNITS)[number];

/** An answer term: so many days of a unit. */
export interface Term {
  days: number;
  unit: DueUnit;
}
