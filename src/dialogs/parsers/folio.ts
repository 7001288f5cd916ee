import { foldText } from '../../language/normalize-text.js';
import { defaultLanguagePack, type LanguagePack } from '../../language/language-pack.js';
import { perPack } from '../../language/text.js';

const FOLIO_SEP = '[\\s._/#-]{0,3}';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function folioPattern(prefix: string): RegExp {
  const p = escapeRegExp(foldText(prefix.normalize('NFC')));
  return new RegExp(`(?<![\\p{L}\\p{N}])${p}${FOLIO_SEP}(20\\d{2})[\\s._/-]{0,3}(\\d{1,6})(?!\\d)`, 'gu');
}

/** A citizen who remembers the number but not the prefix usually says so: "folio 2026-000123". */
const bareFolio = perPack((pack: LanguagePack) => {
  const cues = pack.folio.cues.map(escape).join('|');
  const numbers = pack.folio.numberWords.map(escape).join('|');
  const number = numbers ? `(?:(?:${numbers})\\.?\\s{0,3}|[#:]\\s{0,3})?` : '(?:[#:]\\s{0,3})?';
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${cues})\\s{0,3}${number}(20\\d{2})[\\s._/-]{0,3}(\\d{1,6})(?!\\d)`, 'gu');
});

export interface FolioSpan {
  year: string;
  seq: string;
  start: number;
  end: number;
}

/** Every folio in folded text, in order; the phone parser skips them. */
export function findFolios(folded: string, prefix: string, pack: LanguagePack = defaultLanguagePack()): FolioSpan[] {
  const out: FolioSpan[] = [];
  for (const re of [folioPattern(prefix), bareFolio(pack)]) {
    for (const m of folded.matchAll(re)) {
      const seq = m[2] as string;
      if (Number(seq) === 0) continue;
      out.push({ year: m[1] as string, seq, start: m.index, end: m.index + m[0].length });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * A folio such as "AC-2026-000123", also written "ac 2026 123", "AC-2026-123", "ac2026000123"
 * or "folio 2026-123"; returned as PREFIX-YYYY-NNNNNN.
 */
export function extractFolio(text: string, prefix = 'AC', pack: LanguagePack = defaultLanguagePack()): string | undefined {
  if (prefix.trim() === '') return undefined;
  const hit = findFolios(foldText(text.normalize('NFC')), prefix.trim(), pack)[0];
  return hit ? `${prefix.trim().toUpperCase()}-${hit.year}-${hit.seq.padStart(6, '0')}` : undefined;
}
