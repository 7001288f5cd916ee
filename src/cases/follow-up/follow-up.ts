import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { BusinessCalendar } from '../../calendar/business-calendar.js';
import { readChannelState } from '../../db/channel-state.js';
import type { Db, Tx } from '../../db/client.js';
import { cases, channelState, jobs, type Case } from '../../db/schema.js';
import type { Locale } from '../../i18n/index.js';
import type { Mailer } from '../../messages/mail.js';
import { enqueueJob } from '../../queue/enqueue.js';
import type { JobHandler } from '../../queue/job.js';
import type { JobPayload } from '../../queue/payload.js';
import type { CaseTerms } from '../deadlines.js';
import { CASE_EVENT_JOB, findCaseEvent, type CaseEventType, type RecordedCaseEvent } from '../events.js';
import type { FollowUpChannels } from './citizen-message.js';
import type { FollowUpPolicy } from './policy.js';
import { createStaffMailDelivery, STAFF_MAIL_JOB } from './staff-mail.js';

/** Everything the automatic follow-up needs, built once by `buildApp`. */
export interface FollowUpDeps {
  db: Db;
  policy: FollowUpPolicy;
  calendar: BusinessCalendar;
  terms: CaseTerms;
  locale: Locale;
  municipalityName: string;
  /** Where links in mails point (PUBLIC_URL, or this server's own address). */
  publicUrl: string;
  /** Staff mail can be sent (SMTP_URL and EMAIL_FROM); `fromDomain` names Message-IDs. */
  mail: { enabled: boolean; fromDomain: string };
  /** What citizens can be written to, for cases opened on their behalf. */
  channels: FollowUpChannels;
  /** Where the weekly wrong-number list goes (COMMUNICATIONS_OFFICE_EMAIL); none is sent without it. */
  communicationsOffice?: string | undefined;
  /** Signs acknowledgement links; the same for every instance (kept in the database). */
  linkSecret: Buffer;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Reacts to one case event, inside the transaction that marks its job done: exactly once. It is
 * run only for the events it is `on`, so `run` may take just those (narrowed by `type`).
 */
export interface Reaction<T extends CaseEventType = CaseEventType> {
  name: string;
  on: readonly T[];
  run(tx: Tx, event: RecordedCaseEvent<T>, current: Case, deps: FollowUpDeps, now: Date): Promise<void>;
}

/** A reaction typed by its `on`: `run` gets those events. */
export const reaction = <T extends CaseEventType>(definition: Reaction<T>): Reaction<T> => definition;

/**
 * A time-based rule checked every few minutes (deadline warnings, acknowledgement reminders,
 * callbacks due). It runs its own transactions and records a `follow_up_marks` row for each thing
 * it does, so a rule acts once per case however often or wherever it runs.
 */
export interface Sweep {
  name: string;
  run(deps: FollowUpDeps, now: Date): Promise<void>;
}

/** A job on the municipality's calendar (digests): `next` says when it next runs and under which key. */
export interface Recurring {
  kind: string;
  next(deps: FollowUpDeps, after: Date): Array<{ key: string; runAt: Date; payload?: JobPayload }>;
  handler(deps: FollowUpDeps): JobHandler;
}

export interface FollowUpParts {
  reactions: readonly Reaction[];
  sweeps: readonly Sweep[];
  recurring: readonly Recurring[];
  /** Other job kinds parts schedule themselves (a callback's next action…). */
  jobs?: ReadonlyMap<string, (deps: FollowUpDeps) => JobHandler>;
}

export const SWEEP_JOB = 'follow_up.sweep';

export interface FollowUp {
  deps: FollowUpDeps;
  handlers: ReadonlyMap<string, JobHandler>;
  /** Makes sure the next sweep and each recurring job are scheduled (idempotent; every instance calls it at start). */
  ensureScheduled(now: Date): Promise<void>;
}

export function createFollowUp(deps: FollowUpDeps, parts: FollowUpParts, mailer: Mailer | undefined): FollowUp {
  const sweepMs = deps.policy.sweepMinutes * 60_000;
  const sweepSlot = (at: Date) => new Date(Math.floor(at.getTime() / sweepMs) * sweepMs);
  const scheduleSweep = (ex: Db | Tx, at: Date) => enqueueJob(ex, { kind: SWEEP_JOB, key: `sweep:${at.toISOString()}`, runAt: at });

  const handlers = new Map<string, JobHandler>();
  handlers.set(STAFF_MAIL_JOB, createStaffMailDelivery(mailer));

  handlers.set(CASE_EVENT_JOB, async (job, context) => {
    const eventId = Number(job.payload.eventId);
    await context.db.transaction(async (tx) => {
      const event = await findCaseEvent(tx, eventId);
      const [current] = event ? await tx.select().from(cases).where(eq(cases.id, event.caseId)).for('update').limit(1) : [];
      if (event && current) {
        for (const reaction of parts.reactions) {
          if (reaction.on.includes(event.type)) await reaction.run(tx, event, current, deps, context.now);
        }
      }
      await context.finish(tx);
    });
  });

  handlers.set(SWEEP_JOB, async (_job, context) => {
    // The next sweep is scheduled first: a failing rule retries this one without stopping the others.
    await scheduleSweep(context.db, new Date(sweepSlot(context.now).getTime() + sweepMs));
    // Past sweeps matter to nobody once done (other jobs' keys keep guarding against repeats): keep a week.
    await context.db
      .delete(jobs)
      .where(and(eq(jobs.kind, SWEEP_JOB), eq(jobs.status, 'done'), lt(jobs.runAt, new Date(context.now.getTime() - 7 * 86_400_000))));
    const failures: unknown[] = [];
    for (const sweep of parts.sweeps) {
      try {
        await sweep.run(deps, context.now);
      } catch (error) {
        deps.logger.error({ err: error, sweep: sweep.name }, 'follow-up rule failed');
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  });

  for (const recurring of parts.recurring) {
    const run = recurring.handler(deps);
    handlers.set(recurring.kind, async (job, context) => {
      for (const next of recurring.next(deps, job.runAt)) await enqueueJob(context.db, { kind: recurring.kind, ...next });
      await run(job, context);
    });
  }
  for (const [kind, make] of parts.jobs ?? []) handlers.set(kind, make(deps));

  return {
    deps,
    handlers,
    async ensureScheduled(now) {
      await scheduleSweep(deps.db, sweepSlot(now));
      for (const recurring of parts.recurring) {
        for (const next of recurring.next(deps, now)) await enqueueJob(deps.db, { kind: recurring.kind, ...next });
      }
    },
  };
}

const LINK_SECRET_KEY = 'link_secret';

/** The key that signs links in mails: made by the first instance that starts, then shared through the database. */
export async function loadLinkSecret(db: Db): Promise<Buffer> {
  // Insert-if-absent, then read: two instances starting together end up with the same key.
  await db
    .insert(channelState)
    .values({ channel: 'system', key: LINK_SECRET_KEY, value: randomBytes(32).toString('base64') })
    .onConflictDoNothing();
  return Buffer.from((await readChannelState<string>(db, 'system', LINK_SECRET_KEY))!, 'base64');
}
