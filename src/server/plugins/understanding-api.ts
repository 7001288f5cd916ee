import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit, shownIds } from '../../auth/audit.js';
import type { StaffPrincipal } from '../../auth/sessions.js';
import { requireRole, staffAuth } from './staff-auth.js';
import type { Db } from '../../db/client.js';
import { labelledExamples } from '../../db/schema.js';
import { InvalidInput } from '../../errors.js';
import { attentionCounts } from '../../understanding/attention-log.js';
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
const DAY_MS = 86_400_000;

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

    routes.get(
      '/api/understanding/attention',
      {
        schema: {
          querystring: z.object({ from: z.string().regex(DAY).optional(), to: z.string().regex(DAY).optional() }),
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              counts: z.array(
                z.object({ day: z.string(), channel: z.string(), kind: z.string(), detail: z.string().nullable(), count: z.number() }),
              ),
              totals: z.object({ byKind: z.record(z.string(), z.number()), byChannel: z.record(z.string(), z.number()) }),
            }),
          },
        },
      },
      async (request) => {
        requireRole(request, COORDINATORS);
        // Days are UTC-bounded with a day's margin each side; the rows are then grouped in the municipality's zone.
        const to = request.query.to ? new Date(`${request.query.to}T00:00:00Z`).getTime() + 2 * DAY_MS : now().getTime() + DAY_MS;
        const from = request.query.from ? new Date(`${request.query.from}T00:00:00Z`).getTime() - DAY_MS : to - 32 * DAY_MS;
        if (!(from < to)) throw new InvalidInput();
        const fromDay = request.query.from;
        const toDay = request.query.to;
        const counts = (await attentionCounts(db, { from: new Date(from), to: new Date(to) }, timeZone)).filter(
          (c) => (!fromDay || c.day >= fromDay) && (!toDay || c.day <= toDay),
        );
        const byKind: Record<string, number> = {};
        const byChannel: Record<string, number> = {};
        for (const c of counts) {
          byKind[c.kind] = (byKind[c.kind] ?? 0) + c.count;
          byChannel[c.channel] = (byChannel[c.channel] ?? 0) + c.count;
        }
        return { from: fromDay ?? counts.at(-1)?.day ?? '', to: toDay ?? counts[0]?.day ?? '', counts, totals: { byKind, byChannel } };
      },
    );
  });
};
