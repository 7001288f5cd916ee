import { and, count, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import { aggregateStatement, type Db, type Executor } from '../db/client.js';
import { attentionLog, conversations } from '../db/schema.js';

export type AttentionKind = (typeof attentionLog.kind.enumValues)[number];

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

export interface AttentionCount {
  day: string;
  channel: string;
  kind: AttentionKind | 'abandoned';
  detail: string | null;
  count: number;
}

/**
 * Counts by day (in the municipality's time zone), channel, kind and detail. Conversations
 * that never reached any outcome (no case, no answer, no lookup, no handoff) are counted as
 * `abandoned` on the day the citizen last wrote.
 */
export async function attentionCounts(db: Db, range: { from: Date; to: Date }, timeZone: string): Promise<AttentionCount[]> {
  const day = sql<string>`to_char(${attentionLog.createdAt} at time zone ${timeZone}, 'YYYY-MM-DD')`;
  const lastDay = sql<string>`to_char(${conversations.lastInboundAt} at time zone ${timeZone}, 'YYYY-MM-DD')`;
  // Two scans of different tables: side by side on a server's pool.
  const [rows, abandoned] = await Promise.all([
    db
      .select({ day, channel: attentionLog.channel, kind: attentionLog.kind, detail: attentionLog.detail, count: count() })
      .from(attentionLog)
      .where(and(gte(attentionLog.createdAt, range.from), lt(attentionLog.createdAt, range.to)))
      // By position: the day expression's time-zone parameter would be a different bind each time.
      .groupBy(sql`1`, attentionLog.channel, attentionLog.kind, attentionLog.detail),
    db
      .select({ day: lastDay, channel: conversations.channel, count: count() })
      .from(conversations)
      .leftJoin(attentionLog, eq(attentionLog.conversationId, conversations.id))
      .where(and(gte(conversations.lastInboundAt, range.from), lt(conversations.lastInboundAt, range.to), isNull(attentionLog.id)))
      .groupBy(sql`1`, conversations.channel),
  ]);
  return [
    ...rows.map((r) => ({ ...r, count: Number(r.count) })),
    ...abandoned.map((r) => ({ day: r.day, channel: r.channel, kind: 'abandoned' as const, detail: null, count: Number(r.count) })),
  ].sort((a, b) => (a.day === b.day ? b.count - a.count : a.day < b.day ? 1 : -1));
}

export interface AttentionSummary {
  /** Every attention of the period by kind, whether or not it opened a case. */
  byKind: Record<AttentionKind, number>;
  /** Catalogue questions answered, by procedure id, most asked first. */
  procedures: Array<{ procedureId: string; count: number }>;
}

/** The dashboard's share of the attention log: a GROUP BY over the period's entries, on one channel when given. */
export async function attentionSummary(
  ex: Executor,
  range: { from: Date; to: Date; channel?: string | undefined },
): Promise<AttentionSummary> {
  const where = and(
    gte(attentionLog.createdAt, range.from),
    lte(attentionLog.createdAt, range.to),
    range.channel ? eq(attentionLog.channel, range.channel) : undefined,
  );
  // One pass over the period: the details of other kinds (a case type, a handoff's reason) are a handful of values.
  const rows = await aggregateStatement(ex, (tx) =>
    tx
      .select({ kind: attentionLog.kind, detail: attentionLog.detail, count: sql<number>`count(*)::int` })
      .from(attentionLog)
      .where(where)
      .groupBy(attentionLog.kind, attentionLog.detail),
  );
  const byKind = Object.fromEntries(attentionLog.kind.enumValues.map((k) => [k, 0])) as Record<AttentionKind, number>;
  const procedures: AttentionSummary['procedures'] = [];
  for (const r of rows) {
    byKind[r.kind] += Number(r.count);
    if (r.kind === 'information_answered' && r.detail) procedures.push({ procedureId: r.detail, count: Number(r.count) });
  }
  procedures.sort((a, b) => b.count - a.count || a.procedureId.localeCompare(b.procedureId));
  return { byKind, procedures };
}
