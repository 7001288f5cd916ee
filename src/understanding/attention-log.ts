import type { Executor } from '../db/client.js';
import { attentionLog } from '../db/schema.js';
import { type AttentionKind, attentionTotals } from './attention-figures.js';

export type { AttentionKind } from './attention-figures.js';

export interface AttentionEntry {
  conversationId: string;
  channel: string;
  kind: AttentionKind;
  detail?: string | undefined;
  caseId?: number | undefined;
  at: Date;
}

/** Called inside the turn's transaction, so the log never disagrees with what the citizen was told. */
export async function recordAttention(ex: Executor, entry: AttentionEntry): Promise<void> {
  await ex.insert(attentionLog).values({
    conversationId: entry.conversationId,
    channel: entry.channel,
    kind: entry.kind,
    detail: entry.detail ?? null,
    caseId: entry.caseId ?? null,
    createdAt: entry.at,
  });
}

export interface AttentionSummary {
  /** Every attention of the period by kind, whether or not it opened a case. */
  byKind: Record<AttentionKind, number>;
  /** Catalogue questions answered, by procedure id, most asked first. */
  procedures: Array<{ procedureId: string; count: number }>;
}

/** The dashboard's share of the attention log over a period, on one channel when given. */
export async function attentionSummary(
  ex: Executor,
  range: { from: Date; to: Date; channel?: string | undefined },
): Promise<AttentionSummary> {
  return summaryOf(await attentionTotals(ex, { ...range, abandoned: false }));
}

/** Counts by kind, and the catalogue questions among them by procedure. */
export function summaryOf(counts: ReadonlyArray<{ kind: string; detail: string | null; count: number }>): AttentionSummary {
  const byKind = Object.fromEntries(attentionLog.kind.enumValues.map((k) => [k, 0])) as Record<AttentionKind, number>;
  const asked = new Map<string, number>();
  for (const r of counts) {
    if (r.kind in byKind) byKind[r.kind as AttentionKind] += r.count;
    if (r.kind === 'information_answered' && r.detail) asked.set(r.detail, (asked.get(r.detail) ?? 0) + r.count);
  }
  const procedures = [...asked].map(([procedureId, count]) => ({ procedureId, count }));
  procedures.sort((a, b) => b.count - a.count || a.procedureId.localeCompare(b.procedureId));
  return { byKind, procedures };
}
