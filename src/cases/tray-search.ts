import { sql, type SQL } from 'drizzle-orm';
import { cases } from '../db/schema.js';

/**
 * The tray's search box: every word must be found somewhere in the case — its folio, its
 * description, its citizen's name or e-mail, or the digits of their phone. A phone typed with
 * spaces, dashes or a country code, «+52 (55) 1234-5678», is one term: its digits. Each word is
 * one trigram lookup in `cases.search_text` (migration 0014), accents and case ignored.
 */
export function searchSql(q: string): SQL | undefined {
  const terms = searchTerms(q);
  if (terms.length === 0) return undefined;
  return sql.join(
    terms.map((term) => sql`${cases.searchText} like ventanilla_search_text(${containing(term)})`),
    sql` and `,
  );
}

/** Trigram indexes need three characters to look anything up; a shorter word would read every row. */
const MIN_TERM = 3;
const MIN_PHONE_DIGITS = 4;
const PHONE_LIKE = /^[\d\s()+.-]+$/;
/** Words after these add little and each costs an index lookup. */
const MAX_TERMS = 8;

export function searchTerms(q: string): string[] {
  const trimmed = q.trim().slice(0, 200);
  const digits = trimmed.replace(/\D/g, '');
  if (PHONE_LIKE.test(trimmed) && digits.length >= MIN_PHONE_DIGITS) return [digits];
  const words = trimmed.split(/\s+/).filter((w) => [...w].length >= MIN_TERM);
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/** A LIKE pattern that finds `text` anywhere, its own % and _ taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
