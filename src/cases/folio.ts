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

/**
 * A folio as a citizen types it into a form, written as `formatFolio` writes it: "ac-2026-000123",
 * "AC 2026 123", "ac2026000123", or without its prefix ("2026-123"), the configured one then
 * assumed. The whole input must be one folio (the dialog's `extractFolio` finds one in a sentence);
 * anything else is null. A prefix other than the configured one is kept: folios given before a
 * change of FOLIO_PREFIX keep theirs.
 */
export function normalizeFolio(input: string, prefix: string): string | null {
  const compact = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s._/#-]+/g, '');
  const match = /^([A-Z]{0,5})(20\d{2})(\d{1,7})$/.exec(compact);
  if (!match || Number(match[3]) === 0) return null;
  return formatFolio(match[1] || prefix, Number(match[2]), Number(match[3]));
}
