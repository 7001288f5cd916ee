import { and, asc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { recordAudit } from '../auth/audit.js';
import { labelledExamples, type LabelledExample } from '../db/schema.js';
import { NotFound } from '../errors.js';
import { csvLine } from '../csv.js';

export interface NewLabelledExample {
  conversationId: string;
  messageId?: number | undefined;
  channel: string;
  field: 'type' | 'category';
  text: string;
  predicted?: string | undefined;
  chosen: string;
  confidence?: number | undefined;
  at: Date;
}

export async function recordLabelledExample(ex: Executor, example: NewLabelledExample): Promise<void> {
  if (!example.text.trim()) return;
  await ex.insert(labelledExamples).values({
    conversationId: example.conversationId,
    messageId: example.messageId ?? null,
    channel: example.channel,
    field: example.field,
    text: example.text,
    predicted: example.predicted ?? null,
    chosen: example.chosen,
    confidence: example.confidence ?? null,
    createdAt: example.at,
  });
}

export type Review = LabelledExample['review'];

export async function listLabelledExamples(db: Db, filter: { review?: Review | undefined; limit: number }): Promise<LabelledExample[]> {
  return db
    .select()
    .from(labelledExamples)
    .where(filter.review ? eq(labelledExamples.review, filter.review) : undefined)
    .orderBy(asc(labelledExamples.id))
    .limit(filter.limit);
}

/** Accepts or rejects one example, audited under the reviewing staff member. */
export async function reviewLabelledExample(
  db: Db,
  id: number,
  decision: 'accepted' | 'rejected',
  staff: { id: number; ip: string },
  at: Date,
): Promise<LabelledExample> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(labelledExamples)
      .set({ review: decision, reviewedBy: staff.id, reviewedAt: at })
      .where(eq(labelledExamples.id, id))
      .returning();
    if (!row) throw new NotFound('error.not_found');
    await recordAudit(tx, {
      staffUserId: staff.id,
      action: `labelled_example.${decision}`,
      subjectType: 'labelled_example',
      subjectId: id,
      ip: staff.ip,
    });
    return row;
  });
}

/**
 * Accepted examples as corpus lines, `text,label` for one field: ready to append to the
 * training corpus (or to feed `ventanilla eval`).
 */
export async function exportAcceptedExamples(db: Db, field: 'type' | 'category'): Promise<string> {
  const rows = await db
    .select({ text: labelledExamples.text, chosen: labelledExamples.chosen })
    .from(labelledExamples)
    .where(and(eq(labelledExamples.review, 'accepted'), eq(labelledExamples.field, field)))
    .orderBy(asc(labelledExamples.id));
  return ['text,label', ...rows.map((r) => csvLine([r.text, r.chosen]))].join('\n') + '\n';
}
