import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit, shownIds } from '../../auth/audit.js';
import type { StaffPrincipal } from '../../auth/sessions.js';
import { requireRole, staffAuth } from './staff-auth.js';
import type { Db } from '../../db/client.js';
import { labelledExamples } from '../../db/schema.js';
import { InvalidInput } from '../../errors.js';
import { addDays, localTimeIn, wallClock } from '../../calendar/business-calendar.js';
import { type AttentionCount, attentionByDay, attentionTotals } from '../../understanding/attention-figures.js';
import { summaryOf } from '../../understanding/attention-log.js';
import { exportAcceptedExamples, listLabelledExamples, reviewLabelledExample } from '../../understanding/labelled-examples.js';

export interface UnderstandingApiOptions {
  db: Db;
  timeZone: string;
  now: () => Date;
}

/** Who may review labelled examples (they change what the classifier learns) and who may read the attention figures. */
const REVIEWERS: readonly StaffPrincipal['role'][] = ['admin'];
const COORDINATORS: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];

// The labelled examples' enums are the table's (src/db/schema.ts).
const Field = z.enum(labelledExamples.field.enumValues);
const Review = z.enum(labelledExamples.review.enumValues);

const ExampleView = z.object({
  id: z.number(),
  conversationId: z.string(),
  channel: z.string(),
  field: Field,
  text: z.string(),
  predicted: z.string().nullable(),
  chosen: z.string(),
  confidence: z.number().nullable(),
  review: Review,
  createdAt: z.date(),
  reviewedAt: z.date().nullable(),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Days per request of the per-day form: a day's rows per channel and kind are already many. */
const MAX_DAYS = 800;

function totalsOf(counts: readonly AttentionCount[]) {
  const byKind: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  for (const c of counts) {
    byKind[c.kind] = (byKind[c.kind] ?? 0) + c.count;
    byChannel[c.channel] = (byChannel[c.channel] ?? 0) + c.count;
  }
  return { byKind, byChannel, procedures: summaryOf(counts).procedures };
}

/**
 * Staff endpoints for issue 9: labelled examples from low-confidence picks (review and export
 * into the corpus) and the attention log's counts. Kept apart from staff-api.ts; the same
 * session tokens authenticate both.
 */
export const understandingApiPlugin: FastifyPluginAsync<UnderstandingApiOptions> = async (plugin, { db, timeZone, now }) => {
  plugin.register(async (authed) => {
    // Bearer tokens for scripts, the console's cookie (with its anti-CSRF header) for the console's pages.
    staffAuth(authed, db);
    const routes = authed.withTypeProvider<ZodTypeProvider>();

    routes.get(
      '/api/understanding/examples',
      {
        schema: {
          querystring: z.object({
            review: Review.optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(200),
          }),
          response: { 200: z.object({ examples: z.array(ExampleView) }) },
        },
      },
      async (request) => {
        const staff = requireRole(request, REVIEWERS);
        const examples = await listLabelledExamples(db, request.query);
        // Labelled examples are citizens' own words.
        await recordAudit(db, {
          staffUserId: staff.id,
          action: 'examples.viewed',
          subjectType: 'labelled_example',
          subjectId: shownIds(examples.map((e) => e.id)),
          ip: request.ip,
        });
        return { examples };
      },
    );

    routes.post(
      '/api/understanding/examples/:id/review',
      {
        schema: {
          params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
          body: z.object({ decision: z.enum(['accepted', 'rejected']) }),
          response: { 200: z.object({ example: ExampleView }) },
        },
      },
      async (request) => {
        const staff = requireRole(request, REVIEWERS);
        const example = await reviewLabelledExample(db, request.params.id, request.body.decision, { id: staff.id, ip: request.ip }, now());
        return { example };
      },
    );

    routes.get(
      '/api/understanding/examples.csv',
      { schema: { querystring: z.object({ field: Field.default('type') }) } },
      async (request, reply) => {
        const staff = requireRole(request, REVIEWERS);
        const csv = await exportAcceptedExamples(db, request.query.field);
        await recordAudit(db, {
          staffUserId: staff.id,
          action: 'examples.exported',
          subjectType: 'labelled_example',
          subjectId: `accepted:${request.query.field}`,
          ip: request.ip,
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="labelled-${request.query.field}.csv"`)
          .send(csv);
      },
    );

    const Count = { channel: z.string(), kind: z.string(), detail: z.string().nullable(), count: z.number() };
    routes.get(
      '/api/understanding/attention',
      {
        schema: {
          querystring: z.object({
            from: z.string().regex(DAY).optional(),
            to: z.string().regex(DAY).optional(),
            // `period`: the totals alone, what the console draws; `day`: every day's rows besides.
            per: z.enum(['day', 'period']).default('day'),
          }),
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              counts: z.array(z.object({ day: z.string(), ...Count })).optional(),
              totals: z.object({
                byKind: z.record(z.string(), z.number()),
                byChannel: z.record(z.string(), z.number()),
                procedures: z.array(z.object({ procedureId: z.string(), count: z.number() })),
              }),
            }),
          },
        },
      },
      async (request) => {
        requireRole(request, COORDINATORS);
        const toDay = request.query.to ?? wallClock(now(), timeZone).toISOString().slice(0, 10);
        const fromDay = request.query.from ?? addDays(toDay, -29);
        if (fromDay > toDay) throw new InvalidInput();
        const days = { fromDay, toDay };
        if (request.query.per === 'period') {
          const from = localTimeIn(timeZone, fromDay, 0);
          const to = new Date(localTimeIn(timeZone, addDays(toDay, 1), 0).getTime() - 1);
          const counts = await attentionTotals(db, { from, to, abandoned: true });
          return { from: fromDay, to: toDay, totals: totalsOf(counts) };
        }
        if (addDays(fromDay, MAX_DAYS) <= toDay) throw new InvalidInput();
        const counts = (await attentionByDay(db, days, timeZone, { abandoned: true })).sort((a, b) =>
          a.day === b.day ? b.count - a.count : a.day < b.day ? 1 : -1,
        );
        return { from: fromDay, to: toDay, counts, totals: totalsOf(counts) };
      },
    );
  });
};
