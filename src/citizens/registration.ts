import { z } from 'zod';
import type { StaffRole } from '../auth/roles.js';

/**
 * The phone centre's registration fields (birth date, sex, place of birth, home address): asked
 * only where the municipality turns them on (CITIZEN_REGISTRATION_FIELDS), kept in one nullable
 * column of the citizen (`citizens.registration`), shown only to the staff who attend citizens,
 * and erased with the rest of their personal data. Nothing is asked or kept by default.
 */
export const REGISTRATION_FIELDS = ['birthdate', 'sex', 'birthplace', 'address'] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];

export const SEXES = ['mujer', 'hombre', 'otro'] as const;
export type Sex = (typeof SEXES)[number];

/** Who may read a registration: the staff who attend citizens, not the departments working the case. */
const REGISTRATION_READERS: ReadonlySet<StaffRole> = new Set(['admin', 'coordinador', 'operador']);
export const mayReadRegistration = (role: StaffRole): boolean => REGISTRATION_READERS.has(role);

/** What a registration holds: each field only when given. */
export type CitizenRegistration = { birthdate?: string; sex?: Sex; birthplace?: string; address?: string };

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** A calendar day (YYYY-MM-DD) that exists, from 1900 on. Whether it is past is checked against the clock by the caller. */
const Birthdate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
  });

/** The fields as typed in Abrir caso: blanks are "not given". */
export const RegistrationInput = z
  .object({
    birthdate: optional(Birthdate),
    sex: optional(z.enum(SEXES)),
    birthplace: optional(z.string().trim().max(120)),
    address: optional(z.string().trim().max(300)),
  })
  .strict();
export type RegistrationInput = z.infer<typeof RegistrationInput>;

/** The registration fields a municipality turns on, as written in the environment ("birthdate,sex"). */
export const RegistrationFieldList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(REGISTRATION_FIELDS)))
  .transform((fields) => REGISTRATION_FIELDS.filter((f) => fields.includes(f)));
