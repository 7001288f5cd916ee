import { sql, type SQL } from 'drizzle-orm';
import { addDays, localTimeIn } from '../calendar/business-calendar.js';
import { HOUR_MS, splitPeriod } from '../cases/figure-rollup.js';
import { aggregateStatement, type Executor, queryRows } from '../db/client.js';
import { type ATTENTION_KINDS, attentionLog, conversations } from '../db/schema.js';

// The attention log's counts over a period come from `attention_figures` (kept by triggers,
// migration 0019) for its whole UTC hours, and from the log and the conversations themselves only
// for the hours it starts or ends inside: a year is ~150,000 summed rows, not a million attentions.

export type AttentionKind = (typeof ATTENTION_KINDS)[number];
export type AttentionCountKind = AttentionKind | 'abandoned';

export interface AttentionCount {
  channel: string;
  kind: AttentionCountKind;
  /** The case type, the procedure id, the handoff's reason or the lookup's outcome; null for none. */
  detail: string | null;
  count: number;
}

export interface AttentionDayCount extends AttentionCount {
  /** The local day, YYYY-MM-DD. */
  day: string;
}

export interface AttentionPeriod {
  /** The first and last instants counted, both included. */
  from: Date;
  to: Date;
  channel?: string | undefined;
  /** Whether to count the conversations that reached no outcome (kind `abandoned`). */
  abandoned: boolean;
}

const COLUMNS = sql.raw('kind, at, channel, detail, count');
/** The folded sums and the changes not folded yet, read in one statement (one snapshot). */
const summed = sql`(select ${COLUMNS} from attention_figures union all select ${COLUMNS} from attention_figure_changes) as f`;

/** Counts of the period per channel, kind and detail. */
export function attentionTotals(ex: Executor, period: AttentionPeriod): Promise<AttentionCount[]> {
  return countedBy(ex, period, null);
}

/**
 * Counts per local day of `timeZone`, channel, kind and detail. Summed hours are placed in days
 * only where every day of the period starts on a whole UTC hour; in zones an odd number of
 * minutes off UTC every attention is counted.
 */
export function attentionByDay(
  ex: Executor,
  days: { fromDay: string; toDay: string },
  timeZone: string,
  options: Omit<AttentionPeriod, 'from' | 'to'>,
): Promise<AttentionDayCount[]> {
  const from = localTimeIn(timeZone, days.fromDay, 0);
  const to = new Date(localTimeIn(timeZone, addDays(days.toDay, 1), 0).getTime() - 1);
  return countedBy(ex, { ...options, from, to }, { timeZone, summable: daysStartOnHours(timeZone, days) }) as Promise<AttentionDayCount[]>;
}

function daysStartOnHours(timeZone: string, days: { fromDay: string; toDay: string }): boolean {
  for (let day = days.fromDay; day <= addDays(days.toDay, 1); day = addDays(day, 1))
    if (localTimeIn(timeZone, day, 0).getTime() % HOUR_MS !== 0) return false;
  return true;
}

async function countedBy(
  ex: Executor,
  period: AttentionPeriod,
  byDay: { timeZone: string; summable: boolean } | null,
): Promise<Array<AttentionCount & { day?: string }>> {
  const split = !byDay || byDay.summable ? splitPeriod(period.from, period.to, HOUR_MS) : null;
  const whole = split?.whole ?? null;
  const inPeriod = (column: typeof attentionLog.createdAt | typeof conversations.lastInboundAt) =>
    whole ? split!.ends(column) : sql`${column} >= ${period.from} and ${column} <= ${period.to}`;
  const day = (column: SQL) => (byDay ? sql`to_char(${column} at time zone ${byDay.timeZone}, 'YYYY-MM-DD') as day, ` : sql``);
  // The day, when there is one, is the first column: grouped by position (its zone is a bind parameter).
  const groups = (n: number) => sql.raw(Array.from({ length: n + (byDay ? 1 : 0) }, (_, i) => String(i + 1)).join(', '));
  const channelOf = (column: SQL) => (period.channel ? sql` and ${column} = ${period.channel}` : sql``);

  type Row = { day?: string; channel: string; kind: AttentionCountKind; detail: string | null; count: number };
  const reads: Array<Promise<Row[]>> = [
    aggregateStatement(ex, (tx) =>
      queryRows<Row>(
        tx,
        sql`select ${day(sql`created_at`)}channel, kind, detail, count(*)::int as count
          from ${attentionLog} where ${inPeriod(attentionLog.createdAt)}${channelOf(sql`channel`)}
          group by ${groups(3)}`,
      ),
    ),
  ];
  if (period.abandoned)
    reads.push(
      aggregateStatement(ex, (tx) =>
        queryRows<Row>(
          tx,
          sql`select ${day(sql`last_inbound_at`)}channel, 'abandoned' as kind, null as detail, count(*)::int as count
            from ${conversations}
            where ${inPeriod(conversations.lastInboundAt)}${channelOf(sql`channel`)}
              and not exists (select 1 from ${attentionLog} where ${attentionLog.conversationId} = ${conversations.id})
            group by ${groups(1)}`,
        ),
      ),
    );
  if (whole)
    reads.push(
      aggregateStatement(ex, (tx) =>
        queryRows<Row>(
          tx,
          sql`select ${day(sql`at`)}channel, kind, nullif(detail, '') as detail, sum(count)::int as count
            from ${summed}
            where at >= ${whole.from} and at < ${whole.until}${channelOf(sql`channel`)}${period.abandoned ? sql`` : sql` and kind <> 'abandoned'`}
            group by ${groups(3)}
            having sum(count) <> 0`,
        ),
      ),
    );
  const merged = new Map<string, Row>();
  for (const rows of await Promise.all(reads))
    for (const r of rows) {
      const key = `${r.day ?? ''}\u0000${r.channel}\u0000${r.kind}\u0000${r.detail ?? ''}`;
      const seen = merged.get(key);
      if (seen) seen.count += Number(r.count);
      else merged.set(key, { ...r, count: Number(r.count) });
    }
  return [...merged.values()];
}

/** Moves the changes the triggers appended into `attention_figures` (with the case figures, by the sweep). */
export async function foldAttentionFigures(ex: Executor): Promise<number> {
  const [row] = await queryRows<{ folded: number }>(ex, sql`select ventanilla_attention_figures_fold() as folded`);
  return Number(row?.folded ?? 0);
}
