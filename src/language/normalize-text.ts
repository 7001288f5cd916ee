/**
 * Text normalisation shared by the classifier and the dialog parsers. Citizens write from phones:
 * no accents or random ones, shouting, stretched words, emoji and chat shorthand. Folding all of
 * that away once lets every matcher compare plain lowercase ASCII-ish words.
 */

/**
 * Chat shorthand, matched only as whole tokens so "x" inside "xochimilco" is left alone. A lone
 * letter that really is part of an address ("calle 5 d") gets expanded too; that is rare enough
 * to accept; callers keep the citizen's original text for display anyway.
 */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['xfa', 'por favor'],
  ['xfavor', 'por favor'],
  ['porfa', 'por favor'],
  ['porfis', 'por favor'],
  ['porfavor', 'por favor'],
  ['plis', 'por favor'],
  ['q', 'que'],
  ['k', 'que'],
  ['ke', 'que'],
  ['qe', 'que'],
  ['pq', 'porque'],
  ['xq', 'porque'],
  ['xk', 'porque'],
  ['pk', 'porque'],
  ['porq', 'porque'],
  ['porke', 'porque'],
  ['xke', 'porque'],
  ['tb', 'tambien'],
  ['tmb', 'tambien'],
  ['tbn', 'tambien'],
  ['tmbn', 'tambien'],
  ['d', 'de'],
  ['x', 'por'],
  ['pa', 'para'],
  ['info', 'informacion'],
  ['hrs', 'horas'],
]);

/**
 * The one folding of case and accents. NFKD rather than NFD: it also folds the "bold" and
 * full-width letters people paste from social media, and ordinals like "5ª", into plain letters
 * and digits. It must come before lowercasing, as those styled letters have no lowercase form of
 * their own; marks are dropped after lowercasing, which can itself add one ("İ" → "i̇").
 */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '');
}

function foldUnit(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch;
  const folded = fold(ch);
  if (folded.length === 1) return folded;
  const lower = ch.toLowerCase();
  return lower.length === 1 ? lower : ch;
}

/**
 * `normalizeText`'s folding of case and accents, one UTF-16 unit for one: the result has the
 * length of the input, so an index into it is an index into the original. The dialog parsers
 * use it to find things (a folio, a phone) in folded text and quote them as the citizen wrote.
 */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldUnit(text[i] as string);
  return out;
}

/**
 * Lowercases, folds accents and compatibility forms, drops emoji and punctuation, shortens letters
 * stretched three or more times ("holaaaa" → "hola"), expands chat shorthand ("q" → "que") and
 * collapses whitespace. Pure, and idempotent on its own output.
 */
export function normalizeText(text: string): string {
  const folded = fold(text)
    // Everything that is not a letter or digit (punctuation, emoji, symbols) separates words.
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    // Only letters: repeated digits are meaningful ("1000", "2200").
    .replace(/(\p{L})\1{2,}/gu, '$1');
  const words: string[] = [];
  for (const word of folded.split(' ')) {
    if (word) words.push(ABBREVIATIONS.get(word) ?? word);
  }
  return words.join(' ');
}

/** The words of `normalizeText(text)`, in order. */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized ? normalized.split(' ') : [];
}
