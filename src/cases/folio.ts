import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.js';
import { dateFormat } from '../date-format.js';

export function formatFolio(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/** The calendar year on the municipality's wall clock: a case opened on 31 Dec 23:30 local time belongs to that year. */
export function localYear(at: Date, timeZone: string): number {
  return Number(dateFormat('en-US', { timeZone, year: 'numeric' }).format(at));
}

/**
 * Takes the next number of the year inside the caller's transaction. The counter row stays
 * locked until commit, so concurrent openings queue instead of colliding, and a rolled-back
 * opening gives its number back: folios have no gaps.
 */
export async function takeNextFolioSeq(tx: Executor, year: number): Promise<number> {
  const [row] = await queryRows<{ last_seq: number }>(
    tx,
    sql`
    insert into folio_counters (year, last_seq) values (${year}, 1)
    on conflict (year) do update set last_seq = folio_counters.last_seq + 1
    returning last_seq`,
  );
  if (!row) throw new Error('folio counter returned no row');
  return Number(row.last_seq);
}
