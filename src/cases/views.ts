import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { caseEvents, cases, citizens } from '../db/schema.js';

/**
 * What the staff API shows of a case. Derived from the table, so a renamed column fails to
 * compile; anything not listed here (internal ids, future columns) never leaves the server.
 */
export const CaseSummaryView = createSelectSchema(cases)
  .pick({
    id: true,
    folio: true,
    type: true,
    status: true,
    channel: true,
    description: true,
    address: true,
    latitude: true,
    longitude: true,
    classificationConfidence: true,
    dueAt: true,
    createdAt: true,
    updatedAt: true,
    closedAt: true,
  })
  .extend({
    category: z.object({ code: z.string(), name: z.string() }),
    department: z.object({ id: z.number(), code: z.string(), name: z.string() }),
  });
export type CaseSummaryView = z.infer<typeof CaseSummaryView>;

export const CaseDetailView = CaseSummaryView.extend({
  citizen: createSelectSchema(citizens).pick({ id: true, name: true, phone: true, email: true }).nullable(),
  events: z.array(
    createSelectSchema(caseEvents)
      .pick({ id: true, type: true, actorKind: true, actorId: true, createdAt: true })
      .extend({ data: z.record(z.string(), z.unknown()) }),
  ),
  attachments: z.array(
    z.object({
      id: z.number(),
      kind: z.string(),
      contentType: z.string(),
      filename: z.string().nullable(),
      sizeBytes: z.number(),
      createdAt: z.date(),
    }),
  ),
});
export type CaseDetailView = z.infer<typeof CaseDetailView>;
