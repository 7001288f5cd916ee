import { normalizeText, tokenize } from '../language/normalize-text.js';

/**
 * `tokenize` (src/language/normalize-text.ts) split into clauses, in one pass over the
 * characters: what the classifier does first with every message, and, through its Unicode
 * regular expressions and NFKD, a fifth of the time it spent per message. The result is exactly
 * `tokenize`'s; a test compares the two on the corpus and on random text. Only characters whose
 * folding is known are handled here (Latin letters with accents, digits, punctuation); text with
 * anything else (emoji, other scripts) takes `tokenize` itself.
 */

/** Characters that end a clause, as the lexicon splits them (before folding). */
const CLAUSE_ENDS = new Set(['.', ';', ':', '!', '?', '¡', '¿', ',', '\n', '\r']);

const LETTER = 1;
const SEPARATOR = 2;
/** Up to the end of General Punctuation, so quotes, dashes and "…" keep the fast path. */
const LAST_KNOWN = 0x206f;

/**
 * Per code point up to General Punctuation: what `normalizeText`'s folding (NFKD, lowercase,
 * marks dropped) makes of it, computed with those very steps, so the table cannot drift from
 * them. Letters and digits that fold to one ASCII character are kept; characters that fold to
 * no letter or digit separate words; the rest (ß, ½, ĳ…) are left to `tokenize`.
 */
const kinds = new Uint8Array(LAST_KNOWN + 1);
const folded = new Array<string>(LAST_KNOWN + 1).fill('');
for (let code = 0; code <= LAST_KNOWN; code++) {
  const f = String.fromCharCode(code)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '');
  if (/^[a-z0-9]$/.test(f)) {
    kinds[code] = LETTER;
    folded[code] = f;
  } else if (!/[\p{L}\p{N}]/u.test(f)) kinds[code] = SEPARATOR;
}

/** Shorthand expansions ("xfa" → "por favor"), asked of `normalizeText` once per distinct word. */
const expansions = new Map<string, string[] | null>();
const MAX_EXPANSIONS = 50_000;

function expand(word: string, into: string[]): void {
  let expansion = expansions.get(word);
  if (expansion === undefined) {
    const normalized = normalizeText(word);
    expansion = normalized === word ? null : normalized ? normalized.split(' ') : [];
    if (expansions.size >= MAX_EXPANSIONS) expansions.clear();
    expansions.set(word, expansion);
  }
  if (expansion === null) into.push(word);
  else for (const w of expansion) into.push(w);
}

/**
 * The words of each clause of `text`, as `tokenize` gives them for the text between clause
 * marks (see `splitClauses` in lexicon-classifier.ts), or undefined when the text has a
 * character this fast path does not know.
 */
export function tokenizeClausesFast(text: string): string[][] | undefined {
  const clauses: string[][] = [];
  let clause: string[] = [];
  let word = '';
  let digits = false;
  // The current run of one letter: three or more of it become one ("holaaa" → "hola").
  let runChar = '';
  let runLength = 0;
  // One step past the end, to close the last word; no closures, as this runs for every message.
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    if (code > LAST_KNOWN || kinds[code] === 0) return undefined;
    if (kinds[code] === LETTER) {
      const ch = folded[code]!;
      if (ch === runChar) {
        runLength++;
        continue;
      }
      if (runLength > 0) word += runLength >= 3 ? runChar : runLength === 2 ? runChar + runChar : runChar;
      if (ch >= '0' && ch <= '9') {
        // Digits never run together: only repeated letters are shortened.
        word += ch;
        digits = true;
        runChar = '';
        runLength = 0;
      } else {
        runChar = ch;
        runLength = 1;
      }
      continue;
    }
    if (runLength > 0) word += runLength >= 3 ? runChar : runLength === 2 ? runChar + runChar : runChar;
    runChar = '';
    runLength = 0;
    if (word) {
      // No shorthand has a digit (the tests would say so), so numbers skip the lookup.
      if (digits) clause.push(word);
      else expand(word, clause);
    }
    word = '';
    digits = false;
    if (i < text.length && CLAUSE_ENDS.has(text[i]!) && clause.length > 0) {
      clauses.push(clause);
      clause = [];
    }
  }
  if (clause.length > 0) clauses.push(clause);
  return clauses;
}

/** The slow path, for text the fast one declines: `tokenize` between the clause marks. */
export function tokenizeClausesSlow(text: string): string[][] {
  const clauses: string[][] = [];
  for (const part of text.split(/[.;:!?¡¿,\n\r]+/)) {
    const tokens = tokenize(part);
    if (tokens.length > 0) clauses.push(tokens);
  }
  return clauses;
}
