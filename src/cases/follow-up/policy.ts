import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sourceAsset } from '../../paths.js';
import { CaseType, DUE_UNITS, type Term as TermShape } from '../case-type.js';

/**
 * The municipality's follow-up rules as data (like the dialog script and the catalogue): terms
 * per type and category, the holiday calendar, the one extension, the forwarding term, when to
 * warn and escalate, the acknowledgement reminders, the digests, the survey. Validated at start;
 * a mistake stops the server with the field named.
 */
const Days = z.number().int().min(1).max(365);
export const Term = z.object({ days: Days, unit: z.enum(DUE_UNITS) }).strict() satisfies z.ZodType<TermShape>;
export type Term = TermShape;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'una fecha AAAA-MM-DD');
const Weekday = z.enum(['dom', 'lun', 'mar', 'mie', 'jue', 'vie', 'sab']);
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'una hora HH:MM');

export const EscalationPoint = z
  .object({
    /** Share of the term elapsed, in percent: 100 is the due date itself. */
    percent: z.number().int().min(1).max(200),
    /** `department`: the liaison and whoever holds the case; `coordinator`: the coordinators. */
    notify: z.array(z.enum(['department', 'coordinator'])).min(1),
    /** Marks the case `escalado` (only from 100%: before that it is not overdue). */
    escalate: z.boolean().default(false),
    /** Mailed at once, one mail per case; otherwise the warning waits for the daily notice digest. */
    urgent: z.boolean().default(false),
  })
  .strict();
export type EscalationPoint = z.infer<typeof EscalationPoint>;

export const DigestSchedule = z
  .object({
    name: z.string().min(1).max(40),
    every: z.enum(['weekly', 'fortnightly']),
    weekday: Weekday,
    time: ClockTime,
    /** Fortnightly digests go on the weeks an even number of weeks after this Monday-or-other date. */
    anchor: IsoDate.optional(),
    /** Also send each department's digest to the coordinators. */
    copyCoordinators: z.boolean().default(false),
  })
  .strict();
export type DigestSchedule = z.infer<typeof DigestSchedule>;

export const FollowUpPolicy = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    deadlines: z
      .object({
        /** Absent: CASE_DUE_DAYS calendar days. */
        default: Term.optional(),
        byType: z.partialRecord(CaseType, Term).default({}),
        /** Keyed by category code; a category's own days set in the console win over this. */
        byCategory: z.record(z.string(), Term).default({}),
      })
      .strict()
      .default({ byType: {}, byCategory: {} }),
    holidays: z.array(IsoDate).default([]),
    /** The one extension (prórroga): granted before the term ends, with a reason the citizen is told. */
    extension: z
      .object({ allowed: z.boolean(), term: Term })
      .strict()
      .default({ allowed: true, term: { days: 10, unit: 'business' } }),
    /** A request that belongs to another authority must be forwarded within this term, telling the citizen. */
    forwarding: Term.default({ days: 5, unit: 'business' }),
    escalation: z.array(EscalationPoint).default([
      { percent: 50, notify: ['department'], escalate: false, urgent: false },
      { percent: 80, notify: ['department'], escalate: false, urgent: false },
      { percent: 100, notify: ['department', 'coordinator'], escalate: true, urgent: false },
    ]),
    acknowledgement: z
      .object({
        /** Unacknowledged this long after the routing sheet: remind the liaison once. */
        remindAfter: Term,
        /** Still unacknowledged this long after the reminder: tell the coordinators. */
        escalateAfter: Term,
        /** How long the link in the routing sheet works. */
        linkValidDays: Days,
        /** Which of the two go at once, one mail per case, instead of in the daily notice digest. */
        urgent: z.array(z.enum(['reminder', 'escalation'])).default([]),
      })
      .strict()
      .default({
        remindAfter: { days: 2, unit: 'business' },
        escalateAfter: { days: 2, unit: 'business' },
        linkValidDays: 30,
        urgent: [],
      }),
    /**
     * Deadline warnings and missing acknowledgements reach each recipient as one mail per
     * department per day, at this local time, on business days (`business`) or every day.
     */
    noticeDigest: z
      .object({ time: ClockTime, days: z.enum(['business', 'every']).default('business') })
      .strict()
      .default({ time: '08:00', days: 'business' }),
    digests: z.array(DigestSchedule).default([
      { name: 'semanal', every: 'weekly', weekday: 'lun', time: '08:00', copyCoordinators: false },
      { name: 'quincenal', every: 'fortnightly', weekday: 'lun', time: '08:00', anchor: '2026-01-05', copyCoordinators: true },
    ]),
    survey: z.object({ reopenWithinDays: Days }).strict().default({ reopenWithinDays: 7 }),
    /** How often time-based rules (deadlines, reminders, callbacks) are checked. */
    sweepMinutes: z.number().int().min(1).max(1440).default(5),
  })
  .strict();
export type FollowUpPolicy = z.infer<typeof FollowUpPolicy>;

export class FollowUpPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source}:\n  ${issues.join('\n  ')}`);
    this.name = 'FollowUpPolicyError';
  }
}

export function parseFollowUpPolicy(json: unknown, source = 'follow-up policy'): FollowUpPolicy {
  const parsed = FollowUpPolicy.safeParse(json);
  if (!parsed.success)
    throw new FollowUpPolicyError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(raíz)'}: ${issue.message}`),
    );
  return parsed.data;
}

/** The municipality's file (FOLLOW_UP_POLICY), or the bundled default: 30 calendar days, national holidays. */
export function loadFollowUpPolicy(path?: string): FollowUpPolicy {
  const file = path ?? sourceAsset('seed', 'follow-up-policy.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FollowUpPolicyError(file, [(error as Error).message]);
  }
  return parseFollowUpPolicy(json, file);
}
