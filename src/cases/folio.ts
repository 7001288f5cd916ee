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
 * Takes the next number of the year from its sequence (created on the year's first case). A
 * sequence never waits for other transactions, so concurrent openings don't queue behind each
 * other's commits; the price is that a rolled-back opening leaves a gap (ADR 0014).
 */
export async function takeNextFolioSeq(tx: Executor, year: number): Promise<number> {
  const [row] = await queryRows<{ last_seq: number }>(tx, sql`select next_folio_seq(${year}::integer) as last_seq`);
  if (!row) throw new Error('folio counter returned no row');
  return Number(row.last_seq);
}
