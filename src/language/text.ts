/**
 * The tokens every parser reads: the citizen's text in NFC, cut into words and punctuation, each
 * word also folded (lowercase, no accents) by the one normalizer in src/cases/normalize-text.ts.
 * Offsets point into the original text, so a parser can quote what it found as it was written.
 */

import { foldText } from './normalize-text.js';

export interface Token {
  text: string;
  folded: string;
  start: number;
  end: number;
  word: boolean;
}

export interface Doc {
  original: string;
  tokens: Token[];
  /** All lowercase or ALL CAPS: capitals carry no information about names. */
  caseless: boolean;
}

const TOKEN_RE = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

export function prepare(text: string): Doc {
  const original = text.normalize('NFC');
  const folded = foldText(original);
  const tokens: Token[] = [];
  for (const m of original.matchAll(TOKEN_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    tokens.push({ text: m[0], folded: folded.slice(start, end), start, end, word: /^[\p{L}\p{M}\p{N}]/u.test(m[0]) });
  }
  return { original, tokens, caseless: original === original.toLowerCase() || original === original.toUpperCase() };
}

/** Citizens stretch words ("siii", "holaaa", "nooo"); both sides of a comparison get this. */
export function collapseRepeats(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/** Drops marks left after folding (emoji variation selectors, the keycap in "2️⃣") and stretched letters. */
export function plainWord(folded: string): string {
  return collapseRepeats(folded.replace(/\p{M}/gu, ''));
}

/** Folded, collapsed words; punctuation and emoji dropped. */
export function wordsOf(text: string): string[] {
  return prepare(text)
    .tokens.filter((t) => t.word)
    .map((t) => plainWord(t.folded))
    .filter((w) => w !== '');
}

export function isCapitalized(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

export function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

export function isLetterOrDigit(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** Whether `seq` occurs in `words` as consecutive whole words; with `prefix`, its last word may be a word's start. */
export function containsSequence(words: readonly string[], seq: readonly string[], prefix = false): boolean {
  if (seq.length === 0) return false;
  const last = seq.length - 1;
  for (let i = 0; i + seq.length <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < seq.length && ok; j++) {
      const w = words[i + j] as string;
      const s = seq[j] as string;
      ok = j === last && prefix ? w.startsWith(s) : w === s;
    }
    if (ok) return true;
  }
  return false;
}

/** A span found in a text: what it reads as, and where it is. */
export interface Found {
  value: string;
  start: number;
  end: number;
}

/** Caches what a parser derives from a pack (sets, sorted phrases, regexes), once per pack. */
export function perPack<P extends object, T>(derive: (pack: P) => T): (pack: P) => T {
  const cache = new WeakMap<P, T>();
  return (pack) => {
    let value = cache.get(pack);
    if (value === undefined) {
      value = derive(pack);
      cache.set(pack, value);
    }
    return value;
  };
}
